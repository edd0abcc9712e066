"""Front page, per-role home page, health check, the CSRF failure page and the 400 handler."""

from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.views import defaults
from django.views.decorators.cache import never_cache

from zicht.accounts import selectors as account_selectors
from zicht.audit import services as audit
from zicht.core import attention


def home(request):
    """Anonymous visitors see what Zicht is; members see what they can do next."""
    if not request.user.is_authenticated:
        return render(request, "core/front.html")
    tasks = account_selectors.home_actions_for(user=request.user, membership=request.membership)
    return render(
        request,
        "core/home.html",
        {
            "actions": tasks,
            "attention": attention.items_for(membership=request.membership),
            "memberships": account_selectors.memberships_for(user=request.user),
            "invitations": account_selectors.invitations_for(user=request.user),
            "role_intro": account_selectors.role_intro_for(membership=request.membership),
        },
    )


@never_cache
def healthz(request):
    """200 with a small JSON status when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request, reason=""):
    """A forged or expired CSRF token: a clear message, nothing changed, audit-logged."""

    audit.record(
        action="security.csrf_failure",
        actor=request.user if request.user.is_authenticated else None,
        details={"path_name": getattr(request.resolver_match, "view_name", "")},
    )
    return render(request, "core/csrf_failure.html", status=403)


def bad_request(request, exception=None):
    """Django's 400 handler (``handler400``). A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    answers 413 with a plain page instead: the request's data cannot be read again, so
    the page needs nothing of it (nor of the session)."""
    if isinstance(exception, RequestDataTooBig):
        return HttpResponse(get_template("413.html").render(), status=413)
    return defaults.bad_request(request, exception)
