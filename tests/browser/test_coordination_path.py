"""Issue 5, done-means: the whole coordination path in the browser.

A professional records a signal and refers it with consent; a coordinator screens
within the deadline, completes the assessment and accepts two measures, refers to
a shelter; the shelter accepts and places; the coordinator closes. The
professional sees the status change at every step and never the assessment.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_signal_match import log_in, record_signal
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import OrganisationType, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referral_to_closure(browser, live_server, axe_check):
    police = MembershipFactory(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie Rotterdam-Zuid")
    )
    coordinator = MembershipFactory(
        role=Role.COORDINATOR,
        organisation=OrganisationFactory(name="Landelijk Coördinatiecentrum", coordination=True),
        user__first_name="Carla",
        user__last_name="Coördinator",
    )
    shelter = MembershipFactory(
        role=Role.PROFESSIONAL,
        organisation=OrganisationFactory(name="Opvang De Haven", type=OrganisationType.SHELTER),
    )
    for m in (police, coordinator, shelter):
        TOTPDeviceFactory(user=m.user)

    contexts = [browser.new_context(base_url=live_server.url) for _ in range(3)]
    pro, coord, prov = (c.new_page() for c in contexts)
    for p in (pro, coord, prov):
        p.set_default_timeout(15000)

    def professional_sees(status):
        pro.wait_for_load_state()
        pro.reload()
        expect(pro.get_by_test_id("referral-status")).to_have_text(status)

    try:
        # 1. The professional records a signal and refers it with consent.
        log_in(pro, police)
        record_signal(pro, given="Mohamed", surname="El Amrani")
        pro.get_by_role("link", name="Doorverwijzen naar het coördinatiecentrum").click()
        expect(pro.get_by_text("Deze jongere is minderjarig")).to_be_visible()
        axe_check(pro, "referral form")
        pro.get_by_label("Waarom verwijs je?").fill("Wordt ingezet als drugskoerier.")
        pro.get_by_role("group", name="Toestemming van de jongere").get_by_label("Gegeven").check()
        pro.get_by_role("group", name="Toestemming van de ouders").get_by_label("Gegeven").check()
        pro.get_by_role("button", name="Verwijzing versturen").click()
        # Wait for the redirect to the referral page before anything reloads it:
        # reloading a page that is still navigating fails in Chromium.
        expect(pro.get_by_test_id("referral-status")).to_have_text("Ontvangen: wacht op screening")

        # 2. The coordinator screens within the deadline.
        log_in(coord, coordinator)
        coord.goto("/coordinatie/inbox/")
        axe_check(coord, "inbox")
        coord.get_by_role("link", name="ZC-").first.click()
        expect(coord.get_by_test_id("identity-name")).to_have_text("Mohamed El Amrani")
        coord.get_by_label("Mogelijk slachtoffer").check()
        coord.get_by_label("Motivering").fill("Meerdere signalen van uitbuiting.")
        coord.get_by_role("button", name="Screeningsbesluit vastleggen").click()
        expect(coord.get_by_text("Screeningsbesluit vastgelegd.")).to_be_visible()
        professional_sees("Gescreend: mogelijk slachtoffer")

        # 3. Assessment; two proposed measures accepted.
        coord.get_by_label("Risico op intimidatie").check()
        coord.get_by_label("Spreekt onvoldoende Nederlands").check()
        coord.get_by_role("button", name="Beoordeling opslaan en maatregelen voorstellen").click()
        expect(coord.get_by_text("Beoordeling opgeslagen.")).to_be_visible()
        axe_check(coord, "file detail")
        for measure in ("Tolk", "Afschermen van persoonsgegevens"):
            card = coord.locator("article", has=coord.get_by_role("heading", name=measure))
            card.get_by_label("Eigenaar (organisatie)").select_option(
                label="Landelijk Coördinatiecentrum (Coördinatiecentrum)"
            )
            card.get_by_role("button", name="Accepteren").click()
            expect(coord.get_by_text("Maatregel bijgewerkt.")).to_be_visible()
        professional_sees("Bescherming en zorg worden geregeld")

        # 4. Referral to the shelter.
        coord.get_by_role("combobox", name="Zorgaanbieder").select_option(
            label="Opvang De Haven (Opvang)"
        )
        coord.get_by_label("Soort zorg").select_option("categorical_shelter")
        coord.get_by_role("button", name="Zorg aanvragen").click()
        expect(coord.get_by_text("Zorg aangevraagd. De zorgaanbieder")).to_be_visible()
        professional_sees("Zorg aangevraagd")

        # 5. The shelter accepts and places.
        log_in(prov, shelter)
        prov.goto("/coordinatie/zorg/")
        axe_check(prov, "care inbox")
        prov.get_by_role("button", name="Accepteren").click()
        expect(prov.get_by_test_id("care-status")).to_have_text("Geaccepteerd")
        professional_sees("Zorg geaccepteerd door de zorgaanbieder")
        prov.get_by_role("button", name="Plaatsing vastleggen").click()
        expect(prov.get_by_test_id("care-status")).to_have_text("Geplaatst")
        professional_sees("Geplaatst in zorg")

        # 6. The coordinator closes; the timeline tells the story.
        coord.reload()
        coord.get_by_label("Uitkomst").select_option("safe_supported")
        coord.get_by_role("button", name="Dossier afsluiten").click()
        expect(coord.get_by_test_id("file-status")).to_have_text("Gesloten")
        timeline = coord.get_by_test_id("timeline")
        for step in (
            "Verwijzing ontvangen van Politie Rotterdam-Zuid",
            "Screeningsbesluit: Mogelijk slachtoffer. Binnen de termijn.",
            "Maatregel geaccepteerd: Tolk",
            "Opvang De Haven plaatste de jongere",
            "Dossier afgesloten: Veilig en ondersteund.",
        ):
            expect(timeline).to_contain_text(step)
        professional_sees("Gesloten: Veilig en ondersteund")

        # The professional never sees the assessment, and cannot open the file.
        text = pro.content()
        for secret in ("Tolk", "Afschermen", "intimidatie", "Meerdere signalen"):
            assert secret not in text
        assert pro.goto(coord.url).status == 403

        # English works too.
        coord.goto(coord.url.replace("/coordinatie/", "/en/coordinatie/"))
        expect(coord.get_by_test_id("file-status")).to_have_text("Closed")
        expect(coord.get_by_test_id("timeline")).to_contain_text("File closed: Safe and supported.")
    finally:
        for c in contexts:
            c.close()
