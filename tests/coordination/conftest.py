import datetime as dt

import pytest
from django.utils import timezone

from zicht.accounts.constants import OrganisationType, Role


@pytest.fixture
def centre(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(coordination=True, name="Coördinatiecentrum Test")


@pytest.fixture
def coordinator(make_member, centre):
    return make_member(role=Role.COORDINATOR, organisation=centre)


@pytest.fixture
def other_coordinator(make_member, centre):
    return make_member(role=Role.COORDINATOR, organisation=centre)


@pytest.fixture
def professional(make_member):
    return make_member(role=Role.PROFESSIONAL)


@pytest.fixture
def shelter(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(type=OrganisationType.SHELTER, name="Opvang Test")


@pytest.fixture
def provider(make_member, shelter):
    return make_member(role=Role.PROFESSIONAL, organisation=shelter)


@pytest.fixture
def make_signal(db):
    from zicht.accounts.models import Municipality
    from zicht.intake import services as intake_services

    def make(member, *, given="Mohamed", surname="El Amrani", age=16, **identity):
        today = timezone.localdate()
        dob = identity.pop("date_of_birth", dt.date(today.year - age - 1, 12, 31))
        if (today.month, today.day) == (12, 31):
            dob = dt.date(today.year - age, 1, 1)
        signal, _ = intake_services.signal_create(
            membership=member,
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
                "date_of_birth": dob,
                "sex": "M",
                "bsn": "",
                "municipality": Municipality.objects.get(code="GM0599"),
                **identity,
            },
        )
        return signal

    return make


@pytest.fixture
def refer(db):
    from zicht.coordination import services

    def do(member, signal, **overrides):
        data = {
            "reason": "Zorgen over uitbuiting als drugskoerier.",
            "urgency": "normal",
            "consent_young_person": "given",
            "consent_parents": "not_asked",
        }
        data.update(overrides)
        return services.referral_create(membership=member, signal=signal, **data)

    return do


@pytest.fixture
def referred_file(professional, make_signal, refer):
    """A file awaiting screening, from a minor's referral by ``professional``."""
    signal = make_signal(professional)
    return refer(professional, signal).file


@pytest.fixture
def screened_file(referred_file, coordinator):
    from zicht.coordination import services

    return services.file_screen(
        membership=coordinator,
        file=referred_file,
        decision="possible_victim",
        reasons="Combinatie van signalen.",
    )
