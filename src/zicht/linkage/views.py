"""Matches for professionals: the other organisation and its contact, never its file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.access import guards as access
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.intake import selectors as intake_selectors
from zicht.linkage import selectors, services
from zicht.linkage.forms import MatchFilterForm

PAGE_SIZE = 25


def _professional(request):
    """Matches are reviewed by professionals (``match.review`` in the policy)."""
    return access.require(request, "match.review")


@login_required
def match_list(request):
    membership = _professional(request)
    form = MatchFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    matches = selectors.match_list(membership=membership, status=status or None)
    page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    views = selectors.match_views(membership=membership, matches=page.object_list)
    # Who each of the organisation's own signals is about: decrypted for this page only.
    young = {
        row.signal.pk: row
        for row in intake_selectors.signal_rows(
            membership=membership, signal_ids=list(dict.fromkeys(v.own.signal_id for v in views))
        )
    }
    audit.record(
        action=AuditAction.INTAKE_SIGNAL_LIST_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        details={"signals": [str(pk) for pk in young], "page": page.number, "list": "matches"},
    )
    unread = list(selectors.unread_notifications(user=request.user))
    services.notifications_mark_read(user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "linkage/match_list.html",
        {
            "form": form,
            "page": page,
            "matches": views,
            "young": young,
            "unread": unread,
            "waiting": selectors.possible_match_count(membership=membership),
            "query": query.urlencode(),
        },
    )


def _match_view(request, membership, match_id):
    """The match as the member's organisation sees it; 404 (audit-logged) otherwise."""
    try:
        return selectors.match_get(membership=membership, match_id=match_id)
    except Http404:
        audit.record(
            action=AuditAction.LINKAGE_MATCH_NOT_FOUND,
            actor=request.user,
            organisation=membership.organisation,
            object_type="match",
            object_id=match_id,
        )
        raise


@login_required
def match_detail(request, match_id):
    """One match: the own young person, the other organisation's contact and the evidence
    levels (never the other file, a score or a value), with the decision or its undo."""
    membership = _professional(request)
    view = _match_view(request, membership, match_id)
    rows = intake_selectors.signal_rows(membership=membership, signal_ids=[view.own.signal_id])
    audit.record(
        action=AuditAction.LINKAGE_MATCH_VIEWED,
        actor=request.user,
        organisation=membership.organisation,
        object_type="match",
        object_id=view.match.pk,
        details={"signals": [str(row.signal.pk) for row in rows]},
    )
    return render(
        request,
        "linkage/match_detail.html",
        {
            "m": view,
            "young": rows[0] if rows else None,
            "can_undo": services.match_can_undo(user=request.user, match=view.match),
            "undo_deadline": services.match_undo_deadline(view.match),
        },
    )


@login_required
@require_POST
def match_undo(request, match_id):
    """Undo one's own decision within 24 hours, after ticking the confirmation."""
    membership = _professional(request)
    view = _match_view(request, membership, match_id)
    try:
        if request.POST.get("confirm") != "yes":
            raise ValidationError(_("Tick the box to confirm that you want to undo your decision."))
        services.match_undo(membership=membership, match=view.match)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your decision was undone. The match is possible again."))
    return redirect("linkage:match_detail", match_id=view.match.pk)


@login_required
@require_POST
def match_decide(request, match_id):
    membership = _professional(request)
    view = _match_view(request, membership, match_id)
    decision = request.POST.get("decision")
    confirm = decision == "confirm"
    try:
        if decision not in ("confirm", "reject"):  # anything else is not from our page
            raise ValidationError(_("Choose 'Same person' or 'Not the same person'."))
        services.match_decide(membership=membership, match=view.match, confirm=confirm)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Match confirmed.") if confirm else _("Marked as not the same person.")
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "linkage:match_list"  # never redirect to another site
    return redirect(back)
