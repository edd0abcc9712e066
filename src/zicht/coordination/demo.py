"""Demo referrals: a share of the demo signals referred by their authors, and a share of
the files taken through the workflow, so the coordination pages and the management
indicators of the demo are not empty. Never in production."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

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
from zicht.coordination.models import CoordinationFile, Referral
from zicht.core.tasks import mail_discarded


def demo_referrals_ensure(*, every: int = 12, limit: int = 90) -> int:
    """Refer every ``every``-th active demo signal (by reference), at most ``limit``."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Referral.objects.exists():
        return 0
    from zicht.accounts import selectors as account_selectors
    from zicht.intake import selectors as intake_selectors

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
                services.referral_create(
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
            made += 1
    return made


def demo_files_progress() -> int:
    """Take a share of the demo files through the workflow, so every step can be seen in
    the demo: assigned, screened with each decision, assessed with measures, care
    requested, accepted and placed, closed with an outcome. Everything happens today,
    through the real services, by the demo coordinator and the demo shelter; about one file
    in ten stays untouched in the inbox. Returns the number of files moved on."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    from zicht.accounts import selectors as account_selectors
    from zicht.accounts.constants import OrganisationType, Role

    coordinator = account_selectors.coordinators().order_by("pk").first()
    shelter = selectors.providers().filter(type=OrganisationType.SHELTER).order_by("pk").first()
    provider = (
        account_selectors.active_members(organisation_id=shelter.pk, roles=[Role.PROFESSIONAL])
        .order_by("pk")
        .first()
        if shelter
        else None
    )
    if coordinator is None or provider is None:
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
            _progress(file, step, i, coordinator=coordinator, provider=provider, shelter=shelter)
            moved += 1
    return moved


def _progress(file, step: int, i: int, *, coordinator, provider, shelter) -> None:
    """One file, as far as ``step`` (1-9) says; see ``demo_files_progress``."""

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
    care = services.care_referral_create(
        membership=coordinator,
        file=fresh(),
        provider=shelter,
        care_type=CareType.CATEGORICAL_SHELTER,
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
