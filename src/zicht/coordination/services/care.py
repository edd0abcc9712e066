"""Care referrals: the coordination centre asks a shelter or youth-care provider for care.

The coordinator requests; only the addressed provider accepts, refuses, places or ends
it. A care referral has its own version (two colleagues at the provider may act at
once) and every step raises the file's version too, since the file page shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit.catalogue import EVENTS, AuditAction
from zicht.coordination import permissions, workflow
from zicht.coordination.constants import CareStatus
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH, check_lengths
from zicht.coordination.models import CareReferral, CoordinationFile
from zicht.coordination.services.guards import require_coordinator, require_in_care
from zicht.coordination.services.locking import lock_care_referral, lock_file, save_file
from zicht.coordination.services.trail import audit_event, notify, step

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, Organisation


def care_referral_create(
    *,
    membership: Membership,
    file: CoordinationFile,
    provider: Organisation | None,
    care_type: str,
    note: str = "",
    expected_version: int | str | None = None,
) -> CareReferral:
    require_coordinator(membership, action="care_referral_create", object_id=file.pk)
    note = (note or "").strip()
    check_lengths(note=(note, LONG_TEXT_MAX_LENGTH))
    if provider is None or provider.type not in permissions.PROVIDER_TYPES:
        raise ValidationError({"provider": _("Choose a shelter or youth-care organisation.")})
    with transaction.atomic():
        file = lock_file(file, expected_version)
        require_in_care(
            file, _("Care can only be requested for a possible victim whose file is open.")
        )
        if file.care_referrals.filter(
            provider=provider, status__in=(CareStatus.REQUESTED, CareStatus.ACCEPTED)
        ).exists():
            raise ValidationError(
                {"provider": _("There is already an open care referral to this provider.")}
            )
        care = CareReferral.objects.create(
            file=file,
            provider=provider,
            care_type=care_type,
            note=note,
            requested_by=membership.user,
        )
        save_file(file)
        step(
            file,
            membership=membership,
            event="care_requested",
            details={"provider": provider.name, "care_type": care_type},
            for_referrer=True,
        )
        audit_event(
            AuditAction.COORDINATION_CARE_REFERRAL_REQUESTED,
            membership=membership,
            object_type="care_referral",
            object_id=care.pk,
            file=file.pk,
            provider=provider.pk,
            care_type=care_type,
        )
        notify("care_requested", file, to=f"provider:{provider.pk}")
        notify("status_changed", file, to="referrers")
    return care


def care_referral_act(
    *,
    membership: Membership,
    care_referral: CareReferral,
    action: str,
    reason: str = "",
    expected_version: int | str | None = None,
) -> CareReferral:
    """A provider accepts, refuses, places or ends a care referral to their organisation."""
    if not permissions.can_act_on_care_referral(membership, care_referral):
        audit_event(
            AuditAction.COORDINATION_CARE_REFERRAL_DENIED,
            membership=membership,
            object_type="care_referral",
            object_id=care_referral.pk,
            attempted=action,
        )
        raise PermissionDenied(
            _(
                "This care referral is addressed to another organisation. Only that "
                "organisation can act on it. Nothing has been changed; the attempt has "
                "been recorded."
            )
        )
    reason = (reason or "").strip()
    if action == "refuse" and not reason:
        raise ValidationError({"reason": _("Say why you refuse.")})
    check_lengths(reason=(reason, LONG_TEXT_MAX_LENGTH))
    with transaction.atomic():
        care = lock_care_referral(care_referral, expected_version)
        care.status = workflow.target(workflow.CARE, action, care.status)
        stamp = {"accept": "accepted_at", "refuse": "refused_at", "place": "placed_at"}.get(
            action, "ended_at"
        )
        setattr(care, stamp, timezone.now())
        if action == "refuse":
            care.refusal_reason = reason
        care.version += 1
        care.save()
        file = CoordinationFile.objects.select_for_update().get(pk=care.file_id)
        save_file(file)
        step(
            file,
            membership=membership,
            event=f"care_{care.status}",
            details={"provider": care.provider.name, "care_type": care.care_type},
            note=reason,
            for_referrer=True,
        )
        audit_event(
            EVENTS[f"coordination.care_referral_{care.status}"],
            membership=membership,
            object_type="care_referral",
            object_id=care.pk,
            file=file.pk,
        )
        notify(f"care_{care.status}", file, to="coordinators")
        notify("status_changed", file, to="referrers")
    return care
