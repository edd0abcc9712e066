"""Public help pages, the self-check and the visitor's side of anonymous conversations.

Public views are ``never_cache`` (nothing kept in the browser's cache), put no
message in Django's message framework (which would set a cookie) and render
``csrf_token`` as an empty token when the page shows no form, so the only cookies
are the CSRF cookie on pages with a form and the session cookie while a person is
inside their conversation. Nothing here reads ``REMOTE_ADDR`` or the user agent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zicht.help import conf, pow, selectors, selfcheck, services
from zicht.help.constants import Audience, MessageKind
from zicht.help.forms import (
    ResumeForm,
    SelfCheckForm,
    StartForm,
    VisitorMessageForm,
)
from zicht.help.markup import render as render_markup
from zicht.help.models import Conversation

SESSION_KEY = "help_conversation"


class _NoCsrfToken(str):
    """An empty token that ``{% csrf_token %}`` renders without asking for a real one.

    Pages without a form of their own use it so that the base template's language
    switch (hidden on public pages, which link to the other language instead) does
    not make Django set a CSRF cookie. A form sent with it fails the CSRF check.
    """

    def __bool__(self):
        return True


NO_CSRF_TOKEN = _NoCsrfToken("")
NOTICE_KEY = "help_notice"
AUDIENCE_SLUGS = {
    Audience.YOUNG_PEOPLE: "jongeren",
    Audience.PARENTS_AND_FRIENDS: "ouders-en-vrienden",
    Audience.PROFESSIONALS: "professionals",
}


def _other_language(request) -> dict:
    current = get_language() or "nl"
    other = "en" if current.startswith("nl") else "nl"
    return {
        "code": other,
        "name": "English" if other == "en" else "Nederlands",
        "url": translate_url(request.path, other),
    }


def public(
    request,
    template: str,
    context: dict | None = None,
    *,
    has_form: bool = False,
    status: int = 200,
):
    """Render a public page with the quick exit and without unneeded cookies."""
    ctx = {
        "exit_url": conf.exit_url(),
        "other_language": _other_language(request),
        "safety_url": reverse("help:page", kwargs={"slug": "veilig-gebruiken"}),
    }
    if not has_form:
        ctx["csrf_token"] = NO_CSRF_TOKEN
    ctx.update(context or {})
    return render(request, template, ctx, status=status)


# ---------------------------------------------------------------- content pages


@never_cache
def index(request):
    language = get_language()
    pages = {p.slug: p for p in selectors.help_pages_for(language=language)}
    audiences = [pages[slug] for slug in AUDIENCE_SLUGS.values() if slug in pages]
    return public(
        request,
        "help/index.html",
        {
            "audiences": audiences,
            "safety_page": pages.get("veilig-gebruiken"),
            "emergency": selectors.contacts_for().filter(is_emergency=True),
        },
    )


@never_cache
def page(request, slug):
    help_page = selectors.help_page_get(slug=slug, language=get_language())
    return public(
        request,
        "help/page.html",
        {
            "page": help_page,
            "body": render_markup(help_page.body),
            "contacts": selectors.contacts_for(audience=help_page.audience),
        },
    )


@never_cache
def contacts(request):
    return public(request, "help/contacts.html", {"contacts": selectors.contacts_for()})


@never_cache
def neutral(request):
    """The neutral page quick exit goes to by default: a recipe, no help branding.

    Arriving here also ends the visitor's conversation session, exactly as the beacon of
    ``conversation_exit`` does: without JavaScript the quick-exit button is a plain link to
    this page, and the conversation must not stay readable from the browser's history then
    either. (With an external ``ZICHT_HELP_EXIT_URL`` only the beacon can do this.)
    """
    return _end_conversation_session(
        request, render(request, "help/neutral.html", {"csrf_token": NO_CSRF_TOKEN})
    )


# ---------------------------------------------------------------- self-check


@never_cache
def selfcheck_view(request):
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        form.is_valid()
        advice = selfcheck.evaluate(form.cleaned_data)
        # Not stored: evaluated here and shown once. No CSRF cookie needed for the result.
        return public(
            request,
            "help/selfcheck_result.html",
            {
                "advice": advice,
                "contacts": selectors.contacts_for(audience=Audience.YOUNG_PEOPLE),
            },
        )
    return public(request, "help/selfcheck.html", {"form": SelfCheckForm()}, has_form=True)


# ---------------------------------------------------------------- anonymous conversation


def _visitor_conversation(request) -> Conversation | None:
    conversation = selectors.conversation_for_visitor(
        conversation_id=request.session.get(SESSION_KEY)
    )
    if conversation is None and SESSION_KEY in request.session:
        request.session.flush()
    return conversation


@never_cache
def conversation_home(request):
    return public(
        request,
        "help/conversation_home.html",
        {
            "retention_days": conf.retention_days(),
            "in_conversation": SESSION_KEY in request.session,
        },
    )


@never_cache
def conversation_start(request):
    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            try:
                started = services.conversation_start(
                    message=form.cleaned_data["message"], language=get_language()
                )
            except ValidationError as exc:
                form.add_error("message", exc)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = started.conversation.pk
                # Shown in this response only: the passphrase is never stored in plain text.
                return public(
                    request,
                    "help/conversation_started.html",
                    {
                        "conversation": started.conversation,
                        "passphrase_words": started.passphrase.split(),
                        "retention_days": conf.retention_days(),
                    },
                )
        # A used or failed challenge cannot be tried again: hand out a fresh one.
        bits = pow.start_bits()
        data = form.data.copy()
        data["challenge"] = pow.new_challenge(bits)
        data["solution"] = ""
        form.data = data
        resend = form.has_error("__all__", "more_work")
    else:
        bits = pow.start_bits()
        form = StartForm(initial={"challenge": pow.new_challenge(bits)})
        resend = False
    return public(
        request,
        "help/conversation_start.html",
        {
            "form": form,
            "pow_bits": bits,
            "pow_resend": resend,
            "contacts": selectors.contacts_for().filter(is_emergency=False)[:3],
        },
        has_form=True,
    )


@never_cache
def conversation_resume(request):
    form = ResumeForm(request.POST or None)
    proof_bits = 0
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_resume(
                code=form.cleaned_data["code"],
                passphrase=form.cleaned_data["passphrase"],
                proof_bits=form.proof_bits(),
            )
        except services.RateLimited:
            form.add_error(
                None,
                _(
                    "Many people are coming back to their conversation right now. Please try again in a minute."
                ),
            )
        except services.ProofNeeded as needed:
            proof_bits = needed.bits
            form.add_error(
                None,
                _(
                    "This case code has had several wrong passphrases. For your safety your browser now does a short calculation first: fill in your passphrase again and send. Without JavaScript, wait %(minutes)s minutes."
                )
                % {"minutes": conf.login_pause_minutes()},
            )
        else:
            if conversation is not None:
                request.session.cycle_key()
                request.session[SESSION_KEY] = conversation.pk
                return redirect("help:conversation")
            form.add_error(
                None,
                _("This case code and passphrase do not match. Check them and try again."),
            )
    if proof_bits:
        # A fresh challenge of the difficulty the code now needs; the browser solves it
        # while the person types the passphrase again.
        data = form.data.copy()
        data["challenge"] = pow.new_challenge(proof_bits)
        data["solution"] = ""
        form.data = data
    return public(
        request,
        "help/conversation_resume.html",
        {"form": form, "pow_bits": proof_bits},
        has_form=True,
    )


@never_cache
def conversation_detail(request):
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("help:conversation_resume")
    return _render_visitor_conversation(request, conversation, VisitorMessageForm())


def _render_visitor_conversation(request, conversation, form, status=200):
    items = list(conversation.messages.all())
    pending_consent = (
        conversation.consent_requested_at is not None
        and conversation.consent_given_at is None
        and not conversation.handed_over_at
    )
    return public(
        request,
        "help/conversation_detail.html",
        {
            "conversation": conversation,
            "messages_list": items,
            "form": form,
            "notice": request.session.pop(NOTICE_KEY, ""),
            "pending_consent": pending_consent,
            "deletion_date": selectors.deletion_date(conversation),
            "deletion_warning": selectors.deletion_warning_due(conversation),
            "retention_days": conf.retention_days(),
            "kinds": MessageKind,
        },
        has_form=True,
        status=status,
    )


@never_cache
@require_POST
def conversation_send(request):
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("help:conversation_resume")
    form = VisitorMessageForm(request.POST)
    if form.is_valid():
        try:
            services.visitor_message_send(conversation=conversation, body=form.cleaned_data["body"])
        except services.RateLimited:
            form.add_error(
                None,
                _(
                    "You have sent many messages in a short time. Please wait a while before you write again."
                ),
            )
        except services.ConversationClosed:
            form.add_error(None, _("This conversation is closed."))
        else:
            request.session[NOTICE_KEY] = _("Your message has been sent.")
            return redirect(reverse("help:conversation") + "#latest")
    return _render_visitor_conversation(request, conversation, form, status=400)


@never_cache
@require_POST
def conversation_consent(request):
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("help:conversation_resume")
    answer = request.POST.get("answer")
    if answer not in ("yes", "no"):  # anything else is not from our page: nothing recorded
        request.session[NOTICE_KEY] = _("Choose 'Yes, I agree' or 'No, not now'.")
        return redirect(reverse("help:conversation") + "#latest")
    agree = answer == "yes"
    try:
        services.visitor_consent_answer(conversation=conversation, agree=agree)
    except (ValidationError, services.ConversationClosed):
        pass
    else:
        request.session[NOTICE_KEY] = (
            _("Thank you. Your consent has been recorded in this conversation.")
            if agree
            else _("OK. Nothing will be passed on. You can keep talking here.")
        )
    return redirect(reverse("help:conversation") + "#latest")


@never_cache
def conversation_leave(request):
    """End the visit: the session (and its cookie) is removed. GET shows a confirmation."""
    if request.method == "POST":
        request.session.flush()
        return redirect("help:conversation_left")
    return HttpResponseNotAllowed(["POST"])


@csrf_exempt
@never_cache
@require_POST
def conversation_exit(request):
    """End the visitor's conversation session on quick exit: ``help.js`` sends this with
    ``navigator.sendBeacon`` (or ``fetch`` with ``keepalive``) just before it leaves, so
    that the conversation pages ask for the case code and passphrase again, also when
    they are reopened from the browser's history. The session is deleted on the server
    and its cookie cleared; so is the CSRF cookie, the last trace of a help form.

    CSRF-exempt on purpose: a beacon cannot send a CSRF token or header. Forging this
    request is harmless: it reads and returns nothing and can only end the session of
    the browser that sends it (at worst the person types their code and passphrase
    again), and another site's POST does not even carry the ``SameSite=Lax`` session
    cookie. A logged-in staff member who used the help pages in the same browser keeps
    their login: only the conversation is taken out of their session.
    """
    return _end_conversation_session(request, HttpResponse(status=204))


def _end_conversation_session(request, response):
    """Take the conversation out of the session (a staff login stays) or delete the
    visitor's session on the server with its cookie, and clear the CSRF cookie."""
    if request.user.is_authenticated:
        request.session.pop(SESSION_KEY, None)
        request.session.pop(NOTICE_KEY, None)
        return response
    if request.session.session_key is None and not request.session.keys():
        return response  # nothing to end; set no cookie
    request.session.flush()
    if settings.CSRF_COOKIE_NAME in request.COOKIES:
        response.delete_cookie(
            settings.CSRF_COOKIE_NAME,
            path=settings.CSRF_COOKIE_PATH,
            domain=settings.CSRF_COOKIE_DOMAIN,
            samesite=settings.CSRF_COOKIE_SAMESITE,
        )
    return response


@never_cache
def conversation_left(request):
    return public(request, "help/conversation_left.html")


@never_cache
def conversation_delete(request):
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("help:conversation_resume")
    if request.method == "POST":
        services.visitor_conversation_delete(conversation=conversation)
        request.session.flush()
        return public(request, "help/conversation_deleted.html")
    return public(
        request, "help/conversation_delete.html", {"conversation": conversation}, has_form=True
    )
