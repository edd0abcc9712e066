"""Reads of signals: a professional sees only their own organisation's signals."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zicht.core import ages
from zicht.intake import search
from zicht.intake.catalogue import labels_for, localised_groups
from zicht.intake.constants import ExploitationForm, SignalStatus
from zicht.intake.models import IndicatorCatalogue, Signal, SignalSearchToken

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

__all__ = [
    "signal_list",
    "signal_search",
    "signal_rows",
    "SignalRow",
    "signal_get",
    "signal_contact",
    "signal_contacts",
    "SignalContact",
    "current_catalogue",
    "signals_for_reindex",
    "signals_active",
    "indicator_group_labels",
    "signal_references",
    "referred_signal_rows",
    "referred_signal_search",
    "signal_ids_with_reference",
]


# The current catalogue's fields by (row, digest of its content), shared by the requests
# of a process. ``data`` is read-only: every caller gets the same dict.
_CATALOGUE_FIELDS: dict[tuple[int, str], dict[str, Any]] = {}
_CATALOGUE_FIELDS_MAX = 8
# The row's digest: MD5 is built into PostgreSQL and registered by Django on SQLite. Plain
# statements, as the ORM's query building costs more than the JSON parse they save.
_CURRENT_SQL = """
    SELECT id, MD5(CAST(version AS TEXT) || ' ' || CAST(published AS TEXT) || ' '
                   || CAST(data AS TEXT))
    FROM intake_indicatorcatalogue WHERE is_current
"""
_DIGEST_SQL = """
    SELECT MD5(CAST(version AS TEXT) || ' ' || CAST(published AS TEXT) || ' '
               || CAST(data AS TEXT))
    FROM intake_indicatorcatalogue WHERE id = %s
"""


def current_catalogue() -> IndicatorCatalogue:
    """The catalogue version in force, with its content (``data``).

    Every signal checks its indicator codes against it, so this runs once per request.
    It asks the database which row is current and a digest of that row (version,
    publication date, content), not the row itself: the ~12 KB of JSON is fetched and
    parsed once per process and content. A newly published version, or a row changed in
    place (a migration publishing a version again), has another key, so every process
    uses it at its next request with nothing to invalidate."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL)
        rows = cursor.fetchall()
    if len(rows) != 1:  # none or several current: the ORM's own error
        return IndicatorCatalogue.objects.get(is_current=True)
    key = (rows[0][0], rows[0][1])
    fields = _CATALOGUE_FIELDS.get(key)
    if fields is None:
        row = IndicatorCatalogue.objects.get(pk=key[0])
        fields = {"version": row.version, "published": row.published, "data": row.data}
        with connection.cursor() as cursor:
            cursor.execute(_DIGEST_SQL, [key[0]])
            unchanged = cursor.fetchone() == (key[1],)
        if unchanged:  # kept only under the digest of exactly what was read
            if len(_CATALOGUE_FIELDS) >= _CATALOGUE_FIELDS_MAX:
                _CATALOGUE_FIELDS.clear()
            _CATALOGUE_FIELDS[key] = fields
    catalogue = IndicatorCatalogue(pk=key[0], is_current=True, **fields)
    catalogue._state.adding = False
    catalogue._state.db = connection.alias
    return catalogue


def indicator_group_labels() -> dict[str, str]:
    """Code -> name in the active language of every indicator group, from all catalogue
    versions (the newest name wins), so old signals' groups are named too."""
    labels: dict[str, str] = {}
    for catalogue in IndicatorCatalogue.objects.order_by("version"):
        labels.update({g["code"]: g["label"] for g in localised_groups(catalogue.data)})
    return labels


def signal_list(
    *, membership: Membership | None, filters: dict[str, Any] | None = None
) -> QuerySet[Signal]:
    """The active organisation's signals, newest first, filtered."""
    if membership is None:
        return Signal.objects.none()
    filters = filters or {}
    qs = Signal.objects.filter(organisation_id=membership.organisation_id).select_related(
        "author", "municipality"
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        q = filters["q"].strip()
        # Identity fields are encrypted and cannot be searched: search by reference or author.
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(author__last_name__icontains=q)
            | Q(author__username__icontains=q)
        )
    if filters.get("form"):
        # JSON containment is not portable to SQLite; the quoted code is unambiguous text.
        qs = qs.filter(forms__icontains=f'"{filters["form"]}"')
    if filters.get("immediate_danger"):
        qs = qs.filter(immediate_danger=True)
    if filters.get("date_from"):
        qs = qs.filter(contact_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(contact_date__lte=filters["date_to"])
    return qs.order_by("-created_at")


def signal_search(
    *,
    membership: Membership | None,
    query: search.SearchQuery,
    filters: dict[str, Any] | None = None,
) -> list[uuid.UUID]:
    """Ids of the organisation's signals whose identity agrees with ``query``, best first.

    Looks up keyed tokens through the ``(organisation, token)`` index: nothing is
    decrypted here, and only the organisation's own tokens can agree (another
    organisation's tokens are made with another key and are not even read).
    """
    if membership is None or not query:
        return []
    tokens = search.query_tokens(query, organisation_id=membership.organisation_id)
    if not tokens.terms:
        return []
    hits = SignalSearchToken.objects.filter(
        organisation_id=membership.organisation_id, token__in=list(tokens.lookup)
    ).values_list("signal_id", "token", "signal__created_at")
    ranked = search.rank(hits.iterator(chunk_size=2000), tokens)
    if ranked and filters and any(filters.values()):
        allowed = set(
            signal_list(membership=membership, filters=filters).values_list("pk", flat=True)
        )
        ranked = [signal_id for signal_id in ranked if signal_id in allowed]
    return ranked


@dataclass(frozen=True)
class SignalRow:
    """One line of a list of the organisation's own signals, with the young person."""

    signal: Signal
    name: str  # "" once the identity has been purged
    age: int | None
    age_estimated: bool
    municipality: str


def signal_rows(
    *,
    membership: Membership | None,
    signal_ids: Sequence[uuid.UUID],
    today: dt.date | None = None,
) -> list[SignalRow]:
    """The given signals of the organisation, in the given order, with name, age and
    municipality of the young person.

    Decrypts only these identities (one page): call it with the page being shown and
    audit-log the ids (``intake.signal_list_viewed``). Ids of other organisations'
    signals are silently left out.
    """
    if membership is None or not signal_ids:
        return []
    return _rows(
        Signal.objects.filter(organisation_id=membership.organisation_id), signal_ids, today
    )


def _rows(
    signals: QuerySet[Signal], signal_ids: Sequence[uuid.UUID], today: dt.date | None
) -> list[SignalRow]:
    """Rows of the ``signals`` (a queryset) with the given ids, in the given order."""
    today = today or timezone.localdate()
    by_id = {
        s.pk: s
        for s in signals.filter(pk__in=list(signal_ids)).select_related(
            "author", "municipality", "identity"
        )
    }
    rows = []
    for signal_id in signal_ids:
        signal = by_id.get(signal_id)
        if signal is None:
            continue
        identity = getattr(signal, "identity", None) if hasattr(signal, "identity") else None
        name, age, estimated = "", None, False
        if identity is not None:
            name = f"{identity.given_names} {identity.surname}".strip()
            if identity.date_of_birth:
                age, estimated = (
                    ages.age_on(today, dt.date.fromisoformat(identity.date_of_birth)),
                    False,
                )
            elif identity.age_estimate:
                # Estimated at contact: add the years since.
                age = int(identity.age_estimate) + ages.age_on(today, signal.contact_date)
                estimated = True
        rows.append(
            SignalRow(
                signal=signal,
                name=name,
                age=age,
                age_estimated=estimated,
                municipality=signal.municipality.name if signal.municipality else "",
            )
        )
    return rows


def signal_get(*, membership: Membership | None, signal_id: uuid.UUID | str) -> Signal:
    """One signal of the active organisation; 404 for every other signal."""
    if membership is None:
        raise Http404
    try:
        return Signal.objects.select_related("catalogue", "author", "municipality").get(
            pk=signal_id, organisation_id=membership.organisation_id
        )
    except (Signal.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass(frozen=True)
class SignalContact:
    """What another organisation may know about a signal: who to contact, and when."""

    signal_id: object
    reference: str
    organisation_id: int
    organisation_name: str
    author_id: int
    author_name: str
    author_email: str
    recorded_on: dt.date
    status: str


def _contact(signal: Signal) -> SignalContact:
    return SignalContact(
        signal_id=signal.pk,
        reference=signal.reference,
        organisation_id=signal.organisation_id,
        organisation_name=signal.organisation.name,
        author_id=signal.author_id,
        author_name=signal.author.get_full_name() or signal.author.username,
        author_email=signal.author.email,
        recorded_on=signal.created_at.date(),
        status=signal.status,
    )


# What ``_contact`` reads, and nothing more: a whole signal row would decrypt its account
# and offences (Fernet) and build every field, for each side of every match found.
_CONTACT_FIELDS = (
    "id",
    "reference",
    "organisation_id",
    "author_id",
    "created_at",
    "status",
    "organisation__name",
    "author__first_name",
    "author__last_name",
    "author__username",
    "author__email",
)


def _contacts() -> QuerySet[Signal]:
    return Signal.objects.select_related("organisation", "author").only(*_CONTACT_FIELDS)


def signal_contact(*, signal_id: uuid.UUID | str) -> SignalContact | None:
    signal = _contacts().filter(pk=signal_id).first()
    if signal is None:
        return None
    return _contact(signal)


def signal_contacts(*, signal_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, SignalContact]:
    """``signal_contact`` for many signals in one query: {signal id: SignalContact}."""
    return {signal.pk: _contact(signal) for signal in _contacts().filter(pk__in=signal_ids)}


def signals_for_reindex() -> QuerySet[Signal]:
    """Active signals with their identity, for key rotation (runs as a command)."""
    return (
        Signal.objects.filter(status=SignalStatus.ACTIVE, identity__isnull=False)
        .select_related("identity")
        .order_by("created_at")
    )


def signals_active() -> QuerySet[Signal]:
    """Every organisation's active signals by reference, with their author.

    No permission check: for demo data and commands, never hand the result to a view.
    """
    return (
        Signal.objects.filter(status=SignalStatus.ACTIVE)
        .select_related("author")
        .order_by("reference")
    )


#: The non-identifying facts of a signal that aggregates count (and insight's snapshot
#: stores): never a name, a date of birth or free text.
STATISTICS_FIELDS = (
    "id",
    "contact_date",
    "municipality_id",
    "municipality__name",
    "organisation_id",
    "organisation__type",
    "age_at_contact",
    "forms",
    "indicator_codes",
    "status",
    "neighbourhood_code",
    "justice_status",
)


def signals_for_statistics(
    *, organisation_id: int | None = None
) -> QuerySet[Signal, dict[str, Any]]:
    """Non-identifying facts of every signal (all statuses), for aggregates only."""
    qs = Signal.objects.all()
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.values(*STATISTICS_FIELDS)


def signal_facts_for_statistics(*, signal_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    """Forms, sex, justice status and nationality category of the given signals, in the
    order given, for the coordination centre's annual figures (aggregates only). Sex is
    part of the encrypted identity: only the sex is decrypted and returned, and the caller
    audit-logs the computation."""
    order = {pk: i for i, pk in enumerate(signal_ids)}
    rows = sorted(
        Signal.objects.filter(pk__in=list(signal_ids)).select_related("identity"),
        key=lambda s: order.get(s.pk, len(order)),
    )
    facts = []
    for signal in rows:
        identity = getattr(signal, "identity", None) if hasattr(signal, "identity") else None
        facts.append(
            {
                "forms": list(signal.forms),
                "sex": identity.sex if identity else "",
                "justice_status": signal.justice_status,
                "nationality_category": signal.nationality_category,
            }
        )
    return facts


@dataclass(frozen=True)
class ReferredSignal:
    """A signal as the coordination centre sees it once its author has referred it."""

    signal_id: object
    reference: str
    organisation_name: str
    organisation_type: str
    author_name: str
    author_email: str
    contact_date: dt.date
    setting_label: str
    forms: list
    indicators: list
    account: str
    immediate_danger: bool
    age_at_contact: int | None
    status: str
    justice_status: str = "none"
    justice_status_label: str = ""
    justice_offences: str = ""
    nationality_category: str = "unknown"
    nationality_label: str = ""
    forms_codes: tuple = ()
    given_names: str = ""
    surname: str = ""
    date_of_birth: str = ""
    age_estimate: str = ""
    sex: str = ""
    bsn: str = ""
    municipality_name: str = ""
    alias: str = ""
    phone: str = ""
    has_identity: bool = False


def referred_signal_view(*, signal_id: uuid.UUID | str) -> ReferredSignal | None:
    """Identity and content of one signal, for the coordination centre.

    Only ``zicht.coordination`` calls this, and only for signals whose author has
    referred them with identity (its selectors check that first and audit the read).
    """
    signal = (
        Signal.objects.select_related("organisation", "author", "catalogue", "municipality")
        .filter(pk=signal_id)
        .first()
    )
    if signal is None:
        return None
    identity = getattr(signal, "identity", None) if hasattr(signal, "identity") else None
    values = {}
    if identity is not None:
        values = {
            "given_names": identity.given_names,
            "surname": identity.surname,
            "date_of_birth": identity.date_of_birth,
            "age_estimate": identity.age_estimate,
            "sex": identity.sex,
            "bsn": identity.bsn,
            "alias": identity.alias,
            "phone": identity.phone,
            "has_identity": True,
        }
    return ReferredSignal(
        signal_id=signal.pk,
        reference=signal.reference,
        organisation_name=signal.organisation.name,
        organisation_type=signal.organisation.type,
        author_name=signal.author.get_full_name() or signal.author.username,
        author_email=signal.author.email,
        contact_date=signal.contact_date,
        setting_label=str(signal.get_setting_display()),
        forms=[
            str(ExploitationForm(f).label) for f in signal.forms if f in ExploitationForm.values
        ],
        indicators=[
            str(label) for label in labels_for(signal.catalogue.data, signal.indicator_codes)
        ],
        account=signal.account,
        immediate_danger=signal.immediate_danger,
        age_at_contact=signal.age_at_contact,
        status=signal.status,
        justice_status=signal.justice_status,
        justice_status_label=str(signal.get_justice_status_display()),
        justice_offences=signal.justice_offences,
        nationality_category=signal.nationality_category,
        nationality_label=str(signal.get_nationality_category_display()),
        forms_codes=tuple(signal.forms),
        municipality_name=signal.municipality.name if signal.municipality else "",
        **values,
    )


def signal_references(object_ids: Iterable[object], organisation_id: int | None) -> dict[str, str]:
    """References (never identity) of signals, for naming them in the audit log: only the
    given organisation's signals (all for the system administrator's ``None``)."""
    ids = []
    for object_id in object_ids:
        try:
            ids.append(uuid.UUID(str(object_id)))
        except ValueError:
            continue  # an event about a signal id that was never valid
    qs = Signal.objects.filter(pk__in=ids)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return {str(pk): reference for pk, reference in qs.values_list("pk", "reference")}


def referred_signal_rows(
    *, signal_ids: Sequence[uuid.UUID], today: dt.date | None = None
) -> list[SignalRow]:
    """Name, age and municipality of referred signals, for the coordination inbox.

    Like ``referred_signal_view``: only ``zicht.coordination`` calls this, with the
    signals referred *with identity* on the page it shows, and audit-logs the ids.
    Decrypts only these identities.
    """
    if not signal_ids:
        return []
    return _rows(Signal.objects.all(), signal_ids, today)


def referred_signal_search(
    *, query: search.SearchQuery, organisation_ids: Iterable[int]
) -> set[uuid.UUID]:
    """Ids of the given organisations' signals whose identity agrees with ``query``.

    Search tokens are keyed per recording organisation, so the query is tokenised once
    per organisation and looked up in that organisation's index only. Nothing is
    decrypted and only ids come back: ``zicht.coordination`` calls this for its inbox
    search and keeps only the signals referred to it with identity.
    """
    found: set = set()
    if not query:
        return found
    for organisation_id in sorted(set(organisation_ids)):
        tokens = search.query_tokens(query, organisation_id=organisation_id)
        if not tokens.terms:
            continue
        hits = SignalSearchToken.objects.filter(
            organisation_id=organisation_id, token__in=list(tokens.lookup)
        ).values_list("signal_id", "token", "signal__created_at")
        found.update(search.rank(hits.iterator(chunk_size=2000), tokens))
    return found


def signal_ids_with_reference(*, reference: str) -> list[uuid.UUID]:
    """Ids of the signals whose reference (signal number) is ``reference``, any case."""
    reference = (reference or "").strip()
    if not reference:
        return []
    return list(Signal.objects.filter(reference__iexact=reference).values_list("pk", flat=True))
