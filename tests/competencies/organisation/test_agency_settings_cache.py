"""AgencySettings' cross-request cache is forgotten by the receivers
CompetenciesConfig.ready() connects (competencies.models.settings.connect_signals)."""

from __future__ import annotations

from wagtail.models import Site

import pytest

from competencies.models import AgencySettings

pytestmark = pytest.mark.django_db


def test_saving_agency_settings_refreshes_the_cached_copies(home_page):
    site = Site.objects.get(is_default_site=True)
    assert AgencySettings.for_site_cached(site).agency_short_name == "BKPSDM"
    assert AgencySettings.for_default_site().agency_short_name == "BKPSDM"

    agency = AgencySettings.for_site(site)
    agency.agency_short_name = "BKD"
    agency.save()

    assert AgencySettings.for_site_cached(site).agency_short_name == "BKD"
    assert AgencySettings.for_default_site().agency_short_name == "BKD"


def test_changing_the_default_site_refreshes_the_default_site_settings(home_page):
    old = Site.objects.get(is_default_site=True)
    AgencySettings.for_default_site()  # cached
    new = Site.objects.create(hostname="diklat.example.go.id", root_page=old.root_page)
    AgencySettings.objects.create(site=new, agency_short_name="BARU")

    old.is_default_site = False
    old.save()
    new.is_default_site = True
    new.save()

    assert AgencySettings.for_default_site().agency_short_name == "BARU"
