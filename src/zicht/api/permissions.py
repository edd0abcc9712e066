"""Who may use the API and the key pages, as the access policy (``zicht.access.policy``)
says: the scope of each API action is data there (``API_ENDPOINTS``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import permissions

from zicht.access.policy import action_for_endpoint, allows
from zicht.api.exceptions import InsufficientScope
from zicht.api.models import OrganisationAPIKey
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction


class HasRequiredScope(permissions.BasePermission):
    """The key must hold the scope the policy's action for this endpoint names
    (``API_ENDPOINTS``); a refusal is recorded as ``api.scope_denied``, the
    ``denied_event`` of every API-key action (tests/api/test_keys.py checks they agree).
    An endpoint without an action in the policy is refused (fail closed)."""

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, OrganisationAPIKey):
            return False
        if view.action is None:
            return True  # a method the endpoint does not have: DRF answers 405
        rule = action_for_endpoint(view.basename, view.action)
        required = rule.scope if rule else None
        if not required or required not in (key.scopes or []):
            # The policy's refusal event for the action; an endpoint the policy does not
            # know is refused as a missing scope.
            denied: AuditAction = (
                rule.denied_event if rule else None
            ) or AuditAction.API_SCOPE_DENIED
            audit.record(
                action=denied,
                actor=request.user,
                organisation=key.organisation_id,
                object_type="api_key",
                object_id=key.prefix,
                details={"action": f"{view.basename}.{view.action}", "scope": required},
            )
            raise InsufficientScope(
                _("This API key does not have the scope %(scope)s needed here.")
                % {"scope": required or "?"}
            )
        return True


def can_manage_keys(membership) -> bool:
    """Only an active administrator of an active organisation manages its keys."""
    return allows("api_key.manage", membership)
