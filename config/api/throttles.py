from __future__ import annotations

from django.conf import settings

from rest_framework.throttling import UserRateThrottle


class ApiUserThrottle(UserRateThrottle):
    """Requests per token user (per client address before authentication), at
    settings.API_THROTTLE_RATE, read per request so that tests and deployments change it."""

    scope = "api"

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATE or None
