"""The public statistics page (``/cijfers/``, ``/en/cijfers/``): no login.

It shows only what ``services.release_create`` stored - noisy counts with their privacy
budget - so nothing here can reveal a true count; no audit event is written because no
personal record is read."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zicht.accounts import selectors as account_selectors
from zicht.core import ages
from zicht.insight import public, selectors
from zicht.intake.constants import ExploitationForm


def _titles() -> dict[str, str]:
    return {
        "month": _("Signals by month"),
        "age": _("Signals by age group"),
        "form": _("Signals by form of exploitation"),
        "municipality": _("Signals by municipality"),
    }


def _labels(kind: str) -> dict[str, str]:
    unknown = {public.UNKNOWN: _("Unknown")}
    if kind == "form":
        return {**dict(ExploitationForm.choices), **unknown}
    if kind == "municipality":
        return {m.code: m.name for m in account_selectors.municipality_list()} | unknown
    if kind == "age":
        return {label: label for _lo, _hi, label in ages.AGE_GROUPS} | unknown
    return {}


def _rows(release, kind: str) -> list[tuple[str, str, int]]:
    labels = _labels(kind)
    return [(code, str(labels.get(code, code)), n) for code, n in release.tables[kind].items()]


@require_GET
def release_list(request):
    releases = [
        {
            "release": r,
            "tables": [
                {"kind": kind, "title": _titles()[kind], "rows": _rows(r, kind)}
                for kind in r.table_kinds
            ],
        }
        for r in selectors.public_release_list()
    ]
    return render(request, "insight/public.html", {"releases": releases})


@require_GET
def release_csv(request, year: int, kind: str):
    release = selectors.public_release_get(year=year)
    if release is None or kind not in release.table_kinds:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zicht-{year}-{kind}.csv"'
    writer = csv.writer(response)
    writer.writerow(["year", "table", "category", "label", "noisy_count", "epsilon_table"])
    for code, label, n in _rows(release, kind):
        writer.writerow([year, kind, code, label, n, release.epsilon_per_table])
    return response
