"""Writes of signals. Each is one transaction with its audit event and index update inside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.access.policy import allows
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core import ages
from zicht.core.references import new_reference
from zicht.intake import person_index, search
from zicht.intake.constants import JusticeStatus, NationalityCategory, SignalStatus
from zicht.intake.models import Signal, SignalIdentity, SignalRevision, SignalSearchToken
from zicht.intake.rules import IDENTITY_FIELDS, SIGNAL_FIELDS, SignalRules
from zicht.intake.selectors import current_catalogue, signals_for_reindex
from zicht.pprl.encoding import EncodingError, Identity

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, Municipality, User
    from zicht.pprl.encoding import Encoding
    from zicht.pprl.wire import EncodingPair

__all__ = [
    "IDENTITY_FIELDS",
    "SIGNAL_FIELDS",
    "signal_create",
    "signal_update",
    "signal_withdraw",
    "purge_expired",
    "expiry_date",
    "signal_input_check",
    "SignalInput",
]


@dataclass(frozen=True)
class SignalInput:
    """A submitted signal, checked with the rules of the web form.

    ``errors`` maps a field name (``"__all__"`` for the whole signal) to its messages.
    ``data`` and ``identity`` are the cleaned values ``signal_create`` takes; a field with an
    error is ``None`` in them.
    """

    errors: dict[str, list[str]]
    data: dict
    identity: dict


def signal_input_check(*, data: dict) -> SignalInput:
    """Check a signal submitted other than through the web form (the partner API) with
    exactly the web form's rules: the BSN eleven-test, names with Latin letters, a date of
    birth not in the future nor after the contact date and an age at contact within
    ``ZICHT_AGE_MIN``-``ZICHT_AGE_MAX`` (8-27), a phone number with at least 6 digits, a contact date not in the
    future, indicator codes from the current catalogue, known forms of exploitation.
    ``data`` holds form values by field name."""
    # Validated only, never rendered: the fields built once per process are enough.
    form = SignalRules(data=data, catalogue=current_catalogue(), shared_fields=True)
    form.is_valid()
    signal_data, identity = form.split()
    return SignalInput(
        errors={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        # With the catalogue checked against: the signal is recorded with that version.
        data={**signal_data, "catalogue": form.catalogue},
        identity=identity,
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError("unreachable")


def expiry_date(
    *, recorded: dt.date, date_of_birth: dt.date | None, age_at_contact: int | None = None
) -> dt.date:
    """The retention of the young person's age band (``zicht.core.ages.retention``): a
    minor's signal 24 months after recording and at the latest the 23rd birthday, a young
    adult's 24 months and at the latest the birthday after the upper bound (the 28th).
    ``age_at_contact`` defaults to the age on the recording day."""
    if age_at_contact is None and date_of_birth is not None:
        age_at_contact = ages.age_on(recorded, date_of_birth)
    months, last_birthday = ages.retention(age_at_contact)
    expires = _add_months(recorded, months)
    if date_of_birth is not None and last_birthday is not None:
        try:
            birthday = date_of_birth.replace(year=date_of_birth.year + last_birthday)
        except ValueError:  # 29 February
            birthday = dt.date(date_of_birth.year + last_birthday, 3, 1)
        expires = min(expires, birthday)
    return expires


def _check_age(age_at_contact: int | None, field: str = "date_of_birth") -> None:
    """The forms check this; a direct caller (a script, the partner API) gets a field
    error naming the bound, and nothing is written."""
    if message := ages.age_error(age_at_contact):
        raise ValidationError({field: message})


def _age(on: dt.date, dob: dt.date | None, estimate: int | None) -> int | None:
    """The age on ``on``: from the date of birth when known, else the estimate."""
    return ages.age_on(on, dob) if dob is not None else estimate


def _new_reference() -> str:
    return new_reference("ZS", taken=lambda ref: Signal.objects.filter(reference=ref).exists())


def _require_professional(membership: Membership | None) -> None:
    if not allows("signal.record", membership):
        raise PermissionDenied(_("Only professionals record signals."))


def _check_birth_before_contact(identity: dict, contact_date: dt.date) -> None:
    """The form checks this; a direct caller gets a field error, not a database error."""
    dob = identity.get("date_of_birth")
    if dob is not None and dob > contact_date:
        raise ValidationError(
            {"date_of_birth": _("The date of birth cannot be after the date of contact.")}
        )


def _identity_for_index(identity: dict, contact_date: dt.date) -> Identity:
    dob = identity.get("date_of_birth")
    estimate = identity.get("age_estimate")
    return Identity(
        given_names=identity["given_names"],
        surname=identity["surname"],
        date_of_birth=dob,
        sex=identity.get("sex") or "",
        bsn=identity.get("bsn") or "",
        municipality=getattr(identity.get("municipality"), "code", "") or "",
        birth_year_estimate=(contact_date.year - int(estimate))
        if (dob is None and estimate)
        else None,
    )


def _index(signal: Signal, identity: dict, actor: User | None) -> list:
    try:
        return person_index.current().signal_index(
            signal_id=signal.pk,
            organisation_id=signal.organisation_id,
            identity=_identity_for_index(identity, signal.contact_date),
            expires_on=signal.expires_on,
            actor=actor,
        )
    except EncodingError as exc:
        raise ValidationError({exc.field or "surname": _("This value cannot be used.")}) from exc


def _identity_values(identity: dict) -> dict:
    """The identity as the text values stored (encrypted) in ``SignalIdentity``."""
    dob = identity.get("date_of_birth")
    return {
        "given_names": identity["given_names"].strip(),
        "surname": identity["surname"].strip(),
        "date_of_birth": dob.isoformat() if dob else "",
        "age_estimate": str(identity["age_estimate"]) if identity.get("age_estimate") else "",
        "sex": identity.get("sex") or "",
        "bsn": identity.get("bsn") or "",
        "municipality": getattr(identity.get("municipality"), "code", "") or "",
        "alias": identity.get("alias") or "",
        "phone": identity.get("phone") or "",
    }


def _write_identity(signal: Signal, identity: dict, *, new: bool = False) -> None:
    values = _identity_values(identity)
    if new:  # nothing to look up or replace: two inserts instead of seven queries
        SignalIdentity.objects.create(signal=signal, **values)
        SignalSearchToken.objects.bulk_create(_search_token_rows(signal, values))
        return
    SignalIdentity.objects.update_or_create(signal=signal, defaults=values)
    _write_search_tokens(signal, values)


def _search_token_rows(signal: Signal, values: dict) -> list[SignalSearchToken]:
    key_id = search.current_key_id()
    return [
        SignalSearchToken(
            signal=signal,
            organisation_id=signal.organisation_id,
            kind=kind,
            token=token,
            key_id=key_id,
        )
        for kind, token in search.identity_tokens(
            organisation_id=signal.organisation_id,
            given_names=values["given_names"],
            surname=values["surname"],
            alias=values["alias"],
            date_of_birth=values["date_of_birth"],
            bsn=values["bsn"],
        )
    ]


def _write_search_tokens(signal: Signal, values: dict) -> None:
    """Replace the signal's blind-index tokens (inside the caller's transaction, so the
    index never disagrees with the identity it was made from)."""
    SignalSearchToken.objects.filter(signal=signal).delete()
    SignalSearchToken.objects.bulk_create(_search_token_rows(signal, values))


def _signal_record(
    *,
    membership: Membership,
    data: dict,
    municipality: Municipality | None,
    age_at_contact: int | None,
    date_of_birth: dt.date | None,
    details: dict,
) -> Signal:
    """The signal row, its "created" revision and audit event (inside the caller's
    transaction); shared by signals with an identity and signals with an encoding."""
    signal = Signal.objects.create(
        reference=_new_reference(),
        organisation=membership.organisation,
        author=membership.user,
        contact_date=data["contact_date"],
        setting=data["setting"],
        # The catalogue the data was checked against, when the caller passes it.
        catalogue=data.get("catalogue") or current_catalogue(),
        indicator_codes=sorted(data.get("indicator_codes") or []),
        forms=sorted(data.get("forms") or []),
        account=data.get("account") or "",
        immediate_danger=bool(data.get("immediate_danger")),
        justice_status=data.get("justice_status") or JusticeStatus.NONE,
        justice_offences=(data.get("justice_offences") or "").strip(),
        neighbourhood_code=data.get("neighbourhood_code") or "",
        nationality_category=data.get("nationality_category") or NationalityCategory.UNKNOWN,
        municipality=municipality,
        age_at_contact=age_at_contact,
        expires_on=expiry_date(
            recorded=timezone.localdate(),
            date_of_birth=date_of_birth,
            age_at_contact=age_at_contact,
        ),
    )
    SignalRevision.objects.create(signal=signal, author=membership.user, action="created")
    audit.record(
        action=AuditAction.INTAKE_SIGNAL_CREATED,
        actor=membership.user,
        organisation=membership.organisation,
        object_type="signal",
        object_id=signal.pk,
        details={
            "immediate_danger": signal.immediate_danger,
            "indicators": len(signal.indicator_codes),
            **details,
        },
    )
    return signal


def signal_create(*, membership: Membership, data: dict, identity: dict) -> tuple[Signal, list]:
    """Record a signal, index its pseudonyms and return (signal, new matches)."""
    _require_professional(membership)
    dob = identity.get("date_of_birth")
    _check_birth_before_contact(identity, data["contact_date"])
    age_at_contact = _age(data["contact_date"], dob, identity.get("age_estimate"))
    _check_age(age_at_contact, "date_of_birth" if dob else "age_estimate")
    # The audit events are appended at the end: the chain's head row is then locked only
    # for the commit, not while the identity is encrypted, encoded and matched.
    with audit.deferred():
        signal = _signal_record(
            membership=membership,
            data=data,
            municipality=identity.get("municipality"),
            age_at_contact=age_at_contact,
            date_of_birth=dob,
            details={},
        )
        _write_identity(signal, identity, new=True)
        matches = _index(signal, identity, membership.user)
    return signal, matches


def signal_update(
    *, membership: Membership, signal: Signal, data: dict, identity: dict
) -> tuple[Signal, list]:
    """Edit a signal; records which fields changed and re-indexes the identity."""
    _require_professional(membership)
    if signal.organisation_id != membership.organisation_id:
        raise PermissionDenied
    with audit.deferred():  # the chain's head row locked only at the end (signal_create)
        signal = (
            Signal.objects.select_for_update(of=("self",))
            .select_related("identity")
            .get(pk=signal.pk)
        )
        if signal.status != SignalStatus.ACTIVE:
            raise ValidationError(_("Only an active signal can be changed."))
        changed = []
        for name in SIGNAL_FIELDS:
            new = data.get(name)
            if name in ("indicator_codes", "forms"):
                new = sorted(new or [])
            if name in ("account", "neighbourhood_code"):
                new = new or ""
            if name == "justice_offences":
                new = (new or "").strip()
            if name == "justice_status":
                new = new or JusticeStatus.NONE
            if name == "nationality_category":
                new = new or NationalityCategory.UNKNOWN
            if getattr(signal, name) != new:
                setattr(signal, name, new)
                changed.append(name)
        old_identity = {k: getattr(signal.identity, k) for k in IDENTITY_FIELDS}
        new_identity = _identity_values(identity)
        changed += [k for k in IDENTITY_FIELDS if old_identity[k] != new_identity[k]]
        if not changed:
            return signal, []
        dob = identity.get("date_of_birth")
        _check_birth_before_contact(identity, signal.contact_date)
        signal.municipality = identity.get("municipality")
        signal.age_at_contact = _age(signal.contact_date, dob, identity.get("age_estimate"))
        _check_age(signal.age_at_contact, "date_of_birth" if dob else "age_estimate")
        signal.expires_on = expiry_date(
            recorded=timezone.localdate(signal.created_at),
            date_of_birth=dob,
            age_at_contact=signal.age_at_contact,
        )
        signal.save()
        _write_identity(signal, identity)
        SignalRevision.objects.create(
            signal=signal, author=membership.user, action="edited", changed_fields=changed
        )
        audit.record(
            action=AuditAction.INTAKE_SIGNAL_EDITED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="signal",
            object_id=signal.pk,
            details={"fields": changed},
        )
        matches = _index(signal, identity, membership.user)
    return signal, matches


def signal_withdraw(*, membership: Membership, signal: Signal, reason: str) -> Signal:
    """Withdraw a signal: it leaves the person index at once."""
    _require_professional(membership)
    if signal.organisation_id != membership.organisation_id:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the signal is withdrawn.")})
    with transaction.atomic():
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        if signal.status != SignalStatus.ACTIVE:
            raise ValidationError(_("This signal is no longer active."))
        signal.status = SignalStatus.WITHDRAWN
        signal.withdrawn_reason = reason[:200]
        signal.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        SignalRevision.objects.create(
            signal=signal, author=membership.user, action="withdrawn", note=reason[:200]
        )
        person_index.current().signal_unindex(signal_id=signal.pk, actor=membership.user)
        # A withdrawn signal can no longer be found by name, as it can no longer be matched.
        SignalSearchToken.objects.filter(signal=signal).delete()
        audit.record(
            action=AuditAction.INTAKE_SIGNAL_WITHDRAWN,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="signal",
            object_id=signal.pk,
        )
    return signal


def purge_expired(*, today: dt.date | None = None, dry_run: bool = False) -> int:
    """Remove identity data of expired and withdrawn signals and take them out of the index.

    The signal row (dates, indicators, municipality, age) stays for statistics.
    """
    today = today or timezone.localdate()
    due = Signal.objects.filter(identity__isnull=False).filter(
        Q(expires_on__lte=today) | Q(status=SignalStatus.WITHDRAWN)
    )
    ids = list(due.values_list("pk", flat=True))
    if dry_run:
        return len(ids)
    for signal_id in ids:
        with transaction.atomic():
            signal = Signal.objects.select_for_update().get(pk=signal_id)
            SignalIdentity.objects.filter(signal=signal).delete()
            SignalSearchToken.objects.filter(signal=signal).delete()
            signal.account = ""
            signal.justice_offences = ""
            if signal.status == SignalStatus.ACTIVE:
                signal.status = SignalStatus.EXPIRED
            signal.save(update_fields=["account", "justice_offences", "status", "updated_at"])
            person_index.current().signal_unindex(signal_id=signal.pk, reason="expired")
            audit.record(
                action=AuditAction.INTAKE_SIGNAL_PURGED,
                organisation=signal.organisation_id,
                object_type="signal",
                object_id=signal.pk,
                details={"reason": "expired" if signal.expires_on <= today else "withdrawn"},
            )
    return len(ids)


def _stored_identity(signal: Signal) -> dict:
    record = signal.identity
    return {
        "given_names": record.given_names,
        "surname": record.surname,
        "date_of_birth": dt.date.fromisoformat(record.date_of_birth)
        if record.date_of_birth
        else None,
        "age_estimate": int(record.age_estimate) if record.age_estimate else None,
        "sex": record.sex,
        "bsn": record.bsn,
        "municipality": signal.municipality,
    }


def signals_reindex(
    *, key_id: str, progress: Callable[[int], object] | None = None
) -> tuple[int, list[str]]:
    """Re-encode every active signal not yet indexed under ``key_id`` (key rotation).

    Matches are kept: they refer to signals, not to tokens. Returns (re-indexed, references
    of the signals that could not be re-encoded); never an identity.
    """
    done = 0
    failed: list[str] = []
    for signal in signals_for_reindex().iterator(chunk_size=500):
        if person_index.current().signal_is_indexed(signal_id=signal.pk, key_id=key_id):
            continue
        try:
            with transaction.atomic():
                _index(signal, _stored_identity(signal), None)
        except ValidationError:
            failed.append(signal.reference)
            continue
        done += 1
        if progress and done % 500 == 0:
            progress(done)
    return done, failed


# --- Signals recorded from an encoding made on the partner's premises (partner API) ---


def signal_create_encoded(
    *,
    membership: Membership,
    data: dict,
    encoding: Encoding | EncodingPair,
    age_at_contact: int | None = None,
    municipality: Municipality | None = None,
) -> tuple[Signal, list]:
    """Record a signal whose identity was encoded on the organisation's own premises.

    ``encoding`` is a ``zicht.pprl.encoding.Encoding`` (zicht-pprl-1) or a
    ``zicht.pprl.wire.EncodingPair`` (zicht-pprl-2 with its pprl-1 twin), current key.
    No identity row is written: Zicht never sees the plaintext. ``age_at_contact`` and
    ``municipality`` (a Municipality) are the coarse facts kept for statistics. The
    signal expires after the retention period, as a signal with only an estimated age
    does. Returns (signal, new matches); raises ``ValidationError`` for an unusable
    encoding.
    """
    _require_professional(membership)
    _check_age(age_at_contact, "age_at_contact")
    with audit.deferred():  # the chain's head row locked only at the end (signal_create)
        signal = _signal_record(
            membership=membership,
            data=data,
            municipality=municipality,
            age_at_contact=age_at_contact,
            date_of_birth=None,
            details={"identity": "encoded"},
        )
        matches = person_index.current().signal_index_encoded(
            signal_id=signal.pk,
            organisation_id=signal.organisation_id,
            encoding=encoding,
            expires_on=signal.expires_on,
            actor=membership.user,
        )
    return signal, matches


def purge_expired_encoded(*, today: dt.date | None = None, dry_run: bool = False) -> int:
    """``purge_expired`` for signals recorded from an encoding (they have no identity row,
    so ``purge_expired`` does not see them): expired ones leave the index and become
    expired; the account text of expired and withdrawn ones is removed."""
    today = today or timezone.localdate()
    due = Signal.objects.filter(identity__isnull=True).filter(
        Q(status=SignalStatus.ACTIVE, expires_on__lte=today)
        | (Q(status=SignalStatus.WITHDRAWN) & ~Q(account=""))
    )
    ids = list(due.values_list("pk", flat=True))
    if dry_run:
        return len(ids)
    for signal_id in ids:
        with transaction.atomic():
            signal = Signal.objects.select_for_update().get(pk=signal_id)
            signal.account = ""
            signal.justice_offences = ""
            reason = "withdrawn" if signal.status == SignalStatus.WITHDRAWN else "expired"
            if signal.status == SignalStatus.ACTIVE:
                signal.status = SignalStatus.EXPIRED
            signal.save(update_fields=["account", "justice_offences", "status", "updated_at"])
            person_index.current().signal_unindex(signal_id=signal.pk, reason="expired")
            audit.record(
                action=AuditAction.INTAKE_SIGNAL_PURGED,
                organisation=signal.organisation_id,
                object_type="signal",
                object_id=signal.pk,
                details={"reason": reason, "identity": "encoded"},
            )
    return len(ids)


__all__ += ["signal_create_encoded", "purge_expired_encoded"]


def search_tokens_rebuild(
    *, everything: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """(Re)build the blind-index tokens of active signals with an identity.

    By default only signals without tokens under the current key: those recorded before
    search existed, or tokenised under a field-encryption key that has since been
    replaced (docs/intake.md, "Search"). ``everything`` rebuilds all of them. Each
    signal is rebuilt in its own transaction; returns how many were rebuilt.
    """
    signals = Signal.objects.filter(status=SignalStatus.ACTIVE, identity__isnull=False)
    if not everything:
        signals = signals.exclude(search_tokens__key_id=search.current_key_id())
    done = 0
    for signal in signals.select_related("identity").order_by("created_at").iterator(500):
        with transaction.atomic():
            _write_search_tokens(signal, _identity_text(signal.identity))
        done += 1
        if progress and done % 500 == 0:
            progress(done)
    return done


def _identity_text(record: SignalIdentity) -> dict:
    return {name: getattr(record, name) for name in IDENTITY_FIELDS}


__all__ += ["search_tokens_rebuild"]
