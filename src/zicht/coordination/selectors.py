"""Reads of the coordination app, always given the requesting membership.

- A referring professional sees their own referrals and a status per referral:
  never the assessment, the measures or another organisation's referral.
- A coordinator sees every file of the centre, and the identity only of signals
  that were referred with identity.
- A provider sees the care referrals addressed to their own organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.coordination import permissions
from zicht.coordination.constants import (
    AWAITING_SCREENING,
    OPEN_STATUSES,
    CareStatus,
    FileStatus,
    ReferralKind,
)
from zicht.coordination.models import CareReferral, CoordinationFile, Referral
from zicht.coordination.workdays import working_days_between
from zicht.intake import selectors as intake_selectors
from zicht.linkage import selectors as linkage_selectors

__all__ = [
    "referral_for_signal",
    "referrals_of",
    "referral_get",
    "referrer_status",
    "referrer_timeline",
    "inbox",
    "inbox_files",
    "inbox_rows",
    "InboxRow",
    "inbox_summary",
    "InboxSummary",
    "care_requests_waiting",
    "file_get",
    "file_sources",
    "Source",
    "coordinators",
    "duplicate_files",
    "care_inbox",
    "care_referral_get",
    "providers",
    "anonymous_notification_count",
]


def referral_for_signal(*, membership, signal_id) -> Referral | None:
    """The referral of one of the professional's own signals, if any."""
    if membership is None:
        return None
    return Referral.objects.filter(
        signal_id=signal_id, organisation_id=membership.organisation_id
    ).first()


def referrals_of(*, membership):
    """The referrals this professional made, newest first."""
    if membership is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(referred_by=membership.user, organisation=membership.organisation)
        .select_related("file")
        .prefetch_related("file__care_referrals")
        .order_by("-created_at")
    )


def referral_get(*, membership, referral_id) -> Referral:
    try:
        return referrals_of(membership=membership).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError):
        raise Http404 from None


def referrer_status(referral: Referral) -> str:
    """What the referring professional may know: the stage, never the assessment."""
    if referral.kind == ReferralKind.ANONYMOUS:
        return _("Anonymous notification counted (no file)")
    file = referral.file
    if file.anonymised_at:
        return _("Closed")
    if file.status == FileStatus.CLOSED:
        return _("Closed: %(outcome)s") % {"outcome": file.get_closure_outcome_display()}
    care = sorted(file.care_referrals.all(), key=lambda c: c.requested_at)
    if care and file.status in (FileStatus.ASSESSMENT, FileStatus.SUPPORT):
        latest = care[-1]
        return {
            CareStatus.REQUESTED: _("Care requested"),
            CareStatus.ACCEPTED: _("Care accepted by the provider"),
            CareStatus.REFUSED: _("Care refused; the coordinator looks for another provider"),
            CareStatus.PLACED: _("Placed in care"),
            CareStatus.ENDED: _("Care ended"),
        }[latest.status]
    return {
        FileStatus.SCREENING: _("Received: awaiting screening"),
        FileStatus.MORE_INFORMATION: _("More information needed: the coordinator contacts you"),
        FileStatus.ASSESSMENT: _("Screened: possible victim"),
        FileStatus.SUPPORT: _("Protection and care being arranged"),
        FileStatus.NOT_VICTIM: _("Screened: not a victim"),
    }[file.status]


def referrer_timeline(*, membership, referral: Referral):
    """Status steps of the referral's file since the referral, for its referring professional."""
    if referral.referred_by_id != membership.user_id or referral.file_id is None:
        return []
    return list(
        referral.file.timeline.filter(for_referrer=True, at__gte=referral.created_at).order_by(
            "at", "id"
        )
    )


# --- coordinator ---------------------------------------------------------------------------


def _coordinator(membership) -> None:
    if not permissions.is_coordinator(membership):
        raise PermissionDenied


@dataclass(frozen=True)
class InboxRow:
    file: CoordinationFile
    working_days_left: int | None
    overdue: bool
    sources: int


def inbox_files(*, membership, view: str = "open"):
    """The files of an inbox view, sorted in the database, each with its ``sources`` count.

    ``view``: "open" (all open files), "mine", "unassigned" or "closed". Open files:
    awaiting screening first, then by screening deadline; closed files: the most
    recently closed first. A queryset, for the caller to page through.
    """
    _coordinator(membership)
    sources = (
        Referral.objects.filter(file=OuterRef("pk"))
        .order_by()
        .values("file")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = CoordinationFile.objects.select_related("assigned_to", "municipality").annotate(
        sources=Coalesce(Subquery(sources), 0)
    )
    if view == "closed":
        return qs.filter(status=FileStatus.CLOSED).order_by(
            F("closed_at").desc(nulls_last=True), "-pk"
        )
    qs = qs.filter(status__in=OPEN_STATUSES)
    if view == "mine":
        qs = qs.filter(assigned_to=membership.user)
    elif view == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    return qs.annotate(
        awaiting_first=Case(When(status__in=AWAITING_SCREENING, then=0), default=1)
    ).order_by("awaiting_first", "screening_deadline", "created_at", "pk")


def inbox_rows(files, *, today: dt.date | None = None) -> list[InboxRow]:
    """Rows of ``files`` (from ``inbox_files``, or one page of them) with their deadline."""
    today = today or timezone.localdate()
    rows = []
    for file in files:
        awaiting = file.status in AWAITING_SCREENING
        rows.append(
            InboxRow(
                file=file,
                working_days_left=(
                    working_days_between(today, file.screening_deadline) if awaiting else None
                ),
                overdue=awaiting and file.screening_deadline < today,
                sources=file.sources,
            )
        )
    return rows


def inbox(*, membership, view: str = "open", today: dt.date | None = None) -> list[InboxRow]:
    """Every row of an inbox view, in the order of ``inbox_files``; pages use those two."""
    return inbox_rows(inbox_files(membership=membership, view=view), today=today)


@dataclass(frozen=True)
class InboxSummary:
    awaiting_screening: int
    overdue: int
    unassigned: int


def inbox_summary(*, membership, today: dt.date | None = None) -> InboxSummary | None:
    """Counts for a coordinator's home page; ``None`` for anyone else."""
    if not permissions.is_coordinator(membership):
        return None
    today = today or timezone.localdate()
    open_files = CoordinationFile.objects.filter(status__in=OPEN_STATUSES)
    awaiting = open_files.filter(status__in=AWAITING_SCREENING)
    return InboxSummary(
        awaiting_screening=awaiting.count(),
        overdue=awaiting.filter(screening_deadline__lt=today).count(),
        unassigned=open_files.filter(assigned_to__isnull=True).count(),
    )


def care_requests_waiting(*, membership) -> int:
    """Care requests addressed to the member's organisation that wait for its answer."""
    return care_inbox(membership=membership).filter(status=CareStatus.REQUESTED).count()


def file_get(*, membership, file_id) -> CoordinationFile:
    _coordinator(membership)
    try:
        return CoordinationFile.objects.select_related("assigned_to", "municipality").get(
            pk=file_id
        )
    except (CoordinationFile.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass(frozen=True)
class Source:
    referral: Referral | None
    signal: object | None  # intake ReferredSignal (with identity) for referred signals
    contact: object | None = None  # intake SignalContact for known-but-not-referred signals
    identity_shown: bool = False
    extra: dict = field(default_factory=dict)


def file_sources(*, membership, file: CoordinationFile) -> list[Source]:
    """The referrals of the file with their signal (and identity), then the other
    organisations known through the person index, without identity."""
    _coordinator(membership)
    sources = []
    referred = set()
    for referral in file.referrals.select_related("organisation", "referred_by").order_by(
        "created_at"
    ):
        view = (
            intake_selectors.referred_signal_view(signal_id=referral.signal_id)
            if referral.signal_id
            else None
        )
        referred.add(referral.signal_id)
        sources.append(
            Source(
                referral=referral,
                signal=view,
                identity_shown=bool(view and view.has_identity),
            )
        )
    others = set()
    for signal_id in referred - {None}:
        others |= linkage_selectors.confirmed_same_person(signal_id=signal_id)
    for signal_id in sorted(others - referred, key=str):
        contact = intake_selectors.signal_contact(signal_id=signal_id)
        if contact is not None:
            sources.append(Source(referral=None, signal=None, contact=contact))
    return sources


def duplicate_files(*, membership, file: CoordinationFile) -> list[CoordinationFile]:
    """Other open files holding a referral of a signal confirmed as the same person."""
    _coordinator(membership)
    same = set()
    for signal_id in file.referrals.exclude(signal_id=None).values_list("signal_id", flat=True):
        same |= linkage_selectors.confirmed_same_person(signal_id=signal_id)
    if not same:
        return []
    return list(
        CoordinationFile.objects.filter(referrals__signal_id__in=same, status__in=OPEN_STATUSES)
        .exclude(pk=file.pk)
        .distinct()
        .order_by("created_at")
    )


def coordinators():
    """The coordinators a file can be assigned to (``zicht.accounts.selectors.coordinators``)."""
    return account_selectors.coordinators()


def anonymous_notification_count(*, membership, since: dt.date | None = None) -> int:
    _coordinator(membership)
    qs = Referral.objects.filter(kind=ReferralKind.ANONYMOUS)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    return qs.count()


# --- providers -----------------------------------------------------------------------------


def providers():
    from zicht.accounts.selectors import organisation_list

    return organisation_list().filter(type__in=permissions.PROVIDER_TYPES)


def care_inbox(*, membership):
    """Care referrals addressed to the member's own organisation."""
    if not permissions.is_provider(membership):
        return CareReferral.objects.none()
    return (
        CareReferral.objects.filter(provider_id=membership.organisation_id)
        .select_related("file", "requested_by")
        .annotate(
            open_first=Case(
                When(status__in=(CareStatus.REQUESTED, CareStatus.ACCEPTED), then=0), default=1
            )
        )
        .order_by("open_first", "-requested_at", "-pk")
    )


def care_referral_get(*, care_id) -> CareReferral:
    """Any care referral by id; the service decides whether the member may act on it."""
    try:
        return CareReferral.objects.select_related("file", "provider").get(pk=care_id)
    except (CareReferral.DoesNotExist, ValueError):
        raise Http404 from None


def referrals_for_statistics() -> list[tuple]:
    """(signal_id, kind) of every referral made from a signal, for aggregate counts only."""
    return list(
        Referral.objects.exclude(signal_id=None).values_list("signal_id", "kind").order_by("pk")
    )


def possible_victims_for_statistics() -> dict:
    """{file id: [signal ids]} of the files screened as "possible victim" (registered
    possible victims), merged duplicates left out; for aggregate counts only."""
    from zicht.coordination.constants import ScreeningDecision

    files: dict = {}
    rows = Referral.objects.filter(
        file__screening_decision=ScreeningDecision.POSSIBLE_VICTIM,
        file__merged_into__isnull=True,
    ).values_list("file_id", "signal_id")
    for file_id, signal_id in rows:
        files.setdefault(file_id, [])
        if signal_id is not None:
            files[file_id].append(signal_id)
    return files


def files_for_statistics(*, signal_ids) -> list[dict]:
    """Facts of the (not merged) files that hold a referral of one of ``signal_ids``, for
    aggregate counts only (the municipal monitor): which of those signals each holds, the
    screening dates, and how many measures were taken and care referrals placed. Never the
    file's reference, people or content."""
    from zicht.coordination.constants import CareStatus, MeasureStatus

    signal_ids = set(signal_ids)
    by_file: dict = {}
    for file_id, signal_id in Referral.objects.filter(
        file__merged_into__isnull=True, signal_id__isnull=False
    ).values_list("file_id", "signal_id"):
        if signal_id in signal_ids:
            by_file.setdefault(file_id, set()).add(signal_id)
    taken = (MeasureStatus.ACCEPTED, MeasureStatus.IN_PLACE, MeasureStatus.ENDED)
    placed = (CareStatus.PLACED, CareStatus.ENDED)
    rows = []
    for chunk_start in range(0, len(by_file), 500):
        ids = list(by_file)[chunk_start : chunk_start + 500]
        files = CoordinationFile.objects.filter(pk__in=ids).annotate(
            n_measures=Count("measures", filter=Q(measures__status__in=taken), distinct=True),
            n_placed=Count(
                "care_referrals", filter=Q(care_referrals__status__in=placed), distinct=True
            ),
        )
        for f in files.values(
            "pk",
            "opened_on",
            "screened_on",
            "screening_deadline",
            "screening_decision",
            "n_measures",
            "n_placed",
        ):
            days = (
                working_days_between(f["opened_on"], f["screened_on"]) if f["screened_on"] else None
            )
            rows.append({**f, "signal_ids": by_file[f["pk"]], "working_days": days})
    return rows
