"""Browse the audit log (organisation administrators: their own organisation)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from zicht.audit import selectors, services
from zicht.audit.forms import AuditFilterForm


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        events = selectors.audit_event_list(
            user=request.user, membership=request.membership, filters=filters
        )
    except PermissionDenied:
        services.record(
            action="audit.browse_denied",
            actor=request.user,
            organisation=getattr(request.membership, "organisation", None),
        )
        raise
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
