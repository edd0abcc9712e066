"""Enrol in two-factor with the QR secret, log out, log in again, switch language, axe."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory
from zicht.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login_password(page, username):
    page.goto("/account/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Volgende").click()


def test_enrol_logout_login_and_switch_language(page, axe_check):
    membership = MembershipFactory(role=Role.PROFESSIONAL, user__username="nieuwe.collega")
    page.goto("/account/login/")
    axe_check(page, "login page")
    login_password(page, "nieuwe.collega")

    # No device yet: enrolment is mandatory.
    page.wait_for_url("**/two_factor/setup/")
    page.get_by_role("button", name="Volgende").click()
    secret = page.locator("a[href^='otpauth://']").inner_text().strip()
    expect(page.get_by_role("img", name="QR Code")).to_be_visible()
    assert page.evaluate("() => document.images[0].naturalWidth") > 100
    axe_check(page, "enrolment page")
    key = b32decode(secret)
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url("**/setup/complete/")
    assert membership.user.totpdevice_set.filter(confirmed=True).count() == 1

    page.goto("/")
    axe_check(page, "home page")
    page.get_by_role("button", name="Uitloggen").click()
    assert page.get_by_role("link", name="Inloggen").first.is_visible()

    # Log in again with password + a fresh code (the next time step: codes cannot be reused).
    login_password(page, "nieuwe.collega")
    page.get_by_label("Code").fill(f"{totp(key, drift=1):06d}")
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    assert page.get_by_text("Wat je kunt doen").is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/")
    assert page.get_by_role("heading", name="What you can do").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page, "home page (English)")
