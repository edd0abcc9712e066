"""The coordination centre's annual figures, in the tables the national rapporteur's
reports use: registered possible victims by form of exploitation, age group, sex,
nationality category and referring source, registrations per year, and the minors separately.

A registered possible victim is a file screened "possible victim" (registration date: the
screening date), merged duplicates left out, so a person counts once however many
organisations referred them or however many files were merged. Every table goes through
the small-cell suppression of every published figure (``zicht.core.suppression``): a
count of 1-9 is shown as "<10", and a cell that would give it away as "x".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination import permissions
from zicht.coordination.constants import ScreeningDecision
from zicht.coordination.htcds import CRIMINAL_SUBFORMS, nationality_of
from zicht.coordination.models import CoordinationFile
from zicht.core import ages
from zicht.core.suppression import Published, suppress
from zicht.intake import selectors as intake_selectors
from zicht.intake.constants import NationalityCategory

__all__ = ["AnnualTable", "annual_report", "registration_years"]

# Lazy: module-level labels are translated when a report is made, in its language.
SUBFORM_LABELS = {
    "DrugDealingAndCouriering": gettext_lazy("Drug dealing and couriering"),
    "MoneyMule": gettext_lazy("Money mule"),
    "TheftAndShoplifting": gettext_lazy("Theft and shoplifting"),
    "Fraud": gettext_lazy("Fraud"),
    "Other": gettext_lazy("Other criminal exploitation"),
}
SEX_LABELS = {
    "F": gettext_lazy("Female"),
    "M": gettext_lazy("Male"),
    "X": gettext_lazy("Other / unknown"),
    "": gettext_lazy("Unknown"),
}


@dataclass(frozen=True)
class AnnualTable:
    key: str
    title: str
    header: str
    published: Published


def _registered():
    return CoordinationFile.objects.filter(
        screening_decision=ScreeningDecision.POSSIBLE_VICTIM, merged_into__isnull=True
    )


def registration_years() -> list[int]:
    """Years with at least one registration, newest first (for the year picker)."""
    years = (
        _registered()
        .exclude(screened_on=None)
        .annotate(year=ExtractYear("screened_on"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def _facts(file: CoordinationFile) -> dict:
    """Form sub-forms, sex and referring source of one registered file."""
    referrals = sorted(file.referrals.all(), key=lambda r: r.created_at)
    signal_ids = [r.signal_id for r in referrals if r.signal_id]
    facts = intake_selectors.signal_facts_for_statistics(signal_ids=signal_ids)
    forms = {CRIMINAL_SUBFORMS.get(code, "Other") for f in facts for code in f["forms"]}
    sexes = [f["sex"] for f in facts if f["sex"]]
    return {
        "forms": sorted(forms or {"Other"}),
        "sex": sexes[0] if sexes else "",
        "source": str(referrals[0].organisation.get_type_display()) if referrals else "?",
        "age_group": ages.age_group(file.age_at_referral),
        "minor": ages.is_minor(file.age_at_referral),
        # Victim and suspect at once: any referred signal records the young person as a
        # suspect, arrested or prosecuted for the acts seen.
        "also_suspect": any(f["justice_status"] != "none" for f in facts),
        "nationality": nationality_of(f["nationality_category"] for f in facts),
    }


def annual_report(*, membership, year: int) -> list[AnnualTable]:
    """The year's tables, suppressed. Coordinators only; the read is audit-logged (the
    figures are aggregates, but computing them reads the sex recorded on the signals)."""
    if not permissions.is_coordinator(membership):
        raise PermissionDenied
    files = (
        _registered()
        .filter(screened_on__year=year)
        .prefetch_related("referrals__organisation")
        .order_by("pk")
    )
    facts = [_facts(f) for f in files]
    audit.record(
        action=AuditAction.COORDINATION_ANNUAL_REPORT_VIEWED,
        actor=membership.user,
        organisation=membership.organisation,
        object_type="annual_report",
        object_id=year,
        details={"year": year, "files": len(facts)},
    )
    return _tables(facts)


def _forms(facts: list[dict]) -> tuple[Counter, Counter]:
    """Registered persons per sub-form, all and minors only (a person with two forms
    counts under both)."""
    by_form: Counter = Counter()
    minors_by_form: Counter = Counter()
    for f in facts:
        for form in f["forms"]:
            by_form[str(SUBFORM_LABELS[form])] += 1
            if f["minor"]:
                minors_by_form[str(SUBFORM_LABELS[form])] += 1
    return by_form, minors_by_form


def _by_age(facts: list[dict]) -> dict[str, int]:
    """Persons per age group, youngest first, unknown ("?") last, empty groups left out."""
    age_order = [label for _lo, _hi, label in ages.AGE_GROUPS] + ["?"]
    by_age = Counter(f["age_group"] for f in facts)
    return {label: by_age[label] for label in age_order if by_age[label]}


def _by_nationality(facts: list[dict]) -> dict[str, int]:
    """Persons per nationality category: Dutch, other EU, outside the EU, unknown last."""
    nationalities = Counter(f["nationality"] for f in facts)
    nationality_order = [*NationalityCategory.values[1:], NationalityCategory.UNKNOWN]
    return {
        str(NationalityCategory(n).label): nationalities[n]
        for n in nationality_order
        if nationalities[n]
    }


def _registrations_per_year() -> dict[str, int]:
    """Registrations in every year so far, oldest first (the trend next to the year)."""
    per_year = (
        _registered()
        .exclude(screened_on=None)
        .annotate(year=ExtractYear("screened_on"))
        .values_list("year", flat=True)
    )
    return dict(sorted(Counter(str(y) for y in per_year).items()))


def _tables(facts: list[dict]) -> list[AnnualTable]:
    """The year's tables from the facts of its registered persons, each suppressed."""
    persons = len(facts)
    minors = sum(1 for f in facts if f["minor"])
    by_form, minors_by_form = _forms(facts)
    by_age = _by_age(facts)
    by_sex = Counter(str(SEX_LABELS.get(f["sex"], SEX_LABELS[""])) for f in facts)
    by_source = Counter(f["source"] for f in facts)
    by_nationality = _by_nationality(facts)
    by_band = Counter(
        str(_("Minors (under 18)")) if f["minor"] else str(_("Young adults (18 and older)"))
        for f in facts
    )
    by_year = _registrations_per_year()
    overlap = Counter(
        str(_("Also suspect, arrested or prosecuted"))
        if f["also_suspect"]
        else str(_("Not known as a suspect"))
        for f in facts
    )
    return [
        AnnualTable(
            "form",
            _("Registered possible victims by form of criminal exploitation"),
            _("Form"),
            suppress(dict(sorted(by_form.items())), total=persons),
        ),
        AnnualTable("age", _("By age group"), _("Age group"), suppress(by_age)),
        AnnualTable("band", _("Minors and young adults"), _("Group"), suppress(dict(by_band))),
        AnnualTable("sex", _("By sex"), _("Sex"), suppress(dict(sorted(by_sex.items())))),
        AnnualTable("nationality", _("By nationality"), _("Nationality"), suppress(by_nationality)),
        AnnualTable(
            "source",
            _("By referring source"),
            _("Source"),
            suppress(dict(sorted(by_source.items()))),
        ),
        AnnualTable(
            "minors_form",
            _("Minors by form of criminal exploitation"),
            _("Form"),
            suppress(dict(sorted(minors_by_form.items())), total=minors),
        ),
        AnnualTable(
            "suspect",
            _("Victim and suspect at once"),
            _("Group"),
            suppress(dict(sorted(overlap.items()))),
        ),
        AnnualTable("year", _("Registrations per year"), _("Year"), suppress(by_year)),
    ]
