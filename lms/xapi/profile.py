"""The portal's xAPI profile (docs/xapi.md): the verbs, activity types and extensions
its statements use. ADL and registry IRIs where one fits; the portal's own ones (a
revocation, a certificate, JP) live under `<portal>/xapi/`."""

from __future__ import annotations

XAPI_VERSION = "1.0.3"

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

# key: (IRI or a path under the portal's /xapi/, display name in en-US)
VERBS: dict[str, tuple[str, str]] = {
    "registered": (ADL_VERBS + "registered", "registered"),
    "experienced": (ADL_VERBS + "experienced", "experienced"),
    "completed": (ADL_VERBS + "completed", "completed"),
    "attempted": (ADL_VERBS + "attempted", "attempted"),
    "passed": (ADL_VERBS + "passed", "passed"),
    "failed": (ADL_VERBS + "failed", "failed"),
    "attended": (ADL_VERBS + "attended", "attended"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned"),
    "revoked": ("verbs/revoked", "revoked"),
}

ACTIVITY_TYPES: dict[str, str] = {
    "course": ADL_ACTIVITIES + "course",
    "lesson": ADL_ACTIVITIES + "lesson",
    "assessment": ADL_ACTIVITIES + "assessment",
    "meeting": ADL_ACTIVITIES + "meeting",
    "certificate": "activity-types/certificate",
}

# Result extensions, under the portal's /xapi/.
EXTENSION_JP = "extensions/jp"
EXTENSION_ATTENDANCE_STATUS = "extensions/attendance-status"
EXTENSION_REVOCATION_CATEGORY = "extensions/revocation-category"
EXTENSION_CERTIFICATE_NUMBER = "extensions/certificate-number"


def profile_iri(base_url: str, value: str) -> str:
    """An IRI of the profile: absolute ones as they are, the portal's own under
    `<base_url>/xapi/`."""
    if value.startswith(("http://", "https://")):
        return value
    return f"{base_url.rstrip('/')}/xapi/{value}"
