"""The insight dashboard for analysts (and organisation administrators, scoped). Aggregates only."""

from __future__ import annotations

import csv
import io

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.insight import charts, selectors, services
from zicht.insight.forms import InsightFilterForm
from zicht.insight.suppression import PRIMARY
from zicht.insight.tables import TABLE_KINDS, overlap_combinations, screening_rows, tables_for

# The UpSet chart draws at most this many combinations; the table lists them all.
UPSET_COMBINATIONS = 20


def _scope(request):
    try:
        return selectors.scope_for(user=request.user, membership=request.membership)
    except PermissionDenied:
        audit.record(
            action="insight.access_denied",
            actor=request.user,
            organisation=getattr(request.membership, "organisation", None),
        )
        raise


def _data(request):
    scope = _scope(request)
    form = InsightFilterForm(request.GET or None)
    filters = form.filters()
    return scope, form, filters, selectors.dataset(scope=scope, **filters)


def _fmt(n) -> str:
    return f"{round(n):,}".replace(",", ".")


@login_required
def dashboard(request):
    scope, form, filters, data = _data(request)
    by_kind = tables_for(data)
    tables = [by_kind[kind] for kind in TABLE_KINDS]
    comparison = form.comparison()
    if comparison:
        compared = tables_for(selectors.dataset(scope=scope, **comparison))
        for t in tables:
            t.compare = compared[t.kind]
    persons = len(data.persons())
    hidden = None
    coordination = None
    if scope.organisation_id is None:
        cached = services.estimate_cached(scope=scope, **filters)
        hidden = {**cached.result, "computed_at": cached.computed_at}
    if scope.national:
        period = {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}
        coordination = {
            "screening": screening_rows(membership=request.membership, **period),
        }
    audit.record(
        action="insight.dashboard_viewed",
        actor=request.user,
        organisation=request.membership.organisation,
        details={k: str(v) for k, v in filters.items() if v},
    )
    query = request.GET.urlencode()
    return render(
        request,
        "insight/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "tables": tables,
            "signals_total": by_kind["source"].published.total,
            "persons_total": persons if persons >= 10 else PRIMARY,
            "hidden": hidden,
            "reading": _reading(hidden),
            "comparison": comparison,
            "coordination": coordination,
            "query": query,
        },
    )


def _reading(hidden) -> str:
    if not hidden:
        return ""
    if not hidden["reliable"]:
        return _("No reliable estimate: %(reason)s") % {"reason": hidden["reason"]}
    low, high = hidden["ci"]
    return _(
        "Of an estimated %(n)s young people (95%% interval %(a)s–%(b)s), %(seen)s were seen by "
        "at least one organisation: about %(hidden)s stay out of sight."
    ) % {
        "n": _fmt(hidden["estimate"]),
        "a": _fmt(low),
        "b": _fmt(high),
        "seen": _fmt(hidden["observed"]),
        "hidden": _fmt(hidden["hidden"]),
    }


@login_required
@csp_replace({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"]})
def chart(request, kind):
    """An SVG image of one published table. Served as an image, so its inline styles
    never run in the dashboard page's context."""
    if kind not in TABLE_KINDS and kind != "estimate":
        raise Http404
    scope, _form, filters, data = _data(request)
    if kind == "estimate":
        cached = (
            services.estimate_cached(scope=scope, **filters)
            if scope.organisation_id is None
            else None
        )
        if cached is None or not cached.result["reliable"]:
            raise Http404
        r = cached.result
        svg = charts.estimate_chart(
            r["observed"],
            r["estimate"],
            r["ci"][0],
            r["ci"][1],
            labels=(_("Seen"), _("Estimated in total")),
        )
    elif kind == "overlap":
        sets, rows = overlap_combinations(data, tables_for(data)[kind])
        shown = rows[:UPSET_COMBINATIONS]
        title = _("Persons per combination of sources")
        if len(rows) > len(shown):
            title = _("Persons per combination of sources: the %(n)s largest") % {"n": len(shown)}
        svg = charts.upset_chart(
            [combination for combination, _value in shown],
            [value for _combination, value in shown],
            sets=sets,
            title=str(title),
            ylabel=str(_("Persons")),
        )
    else:
        t = tables_for(data)[kind]
        labels, values = zip(*t.rows(), strict=True) if t.rows() else ((), ())
        svg = charts.bar_chart(
            list(labels), list(values), title=t.title, horizontal=kind != "month"
        )
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def export(request, kind, fmt):
    if kind not in (*TABLE_KINDS, "screening") or fmt not in ("csv", "xlsx"):
        raise Http404
    scope, _form, filters, data = _data(request)
    audit.record(
        action="insight.exported",
        actor=request.user,
        organisation=request.membership.organisation,
        details={"table": kind, "format": fmt},
    )
    if kind == "screening":
        if not scope.national:
            raise Http404
        period = {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}
        rows = [
            (_("Source"), _("Decisions"), _("Within the deadline"), _("Median working days")),
            *[
                (r["group"], r["screened"], r["share"], r["median"])
                for r in screening_rows(membership=request.membership, **period)
            ],
        ]
    else:
        t = tables_for(data)[kind]
        extra = t.extra_columns()
        rows = [
            (t.label_header, _("Signals") if extra else _("Count"), *[h for h, _c in extra]),
            *t.wide_rows(),
            (_("Total"), t.published.total, *[c.total for _h, c in extra]),
        ]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = kind[:31]
        for row in rows:
            sheet.append([str(v) if not isinstance(v, int) else v for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="zicht-{kind}.{fmt}"'
    return response
