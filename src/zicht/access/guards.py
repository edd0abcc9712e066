"""The views' gate, derived from the policy: one call that admits the member the action's
rule admits and refuses everyone else the same way - audit-logged with the action's
refusal event, then 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from zicht.access.policy import action, allows
from zicht.audit import services as audit


def record_refusal(request, code: str, **target) -> None:
    """Audit a refused request for action ``code`` (its ``denied_event``), naming the view
    and, where given, the object."""
    audit.record(
        action=action(code).denied_event,
        actor=request.user,
        organisation=getattr(getattr(request, "membership", None), "organisation", None),
        details={"view": getattr(request.resolver_match, "view_name", "") or request.path[:200]},
        **target,
    )


def require(request, code: str):
    """The request's membership if the policy admits it to action ``code``; otherwise the
    refusal is recorded and ``PermissionDenied`` raised."""
    membership = getattr(request, "membership", None)
    if not allows(code, membership):
        record_refusal(request, code)
        raise PermissionDenied
    return membership
