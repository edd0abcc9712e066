"""Writes of the monitor: imports of reference lists, areas and targets.

Each write is one transaction with its audit event. Imports are all-or-nothing: every line
is checked first and the first problem of each line is reported with its line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.insight.estimates import hidden_number
from zicht.insight.selectors import Dataset
from zicht.monitor import permissions
from zicht.monitor.constants import (
    BUURT_RE,
    MUNICIPALITY_RE,
    WIJK_RE,
    NeighbourhoodKind,
    TargetKind,
)
from zicht.monitor.models import Area, EstimateCache, Neighbourhood, Population, Target

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

__all__ = [
    "ImportError_",
    "neighbourhoods_import",
    "population_import",
    "area_save",
    "area_delete",
    "target_save",
    "target_delete",
    "estimate_cached",
]

NEIGHBOURHOOD_COLUMNS = ("gwb_code_10", "regio")
POPULATION_COLUMNS = ("municipality_code", "year", "young_people")


@dataclass
class ImportError_(Exception):  # noqa: N801 - not the builtin ImportError
    """Problems found in an import file: one line each, nothing was written."""

    problems: list[str]

    def __str__(self) -> str:
        return "\n".join(self.problems)


def _rows(text: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line number, row) of a CSV with a header, comma or semicolon separated."""
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportError_(
            [
                _("line 1: the header lacks the column(s) %(cols)s (expected %(all)s)")
                % {"cols": ", ".join(missing), "all": ", ".join(required)}
            ]
        )
    reader.fieldnames = header
    rows = [
        (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
    ]
    if not rows:
        raise ImportError_([_("the file has a header but no rows")])
    return rows


def _municipality_codes() -> set[str]:
    return {m.code for m in account_selectors.municipality_list()}


def neighbourhoods_import(*, text: str) -> dict:
    """Import CBS wijken and buurten (columns ``gwb_code_10`` and ``regio`` of the CBS
    "Kerncijfers wijken en buurten" CSV; others are ignored, rows of a municipality (GM)
    are skipped). Existing codes get the new name; returns {"created", "updated", "skipped"}.
    """
    municipalities = _municipality_codes()
    problems: list[str] = []
    parsed: dict[str, tuple[str, str, str]] = {}
    skipped = 0
    for line, row in _rows(text, NEIGHBOURHOOD_COLUMNS):
        code, name = row["gwb_code_10"].upper(), row["regio"]
        where = _("line %(n)s") % {"n": line}
        if MUNICIPALITY_RE.match(code):
            skipped += 1
            continue
        if WIJK_RE.match(code):
            kind = NeighbourhoodKind.WIJK
        elif BUURT_RE.match(code):
            kind = NeighbourhoodKind.BUURT
        else:
            problems.append(
                _("%(where)s: %(code)r is not a CBS wijk or buurt code (WK + 6 or BU + 8 digits)")
                % {"where": where, "code": code}
            )
            continue
        municipality = "GM" + code[2:6]
        if municipality not in municipalities:
            problems.append(
                _("%(where)s: %(code)s lies in %(m)s, which is not a known municipality")
                % {"where": where, "code": code, "m": municipality}
            )
        elif not name:
            problems.append(_("%(where)s: %(code)s has no name") % {"where": where, "code": code})
        elif code in parsed:
            problems.append(_("%(where)s: %(code)s appears twice") % {"where": where, "code": code})
        else:
            parsed[code] = (kind, name[:120], municipality)
    if problems:
        raise ImportError_(problems)
    with transaction.atomic():
        existing = set(Neighbourhood.objects.filter(code__in=parsed).values_list("code", flat=True))
        Neighbourhood.objects.bulk_create(
            [
                Neighbourhood(code=c, kind=k, name=n, municipality_id=m)
                for c, (k, n, m) in parsed.items()
                if c not in existing
            ]
        )
        for code in existing:
            new_kind, new_name, new_municipality = parsed[code]
            Neighbourhood.objects.filter(code=code).update(
                kind=new_kind, name=new_name, municipality_id=new_municipality
            )
        result = {
            "created": len(parsed) - len(existing),
            "updated": len(existing),
            "skipped": skipped,
        }
        audit.record(action=AuditAction.MONITOR_NEIGHBOURHOODS_IMPORTED, details=result)
    return result


def population_import(*, text: str) -> dict:
    """Import young people aged 8-27 per municipality and year (columns
    ``municipality_code``, ``year``, ``young_people``); a known pair is replaced."""
    municipalities = _municipality_codes()
    problems: list[str] = []
    parsed: dict[tuple[str, int], int] = {}
    for line, row in _rows(text, POPULATION_COLUMNS):
        where = _("line %(n)s") % {"n": line}
        code = row["municipality_code"].upper()
        if code not in municipalities:
            problems.append(
                _("%(where)s: %(code)r is not a known CBS municipality code (GM + 4 digits)")
                % {"where": where, "code": code}
            )
            continue
        try:
            year = int(row["year"])
            if not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            problems.append(
                _("%(where)s: %(year)r is not a year") % {"where": where, "year": row["year"]}
            )
            continue
        try:
            young = int(row["young_people"].replace(".", "").replace(" ", ""))
            if young <= 0:
                raise ValueError
        except ValueError:
            problems.append(
                _("%(where)s: %(n)r is not a positive whole number of young people")
                % {"where": where, "n": row["young_people"]}
            )
            continue
        if (code, year) in parsed:
            problems.append(
                _("%(where)s: %(code)s %(year)s appears twice")
                % {"where": where, "code": code, "year": year}
            )
            continue
        parsed[(code, year)] = young
    if problems:
        raise ImportError_(problems)
    with transaction.atomic():
        for (code, year), young in parsed.items():
            Population.objects.update_or_create(
                municipality_id=code, year=year, defaults={"young_people": young}
            )
        audit.record(action=AuditAction.MONITOR_POPULATION_IMPORTED, details={"rows": len(parsed)})
    return {"rows": len(parsed)}


def _municipal_admin(membership: Membership) -> str:
    """The municipality this member may decide for (administrators of a municipality)."""
    code = permissions.own_municipality(membership)
    if code is None:
        raise PermissionDenied
    return code


def area_save(
    *, membership: Membership, name: str, codes: list[str], area: Area | None = None
) -> Area:
    """Create or change an area of the member's own municipality. Every code must be a
    known wijk or buurt of that municipality."""
    municipality = _municipal_admin(membership)
    codes = sorted({c.strip().upper() for c in codes if c.strip()})
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the area a name."))
    if not codes:
        raise ValidationError(_("Choose at least one wijk or buurt."))
    known = set(
        Neighbourhood.objects.filter(code__in=codes, municipality_id=municipality).values_list(
            "code", flat=True
        )
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            _("Not a wijk or buurt of your municipality in the imported CBS list: %(codes)s")
            % {"codes": ", ".join(unknown)}
        )
    with transaction.atomic():
        if area is not None and area.municipality_id != municipality:
            raise PermissionDenied
        same_name = Area.objects.filter(municipality_id=municipality, name=name)
        if area is not None:
            same_name = same_name.exclude(pk=area.pk)
        if same_name.exists():
            raise ValidationError(_("Your municipality already has an area with this name."))
        if area is None:
            area = Area.objects.create(municipality_id=municipality, name=name, codes=codes)
        else:
            area.name, area.codes = name, codes
            area.save()
        audit.record(
            action=AuditAction.MONITOR_AREA_SAVED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="area",
            object_id=area.pk,
            details={"codes": len(codes)},
        )
    return area


def area_delete(*, membership: Membership, area: Area) -> None:
    municipality = _municipal_admin(membership)
    if area.municipality_id != municipality:
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            action=AuditAction.MONITOR_AREA_DELETED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="area",
            object_id=area.pk,
        )
        area.delete()


def target_save(
    *,
    membership: Membership,
    indicator: str,
    kind: str,
    year: int,
    value: Decimal,
    baseline_year: int | None = None,
) -> Target:
    """Set (or replace) the target of one indicator in one year for the member's
    municipality. A change target needs an earlier base year; a share lies in 0-100."""
    municipality = _municipal_admin(membership)
    if kind == TargetKind.CHANGE:
        if baseline_year is None or baseline_year >= year:
            raise ValidationError(_("A change target needs a base year before the target year."))
    else:
        baseline_year = None
        if not 0 <= value <= 100:
            raise ValidationError(_("A share lies between 0 and 100%."))
    with transaction.atomic():
        target, _created = Target.objects.update_or_create(
            municipality_id=municipality,
            indicator=indicator,
            year=year,
            defaults={"kind": kind, "value": value, "baseline_year": baseline_year},
        )
        audit.record(
            action=AuditAction.MONITOR_TARGET_SAVED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="target",
            object_id=target.pk,
            details={"indicator": indicator, "year": year, "kind": kind, "value": str(value)},
        )
    return target


def target_delete(*, membership: Membership, target: Target) -> None:
    municipality = _municipal_admin(membership)
    if target.municipality_id != municipality:
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            action=AuditAction.MONITOR_TARGET_DELETED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="target",
            object_id=target.pk,
        )
        target.delete()


ESTIMATE_MAX_AGE = dt.timedelta(hours=24)


def estimate_cached(*, key_parts: tuple, rows: list[dict], person_of: dict) -> dict:
    """The insight app's hidden number over ``rows`` (HiddenNumber.to_dict()), reused while
    younger than ESTIMATE_MAX_AGE. ``key_parts`` name the municipality, area codes and
    period the rows were selected by; new signals show up in the estimate within a day."""
    key = hashlib.sha256(repr(key_parts).encode()).hexdigest()
    now = timezone.now()
    entry = EstimateCache.objects.filter(key=key, computed_at__gte=now - ESTIMATE_MAX_AGE).first()
    if entry is not None:
        return entry.result
    result = hidden_number(Dataset(rows, person_of)).to_dict()
    EstimateCache.objects.update_or_create(key=key, defaults={"result": result, "computed_at": now})
    return result
