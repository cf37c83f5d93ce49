from lms.models.assignments import (
    Assignment,
    AssignmentDueExtension,
    AssignmentRecipient,
    AssignmentRule,
    TrainingProposal,
)
from lms.models.certificates import (
    Certificate,
    CertificateBulkJob,
    CertificateSequence,
    CertificateSigningJob,
)
from lms.models.classroom import (
    Attendance,
    Batch,
    BatchUnitQuota,
    FundingPattern,
    Nomination,
    Session,
    Trainer,
)
from lms.models.classroom_evaluation import (
    BatchEvaluation,
    BatchEvaluationReceipt,
    TrainerEvaluation,
)
from lms.models.development_plan import PlanItemBatch, PlanItemCourse
from lms.models.enrolments import CourseEvaluation, Enrolment, LessonProgress
from lms.models.h5p import H5pLessonPage, H5pPackage, H5pResult
from lms.models.heartbeat import WorkerHeartbeat
from lms.models.pages import (
    CourseCompetency,
    CourseIndexPage,
    CoursePage,
    HomePage,
    HomePageFeaturedCourse,
    LessonPage,
    NewsIndexPage,
    NewsPage,
    QuizPage,
)
from lms.models.proposals import TrainingNeedProposal, TrainingNeedSupport
from lms.models.quizzes import AttemptAnswer, Choice, Question, QuizAttempt
from lms.models.scorm import ScormAttempt, ScormLessonPage, ScormPackage
from lms.models.xapi import XapiStatement

__all__ = [
    "PlanItemBatch",
    "PlanItemCourse",
    "Attendance",
    "Batch",
    "BatchEvaluation",
    "BatchEvaluationReceipt",
    "BatchUnitQuota",
    "FundingPattern",
    "Nomination",
    "Session",
    "Trainer",
    "TrainerEvaluation",
    "WorkerHeartbeat",
    "Assignment",
    "AssignmentDueExtension",
    "AssignmentRecipient",
    "AssignmentRule",
    "TrainingProposal",
    "AttemptAnswer",
    "Certificate",
    "CertificateBulkJob",
    "CertificateSigningJob",
    "CertificateSequence",
    "Choice",
    "CourseCompetency",
    "CourseEvaluation",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "HomePage",
    "HomePageFeaturedCourse",
    "NewsIndexPage",
    "NewsPage",
    "TrainingNeedProposal",
    "TrainingNeedSupport",
    "LessonPage",
    "LessonProgress",
    "Question",
    "QuizAttempt",
    "QuizPage",
    "H5pLessonPage",
    "H5pPackage",
    "H5pResult",
    "ScormAttempt",
    "ScormLessonPage",
    "ScormPackage",
    "XapiStatement",
]
