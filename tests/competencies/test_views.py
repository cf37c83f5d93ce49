from __future__ import annotations

from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data

import pytest

from accounts.roles import Role
from competencies.models import Assessment, Employee
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


# HR SCOPE BY URL ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "competencies_employee:edit",
        "competencies_employee:history",
        "competencies_employee:deactivate",
    ],
)
def test_scoped_hr_manager_gets_404_for_an_employee_outside_their_subtree(org, client, url_name):
    inside = org.employee(unit=org.unit_a)
    outside = org.employee(unit=org.unit_b)
    client.force_login(org.scoped_hr)

    assert client.get(reverse(url_name, args=[inside.pk])).status_code == 200
    assert client.get(reverse(url_name, args=[outside.pk])).status_code == 404


def test_scoped_hr_manager_cannot_post_changes_outside_their_subtree(org, client):
    outside = org.employee(unit=org.unit_b)
    client.force_login(org.scoped_hr)

    response = client.post(reverse("competencies_employee:deactivate", args=[outside.pk]))

    assert response.status_code == 404
    outside.refresh_from_db()
    assert outside.is_active


def test_scoped_listing_shows_only_the_subtree(org, client):
    org.employee(unit=org.unit_a, full_name="Terlihat Sekali")
    org.employee(unit=org.unit_b, full_name="Tersembunyi Sekali")
    client.force_login(org.scoped_hr)

    html = client.get(reverse("competencies_employee:index")).content.decode()

    assert "Terlihat Sekali" in html
    assert "Tersembunyi Sekali" not in html


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


def test_learners_and_trainers_cannot_open_the_hr_screens(org, client):
    employee = org.employee()
    for role in (Role.PESERTA, Role.PELATIH):
        client.force_login(UserFactory(roles=[role]))
        for url in (
            reverse("competencies_employee:index"),
            reverse("competencies_employee:edit", args=[employee.pk]),
            reverse("competencies_gap_report"),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), (role, url, response.status_code)


def test_nobody_can_delete_an_employee_through_the_admin(org, client):
    employee = org.employee()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(reverse("competencies_employee:delete", args=[employee.pk]))

    assert response.status_code in (302, 403)
    assert Employee.objects.filter(pk=employee.pk).exists()


# ADMIN FORMS THROUGH THE SERVICES ----------------------------------------------------------


def test_hr_creates_an_employee_through_the_admin_form(
    org, client, django_capture_on_commit_callbacks, settings
):
    settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS = []  # only the invitation here
    client.force_login(org.hr)
    data = nested_form_data(
        {
            "full_name": "Dimas Prakoso", "title_prefix": "", "title_suffix": "S.H.",
            "email": "dimas@uji.example", "nip": "19900101 201501 1 001",
            "employment_type": "PNS", "golongan": "31", "unit": org.unit_a.pk,
            "position": org.staff.pk, "supervisor": "", "joined_on": "2015-01-01",
        }
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("competencies_employee:add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    employee = Employee.objects.get(user__nip="199001012015011001")
    assert employee.user.email == "dimas@uji.example"
    assert len(callbacks) == 1


def test_admin_form_shows_nip_errors_in_the_language_of_the_page(org, client):
    client.force_login(org.hr)
    data = {
        "full_name": "Salah", "email": "salah@uji.example", "nip": "199001012015011000",
        "employment_type": "PNS", "golongan": "", "unit": org.unit_a.pk, "position": "",
        "supervisor": "", "joined_on": "",
    }  # fmt: skip

    response = client.post(reverse("competencies_employee:add"), data)

    assert response.status_code == 200
    assert "tidak boleh 000" in response.content.decode()
    assert not Employee.objects.filter(full_name="Salah").exists()


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


def test_gap_report_renders_for_hr(org, client):
    org.employee()
    client.force_login(org.hr)

    response = client.get(reverse("competencies_gap_report"), {"position": org.staff.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dinas Uji" in html and "M.05" in html


def test_gap_heatmap_has_a_legend_and_scrolls_instead_of_cutting(org, client):
    org.employee()
    client.force_login(org.hr)

    html = client.get(reverse("competencies_gap_report")).content.decode()

    legend = html[html.index('class="gap-legend"') :]
    for shade in ("gap-0", "gap-1", "gap-2", "gap-3"):
        assert shade in legend
    # The table scrolls in its own box (keyboard-reachable) instead of being clipped.
    assert '<div class="gap-heatmap-scroll" tabindex="0"' in html
    assert ".gap-heatmap-scroll { overflow-x: auto" in html


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
