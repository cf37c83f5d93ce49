"""/api/v1/ (docs/api.md). The data endpoints accept only `Authorization: Token ...`:
the matrix visitors are signed in by session, so every one of them gets 401 (a service
account's token is tested in tests/api/). The schema and its docs page are public."""

from __future__ import annotations

from tests.security.url_expectations import OK, Expect, Outcome, everyone

UNAUTHENTICATED = Outcome(401)

EXPECTATIONS = {
    "api:employee-list": Expect(everyone(UNAUTHENTICATED)),
    "api:employee-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:training-record-list": Expect(everyone(UNAUTHENTICATED)),
    "api:training-record-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:certificate-list": Expect(everyone(UNAUTHENTICATED)),
    "api:certificate-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:certificate-pdf": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:assessment-list": Expect(everyone(UNAUTHENTICATED)),
    "api:assessment-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:compliance": Expect(everyone(UNAUTHENTICATED)),
    "api:siasn-kursus": Expect(everyone(UNAUTHENTICATED)),
    "api:siasn-diklat": Expect(everyone(UNAUTHENTICATED)),
    "api:classroom-batch-list": Expect(everyone(UNAUTHENTICATED)),
    "api:classroom-batch-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:classroom-session-list": Expect(everyone(UNAUTHENTICATED)),
    "api:classroom-session-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:classroom-participant-list": Expect(everyone(UNAUTHENTICATED)),
    "api:classroom-participant-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:classroom-attendance-list": Expect(everyone(UNAUTHENTICATED)),
    "api:classroom-attendance-detail": Expect(everyone(UNAUTHENTICATED), kwargs={"pk": 999999}),
    "api:schema": Expect(everyone(OK)),
    "api:docs": Expect(everyone(OK)),
}
