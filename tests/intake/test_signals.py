"""Recording, viewing, editing and withdrawing signals; organisation scoping; encryption."""

import datetime as dt

import pytest
from django.db import connection
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
    create(login(other), post_data, given_names="Anders")
    create(login(colleague), post_data)
    response = login(professional).get(reverse("intake:signal_list"))
    page = response.context["page"]
    assert [s.organisation_id for s in page] == [professional.organisation_id]


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


def test_expiry_is_24_months_or_23rd_birthday():
    recorded = dt.date(2026, 1, 15)
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2012, 5, 1)) == dt.date(2028, 1, 15)
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2004, 6, 1)) == dt.date(2027, 6, 1)
    assert expiry_date(recorded=dt.date(2026, 8, 31), date_of_birth=None) == dt.date(2028, 8, 31)
    assert expiry_date(recorded=recorded, date_of_birth=dt.date(2004, 2, 29)) == dt.date(2027, 3, 1)


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
    page = client.get(reverse("intake:signal_list"), {"form": "money_mule"}).context["page"]
    assert len(page) == 1
    page = client.get(reverse("intake:signal_list"), {"immediate_danger": "on"}).context["page"]
    assert len(page) == 1 and page[0].immediate_danger
