"""/learning/scorm/: a SCORM package's files, the runtime's commits and the trainer's
report of attempts (docs/scorm.md)."""

from django.urls import path

from lms.views import scorm as views

app_name = "scorm"

urlpatterns = [
    path("attempts/<uuid:uuid>/commit/", views.scorm_commit, name="commit"),
    path("p/<str:token>/<path:path>", views.scorm_file, name="file"),
    # Only on the content origin (settings.LMS_PACKAGE_CONTENT_ORIGIN, lms.content_origin).
    path("c/<str:capability>/", views.scorm_content_player, name="content_player"),
    path("f/<str:capability>/<path:path>", views.scorm_content_file, name="content_file"),
    path(
        "reports/courses/<int:course_id>/lessons/<int:lesson_id>/",
        views.scorm_report,
        name="report",
    ),
    path(
        "reports/courses/<int:course_id>/lessons/<int:lesson_id>/export.csv",
        views.scorm_report_export,
        name="report_export",
    ),
]
