from django.urls import path

from lms.views import certificates as views_certificates
from lms.views import learning as views
from lms.views import team as team_views
from lms.views import trainer as trainer_views

app_name = "lms"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("courses/<int:course_id>/enrol/", views.course_enrol, name="enrol"),
    path("courses/<int:course_id>/resume/", views.course_resume, name="resume"),
    path("courses/<int:course_id>/evaluation/", views.course_evaluation, name="evaluation"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("quizzes/<int:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<uuid:attempt_uuid>/", views.attempt_detail, name="attempt"),
    path("trainer/", trainer_views.trainer_courses, name="trainer_courses"),
    path(
        "trainer/courses/<int:course_id>/",
        trainer_views.trainer_course_report,
        name="trainer_course",
    ),
    path(
        "trainer/courses/<int:course_id>/export.csv",
        trainer_views.trainer_course_export,
        name="trainer_course_export",
    ),
    path(
        "trainer/courses/<int:course_id>/essays/",
        trainer_views.trainer_essay_queue,
        name="trainer_essays",
    ),
    path(
        "trainer/answers/<int:answer_id>/grade/",
        trainer_views.trainer_essay_grade,
        name="trainer_essay_grade",
    ),
    path(
        "trainer/enrolments/<int:enrolment_id>/decide/",
        trainer_views.trainer_enrolment_decide,
        name="trainer_enrolment_decide",
    ),
    path(
        "certificates/<str:code>/download/",
        views_certificates.certificate_download,
        name="certificate_download",
    ),
    path("tim/", team_views.team, name="team"),
    path("tim/penugasan/<int:recipient_id>/ingatkan/", team_views.team_nudge, name="team_nudge"),
    path("tim/<int:employee_id>/usulkan/", team_views.team_propose, name="team_propose"),
]
