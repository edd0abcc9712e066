"""Signal hand-overs for professionals: the waiting list, the read-only conversation and
taking a hand-over up.

A counsellor who hands a conversation over *as a signal* (with the person's consent)
makes it readable for the professionals of the counsellor's own organisation, and for
nobody else. Only an active professional membership of that organisation gets in (two
factors are enforced by the accounts middleware); anyone else gets 403, a professional
of another organisation 404, and every refusal is audit-logged (``help.access_denied``).
Every view of the list and every read of a conversation is audit-logged too. Nothing
here copies message text anywhere: the professional records the signal themselves.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.help import selectors, services
from zicht.help.constants import MessageKind
from zicht.help.forms import TakeUpForm
from zicht.help.permissions import is_professional
from zicht.help.staff_access import deny, staff_required

PER_PAGE = 25


professional_required = staff_required(is_professional)


def _handover(request, pk):
    """The hand-over to the professional's organisation; a refusal is audit-logged."""
    try:
        return selectors.handover_for_professional(membership=request.membership, pk=pk)
    except Http404:
        deny(request, object_type="help.conversation", object_id=pk)
        raise


@professional_required
def handover_list(request):
    show = "taken_up" if request.GET.get("toon") == "opgepakt" else "waiting"
    handovers = selectors.handovers_for(membership=request.membership, show=show)
    page = Paginator(handovers, PER_PAGE).get_page(request.GET.get("page"))
    audit.record(
        action=AuditAction.HELP_HANDOVERS_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"show": show},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "help/handover_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "show": show,
            "waiting": selectors.handovers_waiting_count(membership=request.membership),
        },
    )


def _detail_page(request, conversation, *, form=None, status=200):
    with transaction.atomic():
        audit.record(
            action=AuditAction.HELP_CONVERSATION_VIEWED,
            actor=request.user,
            organisation=request.membership.organisation,
            object_type="help.conversation",
            object_id=conversation.pk,
            details={"as": "professional"},
        )
    return render(
        request,
        "help/handover_detail.html",
        {
            "conversation": conversation,
            "messages_list": list(conversation.messages.select_related("counsellor")),
            "form": form or TakeUpForm(),
            "kinds": MessageKind,
        },
        status=status,
    )


@professional_required
def handover_detail(request, pk):
    return _detail_page(request, _handover(request, pk))


@professional_required
@require_POST
def handover_take_up(request, pk):
    conversation = _handover(request, pk)
    form = TakeUpForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, conversation, form=form, status=400)
    try:
        services.professional_take_up(
            membership=request.membership,
            conversation=conversation,
            signal_reference=form.cleaned_data["signal_reference"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("You have taken up this hand-over. It stays readable here for the record."),
        )
    return redirect("help:handover_detail", pk=conversation.pk)


@staff_required(lambda membership: membership is not None)
def coordinator_conversation(request, file_id):
    """The conversation a coordination file was opened from, for its coordinator to screen:
    read-only, and every read audit-logged."""
    try:
        conversation = selectors.referral_conversation_for_coordinator(
            membership=request.membership, file_id=file_id
        )
    except (PermissionDenied, Http404):
        deny(request, object_type="coordination_file", object_id=file_id)
        raise
    audit.record(
        action=AuditAction.HELP_CONVERSATION_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
        object_type="help.conversation",
        object_id=conversation.pk,
        details={"as": "coordinator", "file": file_id},
    )
    return render(
        request,
        "help/coordinator_conversation.html",
        {
            "conversation": conversation,
            "file_id": file_id,
            "messages_list": list(conversation.messages.select_related("counsellor")),
            "kinds": MessageKind,
        },
    )
