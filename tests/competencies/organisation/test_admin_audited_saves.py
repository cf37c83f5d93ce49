"""Positions, competencies, HR scopes and draft assessments saved in the Wagtail admin go
through their services (competencies/services/), which save and write one audit entry
in the same transaction."""

from __future__ import annotations

from django.urls import reverse

from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from competencies.models import HRScope, Position
from competencies.services import audit
from competencies.services.hr_scopes import hr_scope_create
from competencies.services.positions import position_update
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _entries(instance):
    return list(ModelLogEntry.objects.for_instance(instance).order_by("pk"))


def _position_data(position_code: str, requirements: list[dict], *, initial: int = 0) -> dict:
    return nested_form_data(
        {
            "code": position_code,
            "name": "Analis Kebijakan",
            "kind": Position.Kind.PELAKSANA,
            "jenjang": "",
            "unit": "",
            "is_active": "on",
            "requirements": inline_formset(requirements, initial=initial),
        }
    )


def test_a_position_added_in_the_admin_keeps_its_standard_and_one_audit_entry(org, client):
    client.force_login(org.hr)

    response = client.post(
        reverse("competencies_position:add"),
        _position_data("ANALIS", [{"competency": org.m05.pk, "required_level": 3}]),
    )

    assert response.status_code == 302
    position = Position.objects.get(code="ANALIS")
    assert [(r.competency_id, r.required_level) for r in position.requirements.all()] == [
        (org.m05.pk, 3)
    ]
    assert [e.action for e in _entries(position)] == [audit.CREATE]


def test_changing_only_a_required_level_is_audited_and_an_unchanged_save_is_not(org, client):
    client.force_login(org.hr)
    position = org.head
    requirements = [
        {"id": r.pk, "competency": r.competency_id, "required_level": r.required_level}
        for r in position.requirements.order_by("pk")
    ]
    url = reverse("competencies_position:edit", args=[position.pk])
    data = _position_data("HEAD", requirements, initial=len(requirements))
    data["name"] = position.name
    data["kind"] = position.kind

    assert client.post(url, data).status_code == 302
    assert _entries(position) == []

    requirements[0]["required_level"] = 5
    data = _position_data("HEAD", requirements, initial=len(requirements))
    data["name"] = position.name
    data["kind"] = position.kind
    assert client.post(url, data).status_code == 302

    entries = _entries(position)
    assert [e.action for e in entries] == [audit.EDIT]
    assert position.requirements.order_by("pk").first().required_level == 5


def test_position_update_records_the_changed_fields(org):
    position = org.staff
    position.name = "Pengelola Layanan Publik"

    position_update(
        actor=org.hr,
        position=position,
        changes={"name": ["Pengelola Layanan", "Pengelola Layanan Publik"]},
        changed=True,
    )

    (entry,) = _entries(position)
    assert entry.action == audit.EDIT
    assert entry.data["changes"] == {"name": ["Pengelola Layanan", "Pengelola Layanan Publik"]}
    position.refresh_from_db()
    assert position.name == "Pengelola Layanan Publik"


def test_an_hr_scope_added_in_the_admin_is_audited(org, client):
    client.force_login(UserFactory(is_superuser=True))
    manager = UserFactory()

    response = client.post(
        reverse("competencies_hrscope:add"), {"user": manager.pk, "unit": org.unit_b.pk}
    )

    assert response.status_code == 302
    scope = HRScope.objects.get(user=manager)
    assert [e.action for e in _entries(scope)] == [audit.CREATE]


def test_hr_scope_create_saves_and_audits(org):
    manager = UserFactory()
    scope = hr_scope_create(actor=org.hr, scope=HRScope(user=manager, unit=org.unit_b))

    assert HRScope.objects.get(user=manager).unit == org.unit_b
    assert [(e.action, e.user_id) for e in _entries(scope)] == [(audit.CREATE, org.hr.pk)]
