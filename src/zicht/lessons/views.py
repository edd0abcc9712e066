"""The public lesson player: a list of lessons, a lesson's start page and its steps.

Solo play stores nothing on the server and sets no cookie: the step is in the address
(``/lessen/<slug>/<step>/``), and the choice that led there in its query
(``?van=<step>&koos=<choice>``) only so that the page can show it back. Every page works
without JavaScript; ``static/lessons/lessons.js`` adds the typing indicator, the message
speed, read-aloud and number keys. The quick exit of the help pages (``help/help.js``) is on
every page, as are its rules: ``never_cache``, no messages framework, no CSRF cookie on a
page without a form, nothing read from ``REMOTE_ADDR`` or the user agent.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.help import conf as help_conf
from zicht.lessons import selectors
from zicht.lessons.constants import PICTOGRAMS, Audience
from zicht.lessons.content import Text


class _NoCsrfToken(str):
    """An empty token that ``{% csrf_token %}`` renders without asking for a real one
    (as in the help pages): pages without a form set no CSRF cookie."""

    def __bool__(self):
        return True


NO_CSRF_TOKEN = _NoCsrfToken("")


def _other_language(request) -> dict:
    current = get_language() or "nl"
    other = "en" if current.startswith("nl") else "nl"
    return {
        "code": other,
        "name": "English" if other == "en" else "Nederlands",
        "url": translate_url(request.get_full_path(), other),
    }


def public(request, template: str, context: dict | None = None, *, has_form=False, status=200):
    """Render a public lesson page with the quick exit and without unneeded cookies."""
    ctx = {
        "exit_url": help_conf.exit_url(),
        "other_language": _other_language(request),
        "safety_url": reverse("help:page", kwargs={"slug": "veilig-gebruiken"}),
        "pictogram_names": PICTOGRAMS,
    }
    if not has_form:
        ctx["csrf_token"] = NO_CSRF_TOKEN
    ctx.update(context or {})
    return render(request, template, ctx, status=status)


@never_cache
def lesson_list(request):
    return public(request, "lessons/list.html", {"groups": selectors.lessons_by_audience()})


@never_cache
def lesson_detail(request, slug):
    lesson = selectors.lesson_get(slug=slug)
    return public(request, "lessons/detail.html", {"lesson": lesson})


def solo_link(lesson, step_key: str, query: str = "") -> str:
    url = reverse("lessons:step", kwargs={"slug": lesson.slug, "step": step_key})
    return f"{url}?{query}" if query else url


def step_context(lesson, step, *, chosen=None, link=solo_link) -> dict:
    """What the step template needs, for solo play, a preview and a class alike;
    ``link(lesson, step_key, query)`` makes the address of another step."""
    chat_messages = [
        {
            "message": m,
            "character": lesson.characters.get(m.speaker),
            "pictogram_name": PICTOGRAMS.get(m.pictogram, ""),
        }
        for m in step.messages
    ]
    return {
        "lesson": lesson,
        "step": step,
        "chat_messages": chat_messages,
        "next_href": link(lesson, step.next) if step.next else "",
        "choice_links": [
            (c, link(lesson, c.next, urlencode({"van": step.key, "koos": c.key})))
            for c in step.choices
        ],
        "chosen": chosen,
        "indicators": selectors.indicators_for(step.indicators),
        "video": selectors.video_get(key=step.video),
        "for_professionals": lesson.audience == Audience.PROFESSIONALS,
    }


@never_cache
def lesson_step(request, slug, step):
    lesson = selectors.lesson_get(slug=slug)
    current = lesson.step(step)
    # Show back the choice that led here, if the address names a real one.
    chosen = None
    previous = lesson.steps.get(request.GET.get("van", ""))
    if previous is not None:
        choice = previous.choice(request.GET.get("koos", ""))
        if choice is not None and choice.next == current.key:
            chosen = choice
    return public(request, "lessons/step.html", step_context(lesson, current, chosen=chosen))


@never_cache
def lesson_guide(request, slug):
    """The printable teacher's guide: the lesson's aims and questions, and what every
    teacher needs (background, what to do when a pupil discloses, the Meldcode steps)."""
    lesson = selectors.lesson_get(slug=slug)
    context = {
        "lesson": lesson,
        "aims": Text(lesson.guide.get("aims")),
        "questions": [Text(q) for q in lesson.guide.get("questions", [])],
        "pauses": [s for s in lesson.steps.values() if s.pause],
        "endings": [s for s in lesson.steps.values() if s.ending],
    }
    return public(request, "lessons/guide.html", context)


def _staff_only(request):
    """Staff (verified with two factors by the accounts middleware) or a refusal."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        audit.record(
            action=AuditAction.LESSONS_ACCESS_DENIED,
            actor=request.user,
            organisation=getattr(getattr(request, "membership", None), "organisation", None),
            details={"view": "lessons:preview"},
        )
        raise PermissionDenied
    return None


def _preview_link(pk):
    def link(lesson, step_key: str, query: str = "") -> str:
        url = reverse("lessons:preview_step", kwargs={"pk": pk, "step": step_key})
        return f"{url}?{query}" if query else url

    return link


@never_cache
def lesson_preview(request, pk, step=None):
    """Staff play a lesson from the admin before it is published."""
    refused = _staff_only(request)
    if refused:
        return refused
    lesson = selectors.lesson_preview_get(pk=pk)
    current = lesson.step(step or lesson.start)
    context = step_context(lesson, current, link=_preview_link(pk))
    context["preview"] = True
    return public(request, "lessons/step.html", context)


_VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


@never_cache
def video_file(request, key):
    """A lesson video, served by the platform itself (no third-party player)."""
    video = selectors.video_get(key=key)
    if video is None:
        raise Http404("No such video.")
    suffix = Path(video.file.name).suffix.lower()
    return FileResponse(video.file.open("rb"), content_type=_VIDEO_TYPES.get(suffix))


@never_cache
def video_captions(request, key, lang):
    video = selectors.video_get(key=key)
    if video is None or lang not in ("nl", "en"):
        raise Http404("No such captions.")
    captions = video.captions_nl if lang == "nl" else video.captions_en
    return FileResponse(captions.open("rb"), content_type="text/vtt; charset=utf-8")
