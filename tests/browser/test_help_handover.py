"""A counsellor hands a conversation over as a signal (after consent); a professional of
the same organisation finds it, reads it and takes it up; every page passes axe."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.conftest import verified_client
from zicht.accounts.constants import Role
from zicht.accounts.models import Municipality
from zicht.audit.models import AuditEvent
from zicht.help import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff_page(browser, live_server, membership):
    """A browser context logged in (two factors verified) as ``membership``."""
    staff = verified_client(Client(), membership.user)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_signal_hand_over_is_taken_up_by_a_professional(
    browser, live_server, make_member, axe_check
):
    from tests.factories import OrganisationFactory

    Municipality.objects.get_or_create(code="GM0599", defaults={"name": "Rotterdam"})
    organisation = OrganisationFactory(youth_care=True)  # may have counsellors
    counsellor = make_member(role=Role.COUNSELLOR, organisation=organisation)
    professional = make_member(role=Role.PROFESSIONAL, organisation=organisation)
    conversation = services.conversation_start(
        message="Ik moet pakketjes wegbrengen voor een oudere jongen.", language="nl"
    ).conversation
    # The coordination centre answers new conversations; it passes this one on to the
    # counsellors of the youth-care organisation.
    centre = make_member(role=Role.COUNSELLOR, organisation=OrganisationFactory(coordination=True))
    services.counsellor_route(membership=centre, conversation=conversation, to=str(organisation.pk))
    services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    services.visitor_consent_answer(conversation=conversation, agree=True)

    context, pro = _staff_page(browser, live_server, professional)
    pro.goto("/hulp/overdrachten/")
    expect(pro.get_by_test_id("handovers-empty")).to_be_visible()
    axe_check(pro, "hand-overs, empty")

    staff_context, staff = _staff_page(browser, live_server, counsellor)
    staff.goto(f"/hulp/gesprekken/{conversation.pk}/")
    staff.get_by_label("Overdragen als").select_option("signal")
    staff.get_by_role("button", name="Overdracht vastleggen").click()
    expect(staff.get_by_test_id("handover-waiting")).to_be_visible()
    axe_check(staff, "counsellor conversation after a signal hand-over")

    pro.goto("/hulp/overdrachten/")
    expect(pro.get_by_text("1 overdracht wacht om opgepakt te worden.")).to_be_visible()
    axe_check(pro, "hand-overs, one waiting")
    pro.get_by_role("link", name=conversation.display_code).click()
    expect(pro.get_by_text("Ik moet pakketjes wegbrengen voor een oudere jongen.")).to_be_visible()
    expect(pro.get_by_role("link", name="Open het signaalformulier")).to_have_attribute(
        "href", re.compile(r"^/[^?]*$")
    )
    axe_check(pro, "hand-over detail")
    pro.get_by_label("Kenmerk van het signaal dat je hebt vastgelegd").fill("ZS-2026")
    pro.get_by_role("button", name="Markeren als opgepakt").click()
    expect(pro.get_by_text("Een kenmerk van een signaal ziet eruit als")).to_be_visible()
    axe_check(pro, "hand-over detail with an error")
    pro.get_by_label("Kenmerk van het signaal dat je hebt vastgelegd").fill("ZS-2026-012345")
    pro.get_by_role("button", name="Markeren als opgepakt").click()
    expect(pro.get_by_test_id("taken-up")).to_contain_text("ZS-2026-012345")
    axe_check(pro, "hand-over taken up")

    staff.reload()
    expect(staff.get_by_test_id("handover-taken-up")).to_be_visible()
    expect(staff.get_by_text("ZS-2026-012345")).to_have_count(0)
    staff_context.close()
    context.close()
    assert AuditEvent.objects.filter(
        action="help.handover_taken_up", actor_id=professional.user.pk
    ).exists()
