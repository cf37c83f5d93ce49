"""Certificates: signed credentials, key publication, bulk ZIP, re-rendering,
transcripts (docs/certificates.md)."""

from __future__ import annotations

from tests.security.url_expectations import (
    ADMIN_HOME,
    LOGIN,
    NOT_FOUND,
    OK,
    Expect,
    everyone,
    row,
    signed_in,
)

EXPECTATIONS = {
    # Public, no login: the signed credential and its status (unknown code: 404), the
    # published keys.
    "verify:credential_jwt": Expect(everyone(NOT_FOUND), kwargs={"code": "tidak-ada"}),
    "verify:credential_status": Expect(everyone(NOT_FOUND), kwargs={"code": "tidak-ada"}),
    "verify:keys": Expect(everyone(OK)),
    # The PDF signature check (unknown code: 404) and the published signing chain.
    "verify:pdf": Expect(everyone(NOT_FOUND), kwargs={"code": "tidak-ada"}),
    "verify:signing_chain": Expect(everyone(OK)),
    "did_document": Expect(everyone(OK)),
    # Transcripts: one's own (the visitors have no employee record: the "no record"
    # page); someone else's only for the employee, supervisor, HR in scope, admins.
    "competencies:transcript": Expect(signed_in()),
    # Like the page: without an employee record, the "no employee record" page (200).
    "competencies:transcript_pdf": Expect(signed_in()),
    "competencies:transcript_for": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    "competencies:transcript_pdf_for": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    # HR admin (Wagtail admin): bulk ZIP for HR; re-rendering for administrators.
    "lms_certificates:bulk_create": Expect(row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, OK, OK)),
    "lms_certificates:bulk_detail": Expect(
        row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, NOT_FOUND, NOT_FOUND), kwargs={"job_id": 999999}
    ),
    "lms_certificates:bulk_status": Expect(
        row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, NOT_FOUND, NOT_FOUND), kwargs={"job_id": 999999}
    ),
    "lms_certificates:bulk_download": Expect(
        row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, NOT_FOUND, NOT_FOUND), kwargs={"job_id": 999999}
    ),
    "lms_certificates:regenerate": Expect(row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, ADMIN_HOME, OK)),
    # The signer's queue: the `lms.sign_certificate` permission (the Kepala) and admins.
    "lms_certificates:sign_queue": Expect(row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, ADMIN_HOME, OK)),
    "lms_certificates:sign_preview": Expect(
        row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, ADMIN_HOME, NOT_FOUND), kwargs={"pk": 999999}
    ),
    "lms_certificates:sign_job": Expect(
        row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, ADMIN_HOME, NOT_FOUND), kwargs={"job_id": 999999}
    ),
    "lms_certificates:sign_job_status": Expect(
        row(LOGIN, LOGIN, LOGIN, ADMIN_HOME, ADMIN_HOME, NOT_FOUND), kwargs={"job_id": 999999}
    ),
}
