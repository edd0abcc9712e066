"""Writes for the help pages: anonymous conversations, consent, hand-over, retention.

Every write is one transaction with its audit event inside it. Audit details never
contain message text, case codes or passphrases: only ids, kinds and counts. No
function here receives or stores an IP address or a user agent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination import services as coordination
from zicht.core import ratelimit
from zicht.help import codes, conf, pow, selectors
from zicht.help.constants import (
    CloseReason,
    ConversationStatus,
    HandoverKind,
    MessageAuthor,
    MessageKind,
)
from zicht.help.models import Conversation, Message
from zicht.help.permissions import can_counsel, is_professional

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

_T = TypeVar("_T")

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "RateLimited",
    "ProofNeeded",
    "resume_proof_bits",
    "ConversationClosed",
    "StartedConversation",
    "conversation_start",
    "conversation_resume",
    "visitor_message_send",
    "visitor_consent_answer",
    "visitor_conversation_delete",
    "counsellor_reply",
    "counsellor_consent_request",
    "counsellor_hand_over",
    "counsellor_route",
    "counsellor_close",
    "professional_take_up",
    "SIGNAL_REFERENCE_PATTERN",
    "conversations_purge_inactive",
]

MAX_MESSAGE_LENGTH = 4000


class RateLimited(Exception):
    """Too many attempts or messages in the current window."""


class ProofNeeded(Exception):
    """This try needs a solved proof-of-work of ``bits`` bits (see ``resume_proof_bits``)."""

    def __init__(self, bits: int):
        super().__init__(bits)
        self.bits = bits


class ConversationClosed(Exception):
    """The conversation is closed; nothing can be added."""


@dataclass(frozen=True)
class StartedConversation:
    conversation: Conversation
    passphrase: str


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            _("Your message is too long: at most %(max)s characters.") % {"max": MAX_MESSAGE_LENGTH}
        )
    return body


def _touch(conversation: Conversation, *, now: datetime, awaiting_reply: bool | None) -> None:
    conversation.last_activity_at = now
    fields = ["last_activity_at"]
    if awaiting_reply is True and not conversation.awaiting_reply:
        conversation.awaiting_reply = True
        conversation.awaiting_since = now
        fields += ["awaiting_reply", "awaiting_since"]
    elif awaiting_reply is False:
        conversation.awaiting_reply = False
        conversation.awaiting_since = None
        fields += ["awaiting_reply", "awaiting_since"]
    conversation.save(update_fields=fields)


def _post(
    conversation: Conversation,
    *,
    now: datetime,
    author: str,
    action: AuditAction,
    awaiting_reply: bool | None,
    kind: str = MessageKind.TEXT,
    body: str = "",
    membership: Membership | None = None,
    details: dict[str, Any] | None = None,
) -> Message:
    """Add one message to a locked conversation, update its activity and record the audit
    event - the three steps every write to a conversation takes, kept together so none is
    forgotten. The event names the counsellor (never the visitor, who has no identity) and
    never carries the message text."""
    message = Message.objects.create(
        conversation=conversation,
        author=author,
        kind=kind,
        counsellor=membership.user if membership else None,
        body=body,
        created_at=now,
    )
    _touch(conversation, now=now, awaiting_reply=awaiting_reply)
    audit.record(
        action=action,
        actor=membership.user if membership else None,
        organisation=membership.organisation if membership else None,
        object_type="help.conversation",
        object_id=conversation.pk,
        details=details,
    )
    return message


def conversation_start(
    *, message: str, language: str, passphrase: str | None = None
) -> StartedConversation:
    """Open a conversation with its first message. The passphrase is returned once.

    The caller has checked the start form's proof-of-work (``forms.StartForm``).
    ``passphrase`` is for the demo loader only (``help.demo``), whose passphrases are
    derived from a fixed seed so ``demo_accounts`` can print them again; it is refused in
    production, where every passphrase is drawn here."""
    if passphrase is not None and settings.PRODUCTION:
        raise ImproperlyConfigured("A chosen passphrase is for demo data only.")
    body = _clean_body(message)
    # No global cap that a script could use up: the start form's proof-of-work gets
    # dearer as this count rises (``pow.start_bits``).
    pow.start_counted()
    passphrase = (
        codes.new_passphrase() if passphrase is None else codes.normalise_passphrase(passphrase)
    )
    now = timezone.now()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    code=codes.new_case_code(),
                    passphrase_hash=_timed(make_password, passphrase),
                    language=language if language in ("nl", "en") else "nl",
                    created_at=now,
                    last_activity_at=now,
                    awaiting_reply=True,
                    awaiting_since=now,
                )
                Message.objects.create(
                    conversation=conversation,
                    author=MessageAuthor.VISITOR,
                    body=body,
                    created_at=now,
                )
                audit.record(
                    action=AuditAction.HELP_CONVERSATION_STARTED,
                    object_type="help.conversation",
                    object_id=conversation.pk,
                )
            return StartedConversation(conversation=conversation, passphrase=passphrase)
        except IntegrityError:  # a case code collision: draw again
            continue
    raise RuntimeError("could not draw a free case code")


# How long one slow passphrase check takes in this process (seconds), kept as a moving
# average of the real checks and starts; an unknown code waits this long instead of
# hashing, so the answer takes the same time without the work. The first value is the
# order of Django's PBKDF2 (1,000,000 iterations) on a current server core.
_slow_hash = {"seconds": 0.25}


def _timed(function: Callable[..., _T], *args: Any) -> _T:
    started = time.perf_counter()
    result = function(*args)
    elapsed = time.perf_counter() - started
    _slow_hash["seconds"] = 0.8 * _slow_hash["seconds"] + 0.2 * elapsed
    return result


def _wait_as_long_as_a_check(started: float) -> None:
    remaining = _slow_hash["seconds"] - (time.perf_counter() - started)
    if remaining > 0:
        time.sleep(remaining)


def resume_proof_bits(failures: int) -> int:
    """Proof-of-work bits a try on a case code needs after ``failures`` wrong passphrases
    in the window: none for the first ``conf.login_attempts()``, then the start form's
    difficulty, one bit (twice the work) more per further failure, at most
    ``conf.pow_max_bits()``, so a person with the right passphrase always gets in."""
    extra = failures - conf.login_attempts()
    if extra < 0:
        return 0
    return min(conf.pow_bits() + extra, conf.pow_max_bits())


def conversation_resume(*, code: str, passphrase: str, proof_bits: int = 0) -> Conversation | None:
    """The conversation for this code and passphrase, or None.

    Work is bounded in three ways, none of which reveals whether a code exists (the
    first two are decided before the code is looked up, the third takes the same time):

    * all codes together get at most ``conf.resume_checks_per_minute()`` slow passphrase
      checks a minute; past that ``RateLimited`` is raised for every try;
    * wrong passphrases are counted per case code (a keyed hash, existing or not); after
      ``conf.login_attempts()`` in ``conf.login_pause_minutes()`` minutes each try needs a
      solved proof-of-work (``proof_bits``, see ``resume_proof_bits``), else
      ``ProofNeeded`` is raised. Nothing locks the right passphrase out: it costs the
      person at most a few seconds of their browser's work, an attacker twice as much
      per further guess;
    * an unknown code is found by its index and never hashed: it waits as long as a
      real check takes (``_wait_as_long_as_a_check``).
    """
    code = codes.normalise_case_code(code)
    key = ratelimit.hashed("login", code)
    minutes = conf.login_pause_minutes()
    now = timezone.now()
    # Units are taken before the work and given back when it does not count, so tries
    # that arrive together each see their own number (zicht.core.ratelimit).
    if not ratelimit.take("resume-work", limit=conf.resume_checks_per_minute(), minutes=1, now=now):
        raise RateLimited
    failures = ratelimit.hit(key, minutes=minutes, now=now) - 1
    required = resume_proof_bits(failures)
    if proof_bits < required:
        ratelimit.undo(key, minutes=minutes, now=now)
        ratelimit.undo("resume-work", minutes=1, now=now)
        raise ProofNeeded(required)
    conversation = Conversation.objects.filter(code=code).first()
    phrase = codes.normalise_passphrase(passphrase)
    started = time.perf_counter()
    if conversation is None:
        _wait_as_long_as_a_check(started)
        ratelimit.undo("resume-work", minutes=1, now=now)  # no slow check ran
    elif _timed(check_password, phrase, conversation.passphrase_hash):
        ratelimit.undo(key, minutes=minutes, now=now)
        return conversation
    if failures + 1 == conf.login_attempts():
        with transaction.atomic():
            audit.record(
                action=AuditAction.HELP_RESUME_PROOF_REQUIRED,
                object_type="help.conversation",
                object_id=conversation.pk if conversation else "",
                details={"known_code": conversation is not None},
            )
    return None


def _locked(conversation: Conversation) -> Conversation:
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not locked.is_open:
        raise ConversationClosed
    return locked


def visitor_message_send(*, conversation: Conversation, body: str) -> Message:
    body = _clean_body(body)
    key, now = f"msg:{conversation.pk}", timezone.now()
    if not ratelimit.take(key, limit=conf.messages_per_hour(), minutes=60, now=now):
        raise RateLimited
    try:
        with transaction.atomic():
            return _post(
                _locked(conversation),
                now=now,
                author=MessageAuthor.VISITOR,
                body=body,
                awaiting_reply=True,
                action=AuditAction.HELP_VISITOR_MESSAGE,
            )
    except BaseException:
        ratelimit.undo(key, minutes=60, now=now)  # a message not sent does not count
        raise


def visitor_consent_answer(*, conversation: Conversation, agree: bool) -> Message:
    """The person answers a counsellor's request to pass their story on."""
    with transaction.atomic():
        locked = _locked(conversation)
        if locked.consent_requested_at is None:
            raise ValidationError(_("Nobody has asked for your consent."))
        now = timezone.now()
        if agree:
            locked.consent_given_at = now
        else:
            locked.consent_given_at = None
            locked.consent_requested_at = None
        locked.save(update_fields=["consent_given_at", "consent_requested_at"])
        return _post(
            locked,
            now=now,
            author=MessageAuthor.VISITOR,
            kind=MessageKind.CONSENT_GIVEN if agree else MessageKind.CONSENT_DECLINED,
            awaiting_reply=True,
            action=AuditAction.HELP_CONSENT_GIVEN if agree else AuditAction.HELP_CONSENT_DECLINED,
        )


def visitor_conversation_delete(*, conversation: Conversation) -> None:
    """The person removes their conversation and all its messages at once."""
    with transaction.atomic():
        pk = conversation.pk
        Conversation.objects.filter(pk=pk).delete()
        audit.record(
            action=AuditAction.HELP_CONVERSATION_DELETED_BY_VISITOR,
            object_type="help.conversation",
            object_id=pk,
        )


def _require_counsellor(membership: Membership | None, conversation: Conversation) -> None:
    """A counsellor of the service that answers this conversation (checked on the row)."""
    if not can_counsel(membership, conversation):
        raise PermissionDenied


def counsellor_reply(*, membership: Membership, conversation: Conversation, body: str) -> Message:
    body = _clean_body(body)
    with transaction.atomic():
        locked = _locked(conversation)
        _require_counsellor(membership, locked)
        return _post(
            locked,
            now=timezone.now(),
            author=MessageAuthor.COUNSELLOR,
            body=body,
            membership=membership,
            awaiting_reply=False,
            action=AuditAction.HELP_COUNSELLOR_REPLY,
        )


def counsellor_consent_request(*, membership: Membership, conversation: Conversation) -> Message:
    """Ask the person, inside the conversation, whether their story may be passed on."""
    with transaction.atomic():
        locked = _locked(conversation)
        _require_counsellor(membership, locked)
        if locked.handed_over_at:
            raise ValidationError(_("This conversation has already been handed over."))
        now = timezone.now()
        locked.consent_requested_at = now
        locked.consent_given_at = None
        locked.save(update_fields=["consent_requested_at", "consent_given_at"])
        return _post(
            locked,
            now=now,
            author=MessageAuthor.COUNSELLOR,
            kind=MessageKind.CONSENT_REQUEST,
            membership=membership,
            awaiting_reply=False,
            action=AuditAction.HELP_CONSENT_REQUESTED,
        )


def counsellor_hand_over(
    *, membership: Membership, conversation: Conversation, kind: str
) -> Message:
    """Mark the conversation for hand-over, only with the person's recorded consent.

    This records the decision and the consent in the conversation and the audit log.
    A referral opens a coordination file at once (``coordination.services.
    referral_from_conversation``, without identity: the centre continues through the
    conversation). A signal needs a professional who knows the young person: a signal
    hand-over makes the conversation readable (read-only) for the professionals of the
    counsellor's own organisation (``handed_over_to``), who take it up and record the
    signal themselves.
    """
    if kind not in HandoverKind.values:
        raise ValidationError(_("Choose a signal or a referral."))
    with transaction.atomic():
        locked = _locked(conversation)
        _require_counsellor(membership, locked)
        if locked.consent_given_at is None:
            raise ValidationError(
                _("The person has not given consent. Ask for consent in the conversation first.")
            )
        if locked.handed_over_at:
            raise ValidationError(_("This conversation has already been handed over."))
        now = timezone.now()
        locked.handover_kind = kind
        locked.handed_over_at = now
        locked.handed_over_by = membership.user
        locked.handed_over_to = membership.organisation if kind == HandoverKind.SIGNAL else None
        locked.save(
            update_fields=["handover_kind", "handed_over_at", "handed_over_by", "handed_over_to"]
        )
        if kind == HandoverKind.REFERRAL:
            coordination.referral_from_conversation(
                membership=membership, conversation_code=locked.code
            )
        return _post(
            locked,
            now=now,
            author=MessageAuthor.SYSTEM,
            kind=MessageKind.HANDOVER,
            membership=membership,
            awaiting_reply=None,
            action=AuditAction.HELP_HANDED_OVER,
            details={"kind": kind, "consent_given_at": locked.consent_given_at.isoformat()},
        )


def counsellor_route(*, membership: Membership, conversation: Conversation, to: str) -> Message:
    """Pass the conversation to another counsellor service, whose counsellors then read
    and answer it instead (``to``: an organisation's id from
    ``selectors.counsellor_services_for``, or ``selectors.CENTRE``).

    Counsellor services share the same task and duty of confidentiality, so this needs no
    consent, but it is never hidden: the person reads in their conversation who answers
    them now, and the audit event names the organisation (never the text or code)."""
    with transaction.atomic():
        locked = _locked(conversation)
        _require_counsellor(membership, locked)
        allowed = dict(
            selectors.counsellor_services_for(membership=membership, conversation=locked)
        )
        if to not in allowed:
            raise ValidationError(_("Choose a counsellor service from the list."))
        locked.routed_to_id = None if to == selectors.CENTRE else int(to)
        locked.save(update_fields=["routed_to"])
        return _post(
            locked,
            now=timezone.now(),
            author=MessageAuthor.SYSTEM,
            kind=MessageKind.ROUTED,
            body="" if to == selectors.CENTRE else allowed[to],
            membership=membership,
            awaiting_reply=True,
            action=AuditAction.HELP_CONVERSATION_ROUTED,
            details={"to": to},
        )


def counsellor_close(*, membership: Membership, conversation: Conversation, reason: str) -> None:
    if reason not in (CloseReason.FINISHED, CloseReason.ABUSIVE):
        raise ValidationError(_("Choose a reason."))
    with transaction.atomic():
        locked = _locked(conversation)
        _require_counsellor(membership, locked)
        now = timezone.now()
        locked.status = ConversationStatus.CLOSED
        locked.close_reason = reason
        locked.closed_at = now
        locked.awaiting_reply = False
        locked.awaiting_since = None
        locked.save(
            update_fields=[
                "status",
                "close_reason",
                "closed_at",
                "awaiting_reply",
                "awaiting_since",
            ]
        )
        Message.objects.create(
            conversation=locked,
            author=MessageAuthor.SYSTEM,
            kind=MessageKind.CLOSED,
            counsellor=membership.user,
            created_at=now,
        )
        audit.record(
            action=AuditAction.HELP_CONVERSATION_CLOSED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="help.conversation",
            object_id=locked.pk,
            details={"reason": reason},
        )


# The reference intake gives a signal: ``ZS-<year>-<six digits>``.
SIGNAL_REFERENCE_PATTERN = re.compile(r"ZS-\d{4}-\d{6}")


def _clean_signal_reference(reference: str) -> str:
    reference = (reference or "").strip().upper()
    if reference and not SIGNAL_REFERENCE_PATTERN.fullmatch(reference):
        raise ValidationError(
            _("A signal reference looks like ZS-2026-012345."), code="signal_reference"
        )
    return reference


def professional_take_up(
    *, membership: Membership | None, conversation: Conversation, signal_reference: str = ""
) -> Conversation:
    """A professional of the organisation a signal hand-over went to takes it up.

    Records who and when, and optionally the reference of the signal they recorded
    (typed by them; nothing from the conversation is copied anywhere). The conversation
    then leaves the waiting list but stays readable to the organisation's professionals.
    The audit event names the professional and says whether a reference was given,
    never the reference, the case code or any message text.
    """
    if not is_professional(membership):
        raise PermissionDenied
    reference = _clean_signal_reference(signal_reference)
    with transaction.atomic():
        locked = (
            Conversation.objects.select_for_update()
            .filter(
                pk=conversation.pk,
                handover_kind=HandoverKind.SIGNAL,
                handed_over_to_id=membership.organisation_id,
            )
            .first()
        )
        if locked is None:
            raise PermissionDenied
        if locked.taken_up_at is not None:
            raise ValidationError(_("This hand-over has already been taken up."))
        locked.taken_up_at = timezone.now()
        locked.taken_up_by = membership.user
        locked.signal_reference = reference
        locked.save(update_fields=["taken_up_at", "taken_up_by", "signal_reference"])
        audit.record(
            action=AuditAction.HELP_HANDOVER_TAKEN_UP,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="help.conversation",
            object_id=locked.pk,
            details={"signal_reference_given": bool(reference)},
        )
    return locked


def conversations_purge_inactive(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete conversations (and their messages) without activity for the retention period.

    Returns the number of conversations deleted (or that would be, with ``dry_run``).
    Each deletion is audit-logged by id only. Also removes rate-limit rows older than
    a day, which are no longer needed for any limit.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=conf.retention_days())
    ids = list(
        Conversation.objects.filter(last_activity_at__lt=cutoff).values_list("pk", flat=True)
    )
    if dry_run:
        return len(ids)
    for pk in ids:
        with transaction.atomic():
            deleted, _counts = Conversation.objects.filter(
                pk=pk, last_activity_at__lt=cutoff
            ).delete()
            if deleted:
                audit.record(
                    action=AuditAction.HELP_CONVERSATION_PURGED,
                    object_type="help.conversation",
                    object_id=pk,
                    details={"retention_days": conf.retention_days()},
                )
    ratelimit.purge_older_than(days=1, now=now)
    return len(ids)
