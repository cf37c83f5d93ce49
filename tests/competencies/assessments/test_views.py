"""Assessment screens: HR decides in scope, the learner's profile and self-assessment,
the supervisor's rating form."""

from __future__ import annotations

from django.urls import reverse

import pytest

from competencies.models import Assessment
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_scoped_hr_manager_gets_404_for_assessments_outside(org, client):
    outside = org.employee(unit=org.unit_b)
    rating = Assessment.objects.create(
        employee=outside, competency=org.m05, level=2, method="test",
        assessed_on="2026-01-01", status="submitted",
    )  # fmt: skip
    client.force_login(org.scoped_hr)

    assert (
        client.get(reverse("competencies_assessment:decide", args=[rating.pk])).status_code == 404
    )
    client.force_login(org.hr)
    assert (
        client.get(reverse("competencies_assessment:decide", args=[rating.pk])).status_code == 200
    )


def test_hr_approves_through_the_decide_screen(org, client):
    employee = org.employee()
    rating = Assessment.objects.create(
        employee=employee, competency=org.m05, level=2, method="supervisor",
        assessed_on="2026-01-01", status="submitted",
    )  # fmt: skip
    client.force_login(org.hr)

    response = client.post(
        reverse("competencies_assessment:decide", args=[rating.pk]), {"approve": "1", "note": ""}
    )

    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.status == Assessment.Status.APPROVED


# LEARNER AND SUPERVISOR PAGES ---------------------------------------------------------------


def test_profile_shows_chart_table_and_pending(org, client, home_page):
    employee = org.employee()
    Assessment.objects.create(
        employee=employee, competency=org.m05, level=1, method="test",
        assessed_on="2026-01-01", status="approved",
    )  # fmt: skip
    client.force_login(employee.user)
    client.post(
        reverse("competencies:self_assessment"),
        {"competency": org.m01.pk, "level": 2, "note": "Saya jujur."},
    )

    html = client.get(reverse("competencies:profile")).content.decode()

    assert '<svg role="img"' in html
    assert "<caption>Kesenjangan kompetensi</caption>" in html
    assert "Menunggu persetujuan" in html
    assert Assessment.objects.get(method="self").status == Assessment.Status.SUBMITTED


def test_profile_without_an_employee_record_explains_why(client, home_page, db):
    client.force_login(UserFactory())

    response = client.get(reverse("competencies:profile"))

    assert response.status_code == 200
    assert "belum terhubung" in response.content.decode()


def test_supervisor_rates_a_report_by_url_but_not_someone_else(org, client, home_page):
    boss = org.employee(position=org.head)
    member = org.employee()
    member.supervisor = boss
    member.save()
    stranger = org.employee(unit=org.unit_b)
    client.force_login(boss.user)

    assert client.get(reverse("competencies:rate_employee", args=[stranger.pk])).status_code == 404
    response = client.post(
        reverse("competencies:rate_employee", args=[member.pk]),
        {"competency": org.m05.pk, "level": 3, "note": ""},
    )
    assert response.status_code == 302
    assert Assessment.objects.get(employee=member).method == Assessment.Method.SUPERVISOR
    assert member.display_name in client.get(reverse("competencies:team")).content.decode()


def test_competency_pages_need_sign_in(client, db):
    response = client.get(reverse("competencies:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_rating_form_shows_current_and_required_level_and_level_descriptions(
    org, client, home_page
):
    from competencies.models import ProficiencyLevel

    boss = org.employee(position=org.head)
    member = org.employee()  # staff: M.05 required at level 2
    member.supervisor = boss
    member.save()
    Assessment.objects.create(
        employee=member, competency=org.m05, level=1, method="test",
        assessed_on="2026-01-01", status="approved",
    )  # fmt: skip
    ProficiencyLevel.objects.create(
        competency=org.m05, level=2, description_id="Melayani dengan ramah dan tepat waktu."
    )
    client.force_login(boss.user)
    client.cookies["django_language"] = "en"  # the new msgids' Indonesian comes with the .po

    html = client.get(reverse("competencies:rate_employee", args=[member.pk])).content.decode()

    guide = html[html.index('class="rating-guide"') :]
    assert "Pelayanan Publik" in guide
    assert "Current level: 1" in guide
    assert "Required level: 2" in guide
    assert "Melayani dengan ramah dan tepat waktu." in guide
