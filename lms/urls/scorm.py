"""/learning/scorm/: a SCORM package's files and the runtime's commits (docs/scorm.md)."""

from django.urls import path

from lms.views import scorm as views

app_name = "scorm"

urlpatterns = [
    path("attempts/<uuid:uuid>/commit/", views.scorm_commit, name="commit"),
    path("p/<str:token>/<path:path>", views.scorm_file, name="file"),
]
