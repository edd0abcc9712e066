"""The counsellor inbox: unanswered conversations first, answers, consent, hand-over.

Only an active counsellor membership gets in (two factors are enforced by the
accounts middleware); anyone else gets 403 and the attempt is audit-logged, and every
view of the inbox and every read of a conversation is audit-logged too. A counsellor
sees only the conversations of their own counsellor service (the coordination centre,
or another organisation a conversation was passed to); any other conversation answers
404, also audit-logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.help import selectors, services
from zicht.help.constants import HandoverKind, MessageKind
from zicht.help.forms import CloseForm, HandoverForm, ReplyForm, RouteForm
from zicht.help.permissions import is_counsellor
from zicht.help.staff_access import deny, staff_required

counsellor_required = staff_required(is_counsellor)
PER_PAGE = 25


def _conversation(request, pk):
    """The conversation, if the counsellor's service answers it; a refusal is logged."""
    try:
        return selectors.conversation_for_counsellor(membership=request.membership, pk=pk)
    except Http404:
        deny(request, object_type="help.conversation", object_id=pk)
        raise


@counsellor_required
def counsellor_inbox(request):
    show = "closed" if request.GET.get("toon") == "gesloten" else "open"
    page = Paginator(selectors.inbox_for(membership=request.membership, show=show), PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    audit.record(
        action=AuditAction.HELP_INBOX_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"show": show},
    )
    return render(
        request,
        "help/counsellor_inbox.html",
        {
            "page": page,
            "query": "toon=gesloten" if show == "closed" else "",
            "show": show,
            "waiting": selectors.inbox_for(membership=request.membership)
            .filter(awaiting_reply=True)
            .count(),
        },
    )


def _counsellor_page(request, conversation, *, reply_form=None, status=200):
    membership = request.membership
    templates = list(
        selectors.reply_templates_for(membership=membership, language=conversation.language)
    )
    if reply_form is None:
        initial = ""
        chosen = request.GET.get("sjabloon")
        if chosen and chosen.isdigit():
            initial = next((t.body for t in templates if t.pk == int(chosen)), "")
        reply_form = ReplyForm(initial={"body": initial})
    return render(
        request,
        "help/counsellor_conversation.html",
        {
            "conversation": conversation,
            "messages_list": list(conversation.messages.select_related("counsellor")),
            "reply_form": reply_form,
            "handover_form": HandoverForm(),
            "close_form": CloseForm(),
            "templates": templates,
            "deletion_date": selectors.deletion_date(conversation),
            "deletion_warning": selectors.deletion_warning_due(conversation),
            "signal_recipients": selectors.signal_recipients_exist(membership=membership),
            "route_form": RouteForm(
                choices=selectors.counsellor_services_for(
                    membership=membership, conversation=conversation
                )
            ),
            "kinds": MessageKind,
        },
        status=status,
    )


@counsellor_required
def counsellor_conversation(request, pk):
    conversation = _conversation(request, pk)  # outside: a refusal's event must stay
    with transaction.atomic():
        audit.record(
            action=AuditAction.HELP_CONVERSATION_VIEWED,
            actor=request.user,
            organisation=request.membership.organisation,
            object_type="help.conversation",
            object_id=conversation.pk,
        )
    return _counsellor_page(request, conversation)


def _counsellor_action(request, pk, action, success):
    conversation = _conversation(request, pk)
    try:
        action(conversation)
    except services.ConversationClosed:
        messages.error(request, _("This conversation is closed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("help:counsellor_conversation", pk=conversation.pk)


@counsellor_required
@require_POST
def counsellor_reply(request, pk):
    conversation = _conversation(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _counsellor_page(request, conversation, reply_form=form, status=400)
    return _counsellor_action(
        request,
        pk,
        lambda c: services.counsellor_reply(
            membership=request.membership, conversation=c, body=form.cleaned_data["body"]
        ),
        _("Your answer has been sent."),
    )


@counsellor_required
@require_POST
def counsellor_consent(request, pk):
    return _counsellor_action(
        request,
        pk,
        lambda c: services.counsellor_consent_request(
            membership=request.membership, conversation=c
        ),
        _("The request for consent is shown in the conversation."),
    )


@counsellor_required
@require_POST
def counsellor_handover(request, pk):
    form = HandoverForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    if kind == HandoverKind.SIGNAL:
        success = _(
            "Hand-over recorded with the person's consent. The professionals of your organisation can now take this up and record a signal."
        )
    else:
        success = _(
            "Hand-over recorded with the person's consent. The coordination centre can now take this up."
        )
    return _counsellor_action(
        request,
        pk,
        lambda c: services.counsellor_hand_over(
            membership=request.membership, conversation=c, kind=kind
        ),
        success,
    )


@counsellor_required
@require_POST
def counsellor_close(request, pk):
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _counsellor_action(
        request,
        pk,
        lambda c: services.counsellor_close(
            membership=request.membership, conversation=c, reason=reason
        ),
        _("The conversation has been closed."),
    )


@counsellor_required
@require_POST
def counsellor_route(request, pk):
    conversation = _conversation(request, pk)
    form = RouteForm(
        request.POST,
        choices=selectors.counsellor_services_for(
            membership=request.membership, conversation=conversation
        ),
    )
    to = form.cleaned_data["to"] if form.is_valid() else ""
    return _counsellor_action(
        request,
        pk,
        lambda c: services.counsellor_route(membership=request.membership, conversation=c, to=to),
        _("The conversation has been passed on. Its new counsellors answer it from now on."),
    )
