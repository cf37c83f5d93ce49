"""/api/v1/ (docs/api.md). Read-only endpoints for HR systems, the OpenAPI 3 schema and
its Swagger UI (served from drf-spectacular-sidecar's static files, no CDN)."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from competencies.api import (
    AssessmentViewSet,
    ComplianceView,
    EmployeeViewSet,
    SiasnDiklatView,
    SiasnKursusView,
    TrainingRecordViewSet,
)
from lms.api import (
    CertificateViewSet,
    ClassroomAttendanceViewSet,
    ClassroomBatchViewSet,
    ClassroomParticipantViewSet,
    ClassroomSessionViewSet,
)

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("employees", EmployeeViewSet, basename="employee")
router.register("training-records", TrainingRecordViewSet, basename="training-record")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("classroom/batches", ClassroomBatchViewSet, basename="classroom-batch")
router.register("classroom/sessions", ClassroomSessionViewSet, basename="classroom-session")
router.register(
    "classroom/participants", ClassroomParticipantViewSet, basename="classroom-participant"
)
router.register("classroom/attendance", ClassroomAttendanceViewSet, basename="classroom-attendance")

urlpatterns = [
    path("", include(router.urls)),
    path("compliance/", ComplianceView.as_view(), name="compliance"),
    path("siasn/kursus/", SiasnKursusView.as_view(), name="siasn-kursus"),
    path("siasn/diklat/", SiasnDiklatView.as_view(), name="siasn-diklat"),
    # The schema lists endpoints, never data: it is public, like the docs page.
    path(
        "schema/",
        SpectacularAPIView.as_view(
            permission_classes=[AllowAny], authentication_classes=[], throttle_classes=[]
        ),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            template_name="api/swagger_ui.html",
            permission_classes=[AllowAny],
            authentication_classes=[],
            throttle_classes=[],
        ),
        name="docs",
    ),
]
