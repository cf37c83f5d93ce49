"""Assessment evidence files are handled like training-record proofs: a random stored name,
the content checked against the extension, and a permission-checked download."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import Assessment
from competencies.services.assessments import assessment_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _rated(org, employee, evidence):
    return assessment_create(
        actor=org.hr, employee=employee, competency=org.m05, level=3,
        method=Assessment.Method.ASSESSMENT_CENTER, evidence=evidence,
    )  # fmt: skip


def test_evidence_is_stored_under_a_random_name(org):
    assessment = _rated(org, org.employee(), SimpleUploadedFile("rapor-budi-santoso.pdf", PDF))

    name = assessment.evidence.name
    assert name.startswith("assessments/") and name.endswith(".pdf")
    assert "rapor" not in name and "budi" not in name
    assert len(name.rsplit("/", 1)[1]) == len("0" * 32 + ".pdf")


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("hasil.pdf", b"<html><script>alert(1)</script></html>"),
        ("foto.png", b"\xff\xd8\xff\xe0 a jpeg named png"),
        ("hasil.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ],
)
def test_evidence_whose_content_is_not_what_its_name_says_is_refused(org, filename, content):
    employee = org.employee()

    with pytest.raises(ValidationError) as error:
        _rated(org, employee, SimpleUploadedFile(filename, content))

    assert "evidence" in error.value.message_dict
    assert not Assessment.objects.filter(employee=employee).exists()


def test_evidence_is_served_to_the_employee_and_hr_in_scope_only(org, client, home_page):
    inside, stranger = org.employee(unit=org.unit_a), org.employee(unit=org.unit_a)
    outside = org.employee(unit=org.unit_b)
    assessment = _rated(org, inside, SimpleUploadedFile("s.pdf", PDF))
    out_of_scope = _rated(org, outside, SimpleUploadedFile("s.pdf", PDF))
    url = reverse("competencies:assessment_evidence", args=[assessment.pk])

    client.force_login(stranger.user)
    assert client.get(url).status_code == 404
    client.force_login(inside.user)
    response = client.get(url)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="bukti-penilaian-{assessment.pk}.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF
    client.force_login(org.scoped_hr)
    assert client.get(url).status_code == 200
    other = reverse("competencies:assessment_evidence", args=[out_of_scope.pk])
    assert client.get(other).status_code == 404


def test_assessment_without_evidence_has_nothing_to_download(org, client, home_page):
    employee = org.employee()
    assessment = _rated(org, employee, None)
    client.force_login(employee.user)

    url = reverse("competencies:assessment_evidence", args=[assessment.pk])

    assert client.get(url).status_code == 404


def test_hr_decision_page_links_the_evidence_through_the_download_view(org, client, home_page):
    from competencies.services.assessments import assessment_submit

    assessment = assessment_submit(
        actor=org.hr,
        assessment=_rated(org, org.employee(), SimpleUploadedFile("s.pdf", PDF)),
    )
    client.force_login(org.hr)

    html = client.get(reverse("competencies_assessment:decide", args=[assessment.pk])).content

    assert reverse("competencies:assessment_evidence", args=[assessment.pk]).encode() in html
    assert assessment.evidence.url.encode() not in html
