"""Recording, viewing, editing and withdrawing signals; organisation scoping; encryption."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from tests.factories import MembershipFactory
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal, SignalRevision
from zicht.intake.services import expiry_date
from zicht.linkage.models import IndexEntry

pytestmark = pytest.mark.django_db


def create(client, post_data, **overrides):
    return client.post(reverse("intake:signal_create"), post_data(**overrides))


def test_professional_records_a_signal(professional, login, post_data):
    client = login(professional)
    response = create(client, post_data)
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:signal_detail", args=[signal.pk])
    assert signal.organisation == professional.organisation
    assert signal.identity.surname == "El Amrani"
    detail = client.get(response["Location"]).content.decode()
    assert "vastgelegd" in detail and " · created" not in detail  # the history in words
    if signal.identity.sex:
        assert f"<dd>{signal.identity.sex}</dd>" not in detail  # "Man", not "M"
    assert signal.age_at_contact in (15, 16, 17)
    assert IndexEntry.objects.filter(signal_id=signal.pk).count() == 1
    assert AuditEvent.objects.filter(
        action="intake.signal_created", object_id=str(signal.pk)
    ).exists()
    detail = client.get(response["Location"])
    assert "El Amrani" in detail.content.decode()
    assert AuditEvent.objects.filter(
        action="intake.signal_viewed", object_id=str(signal.pk)
    ).exists()


def test_identity_and_account_are_encrypted_at_rest(professional, login, post_data):
    create(login(professional), post_data, bsn="111222333")
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, surname, date_of_birth, bsn FROM intake_signalidentity")
        row = cursor.fetchone()
        cursor.execute("SELECT account FROM intake_signal")
        account = cursor.fetchone()[0]
    joined = " ".join(str(v) for v in row)
    for plain in ("Mohamed", "Amrani", "2010-04-03", "111222333"):
        assert plain not in joined
    assert "scooter" not in account


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"bsn": "123456789"}, "bsn", "elfproef"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "toekomst"),
        ({"date_of_birth": "", "age_estimate": ""}, "date_of_birth", "geschatte leeftijd"),
        ({"surname": ""}, "surname", "dit veld is"),
        ({"contact_date": "2999-01-01"}, "contact_date", "toekomst"),
        ({"indicator_codes": ["school.not_in_catalogue"]}, "indicator_codes", "geldige keuze"),
        ({"phone": "bel me"}, "phone", "telefoonnummer"),
    ],
)
def test_bad_input_gives_clear_errors_and_saves_nothing(
    professional, login, post_data, overrides, field, message
):
    response = create(login(professional), post_data, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field]).lower()
    assert Signal.objects.count() == 0
    assert IndexEntry.objects.count() == 0


def test_age_estimate_is_enough(professional, login, post_data):
    response = create(login(professional), post_data, date_of_birth="", age_estimate="15")
    assert response.status_code == 302
    assert Signal.objects.get().age_at_contact == 15


@pytest.mark.parametrize("view", ["intake:signal_detail", "intake:signal_edit"])
def test_other_organisations_signal_is_404_and_audited(
    professional, make_member, login, post_data, view
):
    other = make_member(role=Role.PROFESSIONAL)
    create(login(other), post_data)
    signal = Signal.objects.get()
    client = login(professional)
    response = client.get(reverse(view, args=[signal.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="intake.signal_not_found", actor_id=professional.user_id, object_id=str(signal.pk)
    ).exists()
    response = client.post(reverse("intake:signal_withdraw", args=[signal.pk]), {"reason": "x"})
    assert response.status_code == 404
    signal.refresh_from_db()
    assert signal.status == "active"


def test_list_shows_only_own_organisation(professional, make_member, login, post_data):
    colleague = MembershipFactory(organisation=professional.organisation, role=Role.PROFESSIONAL)
    other = make_member(role=Role.PROFESSIONAL)
    create(login(other), post_data, given_names="Quirijn")
    create(login(colleague), post_data)
    response = login(professional).get(reverse("intake:signal_list"))
    rows = response.context["rows"]
    assert [r.signal.organisation_id for r in rows] == [professional.organisation_id]
    content = response.content.decode()
    assert "Mohamed El Amrani" in content  # the colleague's signal, with the name
    assert "Quirijn" not in content


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.COORDINATOR, Role.COUNSELLOR, Role.ANALYST])
def test_other_roles_cannot_use_signals(make_member, login, role):
    member = make_member(role=role)
    client = login(member)
    assert client.get(reverse("intake:signal_list")).status_code == 403
    assert client.get(reverse("intake:signal_create")).status_code == 403


def test_edit_records_change_history(professional, login, post_data):
    client = login(professional)
    create(client, post_data)
    signal = Signal.objects.get()
    response = client.post(
        reverse("intake:signal_edit", args=[signal.pk]),
        post_data(surname="El Amrani-Bakker", setting="street"),
    )
    assert response.status_code == 302
    revision = SignalRevision.objects.filter(signal=signal, action="edited").get()
    assert set(revision.changed_fields) == {"setting", "surname"}
    detail = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    assert "surname" in detail


def test_withdraw_removes_from_index_at_once(professional, login, post_data):
    client = login(professional)
    create(client, post_data)
    signal = Signal.objects.get()
    response = client.post(reverse("intake:signal_withdraw", args=[signal.pk]), {"reason": ""})
    assert IndexEntry.objects.count() == 1  # no reason: nothing happens
    client.post(reverse("intake:signal_withdraw", args=[signal.pk]), {"reason": "Onterecht"})
    signal.refresh_from_db()
    assert signal.status == "withdrawn"
    assert IndexEntry.objects.count() == 0
    assert response.status_code == 302


def test_expiry_is_by_age_band():
    recorded = dt.date(2026, 1, 15)
    # A minor: 24 months, at the latest the 23rd birthday.
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2012, 5, 1)) == dt.date(2028, 1, 15)
    assert expiry_date(recorded=dt.date(2026, 8, 31), date_of_birth=None) == dt.date(2028, 8, 31)
    # A 21-year-old: no longer cut off at 23; 24 months after recording.
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2004, 6, 1)) == dt.date(2028, 1, 15)
    # A 26-year-old: at the latest the 28th birthday (29 February: 1 March).
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(1999, 6, 1)) == dt.date(2027, 6, 1)
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2000, 2, 29)) == dt.date(
        2028, 1, 15
    )
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(1999, 2, 28)) == dt.date(
        2027, 2, 28
    )


@override_settings(ZICHT_SIGNAL_RETENTION_MONTHS=72, ZICHT_YOUNG_ADULT_RETENTION_MONTHS=6)
def test_retention_months_are_configurable_per_age_band():
    recorded = dt.date(2026, 1, 15)
    # Minors: 72 months, but never past the 23rd birthday (29 February: 1 March).
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2011, 1, 1)) == dt.date(2032, 1, 15)
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2008, 6, 1)) == dt.date(2031, 6, 1)
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2008, 2, 29)) == dt.date(2031, 3, 1)
    # Young adults: their own period.
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2003, 1, 1)) == dt.date(2026, 7, 15)


def test_purge_expired_removes_identity_and_index(professional, login, post_data):
    from django.core.management import call_command

    create(login(professional), post_data)
    signal = Signal.objects.get()
    Signal.objects.filter(pk=signal.pk).update(expires_on=dt.date(2020, 1, 1))
    call_command("purge_expired", "--dry-run")
    assert IndexEntry.objects.count() == 1
    call_command("purge_expired")
    signal.refresh_from_db()
    assert signal.status == "expired"
    assert (
        not hasattr(signal, "identity")
        or not Signal.objects.filter(pk=signal.pk, identity__isnull=False).exists()
    )
    assert signal.account == ""
    assert IndexEntry.objects.count() == 0
    assert AuditEvent.objects.filter(
        action="intake.signal_purged", object_id=str(signal.pk)
    ).exists()
    # Statistics survive.
    assert signal.municipality_id == "GM0599" and signal.age_at_contact is not None


def test_immediate_danger_shows_emergency_guidance_first(professional, login, post_data):
    client = login(professional)
    form_page = client.get(reverse("intake:signal_create")).content.decode()
    assert form_page.index("112") < form_page.index('name="given_names"')
    create(client, post_data, immediate_danger="on")
    signal = Signal.objects.get()
    detail = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    assert detail.index("112") < detail.index("<h1>")


def test_guidance_follows_meldcode_and_names_coordination_centre(professional, login, post_data):
    from tests.factories import OrganisationFactory

    OrganisationFactory(
        coordination=True, name="Coördinatiecentrum Test", contact_email="cc@example.org"
    )
    client = login(professional)
    create(client, post_data)
    detail = client.get(
        reverse("intake:signal_detail", args=[Signal.objects.get().pk])
    ).content.decode()
    assert detail.count("<li><strong>") >= 5
    assert "cc@example.org" in detail


def test_old_signal_keeps_its_catalogue_version(professional, login, post_data):
    from zicht.intake.models import IndicatorCatalogue

    create(login(professional), post_data)
    v1 = IndicatorCatalogue.objects.get(version=1)
    data = dict(v1.data, version=2)
    IndicatorCatalogue.objects.update(is_current=False)
    IndicatorCatalogue.objects.create(
        version=2, published=dt.date(2027, 1, 1), data=data, is_current=True
    )
    assert Signal.objects.get().catalogue.version == 1


def test_filters_by_form_and_danger(professional, login, post_data):
    client = login(professional)
    create(client, post_data)
    create(client, post_data, forms=["money_mule"], immediate_danger="on", given_names="Sem")
    rows = client.get(reverse("intake:signal_list"), {"form": "money_mule"}).context["rows"]
    assert len(rows) == 1
    rows = client.get(reverse("intake:signal_list"), {"immediate_danger": "on"}).context["rows"]
    assert len(rows) == 1 and rows[0].signal.immediate_danger


# --- Input checks: dates, the age limit, names, phone numbers -----------------------


def _years_ago(years: int, days: int = 0) -> dt.date:
    from django.utils import timezone

    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day + dt.timedelta(days=days)


def _field_errors(response, field):
    assert response.status_code == 200
    return response.context["form"].errors.get(field, [])


def test_date_of_birth_after_contact_date_is_a_field_error(professional, login, post_data):
    from django.utils import timezone

    today = timezone.localdate()
    response = create(
        login(professional),
        post_data,
        contact_date=(today - dt.timedelta(days=30)).isoformat(),
        date_of_birth=(today - dt.timedelta(days=10)).isoformat(),
    )
    assert _field_errors(response, "date_of_birth") == [
        "De geboortedatum kan niet na de datum van het contact liggen."
    ]
    assert Signal.objects.count() == 0 and IndexEntry.objects.count() == 0


def test_the_service_refuses_a_birth_after_contact_with_a_field_error(professional, post_data):
    from django.core.exceptions import ValidationError

    from zicht.intake import services
    from zicht.intake.forms import SignalForm
    from zicht.intake.selectors import current_catalogue

    form = SignalForm(data=post_data(), catalogue=current_catalogue())
    assert form.is_valid(), form.errors
    data, identity = form.split()
    data["contact_date"] = identity["date_of_birth"] - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.signal_create(membership=professional, data=data, identity=identity)
    assert set(exc.value.message_dict) == {"date_of_birth"}
    assert Signal.objects.count() == 0


@pytest.mark.parametrize(("years", "days"), [(28, 0), (30, 0), (28, 200)])
def test_over_the_age_limit_is_refused_with_an_error_naming_the_bound(
    professional, login, post_data, years, days
):
    dob = _years_ago(years, -days)
    response = create(login(professional), post_data, date_of_birth=dob.isoformat())
    errors = _field_errors(response, "date_of_birth")
    assert len(errors) == 1, errors  # not also "enter the date of birth or an age"
    assert "8 tot en met 27" in errors[0] and "ouder dan 27" in errors[0]
    assert Signal.objects.count() == 0 and IndexEntry.objects.count() == 0


def test_an_estimated_age_outside_the_scope_is_refused_with_one_clear_error(
    professional, login, post_data
):
    client = login(professional)
    response = create(client, post_data, date_of_birth="", age_estimate="28")
    assert "ouder dan 27" in " ".join(_field_errors(response, "age_estimate"))
    assert _field_errors(response, "date_of_birth") == []
    response = create(client, post_data, date_of_birth="", age_estimate="7")
    assert "jonger dan 8" in " ".join(_field_errors(response, "age_estimate"))
    assert Signal.objects.count() == 0


def test_younger_than_the_lower_bound_at_contact_is_refused(professional, login, post_data):
    response = create(login(professional), post_data, date_of_birth=_years_ago(7).isoformat())
    assert "jonger dan 8" in " ".join(_field_errors(response, "date_of_birth"))
    assert Signal.objects.count() == 0


@override_settings(ZICHT_AGE_MIN=12, ZICHT_AGE_MAX=22)
def test_the_bounds_are_settings_and_the_error_names_them(professional, login, post_data):
    client = login(professional)
    response = create(client, post_data, date_of_birth="", age_estimate="23")
    assert "12 tot en met 22" in " ".join(_field_errors(response, "age_estimate"))
    response = create(client, post_data, date_of_birth="", age_estimate="10")
    assert "jonger dan 12" in " ".join(_field_errors(response, "age_estimate"))
    assert Signal.objects.count() == 0


def test_the_service_refuses_an_age_outside_the_scope(professional):
    from django.core.exceptions import ValidationError

    from zicht.intake import services

    data = {"contact_date": dt.date.today(), "setting": "school"}
    identity = {"given_names": "Sanne", "surname": "Bakker", "age_estimate": 31}
    with pytest.raises(ValidationError) as exc:
        services.signal_create(membership=professional, data=data, identity=identity)
    assert "ouder dan 27" in " ".join(exc.value.message_dict["age_estimate"])
    assert Signal.objects.count() == 0


def test_a_24_year_old_is_recorded_indexed_and_kept_24_months(professional, login, post_data):
    from django.utils import timezone

    from zicht.intake.services import purge_expired

    client = login(professional)
    response = create(client, post_data, date_of_birth=_years_ago(24, -10).isoformat())
    assert response.status_code == 302, response.context["form"].errors
    signal = Signal.objects.get()
    assert signal.age_at_contact == 24
    assert signal.expires_on == expiry_date(
        recorded=timezone.localdate(), date_of_birth=None, age_at_contact=24
    )
    assert IndexEntry.objects.filter(signal_id=signal.pk).exists()
    assert purge_expired() == 0


def test_a_27_year_old_is_accepted_expires_at_28_and_the_professional_is_told(
    professional, login, post_data
):
    from django.utils import timezone

    from zicht.intake.services import purge_expired

    dob = _years_ago(28, 40)  # 27 years old; the 28th birthday is in 40 days
    client = login(professional)
    response = create(client, post_data, date_of_birth=dob.isoformat())
    assert response.status_code == 302, response.context["form"].errors
    signal = Signal.objects.get()
    assert signal.age_at_contact == 27
    assert signal.expires_on == timezone.localdate() + dt.timedelta(days=40)
    page = client.get(response["Location"]).content.decode()
    assert "als de jongere 28 wordt" in page
    assert purge_expired() == 0  # not purged the next night
    assert IndexEntry.objects.filter(signal_id=signal.pk).exists()


def test_a_younger_person_gets_no_early_expiry_message(professional, login, post_data):
    client = login(professional)
    response = create(client, post_data)
    assert "als de jongere" not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_names", "!!!"),
        ("given_names", "123"),
        ("surname", "!!!"),
        ("surname", "- -"),
        ("surname", "محمد"),
    ],
)
def test_a_name_without_letters_is_refused_on_its_own_field(
    professional, login, post_data, field, value
):
    response = create(login(professional), post_data, **{field: value})
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert "Latijnse alfabet" in errors[field][0]
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("phone", ["------", "(((())))", "12 34 5", "+( ) 1"])
def test_a_phone_number_needs_at_least_six_digits(professional, login, post_data, phone):
    response = create(login(professional), post_data, phone=phone)
    assert "telefoonnummer" in " ".join(_field_errors(response, "phone")).lower()
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("phone", ["0612345678", "+31 (0)6-12345678", "123456"])
def test_ordinary_phone_numbers_are_accepted(professional, login, post_data, phone):
    assert create(login(professional), post_data, phone=phone).status_code == 302
