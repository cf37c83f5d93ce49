"""/learning/h5p/: an H5P package's files, its player frame and the player's xAPI
statements (docs/h5p.md)."""

from django.urls import path

from lms.views import h5p as views

app_name = "h5p"

urlpatterns = [
    path("lessons/<int:lesson_id>/xapi/", views.h5p_xapi, name="xapi"),
    path("play/<str:token>/", views.h5p_player, name="player"),
    path("p/<str:token>/<path:path>", views.h5p_file, name="file"),
    # Only on the content origin (settings.LMS_PACKAGE_CONTENT_ORIGIN, lms.content_origin).
    path("c/<str:capability>/", views.h5p_content_player, name="content_player"),
    path("f/<str:capability>/<path:path>", views.h5p_content_file, name="content_file"),
]
