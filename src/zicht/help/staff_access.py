"""The door to the staff pages of the help app: counsellors' inbox, professionals'
hand-overs. One decorator so both refuse the same way: anonymous users go to the login,
anyone without the right membership gets 403, and every refusal is audit-logged."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction


def deny(request, **target) -> None:
    """Record a refused access (``help.access_denied``), optionally naming the object."""
    audit.record(
        action=AuditAction.HELP_ACCESS_DENIED,
        actor=request.user,
        organisation=getattr(request.membership, "organisation", None),
        details={"view": getattr(request.resolver_match, "view_name", "")},
        **target,
    )


def staff_required(allowed):
    """Logged in (two factors are enforced by the accounts middleware) and a membership
    for which ``allowed(membership)`` holds; pages are never cached."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.membership):
                deny(request)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return never_cache(wrapper)

    return decorator
