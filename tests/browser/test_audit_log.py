"""Issue 11, administrators: an administrator reads a member's login in the audit log as
a sentence, in Dutch and English, on a desktop and on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_signal_match import log_in
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def member(organisation, role, first, last, username):
    membership = MembershipFactory(
        role=role,
        organisation=organisation,
        user__username=username,
        user__first_name=first,
        user__last_name=last,
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def test_administrator_reads_a_login_as_a_sentence(browser, live_server, axe_check):
    police = OrganisationFactory(name="Politie Rotterdam-Zuid")
    priya = member(police, Role.PROFESSIONAL, "Priya", "Pinas", "priya@politie.example")
    admin = member(police, Role.ORG_ADMIN, "Anna", "de Beheerder", "anna@politie.example")
    stranger = member(OrganisationFactory(), Role.PROFESSIONAL, "Sam", "Vreemd", "sam@x.example")

    for someone in (priya, stranger):  # two real logins, each in its own browser
        context = browser.new_context(base_url=live_server.url, locale="nl-NL")
        log_in(context.new_page(), someone)
        context.close()

    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, admin)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path, sentence, labels, heading in (
            ("/audit/", "Priya Pinas is ingelogd", ("Persoon", "Soort gebeurtenis"), "Auditlog"),
            ("/en/audit/", "Priya Pinas logged in", ("Person", "Kind of event"), "Audit log"),
        ):
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            table = page.locator("table.data-table")
            row = table.get_by_role("row").filter(has_text=sentence)
            expect(row).to_have_count(1)
            expect(row).to_be_visible()
            expect(table).to_contain_text("Anna de Beheerder")  # her own login
            expect(table).not_to_contain_text("Sam Vreemd")  # another organisation's member
            # One person and one kind of event, chosen from lists, not typed as codes.
            page.get_by_label(labels[0]).select_option(label="Priya Pinas")
            page.get_by_label(labels[1]).select_option("auth.login")
            page.locator("form.filter-form button[type=submit]").first.click()
            page.wait_for_url("**kind=auth.login**")
            expect(table.get_by_role("row").filter(has_text=sentence)).to_have_count(1)
            expect(table).not_to_contain_text("Anna de Beheerder")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} at {viewport['width']} px scrolls sideways"
            axe_check(page, f"audit log {path} {viewport['width']} px")
    context.close()
