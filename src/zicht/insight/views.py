"""The insight dashboard for analysts (and organisation administrators, scoped). Aggregates only."""

from __future__ import annotations

import csv
import io

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.access import guards as access
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core.suppression import PRIMARY, K
from zicht.insight import charts, selectors, services
from zicht.insight import lessons as lesson_tables
from zicht.insight.estimates import DGA_MAX_LISTS, reason_text
from zicht.insight.forms import InsightFilterForm
from zicht.insight.numbers import csv_delimiter, number, spreadsheet_value
from zicht.insight.tables import (
    COORDINATION_KINDS,
    TABLE_KINDS,
    coordination_table,
    coordination_tables,
    overlap_combinations,
    persons_total,
    source_label,
    suspects_table,
    tables_for,
)

# The UpSet chart draws at most this many combinations; the table lists them all.
UPSET_COMBINATIONS = 20
# Exports of the hidden number: the estimate itself and its sensitivity to the model.
ESTIMATE_KINDS = ("estimate", "sensitivity", "periods", "municipal_periods")
# The half-year series: national, and per municipality (issue 14).
PERIOD_KINDS = ("periods", "municipal_periods")


def _scope(request):
    """The member's scope; a member the policy's ``insight.view`` refuses is audited."""
    try:
        return selectors.scope_for(user=request.user, membership=request.membership)
    except PermissionDenied:
        access.record_refusal(request, "insight.view")
        raise


def _data(request):
    scope = _scope(request)
    form = InsightFilterForm(request.GET or None)
    filters = form.filters()
    return scope, form, filters, selectors.dataset(scope=scope, **filters)


def _fmt(n) -> str:
    return number(n)


def _table_chart(t) -> tuple[str, str]:
    """(svg, sentence) for one published table: the chart drawn from the published cells,
    or, when every cell is hidden or zero, a sentence instead of an empty axis."""
    if kind_rows := t.rows():
        values = [value for _label, value in kind_rows]
        if charts.all_suppressed(values):
            return "", str(
                _(
                    "No chart: every count in this table is below 10 or zero, so it is "
                    "shown only in the table."
                )
            )
    else:
        return "", ""
    if t.kind == "overlap":
        sets, rows = overlap_combinations(t)
        shown = rows[:UPSET_COMBINATIONS]
        title = _("Persons per combination of sources")
        if len(rows) > len(shown):
            title = _("Persons per combination of sources: the %(n)s largest") % {"n": len(shown)}
        return charts.upset_chart(
            [combination for combination, _value in shown],
            [value for _combination, value in shown],
            sets=sets,
            title=str(title),
            ylabel=str(_("Persons")),
            number=number,
        ), ""
    labels, values = zip(*kind_rows, strict=True)
    return charts.bar_chart(
        list(labels), list(values), title=t.title, horizontal=t.kind != "month", number=number
    ), ""


def _estimate_chart(result) -> str:
    return charts.estimate_chart(
        result["observed"],
        result["estimate"],
        result["ci"][0],
        result["ci"][1],
        labels=(str(_("Seen")), str(_("Estimated in total"))),
        title=str(_("Seen and estimated in total, with the 95% interval")),
        number=number,
    )


def _estimate(scope, filters):
    """The cached estimate for this scope and these filters, or None where the dashboard
    shows no estimate: an organisation's own signals are a single source. Dashboard, chart
    and exports all ask here, so they agree on who sees an estimate."""
    if scope.organisation_id is not None:
        return None
    return services.estimate_cached(scope=scope, **filters)


def headline(scope, filters) -> dict | None:
    """The headline estimate of the dashboard: how many were seen, the estimate, its
    interval and how sure it is (the model, the sensitivity table), or None where the
    dashboard shows no estimate. Today this is the cached stepwise estimate; it is the one
    place where the estimation library's recommended estimate is to slot in, so the
    sentence, the tiles, the chart and "How sure is this?" follow it together. An
    estimate not computed yet for these filters is queued, not fitted in the request:
    then ``{"pending": True}``."""
    if scope.organisation_id is not None:
        return None
    cached = services.estimate_queued(scope=scope, **filters)
    if cached is None:
        return {"pending": True, "reliable": False}
    return {
        **cached.result,
        "computed_at": cached.computed_at,
        "list_labels": [source_label(t) for t in cached.result["lists"]],
        "model_label": _model(cached.result.get("model_terms", [])),
        "sensitivity": [
            {**s, "model_label": _model(s["terms"])} for s in cached.result.get("sensitivity", [])
        ],
        "chart": _estimate_chart(cached.result) if cached.result["reliable"] else "",
        "components": [
            {**c, "label": _method_label(c["method"])} for c in cached.result.get("components", [])
        ],
        **_forest(cached.result),
        **_periods(cached.result.get("periods", [])),
        **_municipal_periods(cached.result.get("municipal_periods", [])),
    }


def _periods(periods) -> dict:
    """The hidden number per half-year as stored by the background refresh: rows for the
    table (the number seen suppressed as on the dashboard, 1-9 as <10; a decline as its
    reason in words) and the same rows drawn as intervals, one line per half-year."""
    rows = [_period_row(p) for p in periods]
    if not rows:
        return {"periods": [], "periods_chart": ""}
    chart = ""
    if any(r["reliable"] for r in rows):
        chart = charts.forest_chart(
            [
                (r["label"], r["estimate"], *(r["ci"] or (None, None)), str(_("No number")))
                for r in rows
            ],
            band=None,
            title=str(_("The hidden number per half-year, with the 95% interval")),
            number=number,
        )
    return {"periods": rows, "periods_chart": chart}


def _period_label(period: str) -> str:
    year, half = period.split("-H")
    label = _("first half of %(year)s") if half == "1" else _("second half of %(year)s")
    return str(label % {"year": year})


def _shown(observed: int):
    """A number of young people seen as published: 1-9 as <10."""
    return observed if observed == 0 or observed >= K else PRIMARY


def _period_row(p: dict) -> dict:
    """One half-year of a stored series as the tables show it: the number seen suppressed,
    a decline as its reason in words."""
    return {
        **p,
        "label": _period_label(p["period"]),
        "observed_shown": _shown(p["observed"]),
        "reason": "" if p["reliable"] else reason_text(p),
    }


def _municipal_periods(municipal) -> dict:
    """The hidden number per municipality and half-year as stored by the background
    refresh: ``municipal_periods`` (municipalities with a series, their half-years as
    table rows and a small chart), ``municipal_charts`` (whether any has a chart) and
    ``municipal_declined`` (the names of those without one: fewer than 50
    young people over the whole period, so no model was fitted)."""
    shown, declined = [], []
    for m in municipal:
        if m["periods"]:
            rows = [_period_row(p) for p in m["periods"]]
            shown.append({**m, "rows": rows, "chart": _municipal_chart(m["name"], rows)})
        else:
            declined.append(m["name"])
    return {
        "municipal_periods": shown,
        "municipal_declined": declined,
        "municipal_charts": any(m["chart"] for m in shown),
    }


def _short_period(period: str) -> str:
    """A half-year as a chart's axis label: "2025-H1" as "2025/1" (the table says "first
    half of 2025")."""
    year, half = period.split("-H")
    return f"{year}/{half}"


def _municipal_chart(name: str, rows: list[dict]) -> str:
    """One municipality's half-years as a small chart (estimate and interval per
    half-year), or "" when no half-year has a number: the table then says why."""
    if not any(r["reliable"] for r in rows):
        return ""
    return charts.interval_series_chart(
        [
            (
                _short_period(r["period"]),
                *((r["estimate"], *r["ci"]) if r["reliable"] else (None,) * 3),
            )
            for r in rows
        ],
        title=name,
        gap="—",  # the caption says what it means; the table gives the reason
        number=number,
    )


def _forest(result) -> dict:
    """The methods side by side, drawn from the rows the background refresh stored (no
    estimation here): ``forest`` (the SVG), ``forest_rows`` (the same rows for the table
    beside it) and ``spread`` (one sentence on what their spread means). Empty for an
    entry computed before the rows were stored; the nightly refresh fills them in."""
    rows = [
        {**r, "label": _method_label(r["method"]), "words": _method_status(r)}
        for r in result.get("methods", [])
    ]
    if not rows:
        return {"forest": "", "forest_rows": [], "spread": ""}
    estimates = [r["estimate"] for r in rows if r["estimate"] is not None]
    spread = ""
    if len(estimates) >= 2:
        spread = _(
            "The methods' estimates lie between %(a)s and %(b)s; the wider that range, the "
            "less sure the number."
        ) % {"a": _fmt(min(estimates)), "b": _fmt(max(estimates))}
    band = tuple(result["ci"]) if result.get("reliable") and result.get("ci") else None
    svg = charts.forest_chart(
        [(r["label"], r["estimate"], *(r["ci"] or (None, None)), r["words"]) for r in rows],
        band=band,
        title=str(_("Each method's estimate with its 95% interval")),
        number=number,
    )
    return {"forest": svg, "forest_rows": rows, "spread": str(spread)}


def _method_status(row) -> str:
    """Why a method's row has no estimate, in the reader's language."""
    if row["status"] == "ok":
        return ""
    if row["status"] == "skipped":
        return str(
            _("Not computed: with more than %(n)s sources it takes too long.")
            % {"n": DGA_MAX_LISTS}
        )
    if row["status"] == "unbounded":
        return str(_("No upper limit"))
    if row["status"] == "not available":
        return str(_("Not available"))
    return str(_("No estimate for these data"))


def _method_label(method: str) -> str:
    """The methods the recommended estimate combines, in the reader's language."""
    labels = {
        "stepwise": _("Stepwise log-linear model"),
        "best-bic": _("Best log-linear model (BIC)"),
        "average-aic": _("Average over all log-linear models (AIC weights)"),
        "average-bic": _("Average over all log-linear models (BIC weights)"),
        "lcmcr": _("Latent classes (LCMCR)"),
        "dga": _("Average over decomposable graphs (dga)"),
    }
    return str(labels.get(method, method))


def explanation(request):
    """How the hidden number is estimated, in plain words (Dutch B1, English). Public, like
    the lessons: it holds no figures, only the method and its assumptions, and whoever
    reads a published estimate (a council member, a journalist) should be able to read
    how it was made. Linked from the dashboard's headline."""
    return render(request, "insight/explanation.html")


@login_required
def dashboard(request):
    scope, form, filters, data = _data(request)
    by_kind = tables_for(data)
    tables = [by_kind[kind] for kind in TABLE_KINDS]
    comparison = form.comparison()
    if comparison:
        # The same signals and persons, filtered to the other period: read once.
        compared = tables_for(selectors.dataset(scope=scope, within=data.base, **comparison))
        for t in tables:
            t.compare = compared[t.kind]
    for t in tables:
        t.chart, t.chart_note = _table_chart(t)
    persons = persons_total(data)
    hidden = headline(scope, filters)
    coordination = lessons = None
    if scope.national:
        lessons = lesson_tables.lesson_summary()
        coordination = coordination_tables(
            membership=request.membership,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    audit.record(
        action=AuditAction.INSIGHT_DASHBOARD_VIEWED,
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
            "lessons": lessons,
            "suspects": suspects_table(data),
            "municipality_filtered": bool(filters.get("municipality")),
            "query": query,
            "counted_stale": data.base.stale,
            "counted_at": data.base.built_at,
        },
    )


@login_required
def lessons(request):
    """The lessons' evaluation (anonymous monthly counts per lesson and choice, suppressed).

    National like the coordination centre's figures: classes are not tied to an
    organisation, so only analysts (national scope) see it; an organisation's admin is
    refused and the refusal audited."""
    access.require(request, "insight.lessons")
    audit.record(
        action=AuditAction.INSIGHT_LESSONS_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
    )
    return render(request, "insight/lessons.html", {"lessons": lesson_tables.lesson_evaluation()})


def _reading(hidden) -> str:
    if not hidden or hidden.get("pending"):
        return ""
    if not hidden["reliable"]:
        return _("No reliable estimate: %(reason)s") % {"reason": reason_text(hidden)}
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
        cached = _estimate(scope, filters)
        if cached is None or not cached.result["reliable"]:
            raise Http404
        svg = _estimate_chart(cached.result)
    else:
        t = tables_for(data)[kind]
        svg, note = _table_chart(t)
        if not svg:
            svg = charts.sentence_chart(t.title, note or str(_("No data for these filters.")))
    return HttpResponse(svg, content_type="image/svg+xml")


def _whole(value):
    return round(value) if value is not None else ""


def _model(terms) -> str:
    """The interactions of a model as people read them: "Politie × Opvang", not
    "police:shelter"."""
    readable = [" × ".join(source_label(part) for part in term.split(":")) for term in terms]
    return ", ".join(readable) or str(_("main effects only"))


def _estimate_rows(cached) -> list[list]:
    """The hidden number as one row: a model output, not a count, so it is not suppressed;
    the number of young people seen is, as on the dashboard (1-9 as <10)."""
    r = cached.result
    reliable = r["reliable"]
    observed = r["observed"]
    return [
        [
            _("Estimated in total"),
            _("Lower bound of the interval (95%)"),
            _("Upper bound of the interval (95%)"),
            _("Seen"),
            _("Out of sight (estimated)"),
            _("Model"),
            _("Sources"),
            _("Computed at"),
            _("Reliable"),
            _("Reason"),
        ],
        [
            _whole(r["estimate"]) if reliable else "",
            _whole(r["ci"][0]) if reliable else "",
            _whole(r["ci"][1]) if reliable else "",
            PRIMARY if 0 < observed < K else observed,
            _whole(r["hidden"]) if reliable else "",
            _model(r["model_terms"]) if reliable else "",
            ", ".join(source_label(t) for t in r["lists"]),
            timezone.localtime(cached.computed_at).strftime("%Y-%m-%d %H:%M"),
            _("yes") if reliable else _("no"),
            reason_text(r),
        ],
    ]


def _sensitivity_rows(cached) -> list[list]:
    """The sensitivity table of the dashboard: one row per stepwise threshold."""
    r = cached.result
    return [
        [
            _("Threshold"),
            _("Estimate"),
            _("Lower bound of the interval (95%)"),
            _("Upper bound of the interval (95%)"),
            _("Model"),
        ],
        *[
            [
                s["pthresh"],
                _whole(s["estimate"]),
                _whole(s["ci"][0]),
                _whole(s["ci"][1]),
                _model(s["terms"]),
            ]
            for s in (r["sensitivity"] if r["reliable"] else [])
        ],
    ]


def _period_export_rows(cached, kind: str) -> list[list] | None:
    """The half-year table (national or per municipality) as on the dashboard: the number
    seen suppressed (1-9 as <10), the estimate and its interval where the data carry one,
    the reason where they do not. None when the cached estimate holds no series (filtered
    selections and scopes other than national do not have one)."""
    r = cached.result
    periods = r.get("periods") or []
    if not periods:
        return None
    header = [
        _("Half-year"),
        _("From"),
        _("To"),
        _("Seen"),
        _("Estimate"),
        _("Lower bound of the interval (95%)"),
        _("Upper bound of the interval (95%)"),
        _("Reliable"),
        _("Reason"),
    ]

    def cells(p: dict) -> list:
        row = _period_row(p)
        reliable = p["reliable"]
        return [
            row["label"],
            p["from"],
            p["to"],
            row["observed_shown"],
            _whole(p["estimate"]) if reliable else "",
            _whole(p["ci"][0]) if reliable else "",
            _whole(p["ci"][1]) if reliable else "",
            _("yes") if reliable else _("no"),
            row["reason"],
        ]

    if kind == "periods":
        return [header, *[cells(p) for p in periods]]
    rows = [[_("Municipality"), *header]]
    for m in r.get("municipal_periods", []):
        if m["periods"]:
            rows += [[m["name"], *cells(p)] for p in m["periods"]]
        else:
            reason = reason_text({"reason_code": m["reason_code"]})
            rows.append([m["name"], "", "", "", _shown(m["observed"]), "", "", "", _("no"), reason])
    return rows


def export_name(kind: str, form) -> str:
    """The file name of an export, carrying what it holds: the table, the period, the
    municipality and the comparison period, e.g.
    ``zicht-source-2025-01-01-2025-06-30-GM0363-vs-2024-01-01-2024-06-30``."""
    parts = ["zicht", kind]
    filters = form.filters()
    if filters.get("date_from") or filters.get("date_to"):
        parts += [
            filters["date_from"].isoformat() if filters.get("date_from") else "begin",
            filters["date_to"].isoformat() if filters.get("date_to") else "end",
        ]
    if filters.get("municipality"):
        parts.append(filters["municipality"])
    if comparison := form.comparison():
        parts += ["vs", comparison["date_from"].isoformat(), comparison["date_to"].isoformat()]
    return "-".join(str(p) for p in parts)


def _estimate_export_rows(kind, cached):
    """The rows of an estimate table, or 404 where the dashboard shows no such table."""
    if kind not in PERIOD_KINDS:
        return _estimate_rows(cached) if kind == "estimate" else _sensitivity_rows(cached)
    rows = _period_export_rows(cached, kind)
    if rows is None:  # no series for this selection, as on the dashboard
        raise Http404
    return rows


def _export_rows(request, kind, scope, form):
    """(rows of the table ``kind``, the cached estimate it came from or None). The same
    rules as the dashboard: coordination tables for analysts (national) only, the estimate
    only where the dashboard shows one."""
    filters = form.filters()
    if kind in COORDINATION_KINDS:
        if not scope.national:
            raise Http404
        table = coordination_table(
            kind,
            membership=request.membership,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        return table.export_rows(), None
    if kind == "suspects":
        return suspects_table(selectors.dataset(scope=scope, **filters)).export_rows(), None
    if kind in ESTIMATE_KINDS:
        cached = _estimate(scope, filters)
        if cached is None:
            raise Http404
        return _estimate_export_rows(kind, cached), cached
    t = tables_for(selectors.dataset(scope=scope, **filters))[kind]
    if comparison := form.comparison():
        t.compare = tables_for(selectors.dataset(scope=scope, **comparison))[kind]
    return [t.headers(), *t.body_rows(), t.total_row()], None


def _csv_response(rows):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=csv_delimiter()).writerows(
        [[spreadsheet_value(v) for v in row] for row in rows]
    )
    # With a byte-order mark, Excel (also Dutch Excel) reads the accents right.
    return HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")


def _xlsx_response(rows, kind):
    from openpyxl import Workbook  # noqa: PLC0415 - heavy, only for a spreadsheet download

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind[:31]
    for row in rows:
        sheet.append([v if isinstance(v, int | float) else str(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _export_filename(kind, form, cached):
    name = export_name(kind, form)
    if kind in PERIOD_KINDS:
        # The half-years the file covers, e.g. "-2024-H1-2025-H2".
        periods = [p["period"] for p in cached.result.get("periods", [])]
        name += f"-{periods[0]}-{periods[-1]}"
    return name


@login_required
def export(request, kind, fmt):
    """One dashboard table as a CSV or Excel file, audit-logged once the table is known
    to exist for this user."""
    if kind not in (*TABLE_KINDS, *COORDINATION_KINDS, *ESTIMATE_KINDS, "suspects") or fmt not in (
        "csv",
        "xlsx",
    ):
        raise Http404
    form = InsightFilterForm(request.GET or None)
    rows, cached = _export_rows(request, kind, _scope(request), form)
    audit.record(
        action=AuditAction.INSIGHT_EXPORTED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"table": kind, "format": fmt},
    )
    response = _csv_response(rows) if fmt == "csv" else _xlsx_response(rows, kind)
    name = _export_filename(kind, form, cached)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
