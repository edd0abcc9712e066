"""The coordination centre's register of possible victims in the international case data
standard, HTCDS 2.0 of IOM (``python manage.py export_htcds``).

One row per registered possible victim: a file screened "possible victim" in the year,
merged duplicates left out, so a person referred by three organisations (or whose two
files were merged) counts once. An anonymised file (closed past its retention) is still a
registration: it is exported without identity, its signals gone. The columns carry the standard's field names and values
from its picklists (``data/htcds_field_standards_2.0.csv``, CC BY 4.0, IOM). HTCDS has no
category for criminal exploitation yet: it is exported as ``Other`` in
``vic_TypeOfExploitation``, with the proposed value ``ForcedCriminality`` and Zicht's
sub-forms in extension columns (prefix ``x_zicht_``), so a receiver can tell them apart.

Identity fields (names, date of birth) are left out unless a coordinator explicitly asks
for them; every export is audit-logged with whether identity was included.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination import permissions
from zicht.coordination.constants import (
    CareType,
    Consent,
    FileStatus,
    MeasureStatus,
    ScreeningDecision,
)
from zicht.coordination.models import CoordinationFile
from zicht.core import ages
from zicht.intake import selectors as intake_selectors
from zicht.intake.constants import NationalityCategory

__all__ = [
    "CRIMINAL_SUBFORMS",
    "FIELD_LIST",
    "IDENTITY_COLUMNS",
    "PROPOSED_EXPLOITATION_VALUE",
    "Export",
    "export_rows",
    "field_list",
    "nationality_of",
    "write_csv",
    "write_xlsx",
]

FIELD_LIST = Path(__file__).resolve().parent / "data" / "htcds_field_standards_2.0.csv"
MULTISELECT_SEPARATOR = ";"
PROPOSED_EXPLOITATION_VALUE = "ForcedCriminality"

# Zicht's forms of exploitation (intake) grouped into the sub-forms of criminal
# exploitation the national registration reports.
CRIMINAL_SUBFORMS = {
    "drug_transport": "DrugDealingAndCouriering",
    "drug_dealing": "DrugDealingAndCouriering",
    "county_lines": "DrugDealingAndCouriering",
    "money_mule": "MoneyMule",
    "burglary_theft": "TheftAndShoplifting",
    "fraud": "Fraud",
    "counterfeit_cashier": "Fraud",
    "cannabis_cultivation": "Other",
    "violence_on_command": "Other",
    "other": "Other",
}

GENDER = {"F": "Feminine", "M": "Masculine", "X": "NonSpecifiedUnknown", "": "NonSpecifiedUnknown"}
CASE_STATUS = {
    FileStatus.SCREENING: "Active",
    FileStatus.MORE_INFORMATION: "Active",
    FileStatus.ASSESSMENT: "Active",
    FileStatus.SUPPORT: "FollowUp",
    FileStatus.CLOSED: "Closed",
}
SUPPORT_PLAN_TYPE = {
    CareType.CATEGORICAL_SHELTER: "SocialCare",
    CareType.REGULAR_SHELTER: "SocialCare",
    CareType.YOUTH_CARE: "SocialCare",
    CareType.PROTECTED_LIVING: "SocialCare",
    CareType.AMBULANT: "Health",
}

# prs_Citizenship takes ISO 3166 country codes: only "Dutch" names a country. The other
# categories (other EU, outside the EU) are no country and go in an extension column.
CITIZENSHIP = {NationalityCategory.DUTCH: "NL"}
MEASURES_TAKEN = (MeasureStatus.ACCEPTED, MeasureStatus.IN_PLACE, MeasureStatus.ENDED)

IDENTITY_COLUMNS = ("prs_FirstName", "prs_SecondName", "prs_Birthdate")
STANDARD_COLUMNS = (
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_TypeOfExploitation",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReasonForIncomingReferral",
    "cas_ReferredOrganisation",
    "cas_OutgoingReferralDate",
    "cas_ReasonForOutgoingReferral",
    "spl_Type",
    "con_Consent",
)
EXTENSION_COLUMNS = (
    "x_zicht_CaseReference",
    "x_zicht_RegistrationDate",
    "x_zicht_TypeOfExploitationProposed",
    "x_zicht_CriminalExploitationForms",
    "x_zicht_AgeGroup",
    "x_zicht_Minor",
    "x_zicht_JusticeStatus",
    "x_zicht_NationalityCategory",
    "x_zicht_Measures",
)


def field_list() -> dict[str, dict]:
    """The standard's fields by name (``field`` column of the CSV)."""
    with FIELD_LIST.open(encoding="utf-8", newline="") as handle:
        return {row["field"]: row for row in csv.DictReader(handle)}


def nationality_of(categories) -> str:
    """The nationality category of a registered person: the first known one among the
    referred signals (in referral order), "unknown" when none recorded one."""
    return next(
        (n for n in categories if n != NationalityCategory.UNKNOWN), NationalityCategory.UNKNOWN
    )


@dataclass(frozen=True)
class Export:
    columns: list[str]
    rows: list[dict[str, str]]


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


def _row(file: CoordinationFile, *, with_identity: bool) -> dict[str, str]:
    """One registered possible victim as HTCDS columns (identity columns only on request)."""
    referrals = sorted(file.referrals.all(), key=lambda r: r.created_at)
    signals = _referred_signals(referrals)
    identity = next((s for s in signals if s.has_identity), None)
    nationality = nationality_of(s.nationality_category for s in signals)
    row = {
        "prs_Gender": GENDER.get(identity.sex if identity else "", "NonSpecifiedUnknown"),
        "prs_Citizenship": CITIZENSHIP.get(nationality, ""),
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
        # The coordination centre (not police, court or an NGO in the standard's sense).
        "vic_TraffickingStatusDecisionMakingOrg": "Other",
        # Criminal exploitation has no value in HTCDS 2.0 yet (see the module docstring).
        "vic_TypeOfExploitation": "Other",
        **_case_columns(file, referrals),
        **_extension_columns(file, signals, nationality),
    }
    if with_identity:
        row["prs_FirstName"] = identity.given_names if identity else ""
        row["prs_SecondName"] = identity.surname if identity else ""
        row["prs_Birthdate"] = identity.date_of_birth if identity else ""
    return row


def _referred_signals(referrals) -> list:
    """The signals behind the referrals, in referral order; an anonymised file has none."""
    views = (
        intake_selectors.referred_signal_view(signal_id=r.signal_id)
        for r in referrals
        if r.signal_id
    )
    return [view for view in views if view is not None]


def _case_columns(file: CoordinationFile, referrals: list) -> dict[str, str]:
    """The case: its status, the first incoming referral, the first care referral out,
    the support plan and consent."""
    first = referrals[0] if referrals else None
    care = sorted(file.care_referrals.all(), key=lambda c: c.requested_at)
    consent = any(r.consent_young_person == Consent.GIVEN for r in referrals)
    return {
        "cas_Status": CASE_STATUS.get(file.status, "Closed"),
        "cas_ReferringOrganisation": first.organisation.name if first else "",
        "cas_IncomingReferralDate": _date(first.created_at if first else None),
        "cas_ReasonForIncomingReferral": "Other" if first else "",
        "cas_ReferredOrganisation": care[0].provider.name if care else "",
        "cas_OutgoingReferralDate": _date(care[0].requested_at if care else None),
        "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired" if care else "",
        "spl_Type": SUPPORT_PLAN_TYPE.get(care[0].care_type, "") if care else "",
        "con_Consent": "TRUE" if consent else "FALSE",
    }


def _extension_columns(file: CoordinationFile, signals: list, nationality: str) -> dict[str, str]:
    """Zicht's own columns (``x_zicht_``): what HTCDS 2.0 has no field for."""
    form_codes = sorted({code for s in signals for code in s.forms_codes})
    subforms = sorted({CRIMINAL_SUBFORMS.get(code, "Other") for code in form_codes})
    justice = sorted({s.justice_status for s in signals if s.justice_status != "none"})
    # Protection measures have no field in HTCDS 2.0 (its support plan types are kinds of
    # care), so the kinds taken go in an extension column, one per kind.
    measures = sorted({m.kind for m in file.measures.all() if m.status in MEASURES_TAKEN})
    return {
        "x_zicht_CaseReference": file.reference,
        "x_zicht_RegistrationDate": _date(file.screened_on),
        "x_zicht_TypeOfExploitationProposed": PROPOSED_EXPLOITATION_VALUE,
        "x_zicht_CriminalExploitationForms": MULTISELECT_SEPARATOR.join(subforms),
        "x_zicht_AgeGroup": ages.age_group(file.age_at_referral),
        "x_zicht_Minor": "TRUE" if ages.is_minor(file.age_at_referral) else "FALSE",
        "x_zicht_JusticeStatus": MULTISELECT_SEPARATOR.join(justice),
        "x_zicht_NationalityCategory": nationality,
        "x_zicht_Measures": MULTISELECT_SEPARATOR.join(measures),
    }


def export_rows(*, year: int, with_identity: bool = False, membership=None) -> Export:
    """The year's registered possible victims (by screening date) as HTCDS rows.

    Without identity the export holds no personal data beyond coarse facts and can be run
    by the operator (``membership`` None). Identity columns only for an active coordinator
    who asks for them. Audit-logged as ``coordination.htcds_exported`` with the year, the
    file references and whether identity was included (never the identities)."""
    if with_identity and not permissions.is_coordinator(membership):
        raise PermissionDenied("Only a coordinator can export identity fields.")
    files = (
        CoordinationFile.objects.filter(
            screening_decision=ScreeningDecision.POSSIBLE_VICTIM,
            merged_into__isnull=True,
            screened_on__year=year,
        )
        .prefetch_related("referrals__organisation", "care_referrals__provider", "measures")
        .order_by("screened_on", "reference")
    )
    columns = [
        *(IDENTITY_COLUMNS if with_identity else ()),
        *STANDARD_COLUMNS,
        *EXTENSION_COLUMNS,
    ]
    with transaction.atomic():
        rows = [_row(f, with_identity=with_identity) for f in files]
        audit.record(
            action=AuditAction.COORDINATION_HTCDS_EXPORTED,
            actor=membership.user if membership else None,
            organisation=membership.organisation if membership else None,
            object_type="htcds_export",
            object_id=year,
            details={
                "year": year,
                "rows": len(rows),
                "identity": with_identity,
                "files": [row["x_zicht_CaseReference"] for row in rows],
            },
        )
    return Export(columns=columns, rows=rows)


def write_csv(export: Export, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=export.columns)
        writer.writeheader()
        writer.writerows(export.rows)


def write_xlsx(export: Export, path: Path) -> None:
    from openpyxl import Workbook  # noqa: PLC0415 - heavy, only for a spreadsheet download

    book = Workbook()
    sheet = book.active
    sheet.title = "HTCDS 2.0"
    sheet.append(export.columns)
    for row in export.rows:
        sheet.append([row.get(c, "") for c in export.columns])
    book.save(path)
