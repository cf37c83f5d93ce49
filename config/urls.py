from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from competencies.admin_views.base import site_history_urls
from config import views
from lms.views import certificates as lms_certificate_views

# /health/ answers JSON even when a middleware fails before the view (config/views.py).
handler500 = "config.views.server_error"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("kompetensi/", include("competencies.urls")),
    # One sign-in page for the whole portal, so rate limits and MFA apply everywhere.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    # Wagtail's front-end login for private pages is Django's plain LoginView, which would
    # skip allauth's rate limits and MFA; it must come before wagtail_urls below.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("django-admin/", admin.site.urls),
    # Wagtail's Site history report, open only to those who see the whole organisation
    # (docs/security.md, "Page privacy and Wagtail's built-in views"); before Wagtail's.
    *site_history_urls(),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("learning/usulan/", include("lms.urls.proposals")),
    path("learning/scorm/", include("lms.urls.scorm")),
    path("learning/kelas/evaluasi/", include("lms.urls.classroom_evaluations")),
    path("learning/h5p/", include("lms.urls.h5p")),
    path("learning/kelas/", include("lms.urls.classroom")),
    path("learning/idp/", include("lms.urls.idp")),
    path("learning/", include("lms.urls.learning")),
    path("verify/", include("lms.urls.verify")),
    path("transparansi/", include("lms.urls.public")),
    path("api/v1/", include("config.api.urls")),  # docs/api.md
    # The certificate issuer's did:web document (docs/certificates.md, signed credentials).
    path(".well-known/did.json", lms_certificate_views.did_document, name="did_document"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page serving is the catch-all and must stay last.
    path("", include(wagtail_urls)),
]
