"""Statement builders: plain values in, an xAPI 1.0.3 statement (a JSON-ready dict) out.

Every statement's id is a name-based UUID (version 5) of the portal's address and a key
naming the event ("enrolment:12:registered"), so recording or sending one event twice
gives the same id, and the LRS keeps one statement (xAPI 1.0.3, part three, 2.1.1: a
statement id that is already stored is not stored again)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from lms.xapi.profile import ACTIVITY_TYPES, VERBS, XAPI_VERSION, profile_iri

# Fixed for ever: changing it would change every statement id.
NAMESPACE = uuid.UUID("0b7c6f57-3c1d-5b8e-9a44-3f1f2b4a6e21")


@dataclass(frozen=True)
class Activity:
    """An activity: its id is the portal's URL of the thing (absolute)."""

    id: str
    type: str  # a key of profile.ACTIVITY_TYPES
    name: str

    def as_object(self, *, base_url: str, language: str) -> dict[str, Any]:
        return {
            "objectType": "Activity",
            "id": self.id,
            "definition": {
                "type": profile_iri(base_url, ACTIVITY_TYPES[self.type]),
                "name": {language: self.name or self.id},
            },
        }


def statement_id(*, base_url: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{base_url.rstrip('/')}|{key}"))


def registration_id(*, base_url: str, enrolment_id: int) -> str:
    """The xAPI registration of an enrolment (one learner's one cycle of one course)."""
    return statement_id(base_url=base_url, key=f"registration:{enrolment_id}")


def pseudonym(*, secret: str, user_id: int) -> str:
    """A stable pseudonymous account name: HMAC-SHA256 of the user id (hex). The same
    user gets the same name while the secret stays; nobody can turn it back into the
    user without the secret."""
    return hmac.new(secret.encode(), f"user:{user_id}".encode(), hashlib.sha256).hexdigest()


def agent_account(*, home_page: str, name: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}


def agent_mbox(*, email: str) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{email}"}


def duration(seconds: int) -> str:
    """ISO 8601 duration, as xAPI wants it."""
    return f"PT{max(0, int(seconds))}S"


def score(*, raw: Decimal, maximum: Decimal) -> dict[str, Any]:
    scaled = (raw / maximum) if maximum else Decimal(0)
    return {
        "raw": float(raw),
        "min": 0.0,
        "max": float(maximum),
        "scaled": round(float(max(Decimal(-1), min(Decimal(1), scaled))), 4),
    }


def timestamp(when: datetime) -> str:
    """UTC with milliseconds: what an LRS stores back unchanged."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def statement_build(
    *,
    base_url: str,
    key: str,
    actor: dict[str, Any],
    verb: str,
    activity: Activity,
    when: datetime,
    language: str,
    platform: str,
    parent: Activity | None = None,
    registration: str | None = None,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    verb_iri, verb_name = VERBS[verb]
    context: dict[str, Any] = {"platform": platform, "language": language}
    if registration:
        context["registration"] = registration
    if parent is not None:
        context["contextActivities"] = {
            "parent": [parent.as_object(base_url=base_url, language=language)]
        }
    statement: dict[str, Any] = {
        "id": statement_id(base_url=base_url, key=key),
        "actor": actor,
        "verb": {"id": profile_iri(base_url, verb_iri), "display": {"en-US": verb_name}},
        "object": activity.as_object(base_url=base_url, language=language),
        "context": context,
        "timestamp": timestamp(when),
        "version": XAPI_VERSION,
    }
    if result:
        statement["result"] = {
            k: ({profile_iri(base_url, e): v for e, v in val.items()} if k == "extensions" else val)
            for k, val in result.items()
        }
    return statement
