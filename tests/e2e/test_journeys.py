"""Sign-in journeys in a real browser, with a screenshot and an accessibility check at
each step. New journeys follow the same shape: act, `shot(page, "step")`, assert what a
person sees, `check_a11y(page)`."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import expect, sign_in, switch_language, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_out(page) -> None:
    page.get_by_role("banner").get_by_role("button", name=t("Sign out")).click()
    page.wait_for_load_state()


def test_learner_signs_in_by_email_and_signs_out(page, demo_logins, shot, check_a11y):
    learner = demo_logins["Peserta"]

    page.goto("/")
    shot(page, "home-anonymous")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    check_a11y(page)

    page.get_by_role("banner").get_by_role("link", name=t("Sign in")).click()
    expect(page.get_by_label(t("E-mail or NIP"))).to_be_visible()
    shot(page, "login-form")
    check_a11y(page)

    page.get_by_label(t("E-mail or NIP")).fill(learner.email)
    page.get_by_label(t("Password")).fill(learner.password)
    page.locator("main form button[type=submit]").click()
    # A learner lands on their own learning, not the public home page.
    expect(page).to_have_url(re.compile(r"/learning/$"))
    expect(page.get_by_role("banner").get_by_role("button", name=t("Sign out"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("My learning"))
    shot(page, "learning-signed-in")
    check_a11y(page)

    _sign_out(page)
    expect(page.get_by_role("banner").get_by_role("link", name=t("Sign in"))).to_be_visible()
    shot(page, "signed-out")
    check_a11y(page)


def test_learner_signs_in_by_nip_typed_with_spaces(page, demo_logins, shot, check_a11y):
    learner = demo_logins["Peserta"]
    nip = learner.nip
    typed = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"

    sign_in(page, typed, learner.password)
    expect(page.get_by_role("banner").get_by_role("button", name=t("Sign out"))).to_be_visible()
    shot(page, "home-signed-in")

    page.get_by_role("link", name=t("My account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My account"))
    expect(page.get_by_role("main")).to_contain_text(nip)
    expect(page.get_by_role("main")).to_contain_text(learner.email)
    shot(page, "profile")
    check_a11y(page)


def test_learner_switches_the_interface_to_english(page, demo_logins, shot, check_a11y):
    learner = demo_logins["Peserta"]
    sign_in(page, learner.email, learner.password)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator(".skip-link")).to_have_text(t("Skip to main content"))
    shot(page, "indonesian")

    switch_language(page, "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".skip-link")).to_have_text("Skip to main content")
    expect(page.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
    shot(page, "english")
    check_a11y(page)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    shot(page, "signed-out-english")


def test_administrator_signs_in_and_reaches_the_wagtail_admin(page, demo_logins, shot):
    admin = demo_logins["Administrator"]
    sign_in(page, admin.email, admin.password)
    # Staff land where they work: the Wagtail admin.
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/")
    expect(page.get_by_role("banner").get_by_role("button", name=t("Sign out"))).to_be_visible()
    shot(page, "home-signed-in")

    page.get_by_role("navigation", name=t("Main navigation")).get_by_role(
        "link", name=t("Administration")
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("body")).to_contain_text(admin.name.split()[0])
    expect(page.get_by_role("main")).to_be_visible()
    shot(page, "wagtail-dashboard")


def test_anonymous_visitor_is_sent_from_the_admin_to_the_portal_sign_in(page, shot):
    page.goto("/admin/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)admin(/|%2F)"))
    expect(page.get_by_label(t("E-mail or NIP"))).to_be_visible()
    shot(page, "login-from-admin")
