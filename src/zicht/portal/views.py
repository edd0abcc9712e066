"""Front page, per-role home page, health and readiness checks, the CSRF failure page and
the 400, 404 and 500 handlers."""

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import translate_url
from django.utils.translation import get_language
from django.views import defaults
from django.views.decorators.cache import never_cache

from zicht.accounts import selectors as account_selectors
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core import readiness
from zicht.portal import attention


def home(request):
    """Anonymous visitors see what Zicht is; members see what they can do next."""
    if not request.user.is_authenticated:
        return render(request, "portal/front.html")
    tasks = account_selectors.home_actions_for(user=request.user, membership=request.membership)
    return render(
        request,
        "portal/home.html",
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


@never_cache
def readyz(request):
    """200 when this process can serve requests (database, migrations, shared cache), 503
    when it cannot; the body says which check failed and whether the task queue keeps
    up (``zicht.core.readiness``). Public like /healthz: it names nothing secret."""
    ready, found = readiness.readiness()
    return JsonResponse(
        {"status": "ok" if ready else "error", **found}, status=200 if ready else 503
    )


def csrf_failure(request, reason=""):
    """A forged or expired CSRF token: a clear message, nothing changed, audit-logged."""

    audit.record(
        action=AuditAction.SECURITY_CSRF_FAILURE,
        actor=request.user if request.user.is_authenticated else None,
        details={"path_name": getattr(request.resolver_match, "view_name", "")},
    )
    return render(request, "portal/csrf_failure.html", status=403)


def bad_request(request, exception=None):
    """Django's 400 handler (``handler400``). A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    answers 413 with a plain page instead: the request's data cannot be read again, so
    the page needs nothing of it (nor of the session)."""
    if isinstance(exception, RequestDataTooBig):
        return HttpResponse(get_template("413.html").render(), status=413)
    return defaults.bad_request(request, exception)


class _NoCsrfToken(str):
    """An empty token that ``{% csrf_token %}`` renders without asking Django for a real
    one (which would set the CSRF cookie)."""

    def __bool__(self):
        return True


def page_not_found(request, exception=None):
    """Django's 404 handler (``handler404``). For visitors who are not logged in the page
    sets no cookie: the public help and lesson pages promise no cookie without a form, and
    a mistyped address (or a client's automatic request) must not break that. So the
    base template's language form (which needs a CSRF token) is replaced by links to the
    home page in the other languages. Logged-in users keep Django's page and the form."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return defaults.page_not_found(request, exception)
    current = (get_language() or "nl")[:2]
    others = [
        {"code": code, "name": name, "url": translate_url("/", code)}
        for code, name in (("nl", "Nederlands"), ("en", "English"))
        if code != current
    ]
    context = {"csrf_token": _NoCsrfToken(""), "language_links": others}
    return HttpResponseNotFound(render_to_string("404.html", context, request))


def server_error(request):
    """Django's 500 handler (``handler500``). When the database cannot be reached (it is
    down or restarting, the connection broke, a lock wait gave up) the answer is 503 with
    a page that says so and that nothing was saved (the request's transaction was rolled
    back), and ``Retry-After``; the API gets the same as a JSON problem. The page is
    rendered without the request: the session and user need the database. Any other
    error gets Django's plain 500 page."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError) and not (
        isinstance(error, DatabaseError) and "database is locked" in str(error)
    ):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "The database cannot be reached; nothing was saved. Try again.",
            },
            status=503,
            content_type="application/problem+json",
        )
    else:
        response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = "30"
    return response
