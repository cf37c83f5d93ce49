"""Kompetensi pemerintahan: an optional fourth kind of competency for regional governments
(UU 23/2014 art. 233(4); Permendagri 11/2018 — ../shared/DOMAIN.md §7), off unless the
agency turns it on in its settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest

from competencies.models import AgencySettings, Competency
from tests.factories.competencies import CompetencyFactory

pytestmark = pytest.mark.django_db


def _competency(kind: str) -> Competency:
    return Competency(code="P.01", name_id="Otonomi Daerah", kind=kind)


def _settings(*, enabled: bool) -> AgencySettings:
    from wagtail.models import Site

    settings = AgencySettings.for_site(Site.objects.get(is_default_site=True))
    settings.government_competencies_enabled = enabled
    settings.save()
    return settings


def test_pemerintahan_is_a_kind_of_competency():
    assert Competency.Kind.PEMERINTAHAN == "pemerintahan"
    assert "pemerintahan" in Competency.Kind.values


def test_it_is_off_by_default():
    assert AgencySettings().government_competencies_enabled is False
    with pytest.raises(ValidationError) as error:
        _competency(Competency.Kind.PEMERINTAHAN).full_clean()
    assert "kind" in error.value.message_dict


def test_it_is_allowed_when_the_agency_turns_it_on():
    _settings(enabled=True)
    _competency(Competency.Kind.PEMERINTAHAN).full_clean()  # no error


def test_turning_it_off_again_blocks_new_ones_but_keeps_existing_ones_editable():
    _settings(enabled=True)
    existing = CompetencyFactory(code="P.02", kind=Competency.Kind.PEMERINTAHAN)
    _settings(enabled=False)
    existing.name_id = "Otonomi Daerah (diperbarui)"
    existing.full_clean()  # an existing one stays editable
    with pytest.raises(ValidationError):
        _competency(Competency.Kind.PEMERINTAHAN).full_clean()


def test_the_other_kinds_need_no_setting():
    for kind in ("teknis", "manajerial", "sosial_kultural"):
        _competency(kind).full_clean()


def test_the_admin_form_offers_the_kind_only_when_on(admin_client):
    from django.urls import reverse

    url = reverse("competencies_competency:add")
    assert 'value="pemerintahan"' not in admin_client.get(url).content.decode()
    _settings(enabled=True)
    assert 'value="pemerintahan"' in admin_client.get(url).content.decode()
