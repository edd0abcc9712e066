"""Helpers for the monitor tests: the bundled demo neighbourhoods, a municipal
administrator of Rotterdam, and signals written straight as statistics rows (the monitor
reads only their non-identifying facts, so no identity is needed)."""

import datetime as dt
import itertools

import pytest

from tests.factories import MembershipFactory, OrganisationFactory
from zicht.accounts.constants import OrganisationType, Role
from zicht.monitor import services
from zicht.monitor.management.commands.import_neighbourhoods import Command as _Neighbourhoods
from zicht.monitor.management.commands.import_population import Command as _Population

NEIGHBOURHOODS = _Neighbourhoods.demo_file
POPULATION = _Population.demo_file

_refs = itertools.count(1)


@pytest.fixture
def neighbourhoods(db):
    services.neighbourhoods_import(text=NEIGHBOURHOODS.read_text(encoding="utf-8"))


@pytest.fixture
def population(db):
    services.population_import(text=POPULATION.read_text(encoding="utf-8"))


@pytest.fixture
def rotterdam_admin(db):
    org = OrganisationFactory(name="Gemeente Rotterdam", type=OrganisationType.MUNICIPALITY)
    return MembershipFactory(role=Role.ORG_ADMIN, organisation=org)


@pytest.fixture
def amsterdam_admin(db):
    from zicht.accounts.models import Municipality

    org = OrganisationFactory(
        name="Gemeente Amsterdam",
        type=OrganisationType.MUNICIPALITY,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    return MembershipFactory(role=Role.ORG_ADMIN, organisation=org)


@pytest.fixture
def make_signals(db):
    """make(n, source=..., neighbourhood=..., municipality=..., day=...) -> the signals."""
    from zicht.accounts.models import Municipality
    from zicht.intake.models import IndicatorCatalogue, Signal

    orgs: dict = {}
    authors: dict = {}

    def make(n, *, source="police", neighbourhood="", municipality="GM0599", day=None):
        if source not in orgs:
            orgs[source] = OrganisationFactory(type=source)
            authors[source] = MembershipFactory(organisation=orgs[source]).user
        day = day or dt.date(2026, 2, 10)
        catalogue = IndicatorCatalogue.objects.get(is_current=True)
        return [
            Signal.objects.create(
                reference=f"T-{next(_refs):06d}",
                organisation=orgs[source],
                author=authors[source],
                contact_date=day,
                setting="school",
                catalogue=catalogue,
                municipality=Municipality.objects.get(code=municipality),
                neighbourhood_code=neighbourhood,
                age_at_contact=15,
                expires_on=day + dt.timedelta(days=700),
            )
            for _ in range(n)
        ]

    return make
