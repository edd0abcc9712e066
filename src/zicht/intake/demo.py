"""Demo signals from the synthetic population (``zicht.simulation``), recorded through
the real services so the person index and matches are real too. Never in production.

The signals are spread over the past 18 months (``DEMO_MONTHS``): their contact dates come
from the simulation's period, and each is dated as recorded a few days after the contact,
as a professional would, so the referrals and files made from them (``coordination.demo``)
have a history. Eighteen months stays clear of the 24-month retention bound, so the
nightly purge removes nothing for months after the load."""

from __future__ import annotations

import datetime as dt
import random
import sys

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from zicht.accounts import selectors as account_selectors
from zicht.accounts import services as account_services
from zicht.accounts.constants import OrganisationType, Role
from zicht.core import ages
from zicht.core.tasks import mail_discarded
from zicht.intake import services
from zicht.intake.models import Signal
from zicht.pprl.encoding import EncodingError
from zicht.simulation import get_scenario, simulate

DEMO_MONTHS = 18
DEMO_DAYS = DEMO_MONTHS * 365 // 12  # 547


def _recorded_at(contact_date: dt.date, delay_days: int, today: dt.date) -> dt.datetime:
    """When the demo signal was recorded: ``delay_days`` after the contact, never after
    today, in the working day (09:00-17:00 local)."""
    day = min(contact_date + dt.timedelta(days=delay_days), today)
    moment = dt.datetime.combine(day, dt.time(9 + delay_days * 3 % 8, 17))
    return min(timezone.make_aware(moment), timezone.now())


SOURCE_TO_TYPE = {
    "police": OrganisationType.POLICE,
    "municipality": OrganisationType.MUNICIPALITY,
    "youth_care": OrganisationType.YOUTH_CARE,
    "school": OrganisationType.SCHOOL,
    "health_care": OrganisationType.HEALTH_CARE,
    "shelter": OrganisationType.SHELTER,
    "anonymous_help": OrganisationType.OTHER,
}
SETTING_FOR_SOURCE = {
    "police": "police",
    "municipality": "home",
    "youth_care": "care",
    "school": "school",
    "health_care": "care",
    "shelter": "care",
    "anonymous_help": "online",
}


def _in_scope(date_of_birth: dt.date, contact_date: dt.date, today: dt.date) -> bool:
    """Whether a simulated signal can be recorded and survives tonight's purge: the young
    person was within the age scope at contact and has not passed its upper bound today
    (a signal goes at the latest at the birthday after it, zicht.core.ages). The
    simulation's ages are on the first day of a two-year period, so its oldest people
    have aged out by the end of it; their signals are left out of the demo."""
    return (
        ages.age_error(ages.age_on(contact_date, date_of_birth)) is None
        and ages.age_on(today, date_of_birth) <= ages.age_max()
    )


def _demo_buurten() -> dict[str, list[str]]:
    """CBS buurt codes per municipality from the imported list (the monitor's reference
    data, read through the app registry as the signal form does), so that demo signals
    carry a neighbourhood and the municipal monitor has something to place."""
    if not apps.is_installed("zicht.monitor"):
        return {}
    buurten: dict[str, list[str]] = {}
    for code, municipality in (
        apps.get_model("monitor", "Neighbourhood")
        .objects.filter(kind="buurt")
        .values_list("code", "municipality_id")
    ):
        buurten.setdefault(municipality, []).append(code)
    return buurten


def demo_signals_ensure(
    *, population: int = 1200, seed: int = 7, scenario=None, stdout=None
) -> int:
    """Record the simulated signals once; return how many were recorded now."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Signal.objects.exists():
        return 0

    today = dt.date.today()
    scenario = scenario or get_scenario("default").replace(
        population=population,
        start=today - dt.timedelta(days=DEMO_DAYS),
        end=today - dt.timedelta(days=1),
    )
    result = simulate(scenario, seed=seed)
    memberships: dict = {}  # organisation name -> Membership
    buurten = _demo_buurten()
    pick = random.Random(seed)
    recorded = 0
    recorded_at: dict[int, dt.datetime] = {}  # signal pk -> when it was "recorded"
    out = stdout or sys.stdout
    with mail_discarded():
        for i, s in enumerate(result.signals, start=1):
            if not _in_scope(s.date_of_birth, s.date, today):
                continue
            membership = memberships.get(s.organisation)
            if membership is None:
                org = account_selectors.organisation_by_name(name=s.organisation)
                if org is None:
                    org = account_services.organisation_create(
                        name=s.organisation,
                        type=SOURCE_TO_TYPE[s.source_type],
                        municipality=account_selectors.municipality_get(code=s.municipality),
                    )
                membership = account_selectors.active_members(
                    organisation_id=org.pk, roles=[Role.PROFESSIONAL]
                ).first()
                if membership is None:
                    user = get_user_model()(
                        username=f"demo-auteur-{org.pk}",
                        first_name="Demo",
                        last_name=f"auteur {org.pk}",
                        email=f"auteur{org.pk}@demo.zicht.example",
                    )
                    user.set_unusable_password()
                    user.save()
                    membership = account_services.membership_create(
                        user=user, organisation=org, role=Role.PROFESSIONAL
                    )
                memberships[s.organisation] = membership
            data = {
                "contact_date": s.date,
                "setting": SETTING_FOR_SOURCE[s.source_type],
                "indicator_codes": list(s.indicators),
                "forms": list(s.forms),
                "account": "",
                "immediate_danger": s.immediate_danger,
                # Three in four demo signals record the buurt, where the list has any.
                "neighbourhood_code": pick.choice(buurten[s.municipality])
                if s.municipality in buurten and pick.random() < 0.75
                else "",
            }
            identity = {
                "given_names": s.given_names,
                "surname": s.surname,
                "date_of_birth": s.date_of_birth,
                "age_estimate": None,
                "sex": s.sex,
                "bsn": s.bsn,
                "municipality": account_selectors.municipality_get(code=s.municipality),
                "alias": "",
                "phone": "",
            }
            try:
                signal, _matches = services.signal_create(
                    membership=membership, data=data, identity=identity
                )
            except EncodingError:
                continue
            # Recorded the same day or up to three days after the contact.
            recorded_at[signal.pk] = _recorded_at(s.date, pick.choice((0, 0, 1, 2, 3)), today)
            recorded += 1
            if i % 250 == 0:
                out.write(f"  demo signals: {i}/{len(result.signals)}\n")
    # ``created_at`` is set on insert; the demo's history is written afterwards, in bulk.
    dated = list(Signal.objects.filter(pk__in=recorded_at).only("pk"))
    for signal in dated:
        signal.created_at = recorded_at[signal.pk]
    Signal.objects.bulk_update(dated, ["created_at"], batch_size=500)
    return recorded
