"""Referrals: how a signal (or a help conversation) reaches the coordination centre.

One person, one file: a referral joins the open file of a person the person index
confirms to be the same (reopening it if it was closed), or opens a new one. An adult
referred without consent is only counted, as an anonymous notification.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zicht.accounts.constants import Role
from zicht.audit.catalogue import AuditAction
from zicht.coordination import permissions
from zicht.coordination.constants import (
    ADULT_AGE,
    Consent,
    FileStatus,
    ParentConsent,
    ReferralKind,
    Urgency,
)
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH, check_lengths
from zicht.coordination.models import CoordinationFile, Referral
from zicht.coordination.services.files import file_open, raise_urgency, reopen
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, notify, step
from zicht.linkage import selectors as linkage_selectors

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership
    from zicht.intake.types import Signal


def referral_create(
    *,
    membership: Membership,
    signal: Signal,
    reason: str,
    urgency: str,
    consent_young_person: str,
    consent_parents: str,
) -> Referral:
    """Refer a signal to the coordination centre, by its author.

    A minor may be referred without consent. An adult without consent is counted as
    an anonymous notification: no identity, no reason, no file.
    """
    if not permissions.can_refer(membership, signal):
        audit_event(
            AuditAction.COORDINATION_REFERRAL_DENIED,
            membership=membership,
            object_type="signal",
            object_id=signal.pk,
        )
        raise PermissionDenied(_("Only the author of a signal can refer it."))
    if signal.status != "active":
        raise ValidationError(_("Only an active signal can be referred."))
    if Referral.objects.filter(signal_id=signal.pk).exists():
        raise ValidationError(_("This signal has already been referred."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you refer.")})
    check_lengths(reason=(reason, LONG_TEXT_MAX_LENGTH))
    is_minor = signal.age_at_contact is not None and signal.age_at_contact < ADULT_AGE
    if is_minor and consent_parents == ParentConsent.NOT_APPLICABLE:
        # A minor has parents or guardians with authority: the centre must know what they
        # said (or that they were not asked), not be told they do not count.
        raise ValidationError(
            {
                "consent_parents": _(
                    "This young person is a minor, so parental consent applies. Say whether "
                    "the parents gave consent, refused, were not asked or could not be asked."
                )
            }
        )
    with_identity = is_minor or consent_young_person == Consent.GIVEN
    common = {
        "signal_id": signal.pk,
        "organisation": membership.organisation,
        "referred_by": membership.user,
        "urgency": urgency,
        "consent_young_person": consent_young_person,
        "consent_parents": consent_parents,
        "is_minor": is_minor,
        "municipality": signal.municipality,
        "age_at_referral": signal.age_at_contact,
    }
    with transaction.atomic():
        if not with_identity:
            referral = Referral.objects.create(kind=ReferralKind.ANONYMOUS, reason="", **common)
            audit_event(
                AuditAction.COORDINATION_ANONYMOUS_NOTIFICATION,
                membership=membership,
                object_type="referral",
                object_id=referral.pk,
                urgency=urgency,
                consent=consent_young_person,
            )
            return referral
        file, joined = _file_for(signal_id=signal.pk, urgency=urgency, signal=signal)
        referral = Referral.objects.create(
            kind=ReferralKind.REFERRAL, file=file, reason=reason, **common
        )
        _referral_received(
            referral,
            membership=membership,
            new=not joined,
            urgency=urgency,
            consent=consent_young_person,
            consent_parents=consent_parents,
            minor=is_minor,
            joined=joined,
        )
    return referral


def _file_for(
    *, signal_id: uuid.UUID, urgency: str, signal: Signal
) -> tuple[CoordinationFile, bool]:
    """The open file of the same person (confirmed matches), or a new one."""
    same_person = linkage_selectors.confirmed_same_person(signal_id=signal_id)
    existing = (
        Referral.objects.filter(
            signal_id__in=same_person,
            kind=ReferralKind.REFERRAL,
            file__anonymised_at__isnull=True,
        )
        .select_related("file")
        .order_by("-created_at")
        .first()
    )
    if existing is None:
        file = file_open(
            urgency=urgency, municipality=signal.municipality, age=signal.age_at_contact
        )
        return file, False
    assert existing.file is not None  # the query above asks for a file
    file = lock_file(existing.file, None)
    fields = raise_urgency(file, urgency)
    if file.status == FileStatus.CLOSED:
        fields += reopen(file)
        step(file, event="reopened", details={"because": "new_referral"}, for_referrer=True)
    save_file(file, *fields)
    return file, True


def _referral_received(
    referral: Referral, *, membership: Membership, new: bool, **details: Any
) -> None:
    """Timeline, audit and notification of a referral that opened (``new``) or joined a file."""
    file = referral.file
    assert file is not None, "a referral that opens or joins a file has one"
    if new:
        step(
            file,
            event="file_opened",
            details={"deadline": file.screening_deadline.isoformat()},
            for_referrer=True,
        )
    step(
        file,
        membership=membership,
        event="referral_received",
        details={"organisation": membership.organisation.name, "urgency": referral.urgency},
        note=referral.reason,
    )
    audit_event(
        AuditAction.COORDINATION_REFERRAL_CREATED,
        membership=membership,
        object_type="referral",
        object_id=referral.pk,
        file=file.pk,
        **details,
    )
    notify("referral_received", file, to="coordinators")


def referral_from_conversation(
    *, membership: Membership | None, conversation_code: str, urgency: str = Urgency.NORMAL
) -> Referral:
    """A counsellor hands an anonymous help conversation over to the coordination centre.

    Called by ``zicht.help`` only after the person's consent is recorded in the
    conversation. The new file carries no identity: the coordination centre continues
    through the conversation (its case code), where the person can choose to say more.
    Runs inside the caller's transaction.
    """
    if membership is None or not membership.is_active or membership.role != Role.COUNSELLOR:
        audit_event(
            AuditAction.COORDINATION_HANDOVER_DENIED,
            membership=membership,
            object_type="help.conversation",
        )
        raise PermissionDenied
    file = file_open(urgency=urgency)
    referral = Referral.objects.create(
        kind=ReferralKind.REFERRAL,
        file=file,
        signal_id=None,
        conversation_code=conversation_code,
        organisation=membership.organisation,
        referred_by=membership.user,
        reason=_("Anonymous conversation %(code)s on the help pages; consent recorded there.")
        % {"code": conversation_code},
        urgency=urgency,
        consent_young_person=Consent.GIVEN,
        consent_parents=ParentConsent.NOT_ASKED,
        is_minor=False,
        municipality=None,
        age_at_referral=None,
    )
    _referral_received(referral, membership=membership, new=True, source="help_conversation")
    return referral
