"""Public certificate verification: /verify/ (by number and name), /verify/<code>/
(HTML, or JSON with Accept: application/json) and its Open Badges 3.0 credential."""

from django.urls import path

from lms import views_certificates

app_name = "verify"

urlpatterns = [
    path("", views_certificates.verify_search, name="search"),
    path("<str:code>/", views_certificates.verify_detail, name="detail"),
    path(
        "<str:code>/credential.json",
        views_certificates.verify_credential,
        name="credential",
    ),
]
