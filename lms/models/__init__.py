from lms.models.enrolments import CourseEvaluation, Enrolment, LessonProgress
from lms.models.pages import (
    SIASN_DEVELOPMENT_TYPES,
    CourseCompetency,
    CourseIndexPage,
    CoursePage,
    HomePage,
    LessonPage,
    QuizPage,
)
from lms.models.quizzes import AttemptAnswer, Choice, Question, QuizAttempt

__all__ = [
    "SIASN_DEVELOPMENT_TYPES",
    "AttemptAnswer",
    "Choice",
    "CourseCompetency",
    "CourseEvaluation",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "HomePage",
    "LessonPage",
    "LessonProgress",
    "Question",
    "QuizAttempt",
    "QuizPage",
]
