"""Writes of the partner API: keys and stored responses. Each write is one transaction
with its audit event inside; details carry ids and scope names, never personal data."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from zicht.access.policy import allows
from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import Role
from zicht.api import scopes as api_scopes
from zicht.api.models import IdempotencyRecord, OrganisationAPIKey
from zicht.api.selectors import idempotency_window
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.intake import services as intake_services

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

#: The longest a key may be valid (two years and a leap day; the form is exact to the day).
MAX_KEY_VALIDITY = dt.timedelta(days=2 * 365 + 2)

__all__ = [
    "api_key_create",
    "api_key_revoke",
    "request_fingerprint",
    "idempotency_store",
    "idempotency_purge",
]


def _require_org_admin(membership: Membership | None) -> None:
    if not allows("api_key.manage", membership):
        raise PermissionDenied


def api_key_create(
    *,
    by: Membership,
    name: str,
    contact: Membership,
    scopes: list[str],
    expiry_date: dt.datetime | None = None,
) -> tuple[OrganisationAPIKey, str]:
    """Create a key for the administrator's organisation. Returns (key, raw key); the raw
    key exists only in this return value and must be shown once."""
    _require_org_admin(by)
    if (
        contact.organisation_id != by.organisation_id
        or not contact.is_active
        or not contact.user.is_active
        or contact.role != Role.PROFESSIONAL
    ):
        raise ValidationError(
            {"contact": _("Choose an active professional of your own organisation.")}
        )
    if not account_selectors.user_has_two_factor(user=contact.user):
        # The contact is the author of everything the key records and receives the match
        # notifications: an account that never enrolled two-factor has never logged in
        # safely and must not act through a key either.
        raise ValidationError(
            {
                "contact": _(
                    "The contact person has not set up two-factor authentication yet. "
                    "Ask them to log in and set it up first."
                )
            }
        )
    unknown = set(scopes) - set(api_scopes.SCOPES)
    if not scopes or unknown:
        raise ValidationError({"scopes": _("Choose at least one of the listed scopes.")})
    if expiry_date is not None and expiry_date <= timezone.now():
        raise ValidationError({"expiry_date": _("The expiry date must be in the future.")})
    if expiry_date is not None and expiry_date > timezone.now() + MAX_KEY_VALIDITY:
        raise ValidationError({"expiry_date": _("A key is valid for at most two years.")})
    with transaction.atomic():
        created = OrganisationAPIKey.objects.create_key(
            name=name.strip()[:50],
            organisation=by.organisation,
            contact=contact,
            scopes=[s for s in api_scopes.SCOPES if s in scopes],
            created_by=by.user,
            expiry_date=expiry_date,
        )
        # The manager of OrganisationAPIKey creates OrganisationAPIKey rows; the library's
        # stubs only know its base class.
        key, raw = cast("tuple[OrganisationAPIKey, str]", created)
        audit.record(
            action=AuditAction.API_KEY_CREATED,
            actor=by.user,
            organisation=by.organisation,
            object_type="api_key",
            object_id=key.prefix,
            details={"scopes": key.scopes, "contact_membership": contact.pk},
        )
    return key, raw


def api_key_revoke(*, by: Membership, api_key: OrganisationAPIKey) -> OrganisationAPIKey:
    """Revoke a key at once; this cannot be undone."""
    _require_org_admin(by)
    if api_key.organisation_id != by.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        api_key = OrganisationAPIKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked:
            return api_key
        api_key.revoked = True
        api_key.revoked_at = timezone.now()
        api_key.revoked_by = by.user
        api_key.save(update_fields=["revoked", "revoked_at", "revoked_by"])
        api_key.idempotency_records.all().delete()
        audit.record(
            action=AuditAction.API_KEY_REVOKED,
            actor=by.user,
            organisation=by.organisation,
            object_type="api_key",
            object_id=api_key.prefix,
        )
    return api_key


def request_fingerprint(*, method: str, path: str, data: Any) -> str:
    """A keyed hash of the request, so a stored fingerprint reveals nothing of the body."""
    canonical = json.dumps(
        {"method": method, "path": path, "data": data},
        sort_keys=True,
        separators=(",", ":"),
        cls=JSONEncoder,
    )
    return salted_hmac("zicht.api.idempotency", canonical, algorithm="sha256").hexdigest()


def idempotency_store(
    *,
    api_key: OrganisationAPIKey,
    key: str,
    fingerprint: str,
    status_code: int,
    body: Any,
    location: str = "",
    replaces: IdempotencyRecord | None = None,
) -> IdempotencyRecord:
    """Store the response to a first request. Must run in the request's transaction, so
    the record exists exactly when the change does. Raises IntegrityError when a
    concurrent request with the same key won the race. ``replaces``: the expired record
    of the same key found by the lookup (``selectors.idempotency_lookup``), deleted first;
    a key never used before costs only the insert."""
    if replaces is not None:
        IdempotencyRecord.objects.filter(pk=replaces.pk).delete()
    return IdempotencyRecord.objects.create(
        api_key=api_key,
        key=key,
        request_hash=fingerprint,
        status_code=status_code,
        location=location[:255],
        body=json.dumps(body, cls=JSONEncoder),
    )


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Delete stored responses older than the window (run daily)."""
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=now - idempotency_window()
    ).delete()
    return deleted


def api_data_purge() -> dict:
    """Daily: stored responses past the window; encoded signals past their retention
    (``zicht.intake.services.purge_expired`` does not see signals without an identity)."""
    return {
        "idempotency_records": idempotency_purge(),
        "encoded_signals": intake_services.purge_expired_encoded(),
    }
