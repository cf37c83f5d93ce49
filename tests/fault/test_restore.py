"""A database restored from an older dump must not give a certificate number issued after
the dump to a second person. A real `pg_dump` of the test database, certificates issued
after it, a real `pg_restore --clean`, then `manage.py certificates_after_restore`
(docs/deployment.md, "Backup and restore"): the next certificate gets a number above
everything ever issued."""

from __future__ import annotations

import io
import shutil
import subprocess

from django.core.management import call_command
from django.db import connection

import pytest

from lms.models import Certificate, CertificateSequence
from lms.services.certificates import certificate_issue
from tests.conftest import service_unavailable
from tests.factories.accounts import UserFactory
from tests.lms.certificates.conftest import complete
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]


@pytest.fixture
def pg_tools(settings, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        service_unavailable("needs PostgreSQL (DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        service_unavailable("pg_dump and pg_restore are not on the PATH")
    completion_hooks_only(monkeypatch)
    settings.LMS_CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.pem")
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    args += ["--username", db["USER"] or "postgres", "--dbname", db["NAME"]]
    return args


def _issue(course) -> Certificate:
    certificate = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)
    assert certificate is not None
    return certificate


def test_after_restoring_an_older_dump_no_certificate_number_is_handed_out_twice(
    pg_tools, certificate_course, tmp_path
):
    course, _lesson = certificate_course
    _issue(course)
    dump = tmp_path / "asn.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), *pg_tools], check=True)
    after_dump = [_issue(course), _issue(course)]  # handed to their holders, then the fault
    high_water = max(c.sequence for c in after_dump)
    year = after_dump[0].year

    connection.close()
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *pg_tools,
            str(dump),
        ],
        check=True,
        capture_output=True,
    )

    # The restored database knows neither certificate and would hand out their numbers.
    assert not Certificate.objects.filter(code__in=[c.code for c in after_dump]).exists()
    assert CertificateSequence.objects.get(year=year).last == high_water - len(after_dump)

    out = io.StringIO()
    call_command("certificates_after_restore", "--margin", "0", stdout=out)

    assert all(c.code in out.getvalue() for c in after_dump)
    following = _issue(course)
    assert following.sequence == high_water + 1
    assert following.number not in {c.number for c in after_dump}
