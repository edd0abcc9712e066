"""The monitor's pages: thin views over selectors (reads), tables (publication) and
services (writes). Aggregates only; every refusal is audit-logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.monitor import permissions, rates, reports, selectors, services, tables
from zicht.monitor.forms import AreaForm, PeriodForm, TargetForm
from zicht.monitor.selectors import Period
from zicht.monitor.targets import progress, rule_text


def _denied(request):
    audit.record(
        action=AuditAction.MONITOR_ACCESS_DENIED,
        actor=request.user,
        organisation=getattr(request.membership, "organisation", None),
        details={"path": request.path},
    )
    raise PermissionDenied


def _context(request):
    """Municipality, period, chosen areas and the period form of a monitor page."""
    membership = request.membership
    analyst = permissions.is_analyst(membership)
    choices = [(m.code, m.name) for m in account_selectors.municipality_list()] if analyst else None
    try:
        municipality = selectors.municipality_for(
            membership=membership, requested=request.GET.get("municipality") or None
        )
        areas = selectors.areas_of(membership=membership, municipality=municipality)
    except PermissionDenied:
        _denied(request)
    form = PeriodForm(
        request.GET or None,
        areas=areas,
        municipalities=choices,
        initial={"municipality": municipality},
    )
    values = form.values()
    chosen = [a for a in areas if str(a.pk) == values["area"]] or areas
    period = Period(values["year"], values["quarter"])
    return municipality, areas, chosen, period, form


@login_required
def overview(request):
    municipality, areas, chosen, period, form = _context(request)
    targets = [
        t
        for t in selectors.targets_of(membership=request.membership, municipality=municipality)
        if t.year == period.year
    ]
    years = {period.year} | {t.baseline_year for t in targets if t.baseline_year}
    facts = selectors.facts_for(municipality=municipality, years=sorted(years))
    report = reports.build(municipality=municipality, period=period, areas=chosen, facts=facts)
    today = timezone.localdate()
    codes = selectors.area_codes(chosen)
    progress_rows = [
        progress(target=t, municipality=municipality, codes=codes, today=today, facts=facts)
        for t in targets
    ]
    audit.record(
        action=AuditAction.MONITOR_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"municipality": municipality, "period": period.label},
    )
    return render(
        request,
        "monitor/overview.html",
        {
            "report": report,
            "form": form,
            "areas": areas,
            "chosen": chosen,
            "columns": tables.column_labels(),
            "progress": progress_rows,
            "rule": rule_text(),
            "may_edit": permissions.own_municipality(request.membership) == municipality,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def report(request):
    municipality, _areas, chosen, period, _form = _context(request)
    built = reports.build(municipality=municipality, period=period, areas=chosen)
    audit.record(
        action=AuditAction.MONITOR_REPORT_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"municipality": municipality, "period": period.label},
    )
    return render(
        request,
        "monitor/report.html",
        {"report": built, "columns": tables.column_labels(), "query": request.GET.urlencode()},
    )


@login_required
def export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        fmt = "csv"
    municipality, _areas, chosen, period, _form = _context(request)
    rows = reports.build(municipality=municipality, period=period, areas=chosen).rows()
    audit.record(
        action=AuditAction.MONITOR_EXPORTED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"municipality": municipality, "period": period.label, "format": fmt},
    )
    name = f"zicht-monitor-{municipality}-{period.label.replace(' ', '')}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(reports.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            reports.to_xlsx(rows, f"{municipality} {period.label}"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own(request) -> str:
    municipality = permissions.own_municipality(request.membership)
    if municipality is None:
        _denied(request)
    return municipality


@login_required
def areas(request):
    """The administrator of a municipality defines its Preventie met Gezag areas."""
    municipality = _own(request)
    neighbourhoods = selectors.neighbourhoods_of(municipality)
    existing = selectors.areas_of(membership=request.membership, municipality=municipality)
    editing = next((a for a in existing if str(a.pk) == request.POST.get("area", "")), None)
    form = AreaForm(request.POST or None, neighbourhoods=neighbourhoods)
    if request.method == "POST" and request.POST.get("delete"):
        area = next((a for a in existing if str(a.pk) == request.POST["delete"]), None)
        if area is None:
            _denied(request)
        services.area_delete(membership=request.membership, area=area)
        messages.success(request, _("The area was removed."))
        return redirect("monitor:areas")
    if request.method == "POST" and form.is_valid():
        try:
            services.area_save(
                membership=request.membership,
                name=form.cleaned_data["name"],
                codes=form.cleaned_data["codes"],
                area=editing,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The area was saved."))
            return redirect("monitor:areas")
    return render(
        request,
        "monitor/areas.html",
        {"form": form, "areas": existing, "neighbourhoods": neighbourhoods},
    )


@login_required
def targets(request):
    """The administrator of a municipality sets targets per indicator and year."""
    municipality = _own(request)
    existing = selectors.targets_of(membership=request.membership, municipality=municipality)
    form = TargetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and request.POST.get("delete"):
        target = next((t for t in existing if str(t.pk) == request.POST["delete"]), None)
        if target is None:
            _denied(request)
        services.target_delete(membership=request.membership, target=target)
        messages.success(request, _("The target was removed."))
        return redirect("monitor:targets")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.target_save(
                membership=request.membership,
                indicator=d["indicator"],
                kind=d["kind"],
                year=d["year"],
                value=d["value"],
                baseline_year=d.get("baseline_year"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("monitor:targets")
    return render(
        request,
        "monitor/targets.html",
        {"form": form, "targets": existing, "rule": rule_text()},
    )


@login_required
def programme(request):
    """Participating municipalities side by side per 10,000 young people aged 8-27, in
    alphabetical order with intervals: small multiples, no ranking."""
    form = PeriodForm(request.GET or None)
    values = form.values()
    period = Period(values["year"], values["quarter"])
    try:
        rows = selectors.programme_counts(membership=request.membership, period=period)
    except PermissionDenied:
        _denied(request)
    own = permissions.own_municipality(request.membership)
    signals = [rates.rate(r.signals, r.population) for r in rows]
    persons = [rates.rate(r.persons, r.population) for r in rows]
    total_pop = sum(r.population for r in rows if r.population)
    reference = {
        "signals": sum(r.signals for r in rows if r.population) / total_pop * 10_000
        if total_pop
        else None,
        "persons": sum(r.persons for r in rows if r.population) / total_pop * 10_000
        if total_pop
        else None,
    }
    axis = {
        "signals": max([s.high for s in signals if s.high] + [1]),
        "persons": max([p.high for p in persons if p.high] + [1]),
    }
    panels = []
    for row, s, p in zip(rows, signals, persons, strict=True):
        panels.append(
            {
                "row": row,
                "own": row.code == own,
                "signals": s,
                "persons": p,
                "signals_svg": rates.small_multiple(
                    s, axis_max=axis["signals"], reference=reference["signals"], title=row.name
                ),
                "persons_svg": rates.small_multiple(
                    p, axis_max=axis["persons"], reference=reference["persons"], title=row.name
                ),
            }
        )
    audit.record(
        action=AuditAction.MONITOR_PROGRAMME_VIEWED,
        actor=request.user,
        organisation=request.membership.organisation,
        details={"period": period.label},
    )
    return render(
        request,
        "monitor/programme.html",
        {"form": form, "panels": panels, "period": period, "reference": reference},
    )
