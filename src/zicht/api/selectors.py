"""Reads for the partner API: keys of an organisation, key look-up, stored responses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from zicht.access.policy import allows
from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import Role
from zicht.api.models import IdempotencyRecord, OrganisationAPIKey

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

__all__ = [
    "api_key_list",
    "api_key_get",
    "api_key_authenticate",
    "api_key_contact_choices",
    "idempotency_window",
    "idempotency_lookup",
    "idempotency_expired",
]


def _require_org_admin(membership: Membership | None) -> None:
    if not allows("api_key.manage", membership):
        raise PermissionDenied


def api_key_list(*, membership: Membership) -> QuerySet[OrganisationAPIKey]:
    """The keys of the administrator's own organisation, newest first."""
    _require_org_admin(membership)
    return (
        OrganisationAPIKey.objects.filter(organisation_id=membership.organisation_id)
        .select_related("contact__user", "created_by")
        .order_by("revoked", "-created")
    )


def api_key_get(*, membership: Membership, prefix: str) -> OrganisationAPIKey:
    """One key of the administrator's own organisation, by its public prefix; 404 otherwise."""
    _require_org_admin(membership)
    key = api_key_list(membership=membership).filter(prefix=prefix).first()
    if key is None:
        raise Http404
    return key


def api_key_authenticate(*, raw_key: str) -> OrganisationAPIKey | None:
    """The usable key for ``raw_key`` (not revoked, not expired, constant-time compared),
    with an active professional of an active organisation as contact; otherwise None."""
    prefix, _, _ = raw_key.partition(".")
    key = (
        OrganisationAPIKey.objects.get_usable_keys()
        .select_related("organisation", "contact__user", "contact__organisation")
        .filter(prefix=prefix)
        .first()
    )
    if key is None or not key.is_valid(raw_key):
        return None
    contact = key.contact
    if (
        key.has_expired
        or not key.organisation.is_active
        or not contact.is_active
        or not contact.user.is_active
        or contact.role != Role.PROFESSIONAL
        or contact.organisation_id != key.organisation_id
    ):
        return None
    return key


def api_key_contact_choices(*, membership: Membership) -> QuerySet[Membership]:
    """Active professionals of the administrator's organisation who have enrolled
    two-factor: possible key contacts (``services.api_key_create`` checks the same)."""
    members = account_selectors.members_of(
        membership=membership, organisation=membership.organisation, include_inactive=False
    ).filter(role=Role.PROFESSIONAL, user__is_active=True)
    return account_selectors.with_two_factor(members)


def idempotency_window() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "ZICHT_API_IDEMPOTENCY_HOURS", 24))


def idempotency_lookup(
    *, api_key: OrganisationAPIKey, key: str, include_expired: bool = False
) -> IdempotencyRecord | None:
    """The stored response for this key's ``Idempotency-Key``, if younger than the window.
    With ``include_expired`` also an older one (not yet purged), so that the first request
    can replace it without a query of its own (``idempotency_expired``)."""
    records = IdempotencyRecord.objects.filter(api_key=api_key, key=key)
    if not include_expired:
        records = records.filter(created_at__gte=timezone.now() - idempotency_window())
    return records.first()


def idempotency_expired(record: IdempotencyRecord) -> bool:
    """Whether the stored response is older than the window: the key may be used again."""
    return record.created_at < timezone.now() - idempotency_window()
