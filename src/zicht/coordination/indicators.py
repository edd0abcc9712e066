"""Indicators for management, as selectors the insight app charts.

Every function takes the requesting membership (analysts and coordinators only)
and returns plain rows of counts per group - organisation type of the referring
organisation, or municipality of the young person - never a file. Small-cell
suppression is applied by the insight app when it publishes the figures.
Anonymised files count like any other: the kept facts are enough.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from zicht.accounts.constants import Role
from zicht.coordination import permissions
from zicht.coordination.constants import (
    CareStatus,
    MeasureStatus,
    ReferralKind,
    ScreeningDecision,
)
from zicht.coordination.models import CareReferral, CoordinationFile, Measure, Referral
from zicht.coordination.workdays import working_days_between

__all__ = [
    "ScreeningIndicator",
    "screening_indicators",
    "measures_taken",
    "care_referral_success",
    "referral_counts",
]

GROUPINGS = ("organisation_type", "municipality")


def _allowed(membership) -> None:
    if not (
        permissions.is_coordinator(membership)
        or (membership is not None and membership.is_active and membership.role == Role.ANALYST)
    ):
        raise PermissionDenied


def _file_groups(file: CoordinationFile, by: str) -> set[str]:
    if by == "municipality":
        return {file.municipality_id or "unknown"}
    return {r.organisation.type for r in file.referrals.all()} or {"unknown"}


def _files(date_from: dt.date | None, date_to: dt.date | None):
    qs = CoordinationFile.objects.prefetch_related("referrals__organisation")
    if date_from:
        qs = qs.filter(opened_on__gte=date_from)
    if date_to:
        qs = qs.filter(opened_on__lte=date_to)
    return qs


@dataclass(frozen=True)
class ScreeningIndicator:
    group: str
    screened: int
    within_deadline: int
    share_within_deadline: float | None
    median_working_days: float | None
    awaiting: int


def screening_indicators(
    *, membership, by: str = "organisation_type", date_from=None, date_to=None
) -> list[ScreeningIndicator]:
    """Time to the screening decision (working days) and the share decided in time."""
    _allowed(membership)
    if by not in GROUPINGS:
        raise ValueError(by)
    days: dict[str, list[int]] = defaultdict(list)
    within: dict[str, int] = defaultdict(int)
    awaiting: dict[str, int] = defaultdict(int)
    for file in _files(date_from, date_to):
        for group in _file_groups(file, by):
            if file.screened_on is None:
                awaiting[group] += 1
                continue
            days[group].append(working_days_between(file.opened_on, file.screened_on))
            within[group] += file.screened_on <= file.screening_deadline
    rows = []
    for group in sorted(set(days) | set(awaiting)):
        n = len(days[group])
        rows.append(
            ScreeningIndicator(
                group=group,
                screened=n,
                within_deadline=within[group],
                share_within_deadline=(within[group] / n) if n else None,
                median_working_days=statistics.median(days[group]) if n else None,
                awaiting=awaiting[group],
            )
        )
    return rows


def measures_taken(*, membership, by: str = "organisation_type", date_from=None, date_to=None):
    """{group: {measure kind: number accepted, in place or ended}}."""
    _allowed(membership)
    taken = (MeasureStatus.ACCEPTED, MeasureStatus.IN_PLACE, MeasureStatus.ENDED)
    result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    files = {f.pk: f for f in _files(date_from, date_to)}
    for measure in Measure.objects.filter(file_id__in=files, status__in=taken):
        for group in _file_groups(files[measure.file_id], by):
            result[group][measure.kind] += 1
    return {g: dict(kinds) for g, kinds in sorted(result.items())}


def care_referral_success(
    *, membership, by: str = "organisation_type", date_from=None, date_to=None
):
    """{group: {"requested", "accepted", "refused", "placed", "success_rate"}}.

    Success = placed (or placed and ended) among the care referrals the provider decided.
    Besides the GROUPINGS, ``by="care_type"`` groups by the type of care asked for.
    """
    _allowed(membership)
    files = {f.pk: f for f in _files(date_from, date_to)}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for care in CareReferral.objects.filter(file_id__in=files):
        groups = {care.care_type} if by == "care_type" else _file_groups(files[care.file_id], by)
        for group in groups:
            c = counts[group]
            c["requested"] += 1
            if care.status in (CareStatus.ACCEPTED, CareStatus.PLACED, CareStatus.ENDED):
                c["accepted"] += 1
            if care.status == CareStatus.REFUSED:
                c["refused"] += 1
            if care.status in (CareStatus.PLACED, CareStatus.ENDED):
                c["placed"] += 1
    result = {}
    for group, c in sorted(counts.items()):
        decided = c["accepted"] + c["refused"]
        result[group] = {
            **{key: c[key] for key in ("requested", "accepted", "refused", "placed")},
            "success_rate": (c["placed"] / decided) if decided else None,
        }
    return result


def referral_counts(*, membership, by: str = "organisation_type", date_from=None, date_to=None):
    """{group: {"referral": n, "anonymous": n}}: anonymous notifications counted too."""
    _allowed(membership)
    qs = Referral.objects.select_related("organisation")
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    result: dict[str, dict[str, int]] = defaultdict(
        lambda: {ReferralKind.REFERRAL.value: 0, ReferralKind.ANONYMOUS.value: 0}
    )
    for r in qs:
        group = (
            r.organisation.type if by == "organisation_type" else (r.municipality_id or "unknown")
        )
        result[group][r.kind] += 1
    return dict(sorted(result.items()))


def possible_victims(*, membership, by: str = "organisation_type", date_from=None, date_to=None):
    """{group: n}: files screened as "possible victim" (registered possible victims),
    merged duplicates not counted twice."""
    _allowed(membership)
    counts: dict[str, int] = defaultdict(int)
    files = _files(date_from, date_to).filter(
        screening_decision=ScreeningDecision.POSSIBLE_VICTIM, merged_into__isnull=True
    )
    for file in files:
        for group in _file_groups(file, by):
            counts[group] += 1
    return dict(sorted(counts.items()))
