"""Lessons in class: a teacher starts a class session, pupils join with a code.

The teacher has no account: they prove an e-mail address by opening the link sent to it
(nothing about the address is kept), and their browser's session then holds the ids of
the classes they started. Pupils join with the code only. A pupil's device gets one
signed cookie (``PUPIL_COOKIE``) with the class id and the steps it answered, valid until
the class closes at the latest; no name, no account, nothing per pupil on the server.
"""

from __future__ import annotations

import json
import secrets

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zicht.access.policy import allows
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core import ratelimit
from zicht.lessons import selectors, services, tasks
from zicht.lessons.forms import AdvanceForm, AnswerForm, JoinForm, TeacherStartForm
from zicht.lessons.views import public, step_context

TEACHER_KEY = "lessons_teacher"
PUPIL_COOKIE = "zicht_klas"
PUPIL_SALT = "zicht.lessons.pupil"
LINKS_PER_ADDRESS_PER_HOUR = 3
LINKS_PER_HOUR = 300
# Guessing join codes (see class_join): a browser may type this many wrong codes per
# JOIN_WINDOW_MINUTES, and all browsers together this many per minute.
JOIN_COOKIE = "zicht_klas_poging"
JOIN_SALT = "zicht.lessons.join"
JOIN_FAILURES_PER_BROWSER = 5
JOIN_WINDOW_MINUTES = 10
JOIN_FAILURES_PER_MINUTE = 60


# ---------------------------------------------------------------- the teacher


@never_cache
def class_start(request):
    """Ask for a start link by e-mail."""
    form = TeacherStartForm(request.POST or None, initial={"lesson": request.GET.get("les")})
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            over = (
                ratelimit.hit(ratelimit.hashed("lessons-link", email), minutes=60)
                > LINKS_PER_ADDRESS_PER_HOUR
                or ratelimit.hit("lessons-link:all", minutes=60) > LINKS_PER_HOUR
            )
            if over:
                form.add_error(None, _("Too many links asked for. Try again in an hour."))
            else:
                transaction.on_commit(
                    lambda: tasks.send_teacher_link.enqueue(
                        email=email,
                        lesson_slug=form.cleaned_data["lesson"],
                        language=get_language() or "nl",
                        base_url=request.build_absolute_uri("/"),
                    )
                )
                return public(request, "lessons/class_link_sent.html", {"email": email})
        context = {"form": form, "school": _school_membership(request)}
        return public(request, "lessons/class_start.html", context, has_form=True, status=400)
    context = {"form": form, "school": _school_membership(request)}
    return public(request, "lessons/class_start.html", context, has_form=True)


def _school_membership(request):
    """The active membership if it is one of a school organisation, else None."""
    membership = getattr(request, "membership", None)
    return membership if allows("lessons.class_school", membership) else None


def _start_as_teacher(request, session) -> None:
    mine = request.session.get(TEACHER_KEY, [])
    request.session[TEACHER_KEY] = [*mine[-9:], session.pk]


@never_cache
def class_start_school(request):
    """A member of a school organisation (logged in with two factors) starts a class
    at once, without the e-mail link."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    membership = _school_membership(request)
    if membership is None:
        audit.record(
            action=AuditAction.LESSONS_ACCESS_DENIED,
            actor=request.user,
            organisation=getattr(getattr(request, "membership", None), "organisation", None),
            details={"view": "lessons:class_start_school"},
        )
        raise PermissionDenied
    try:
        lesson = selectors.lesson_get(slug=request.POST.get("lesson", ""))
    except Http404:
        return HttpResponse(_("Choose a lesson."), status=400)
    session = services.class_session_start(
        lesson=lesson, confirmation=f"member:{membership.pk}:{secrets.token_urlsafe(16)}"
    )
    _start_as_teacher(request, session)
    return redirect("lessons:class_teacher", pk=session.pk)


@never_cache
def class_confirm(request, token):
    """The link from the e-mail: a button starts the class (a GET changes nothing, so a
    mail scanner that opens links starts no class)."""
    try:
        lesson = selectors.lesson_get(slug=tasks.teacher_token_lesson(token))
    except (signing.BadSignature, Http404):
        return public(request, "lessons/class_link_invalid.html", status=400)
    if request.method == "POST":
        try:
            session = services.class_session_start(lesson=lesson, confirmation=token)
        except ValidationError as exc:
            return public(
                request, "lessons/class_link_invalid.html", {"reason": exc.messages[0]}, status=400
            )
        _start_as_teacher(request, session)
        return redirect("lessons:class_teacher", pk=session.pk)
    return public(request, "lessons/class_confirm.html", {"lesson": lesson}, has_form=True)


def _teacher_session(request, pk):
    """The teacher's own open class, or 404 (audit-logged for a logged-in member)."""
    session = selectors.class_session_get(pk=pk)
    if session is None or pk not in request.session.get(TEACHER_KEY, []):
        if request.user.is_authenticated:
            audit.record(
                action=AuditAction.LESSONS_ACCESS_DENIED,
                actor=request.user,
                organisation=getattr(getattr(request, "membership", None), "organisation", None),
                object_type="class_session",
                object_id=pk,
            )
        raise Http404("No such class.")
    return session


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=8, dark="#0b0c0c", light="#ffffff")


@never_cache
def class_teacher(request, pk):
    session = _teacher_session(request, pk)
    lesson = selectors.lesson_get(slug=session.lesson_slug)
    step = lesson.step(session.current_step)
    join_base = request.build_absolute_uri(reverse("lessons:class_join"))
    join_url = f"{join_base}?code={session.join_code}"
    context = step_context(lesson, step)
    context.update(
        {
            "class_session": session,
            "join_base": join_base,
            "qr_svg": _qr_svg(join_url),
            "counts": selectors.class_counts(class_session=session, lesson=lesson),
        }
    )
    return public(request, "lessons/class_teacher.html", context, has_form=True)


@never_cache
def class_counts(request, pk):
    """The live counts, polled by the teacher's page (htmx)."""
    session = _teacher_session(request, pk)
    lesson = selectors.lesson_get(slug=session.lesson_slug)
    context = {
        "class_session": session,
        "counts": selectors.class_counts(class_session=session, lesson=lesson),
    }
    return public(request, "lessons/_class_counts.html", context)


@require_POST
def class_advance(request, pk):
    session = _teacher_session(request, pk)
    lesson = selectors.lesson_get(slug=session.lesson_slug)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose the next part."), status=400)
    try:
        services.class_session_advance(
            class_session=session, lesson=lesson, to=form.cleaned_data["to"]
        )
    except (ValidationError, Http404):
        return HttpResponse(_("That is not a next part of this step."), status=400)
    return redirect("lessons:class_teacher", pk=session.pk)


@require_POST
def class_close(request, pk):
    session = _teacher_session(request, pk)
    lesson = selectors.lesson_get(slug=session.lesson_slug)
    joined = session.pupils_joined
    services.class_session_close(class_session=session)
    request.session[TEACHER_KEY] = [p for p in request.session.get(TEACHER_KEY, []) if p != pk]
    return public(request, "lessons/class_closed.html", {"lesson": lesson, "joined": joined})


# ---------------------------------------------------------------- the pupils


def _pupil_state(request) -> dict | None:
    try:
        raw = request.get_signed_cookie(PUPIL_COOKIE, salt=PUPIL_SALT)
        state = json.loads(raw)
        return {"c": int(state["c"]), "a": [str(s) for s in state["a"]][:200]}
    except (KeyError, ValueError, TypeError, signing.BadSignature):
        return None


def _set_pupil_state(response, state: dict, session) -> None:
    seconds = max(int((session.expires_at - timezone.now()).total_seconds()), 0)
    response.set_signed_cookie(
        PUPIL_COOKIE,
        json.dumps(state, separators=(",", ":")),
        salt=PUPIL_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _join_browser(request) -> str:
    """The browser's random join id from its signed cookie, or a new one."""
    try:
        return request.get_signed_cookie(JOIN_COOKIE, salt=JOIN_SALT)
    except (KeyError, signing.BadSignature):
        return secrets.token_urlsafe(16)


def _join_take(browser_key: str, now) -> str | None:
    """Take this attempt's unit of both join limits before the code is looked at: None
    when both had one left, else why the attempt is refused (and nothing is taken).

    Taking first, rather than counting and adding later, keeps the limits exact when
    attempts arrive together (``zicht.core.ratelimit``)."""
    if not ratelimit.take(
        browser_key, limit=JOIN_FAILURES_PER_BROWSER, minutes=JOIN_WINDOW_MINUTES, now=now
    ):
        return _("Too many wrong codes from this device. Wait ten minutes and try again.")
    if not ratelimit.take("lessons-join:all", limit=JOIN_FAILURES_PER_MINUTE, minutes=1, now=now):
        ratelimit.undo(browser_key, minutes=JOIN_WINDOW_MINUTES, now=now)
        return _("Too many wrong codes were tried just now. Wait a minute and try again.")
    return None


def _join_give_back(browser_key: str, now) -> None:
    """An attempt that was not a wrong code counts nothing."""
    ratelimit.undo(browser_key, minutes=JOIN_WINDOW_MINUTES, now=now)
    ratelimit.undo("lessons-join:all", minutes=1, now=now)


@never_cache
def class_join(request):
    """Pupils join with the code alone, so codes must not be guessable by trying.

    Wrong codes are counted in the shared rate-limit store without any IP address
    (``zicht.core.ratelimit``): per browser, keyed by an HMAC of a random id in a signed cookie
    (``JOIN_COOKIE``, ten minutes), and for all browsers together per minute. A browser
    that typed ``JOIN_FAILURES_PER_BROWSER`` wrong codes waits out the window (a pupil
    with a typo has four more tries); a script that throws its cookie away meets the
    global bound, which caps guesses at ``JOIN_FAILURES_PER_MINUTE`` a minute: with codes
    from 31**6 and a hundred open classes, about one lucky guess in a hundred days, and
    a lucky guess only lets someone add anonymous answers to that class.
    Refused attempts are answered 429 without looking at the code and count nothing.
    The price of the global bound: someone flooding wrong codes also holds back real
    pupils, for as long as the flood lasts, minute by minute (no server-side sleep, which
    would only tie up workers)."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status = 200
    browser = None
    if request.method == "POST":
        status = 400
        browser = _join_browser(request)
        browser_key = ratelimit.hashed("lessons-join", browser)
        now = timezone.now()
        refusal = _join_take(browser_key, now)
        if refusal:
            form.is_valid()
            form.add_error(None, refusal)
            status = 429
        elif not form.is_valid():
            _join_give_back(browser_key, now)
        else:
            try:
                session = services.class_session_join(code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc.messages[0])  # a wrong code keeps its units
            else:
                _join_give_back(browser_key, now)
                response = redirect("lessons:class_play")
                _set_pupil_state(response, {"c": session.pk, "a": []}, session)
                return response
    response = public(
        request, "lessons/class_join.html", {"form": form}, has_form=True, status=status
    )
    if browser is not None:
        response.set_signed_cookie(
            JOIN_COOKIE,
            browser,
            salt=JOIN_SALT,
            max_age=JOIN_WINDOW_MINUTES * 60,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _class_ended(request):
    response = public(request, "lessons/class_ended.html")
    response.delete_cookie(PUPIL_COOKIE, samesite="Lax")
    return response


@never_cache
def class_play(request):
    state = _pupil_state(request)
    if state is None:
        return redirect("lessons:class_join")
    session = selectors.class_session_get(pk=state["c"])
    if session is None:
        return _class_ended(request)
    lesson = selectors.lesson_get(slug=session.lesson_slug)
    step = lesson.step(session.current_step)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid() and form.cleaned_data["step"] not in state["a"]:
            try:
                services.class_answer_record(
                    class_session=session,
                    lesson=lesson,
                    step=form.cleaned_data["step"],
                    choice=form.cleaned_data["choice"],
                )
            except ValidationError:
                pass  # the class moved on: show where it is now
            else:
                state["a"].append(form.cleaned_data["step"])
        response = redirect("lessons:class_play")
        _set_pupil_state(response, state, session)
        return response
    context = step_context(lesson, step)
    context.update({"answered": step.key in state["a"], "class_session": session})
    return public(request, "lessons/class_play.html", context, has_form=bool(step.choices))


@never_cache
def class_status(request):
    """Polled by a pupil's page: 204 while the class is on the shown step, otherwise a
    refresh (htmx's ``HX-Refresh``)."""
    state = _pupil_state(request)
    session = selectors.class_session_get(pk=state["c"]) if state else None
    if session is not None and session.current_step == request.GET.get("stap"):
        return HttpResponse(status=204)
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response
