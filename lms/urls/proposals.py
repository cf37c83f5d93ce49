"""Training-need proposals, under /learning/usulan/ (included before lms.urls)."""

from django.urls import path

from lms.views import proposals as views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("baru/", views.proposal_new, name="new"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/dukung/", views.proposal_support_view, name="support"),
]
