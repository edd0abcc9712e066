"""Two-factor is mandatory, and every request knows the user's active organisation."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from zicht.accounts import selectors

# URL name prefixes a logged-in user without a verified second factor may still reach.
UNVERIFIED_ALLOWED = (
    "two_factor:setup",
    "two_factor_setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "accounts:logout",
    "accounts:reauthenticate",
    "set_language",
    "healthz",
    "readyz",
    "javascript-catalog",
)


class TwoFactorRequiredMiddleware:
    """Every staff account must be verified with a second factor before it can do anything.

    A user without a device is sent to enrolment; a user with a device whose session
    is not verified (which the login wizard never produces) is logged out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in UNVERIFIED_ALLOWED or request.path.startswith("/static/"):
            return None
        if user_has_device(user):
            logout(request)
            return redirect(reverse("two_factor:login"))
        return redirect(reverse("two_factor:setup"))


class ActiveMembershipMiddleware:
    """Set ``request.membership`` to the active organisation membership (or None).

    The choice lives in the session. It is re-read from the database on every request,
    so a deactivated membership stops working at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        user = request.user
        if user.is_authenticated:
            chosen = request.session.get("membership_id")
            membership = selectors.membership_for_session(user=user, membership_id=chosen)
            if membership is None:
                active = list(selectors.memberships_for(user=user)[:2])
                if len(active) == 1:
                    membership = active[0]
                    request.session["membership_id"] = membership.pk
                elif chosen is not None:
                    request.session.pop("membership_id", None)
                    if (
                        not active
                        and not user.is_superuser
                        and not selectors.invitations_for(user=user).exists()
                    ):
                        logout(request)
                        messages.error(
                            request,
                            _(
                                "Your membership has been deactivated. Contact your organisation's administrator."
                            ),
                        )
                        return redirect(reverse("two_factor:login"))
            request.membership = membership
        return self.get_response(request)
