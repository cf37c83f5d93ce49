"""Public transparency pages under /transparansi/: plain Django views rather than
routable Wagtail pages, because their content is computed (not edited), they must exist
on every install without an editor creating a page, and the permission matrix and the
cache key per year are simpler on fixed URLs. Included before Wagtail's catch-all."""

from django.urls import path

from lms.views import public as views

app_name = "public"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data.csv", views.data_csv, name="data_csv"),
    path("data.json", views.data_json, name="data_json"),
    path("kamus-data/", views.data_dictionary, name="data_dictionary"),
    path("akuntabilitas/", views.accountability, name="accountability"),
]
