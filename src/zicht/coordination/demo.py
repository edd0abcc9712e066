"""Demo referrals: a share of the demo signals referred by their authors, and a share of
the files taken through the workflow, so the coordination pages and the management
indicators of the demo are not empty. Never in production.

The real services stamp everything "now"; the demo then dates its history after the fact
(``_date_referral``, ``_date_file``), following the signals' 18 months: a referral a few
days after the contact, the file opened with it, screened within or after the deadline in
working days, care requested, accepted and placed in the weeks after, closed later. So
some files in the inbox are overdue, some screenings were late, and the management
figures show real medians. Care goes to every shelter and youth-care organisation in the
demo that has a professional, in turn."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import OrganisationType, Role
from zicht.coordination import selectors, services
from zicht.coordination.constants import (
    CareType,
    ClosureDecision,
    ClosureOutcome,
    Consent,
    FileStatus,
    ParentConsent,
    Question,
    Urgency,
)
from zicht.coordination.models import (
    Assessment,
    CareReferral,
    CoordinationFile,
    Measure,
    Referral,
    TimelineEntry,
)
from zicht.coordination.services.files import screening_working_days
from zicht.coordination.workdays import add_working_days
from zicht.core.tasks import mail_discarded
from zicht.intake import selectors as intake_selectors

#: Working days from opening to screening, in turn: most within the deadline
#: (``screening_working_days``, 5 by default), some after it.
SCREENING_WORKING_DAYS = (1, 2, 3, 2, 4, 5, 3, 7, 1, 10, 4, 6)

#: How many providers take the demo's care referrals in turn: the demo's own shelter and
#: youth-care organisation come first (they have demo accounts), then simulated ones.
DEMO_PROVIDERS = 4


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """``day`` at ``hour`` local time, never later than now."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), timezone.now())


def _date_referral(referral: Referral, day: dt.date) -> None:
    """Date a new demo referral (and the file it opened or joined) to ``day``."""
    Referral.objects.filter(pk=referral.pk).update(created_at=_moment(day))
    if referral.file_id is None:
        return  # an anonymous notification opens no file
    file = CoordinationFile.objects.get(pk=referral.file_id)
    opened = min(day, file.opened_on)
    CoordinationFile.objects.filter(pk=file.pk).update(
        opened_on=opened,
        screening_deadline=add_working_days(opened, screening_working_days()),
        created_at=_moment(opened),
    )
    TimelineEntry.objects.filter(
        file_id=file.pk, event__in=("file_opened", "referral_received")
    ).update(at=_moment(opened))


def _date_file(file_id: int, i: int) -> None:
    """Date what ``_progress`` just did to a file after its opening day: screened after a
    number of working days from ``SCREENING_WORKING_DAYS`` (some late), assessed three
    days later, measures decided after five, care requested after a week, accepted after
    nine days, placed after two weeks, closed after six. Nothing after today."""
    file = CoordinationFile.objects.get(pk=file_id)
    today = timezone.localdate()
    screened = add_working_days(
        file.opened_on, SCREENING_WORKING_DAYS[i % len(SCREENING_WORKING_DAYS)]
    )
    day = {
        "assigned": file.opened_on,
        "screened": screened,
        "assessed": screened + dt.timedelta(days=3),
        "decided": screened + dt.timedelta(days=5),
        "requested": screened + dt.timedelta(days=7),
        "accepted": screened + dt.timedelta(days=9),
        "placed": screened + dt.timedelta(days=14),
        "closed": screened + dt.timedelta(days=42),
    }
    day = {step: min(d, today) for step, d in day.items()}
    if file.screened_on is not None:
        CoordinationFile.objects.filter(pk=file.pk).update(screened_on=day["screened"])
    if file.closed_at is not None:
        CoordinationFile.objects.filter(pk=file.pk).update(closed_at=_moment(day["closed"], 15))
    Assessment.objects.filter(file_id=file.pk, completed_at__isnull=False).update(
        completed_at=_moment(day["assessed"])
    )
    Measure.objects.filter(file_id=file.pk).update(created_at=_moment(day["assessed"]))
    Measure.objects.filter(file_id=file.pk, decided_at__isnull=False).update(
        decided_at=_moment(day["decided"])
    )
    care = CareReferral.objects.filter(file_id=file.pk)
    care.update(requested_at=_moment(day["requested"]))
    care.filter(accepted_at__isnull=False).update(accepted_at=_moment(day["accepted"]))
    care.filter(placed_at__isnull=False).update(placed_at=_moment(day["placed"], 14))
    for events, step, hour in (
        (("assigned",), "assigned", 11),
        (("screened",), "screened", 12),
        (("assessment_completed", "measure_added"), "assessed", 12),
        (("measure_accept", "measure_refuse"), "decided", 12),
        (("care_requested",), "requested", 12),
        (("care_accepted",), "accepted", 12),
        (("care_placed", "support_started"), "placed", 14),
        (("closed", "measure_drop", "task_drop"), "closed", 15),
    ):
        TimelineEntry.objects.filter(file_id=file.pk, event__in=events).update(
            at=_moment(day[step], hour)
        )


def demo_referrals_ensure(*, every: int = 12, limit: int = 90) -> int:
    """Refer every ``every``-th active demo signal (by reference), at most ``limit``."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Referral.objects.exists():
        return 0
    signals = list(intake_selectors.signals_active())[::every][:limit]
    made = 0
    with mail_discarded():
        for i, signal in enumerate(signals):
            membership = (
                account_selectors.active_members(organisation_id=signal.organisation_id)
                .filter(user=signal.author)
                .first()
            )
            if membership is None:
                continue
            minor = (signal.age_at_contact or 0) < 18
            try:
                referral = services.referral_create(
                    membership=membership,
                    signal=signal,
                    reason="Meerdere signalen van criminele uitbuiting; graag beoordeling.",
                    urgency=Urgency.URGENT if signal.immediate_danger else Urgency.NORMAL,
                    consent_young_person=Consent.GIVEN if i % 3 else Consent.NOT_ASKED,
                    consent_parents=ParentConsent.NOT_ASKED
                    if minor
                    else ParentConsent.NOT_APPLICABLE,
                )
            except ValidationError:
                continue
            # Referred one to ten days after the contact, never after today.
            day = signal.contact_date + dt.timedelta(days=1 + i * 7 % 10)
            _date_referral(referral, min(day, timezone.localdate()))
            made += 1
    return made


def demo_files_progress() -> int:
    """Take a share of the demo files through the workflow, so every step can be seen in
    the demo: assigned, screened with each decision, assessed with measures, care
    requested, accepted and placed, closed with an outcome. Everything happens through the
    real services, by the demo coordinator and the providers in turn, and is then dated
    after the file's opening day (``_date_file``); about one file in ten stays untouched in
    the inbox. Returns the number of files moved on."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    coordinator = account_selectors.coordinators().order_by("pk").first()
    # Every shelter and youth-care organisation with a professional takes care referrals
    # in turn, so the care figures compare providers.
    providers = []
    for organisation in selectors.providers().order_by("pk"):
        member = (
            account_selectors.active_members(
                organisation_id=organisation.pk, roles=[Role.PROFESSIONAL]
            )
            .order_by("pk")
            .first()
        )
        if member is not None:
            providers.append((organisation, member))
    providers = providers[:DEMO_PROVIDERS]
    if coordinator is None or not providers:
        return 0
    files = CoordinationFile.objects.all()
    if (
        files.exclude(status=FileStatus.SCREENING).exists()
        or files.filter(assigned_to__isnull=False).exists()
    ):
        return 0  # moved on before: the demo data are loaded idempotently
    files = list(files.order_by("pk"))
    moved = 0
    with mail_discarded():
        for i, file in enumerate(files):
            step = i % 10
            if step == 0:
                continue  # waits in the inbox, nobody assigned
            organisation, member = providers[(i // 10) % len(providers)]
            _progress(file, step, i, coordinator=coordinator, provider=member, shelter=organisation)
            _date_file(file.pk, i)
            moved += 1
    return moved


def _progress(file, step: int, i: int, *, coordinator, provider, shelter) -> None:
    """One file, as far as ``step`` (1-9) says; see ``demo_files_progress``. ``shelter``
    is the providing organisation (a shelter or youth care), ``provider`` its member."""

    def fresh():
        return CoordinationFile.objects.get(pk=file.pk)

    services.file_assign(membership=coordinator, file=fresh(), coordinator=coordinator)
    if step == 1:
        return
    decision = {2: "not_victim", 3: "more_information"}.get(step, "possible_victim")
    services.file_screen(
        membership=coordinator,
        file=fresh(),
        decision=decision,
        reasons="Beoordeeld op basis van de signalen en een gesprek met de melder.",
    )
    if step <= 4:
        return
    answers = {
        Question.MINOR: True,
        Question.DEPENDENCY: True,
        Question.INTIMIDATION: step % 2 == 0,
        Question.NEEDS_INTERPRETER: step in (6, 9),
        Question.DEBTS: step >= 7,
    }
    services.assessment_complete(membership=coordinator, file=fresh(), answers=answers)
    if step == 5:
        return  # measures proposed, not yet decided
    for measure in fresh().measures.order_by("pk")[:2]:
        services.measure_decide(
            membership=coordinator, measure=measure, action="accept", owner=coordinator.organisation
        )
    if step == 6:
        return
    if shelter.type == OrganisationType.SHELTER:
        care_type = (CareType.CATEGORICAL_SHELTER, CareType.REGULAR_SHELTER)[i // 10 % 2]
    else:
        care_type = (CareType.YOUTH_CARE, CareType.AMBULANT)[i // 10 % 2]
    care = services.care_referral_create(
        membership=coordinator,
        file=fresh(),
        provider=shelter,
        care_type=care_type,
    )
    if step == 7:
        return  # waits for the shelter's answer
    for action in ("accept", "place"):
        care = services.care_referral_act(membership=provider, care_referral=care, action=action)
    if step == 8:
        return
    outcomes = [ClosureOutcome.SAFE_SUPPORTED, ClosureOutcome.INVESTIGATION, ClosureOutcome.MOVED]
    # Proposals not taken up are dropped with a reason: a file never closes with open work.
    measures, tasks = selectors.open_work(fresh())
    services.file_close(
        membership=coordinator,
        file=fresh(),
        outcome=outcomes[(i // 10) % len(outcomes)],
        decisions={
            selectors.item_key(item): (ClosureDecision.DROP, "Niet nodig na de beoordeling.")
            for item in [*measures, *tasks]
        },
    )
