from __future__ import annotations

from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data

import pytest

from accounts.roles import Role
from competencies.models import Employee
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
    org, client, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS = []  # only the invitation here
    client.force_login(org.hr)
    data = nested_form_data(
        {
            "full_name": "Dimas Prakoso", "title_prefix": "", "title_suffix": "S.H.",
            "email": "dimas@uji.example", "nip": "19900101 201501 1 001",
            "birth_place": "Bontang",
            "employment_type": "PNS", "golongan": "31", "unit": org.unit_a.pk,
            "position": org.staff.pk, "supervisor": "", "joined_on": "2015-01-01",
        }
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("competencies_employee:add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    employee = Employee.objects.get(user__nip="199001012015011001")
    assert employee.user.email == "dimas@uji.example"
    assert (employee.birth_place, str(employee.birth_date)) == ("Bontang", "1990-01-01")
    assert [m.to for m in mailoutbox] == [["dimas@uji.example"]]  # the invitation, once


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
