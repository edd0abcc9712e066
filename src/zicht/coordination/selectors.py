"""Reads of the coordination app, always given the requesting membership.

- A referring professional sees their own referrals and a status per referral:
  never the assessment, the measures or another organisation's referral.
- A coordinator sees every file of the centre, and the identity only of signals
  that were referred with identity.
- A provider sees the care referrals addressed to their own organisation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import OrganisationType
from zicht.accounts.selectors import organisation_list
from zicht.coordination import permissions
from zicht.coordination.constants import (
    AWAITING_SCREENING,
    OPEN_STATUSES,
    CareStatus,
    ClosureDecision,
    FileStatus,
    MeasureStatus,
    ReferralKind,
    ScreeningDecision,
    Urgency,
)
from zicht.coordination.models import CareReferral, CoordinationFile, Measure, Referral
from zicht.coordination.workdays import working_days_between
from zicht.intake import selectors as intake_selectors
from zicht.intake.search import SearchQuery
from zicht.linkage import selectors as linkage_selectors

if TYPE_CHECKING:  # pragma: no cover
    from django_stubs_ext import WithAnnotations

    from zicht.accounts.types import Membership, Organisation
    from zicht.coordination.models import FollowUpTask, TimelineEntry


class InboxCounts(TypedDict):
    """What ``inbox_files`` adds to each file (for the types of ``inbox_rows``)."""

    sources: int
    referring_organisation: str | None
    referred_at: dt.datetime | None


#: A queryset of coordination files, annotated or not (the inbox adds counts).
_Files = TypeVar("_Files", bound="QuerySet[CoordinationFile, Any]")

__all__ = [
    "file_references",
    "referral_for_signal",
    "referrals_of",
    "referral_get",
    "referrer_status",
    "referrer_timeline",
    "inbox",
    "inbox_files",
    "inbox_rows",
    "inbox_people",
    "InboxRow",
    "InboxSearch",
    "INBOX_VIEWS",
    "inbox_summary",
    "InboxSummary",
    "care_requests_waiting",
    "file_get",
    "file_sources",
    "Source",
    "coordinators",
    "handover_code",
    "handover_conversation_code",
    "likely_measure_owners",
    "duplicate_files",
    "file_open_work",
    "open_work",
    "item_key",
    "care_inbox",
    "care_referral_get",
    "providers",
    "anonymous_notification_count",
]


def referral_for_signal(*, membership: Membership | None, signal_id: uuid.UUID) -> Referral | None:
    """The referral of one of the professional's own signals, if any."""
    if membership is None:
        return None
    return Referral.objects.filter(
        signal_id=signal_id, organisation_id=membership.organisation_id
    ).first()


def referrals_of(*, membership: Membership | None) -> QuerySet[Referral]:
    """The referrals this professional made, newest first."""
    if membership is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(referred_by=membership.user, organisation=membership.organisation)
        .select_related("file")
        .prefetch_related("file__care_referrals")
        .order_by("-created_at")
    )


def referral_get(*, membership: Membership | None, referral_id: uuid.UUID | str) -> Referral:
    try:
        return referrals_of(membership=membership).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError):
        raise Http404 from None


def referrer_status(referral: Referral) -> str:
    """What the referring professional may know: the stage, never the assessment."""
    if referral.kind == ReferralKind.ANONYMOUS:
        return _("Anonymous notification counted (no file)")
    file = referral.file
    assert file is not None, "only an anonymous notification has no file"
    if file.anonymised_at:
        return _("Closed")
    if file.status == FileStatus.CLOSED:
        return _("Closed: %(outcome)s") % {"outcome": file.get_closure_outcome_display()}
    care = sorted(file.care_referrals.all(), key=lambda c: c.requested_at)
    if care and FileStatus(file.status) in (FileStatus.ASSESSMENT, FileStatus.SUPPORT):
        latest = care[-1]
        return {
            CareStatus.REQUESTED: _("Care requested"),
            CareStatus.ACCEPTED: _("Care accepted by the provider"),
            CareStatus.REFUSED: _("Care refused; the coordinator looks for another provider"),
            CareStatus.PLACED: _("Placed in care"),
            CareStatus.ENDED: _("Care ended"),
        }[CareStatus(latest.status)]
    return {
        FileStatus.SCREENING: _("Received: awaiting screening"),
        FileStatus.MORE_INFORMATION: _("More information needed: the coordinator contacts you"),
        FileStatus.ASSESSMENT: _("Screened: possible victim"),
        FileStatus.SUPPORT: _("Protection and care being arranged"),
        FileStatus.NOT_VICTIM: _("Screened: not a victim"),
    }[FileStatus(file.status)]


def referrer_timeline(*, membership: Membership, referral: Referral) -> list[TimelineEntry]:
    """Status steps of the referral's file since the referral, for its referring professional."""
    if referral.referred_by_id != membership.user_id or referral.file_id is None:
        return []
    file = referral.file
    assert file is not None  # file_id is set
    return list(
        file.timeline.filter(for_referrer=True, at__gte=referral.created_at).order_by("at", "id")
    )


# --- coordinator ---------------------------------------------------------------------------


def _coordinator(membership: Membership | None) -> None:
    if not permissions.is_coordinator(membership):
        raise PermissionDenied


@dataclass(frozen=True)
class InboxRow:
    file: CoordinationFile
    working_days_left: int | None
    overdue: bool
    sources: int
    name: str = ""  # the young person, from a referral with identity; "" otherwise
    age: int | None = None
    referring_organisation: str = ""
    referred_on: dt.datetime | None = None


#: Inbox views: the home page's counts link to "awaiting", "overdue" and "unassigned".
INBOX_VIEWS = ("open", "mine", "unassigned", "awaiting", "overdue", "closed")

#: Acute before urgent before normal. A file's urgency is the highest of its referrals'
#: (``services.files.raise_urgency``); the referral form proposes "acute" when the signal
#: records immediate danger.
URGENCY_RANK = Case(
    When(urgency=Urgency.ACUTE, then=0), When(urgency=Urgency.URGENT, then=1), default=2
)


@dataclass(frozen=True)
class InboxSearch:
    """What a coordinator searches the inbox for: a name, a file number or a signal
    number (one text). Held in the session, never in a URL."""

    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.text.strip())

    def __repr__(self) -> str:  # never print a name by accident
        return "InboxSearch(<redacted>)"


def _search_filter(qs: _Files, search: InboxSearch) -> _Files:
    """Files whose number or a referred signal's number is the text, or whose young
    person (referred with identity) agrees with it as a name."""
    text = search.text.strip()
    by_number = Q(reference__iexact=text)
    signal_ids = intake_selectors.signal_ids_with_reference(reference=text)
    if signal_ids:
        by_number |= Q(referrals__signal_id__in=signal_ids)
    named = Referral.objects.filter(kind=ReferralKind.REFERRAL).exclude(signal_id=None)
    organisations = named.values_list("organisation_id", flat=True).distinct()
    found = intake_selectors.referred_signal_search(
        query=SearchQuery(name=text), organisation_ids=list(organisations)
    )
    by_name = Q(pk__in=named.filter(signal_id__in=list(found)).values("file_id"))
    return qs.filter(by_number | by_name).distinct()


def inbox_files(
    *, membership: Membership, view: str = "open", search: InboxSearch | None = None
) -> QuerySet[WithAnnotations[CoordinationFile, InboxCounts]]:
    """The files of an inbox view, sorted in the database, each with its ``sources``
    count, referring organisation and referral date (of the first referral).

    ``view``: one of ``INBOX_VIEWS``. Open files: awaiting screening first, within that
    acute, then urgent, then normal, then by screening deadline, so an urgent referral
    is never behind routine ones; closed files: the most recently closed first. A
    queryset, for the caller to page through.
    """
    _coordinator(membership)
    sources = (
        Referral.objects.filter(file=OuterRef("pk"))
        .order_by()
        .values("file")
        .annotate(n=Count("pk"))
        .values("n")
    )
    first = Referral.objects.filter(file=OuterRef("pk")).order_by("created_at", "pk")
    qs = CoordinationFile.objects.select_related("assigned_to", "municipality").annotate(
        sources=Coalesce(Subquery(sources), 0),
        referring_organisation=Subquery(first.values("organisation__name")[:1]),
        referred_at=Subquery(first.values("created_at")[:1]),
    )
    if search:
        qs = _search_filter(qs, search)
    if view == "closed":
        return qs.filter(status=FileStatus.CLOSED).order_by(
            F("closed_at").desc(nulls_last=True), "-pk"
        )
    qs = qs.filter(status__in=OPEN_STATUSES)
    if view == "mine":
        qs = qs.filter(assigned_to=membership.user)
    elif view == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    elif view == "awaiting":
        qs = qs.filter(status__in=AWAITING_SCREENING)
    elif view == "overdue":
        qs = qs.filter(status__in=AWAITING_SCREENING, screening_deadline__lt=timezone.localdate())
    return qs.annotate(
        awaiting_first=Case(When(status__in=AWAITING_SCREENING, then=0), default=1),
        urgency_rank=URGENCY_RANK,
    ).order_by("awaiting_first", "urgency_rank", "screening_deadline", "created_at", "pk")


def inbox_people(
    *, membership: Membership | None, files: Iterable[CoordinationFile]
) -> dict[int, intake_selectors.SignalRow]:
    """{file id: intake ``SignalRow``} for the files of one page: the young person of
    the file's first referral with identity. Decrypts only these; the caller shows them
    to a coordinator and audit-logs the file ids."""
    _coordinator(membership)
    first: dict = {}
    for file_id, signal_id in (
        Referral.objects.filter(
            file__in=[f.pk for f in files], kind=ReferralKind.REFERRAL, signal_id__isnull=False
        )
        .order_by("created_at", "pk")
        .values_list("file_id", "signal_id")
    ):
        first.setdefault(file_id, signal_id)
    rows = {
        row.signal.pk: row
        for row in intake_selectors.referred_signal_rows(signal_ids=list(first.values()))
    }
    return {file_id: rows[sid] for file_id, sid in first.items() if sid in rows}


def inbox_rows(
    files: Iterable[WithAnnotations[CoordinationFile, InboxCounts]],
    *,
    today: dt.date | None = None,
    people: dict[int, intake_selectors.SignalRow] | None = None,
) -> list[InboxRow]:
    """Rows of ``files`` (from ``inbox_files``, or one page of them) with their deadline
    and, when given (``inbox_people``), the young person's name and age."""
    today = today or timezone.localdate()
    people = people or {}
    rows = []
    for file in files:
        awaiting = file.status in AWAITING_SCREENING
        person = people.get(file.pk)
        rows.append(
            InboxRow(
                file=file,
                working_days_left=(
                    working_days_between(today, file.screening_deadline) if awaiting else None
                ),
                overdue=awaiting and file.screening_deadline < today,
                sources=file.sources,
                name=person.name if person else "",
                age=person.age if person and person.age is not None else file.age_at_referral,
                referring_organisation=getattr(file, "referring_organisation", "") or "",
                referred_on=getattr(file, "referred_at", None),
            )
        )
    return rows


def inbox(
    *, membership: Membership, view: str = "open", today: dt.date | None = None
) -> list[InboxRow]:
    """Every row of an inbox view, in the order of ``inbox_files``; pages use those two."""
    return inbox_rows(inbox_files(membership=membership, view=view), today=today)


@dataclass(frozen=True)
class InboxSummary:
    awaiting_screening: int
    overdue: int
    unassigned: int


def inbox_summary(
    *, membership: Membership | None, today: dt.date | None = None
) -> InboxSummary | None:
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


def care_requests_waiting(*, membership: Membership | None) -> int:
    """Care requests addressed to the member's organisation that wait for its answer."""
    return care_inbox(membership=membership).filter(status=CareStatus.REQUESTED).count()


def file_get(*, membership: Membership | None, file_id: int | str) -> CoordinationFile:
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


def file_sources(*, membership: Membership | None, file: CoordinationFile) -> list[Source]:
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
    for signal_id in filter(None, referred):
        others |= linkage_selectors.confirmed_same_person(signal_id=signal_id)
    for signal_id in sorted(others - referred, key=str):
        contact = intake_selectors.signal_contact(signal_id=signal_id)
        if contact is not None:
            sources.append(Source(referral=None, signal=None, contact=contact))
    return sources


def open_work(file: CoordinationFile) -> tuple[list[Measure], list[FollowUpTask]]:
    """The measures still proposed and the tasks still open: what closing the file must
    decide on (``services.file_close``)."""
    measures = list(file.measures.filter(status=MeasureStatus.PROPOSED).order_by("pk"))
    tasks = list(
        file.tasks.filter(done_at__isnull=True)
        .exclude(closure_decision=ClosureDecision.DROP)
        .order_by("due_date", "pk")
    )
    return measures, tasks


def item_key(item: Measure | FollowUpTask) -> str:
    """The name of an open item's decision at closing: ``measure_<id>`` or ``task_<id>``."""
    return f"{'measure' if isinstance(item, Measure) else 'task'}_{item.pk}"


def file_open_work(
    *, membership: Membership | None, file: CoordinationFile
) -> list[tuple[str, str]]:
    """(key, label) of each open item of the file, for the closing form."""
    _coordinator(membership)
    measures, tasks = open_work(file)
    items = [
        (item_key(m), _("Proposed measure: %(measure)s") % {"measure": m.get_kind_display()})
        for m in measures
    ]
    items += [
        (
            item_key(t),
            _("Open task: %(title)s (due %(due)s)")
            % {"title": t.title, "due": date_format(t.due_date)},
        )
        for t in tasks
    ]
    return items


def duplicate_files(
    *, membership: Membership | None, file: CoordinationFile
) -> list[CoordinationFile]:
    """Other open files holding a referral of a signal confirmed as the same person."""
    _coordinator(membership)
    same = set()
    for signal_id in filter(None, file.referrals.values_list("signal_id", flat=True)):
        same |= linkage_selectors.confirmed_same_person(signal_id=signal_id)
    if not same:
        return []
    return list(
        CoordinationFile.objects.filter(referrals__signal_id__in=same, status__in=OPEN_STATUSES)
        .exclude(pk=file.pk)
        .distinct()
        .order_by("created_at")
    )


#: Who usually carries out a protection measure: the police and the public prosecutor
#: (shielding, reporting, bans), then the file's municipality (shelter, guardianship).
LIKELY_OWNER_TYPES = (OrganisationType.POLICE, OrganisationType.PUBLIC_PROSECUTION)


def likely_measure_owners(*, membership: Membership | None, file: CoordinationFile) -> list:
    """The organisations listed first in a measure's owner picker: police, public
    prosecutor, then the municipality organisations of the file's municipality."""
    _coordinator(membership)
    organisations = account_selectors.organisation_list()
    rank: dict[str, int] = {t: i for i, t in enumerate(LIKELY_OWNER_TYPES)}
    likely = sorted(
        organisations.filter(type__in=LIKELY_OWNER_TYPES),
        key=lambda o: (rank[o.type], o.name),
    )
    if file.municipality_id:
        likely += list(
            organisations.filter(
                type=OrganisationType.MUNICIPALITY, municipality_id=file.municipality_id
            )
        )
    return likely


def handover_code(*, membership: Membership | None, file: CoordinationFile) -> str:
    """The case code of the help conversation this file was opened from ("" if none),
    as the visitor sees it (``ABCD-EFGH``)."""
    _coordinator(membership)
    code = (
        file.referrals.exclude(conversation_code="")
        .order_by("created_at")
        .values_list("conversation_code", flat=True)
        .first()
    )
    return f"{code[:4]}-{code[4:]}" if code else ""


def handover_conversation_code(*, membership: Membership | None, file_id: int | str) -> str:
    """The case code of the help conversation the coordinator may read for this file.

    Only the coordinator the file is assigned to reads the conversation it was opened
    from (to screen it); any other coordinator, of this centre or another, and a merged
    or anonymised file get ``PermissionDenied``. ``zicht.help`` calls this before it
    shows the conversation and audit-logs the read.
    """
    file = file_get(membership=membership, file_id=file_id)
    if (
        membership is None
        or file.assigned_to_id != membership.user_id
        or file.status == FileStatus.MERGED
    ):
        raise PermissionDenied
    code = (
        file.referrals.exclude(conversation_code="")
        .order_by("created_at")
        .values_list("conversation_code", flat=True)
        .first()
    )
    if not code or file.anonymised_at:
        raise PermissionDenied
    return code


def coordinators() -> QuerySet[Membership]:
    """The coordinators a file can be assigned to (``zicht.accounts.selectors.coordinators``)."""
    return account_selectors.coordinators()


def anonymous_notification_count(
    *, membership: Membership | None, since: dt.date | None = None
) -> int:
    _coordinator(membership)
    qs = Referral.objects.filter(kind=ReferralKind.ANONYMOUS)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    return qs.count()


# --- providers -----------------------------------------------------------------------------


def providers() -> QuerySet[Organisation]:
    return organisation_list().filter(type__in=permissions.PROVIDER_TYPES)


def care_inbox(*, membership: Membership | None) -> QuerySet[CareReferral]:
    """Care referrals addressed to the member's own organisation."""
    if membership is None or not permissions.is_provider(membership):
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


def care_referral_get(*, care_id: int | str) -> CareReferral:
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


def file_references(object_ids: Iterable[str | int], organisation_id: int | None) -> dict[str, str]:
    """File numbers (never identity) of coordination files, for naming them in the audit
    log; the events that name a file are the coordination centre's own."""
    ids = [int(i) for i in object_ids if str(i).isdigit()]
    return dict(
        (str(pk), reference)
        for pk, reference in CoordinationFile.objects.filter(pk__in=ids).values_list(
            "pk", "reference"
        )
    )


def referral_references(
    object_ids: Iterable[object], organisation_id: int | None
) -> dict[str, str]:
    """The referred signal's reference (never identity) for a referral event in the audit
    log, whose sentence names the signal ("referred signal ZS-…"): only for referrals of
    ``organisation_id`` (every referral for the system administrator's ``None``), and only
    while the signal exists (the retention purge empties ``signal_id``)."""
    ids = []
    for object_id in object_ids:
        try:
            ids.append(uuid.UUID(str(object_id)))
        except ValueError:
            continue  # an event about an id that was never a referral
    qs = Referral.objects.filter(pk__in=ids, signal_id__isnull=False)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    signal_of = {str(pk): signal_id for pk, signal_id in qs.values_list("pk", "signal_id")}
    references = intake_selectors.signal_references(
        signal_of.values(), organisation_id=organisation_id
    )
    return {
        pk: references[str(signal_id)]
        for pk, signal_id in signal_of.items()
        if str(signal_id) in references
    }


def files_for_statistics(*, signal_ids: Iterable[uuid.UUID]) -> list[dict]:
    """Facts of the (not merged) files that hold a referral of one of ``signal_ids``, for
    aggregate counts only (the municipal monitor): which of those signals each holds, the
    screening dates, and how many measures were taken and care referrals placed. Never the
    file's reference, people or content."""
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
