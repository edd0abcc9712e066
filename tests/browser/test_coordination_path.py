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

        # 6. The coordinator closes, dropping the proposals not taken up (each needs a
        # decision and a reason); the timeline tells the story.
        coord.reload()
        coord.get_by_label("Uitkomst").select_option("safe_supported")
        drops = coord.get_by_label("Laten vallen", exact=True)
        reasons = coord.get_by_label("Reden om te laten vallen")
        for i in range(drops.count()):
            drops.nth(i).check()
            reasons.nth(i).fill("Niet nodig.")
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


# --- Issue 11: the coordinator's daily work, in Dutch and English, desktop and phone ----------

WORDS = {
    "nl": {
        "prefix": "",
        "intimidation": "Risico op intimidatie",
        "note": "Toelichting bij de beoordeling",
        "save": "Beoordeling opslaan en maatregelen voorstellen",
        "saved": "Beoordeling opgeslagen.",
        "because": "Omdat: Spreekt onvoldoende Nederlands",
        "outcome": "Uitkomst",
        "close": "Dossier afsluiten",
        "drop": "Laten vallen",
        "reason": "Reden om te laten vallen",
        "closed": "Gesloten",
        "dropped": "Bij afsluiten laten vallen: Tolk",
    },
    "en": {
        "prefix": "/en",
        "intimidation": "Risk of intimidation",
        "note": "Notes on the assessment",
        "save": "Save assessment and propose measures",
        "saved": "Assessment saved.",
        "because": "Because of: Does not speak Dutch well enough",
        "outcome": "Outcome",
        "close": "Close file",
        "drop": "Drop",
        "reason": "Reason for dropping",
        "closed": "Closed",
        "dropped": "At closing, dropped: Interpreter",
    },
}

#: (language, viewport): both languages, the desktop and a 390 px phone.
SETUPS = [("nl", {"width": 1280, "height": 900}), ("en", {"width": 390, "height": 844})]


@pytest.fixture
def daily_work():
    """A coordinator and a referring professional, and a way to refer a new young person."""
    import datetime as dt

    from django.utils import timezone

    from zicht.accounts.models import Municipality
    from zicht.coordination import services
    from zicht.intake import services as intake_services

    police = MembershipFactory(role=Role.PROFESSIONAL)
    coordinator = MembershipFactory(
        role=Role.COORDINATOR, organisation=OrganisationFactory(coordination=True)
    )
    TOTPDeviceFactory(user=coordinator.user)
    today = timezone.localdate()

    def refer(given, surname, urgency="normal"):
        signal, _ = intake_services.signal_create(
            membership=police,
            data={
                "contact_date": today - dt.timedelta(days=1),
                "setting": "school",
                "indicator_codes": ["school.truancy"],
                "forms": ["drug_transport"],
                "account": "Werd opgehaald door een oudere jongen.",
                "immediate_danger": False,
            },
            identity={
                "given_names": given,
                "surname": surname,
                "date_of_birth": dt.date(today.year - 16, 3, 1),
                "sex": "M",
                "bsn": "",
                "municipality": Municipality.objects.get(code="GM0599"),
            },
        )
        return services.referral_create(
            membership=police,
            signal=signal,
            reason="Zorgen over uitbuiting.",
            urgency=urgency,
            consent_young_person="given",
            consent_parents="given",
        ).file

    def screen(file):
        return services.file_screen(
            membership=coordinator, file=file, decision="possible_victim", reasons="Signalen."
        )

    return coordinator, refer, screen, services


def _phone_fits(page):
    """No element wider than the screen: the page does not scroll sideways."""
    wide = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 0, f"the page is {wide}px wider than the screen"


def _open(browser, live_server, coordinator, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, coordinator)
    return context, page


@pytest.mark.parametrize(("lang", "viewport"), SETUPS)
def test_an_urgent_referral_is_first_in_the_inbox(
    lang, viewport, browser, live_server, daily_work, axe_check
):
    from django.utils import timezone

    from zicht.coordination.models import CoordinationFile

    coordinator, refer, _screen, _services = daily_work
    routine = [refer(f"Kind{i}", "Jansen") for i in range(3)]
    CoordinationFile.objects.filter(pk__in=[f.pk for f in routine]).update(
        screening_deadline=timezone.localdate()
    )
    refer("Noor", "Bakker", urgency="urgent")
    context, page = _open(browser, live_server, coordinator, viewport)
    try:
        page.goto(f"{WORDS[lang]['prefix']}/coordinatie/inbox/")
        expect(page.get_by_test_id("inbox-name").first).to_have_text("Noor Bakker")
        expect(page.get_by_test_id("inbox-name")).to_have_count(4)
        if viewport["width"] == 390:
            _phone_fits(page)
        axe_check(page, "inbox")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "viewport"), SETUPS)
def test_an_assessment_saved_twice_keeps_its_note(
    lang, viewport, browser, live_server, daily_work, axe_check
):
    coordinator, refer, screen, _services = daily_work
    file = screen(refer("Sem", "Visser"))
    w = WORDS[lang]
    context, page = _open(browser, live_server, coordinator, viewport)
    try:
        page.goto(f"{w['prefix']}/coordinatie/dossiers/{file.pk}/")
        page.get_by_label(w["intimidation"]).check()
        page.get_by_label(w["note"]).fill("Broer wordt ook benaderd.")
        page.get_by_role("button", name=w["save"]).click()
        expect(page.get_by_text(w["saved"])).to_be_visible()
        expect(page.get_by_label(w["note"])).to_have_value("Broer wordt ook benaderd.")
        page.get_by_role("button", name=w["save"]).click()
        expect(page.get_by_text(w["saved"])).to_be_visible()
        expect(page.get_by_label(w["note"])).to_have_value("Broer wordt ook benaderd.")
        expect(page.get_by_label(w["intimidation"])).to_be_checked()
        if viewport["width"] == 390:
            _phone_fits(page)
        axe_check(page, "file page")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "viewport"), SETUPS)
def test_closing_with_open_measures_needs_a_decision(
    lang, viewport, browser, live_server, daily_work
):
    coordinator, refer, screen, services = daily_work
    file = screen(refer("Lars", "de Boer"))
    services.assessment_complete(
        membership=coordinator, file=file, answers={"needs_interpreter": True}
    )
    w = WORDS[lang]
    context, page = _open(browser, live_server, coordinator, viewport)
    try:
        page.goto(f"{w['prefix']}/coordinatie/dossiers/{file.pk}/")
        expect(page.get_by_text(w["because"])).to_be_visible()
        page.get_by_label(w["outcome"]).select_option("safe_supported")
        # Without a decision the file does not close: the choice is required.
        page.get_by_role("button", name=w["close"]).click()
        assert page.get_by_label(w["drop"], exact=True).evaluate("e => !e.validity.valid")
        expect(page.get_by_test_id("file-status")).not_to_have_text(w["closed"])
        page.get_by_label(w["drop"], exact=True).check()
        page.get_by_label(w["reason"]).fill("Spreekt inmiddels goed Nederlands.")
        page.get_by_role("button", name=w["close"]).click()
        expect(page.get_by_test_id("file-status")).to_have_text(w["closed"])
        expect(page.get_by_test_id("timeline")).to_contain_text(w["dropped"])
        if viewport["width"] == 390:
            _phone_fits(page)
    finally:
        context.close()


def test_the_owner_picker_is_searched_and_lists_likely_owners_first(
    browser, live_server, daily_work, axe_check
):
    from zicht.accounts.constants import OrganisationType

    coordinator, refer, screen, services = daily_work
    OrganisationFactory(
        name="Openbaar Ministerie Rotterdam", type=OrganisationType.PUBLIC_PROSECUTION
    )
    for i in range(30):
        OrganisationFactory(name=f"Basisschool {i:02d}", type=OrganisationType.SCHOOL)
    file = screen(refer("Finn", "Mulder"))
    services.assessment_complete(
        membership=coordinator, file=file, answers={"needs_interpreter": True}
    )
    context, page = _open(browser, live_server, coordinator, {"width": 1280, "height": 900})
    try:
        page.goto(f"/coordinatie/dossiers/{file.pk}/")
        card = page.locator("article", has=page.get_by_role("heading", name="Tolk"))
        picker = card.get_by_label("Eigenaar (organisatie)")
        first = picker.locator("optgroup").first
        expect(first).to_have_attribute("label", "Waarschijnlijke eigenaren")
        expect(first.locator("option", has_text="Openbaar Ministerie Rotterdam")).to_have_count(1)
        card.get_by_label("Zoek een organisatie").fill("openbaar")
        expect(picker).to_have_value(
            str(
                OrganisationFactory._meta.model.objects.get(name="Openbaar Ministerie Rotterdam").pk
            )
        )
        expect(picker.locator("option:not([hidden])", has_text="Basisschool")).to_have_count(0)
        card.get_by_role("button", name="Accepteren").click()
        expect(page.get_by_text("Maatregel bijgewerkt.")).to_be_visible()
        expect(
            page.locator("article", has=page.get_by_role("heading", name="Tolk"))
        ).to_contain_text("Openbaar Ministerie Rotterdam")
        axe_check(page, "file page with the owner search")
    finally:
        context.close()
