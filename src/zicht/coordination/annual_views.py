"""The coordination centre's annual report: a printable page and CSV/XLSX downloads of
the same suppressed tables (``zicht.coordination.annual``). Thin views."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination import annual, permissions
from zicht.core.suppression import display


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return None


@login_required
def annual_report(request):
    membership = request.membership
    if not permissions.is_coordinator(membership):
        audit.record(
            action=AuditAction.COORDINATION_ACCESS_DENIED,
            actor=request.user,
            organisation=getattr(membership, "organisation", None),
            object_type="annual_report",
        )
        raise PermissionDenied
    year = _year(request)
    if year is None:
        return render(
            request,
            "coordination/annual_report.html",
            {"error": _("Choose a year such as 2026."), "years": annual.registration_years()},
            status=400,
        )
    tables = annual.annual_report(membership=membership, year=year)
    fmt = request.GET.get("format", "")
    if fmt == "csv":
        return _csv(tables, year)
    if fmt == "xlsx":
        return _xlsx(tables, year)
    return render(
        request,
        "coordination/annual_report.html",
        {"tables": tables, "year": year, "years": annual.registration_years()},
    )


def _rows(tables):
    for table in tables:
        for label, value in table.published.cells.items():
            yield [table.title, label, display(value)]
        yield [table.title, _("Total"), display(table.published.total)]


def _csv(tables, year: int) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Table"), _("Category"), _("Registered possible victims")])
    writer.writerows(_rows(tables))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zicht-jaarcijfers-{year}.csv"'
    return response


def _xlsx(tables, year: int) -> HttpResponse:
    from openpyxl import Workbook  # noqa: PLC0415 - heavy, only for a spreadsheet download

    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    sheet.append([_("Table"), _("Category"), _("Registered possible victims")])
    for row in _rows(tables):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="zicht-jaarcijfers-{year}.xlsx"'
    return response
