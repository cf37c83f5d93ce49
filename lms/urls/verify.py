"""Public certificate verification: /verify/ (by number and name), /verify/<code>/
(HTML, or JSON with Accept: application/json) and its Open Badges 3.0 credential."""

from django.urls import path

from lms.views import certificates as views_certificates

app_name = "verify"

urlpatterns = [
    path("", views_certificates.verify_search, name="search"),
    path("keys.json", views_certificates.verify_keys, name="keys"),
    path("signing-chain.pem", views_certificates.verify_signing_chain, name="signing_chain"),
    path("<str:code>/", views_certificates.verify_detail, name="detail"),
    path("<str:code>/pdf/", views_certificates.verify_pdf, name="pdf"),
    path(
        "<str:code>/credential.json",
        views_certificates.verify_credential,
        name="credential",
    ),
    path(
        "<str:code>/credential.jwt",
        views_certificates.verify_credential_jwt,
        name="credential_jwt",
    ),
    path(
        "<str:code>/status.json",
        views_certificates.verify_credential_status,
        name="credential_status",
    ),
]
