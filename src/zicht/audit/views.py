"""Browse and export the audit log (organisation administrators: their own organisation)."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.audit import selectors, services
from zicht.audit.catalogue import AuditAction
from zicht.audit.forms import AuditFilterForm

PER_PAGE = 50
EXPORT_BATCH = 500


def _people(request) -> list[tuple[int, str]]:
    """The organisation's members, for the person filter."""
    membership = request.membership
    if membership is None or not membership.is_org_admin:
        return []
    members = account_selectors.members_of(
        membership=membership, organisation=membership.organisation
    )
    return sorted(
        ((m.user_id, m.user.get_full_name() or m.user.username) for m in members),
        key=lambda person: person[1].lower(),
    )


def _events(request):
    """The form and the events it selects; a refused reader is audit-logged."""
    form = AuditFilterForm(request.GET or None, people=_people(request))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        events = selectors.audit_event_list(
            user=request.user, membership=request.membership, filters=filters
        )
    except PermissionDenied:
        services.record(
            action=AuditAction.AUDIT_BROWSE_DENIED,
            actor=request.user,
            organisation=getattr(request.membership, "organisation", None),
        )
        raise
    return form, filters, events


@login_required
def audit_list(request):
    form, _filters, events = _events(request)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.audit_rows(page.object_list, user=request.user, membership=request.membership)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
def audit_export(request):
    """The filtered events as CSV: the same scope and words as the page. The export is
    itself an audit event, with the filters used (ids, codes and dates only)."""
    form, filters, events = _events(request)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "audit/audit_list.html",
            {"form": form, "page": None, "rows": [], "query": ""},
            status=400,
        )
    services.record(
        action=AuditAction.AUDIT_EXPORTED,
        actor=request.user,
        organisation=getattr(request.membership, "organisation", None),
        details={k: v for k, v in filters.items() if v not in (None, "")},
    )
    # Dutch spreadsheets expect ";" between columns (the comma is the decimal sign there).
    delimiter = ";" if translation.get_language().startswith("nl") else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([_("Number"), _("Time"), _("Person"), _("Event"), _("Kind of event")])
    batch = []
    for event in events.iterator(chunk_size=EXPORT_BATCH):
        batch.append(event)
        if len(batch) == EXPORT_BATCH:
            _write(writer, batch, request)
            batch = []
    _write(writer, batch, request)
    # With a byte-order mark, Excel (also Dutch Excel) reads the accents right.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


def _cell(text: str) -> str:
    """A name typed as "=..." must not run as a formula in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _write(writer, events, request) -> None:
    for row in selectors.audit_rows(events, user=request.user, membership=request.membership):
        when = timezone.localtime(row.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([row.seq, when, _cell(row.actor), _cell(row.sentence), row.kind])
