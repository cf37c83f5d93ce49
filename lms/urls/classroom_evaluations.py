"""The batch evaluation on the portal, under /learning/kelas/evaluasi/ (docs/classroom.md)."""

from django.urls import path

from lms.views import classroom_evaluations as views

app_name = "classroom_evaluation"

urlpatterns = [
    path("angkatan/<int:pk>/", views.evaluate, name="form"),
    path("angkatan/<int:pk>/hasil/", views.results, name="results"),
    path("pengajar/", views.my_ratings, name="trainer"),
]
