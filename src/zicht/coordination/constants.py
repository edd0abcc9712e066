"""Choices of the coordination app: one English name in code, one Dutch label in the interface."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.core.ages import ADULT_AGE  # noqa: F401 - re-exported; the rule lives in core.ages

# Defaults of the settings read in this app (see docs/coordination.md).
SCREENING_WORKING_DAYS_DEFAULT = 5
RETENTION_YEARS_DEFAULT = 5
REMINDER_WORKING_DAYS_DEFAULT = 1


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent: within days")
    ACUTE = "acute", _("Acute: immediate danger")


class Consent(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_ASKED = "not_asked", _("Not asked")
    NOT_POSSIBLE = "not_possible", _("Not possible")


class ParentConsent(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_ASKED = "not_asked", _("Not asked")
    NOT_POSSIBLE = "not_possible", _("Not possible")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (adult)")


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("Referral with identity")
    ANONYMOUS = "anonymous", _("Anonymous notification (no identity)")


class FileStatus(models.TextChoices):
    SCREENING = "screening", _("Awaiting screening")
    MORE_INFORMATION = "more_information", _("More information needed")
    ASSESSMENT = "assessment", _("Possible victim: assessment")
    SUPPORT = "support", _("Protection and care")
    NOT_VICTIM = "not_victim", _("Screened: not a victim")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another file of the same person")


OPEN_STATUSES = (
    FileStatus.SCREENING,
    FileStatus.MORE_INFORMATION,
    FileStatus.ASSESSMENT,
    FileStatus.SUPPORT,
    FileStatus.NOT_VICTIM,
)
AWAITING_SCREENING = (FileStatus.SCREENING, FileStatus.MORE_INFORMATION)


class ScreeningDecision(models.TextChoices):
    POSSIBLE_VICTIM = "possible_victim", _("Possible victim")
    NOT_VICTIM = "not_victim", _("Not a victim")
    MORE_INFORMATION = "more_information", _("More information needed")


class ClosureOutcome(models.TextChoices):
    SAFE_SUPPORTED = "safe_supported", _("Safe and supported")
    INVESTIGATION = "investigation", _("Referred to investigation")
    MOVED = "moved", _("Moved")
    NO_CONTACT = "no_contact", _("No contact")
    OTHER = "other", _("Other")


class MeasureKind(models.TextChoices):
    SHIELD_DATA = "shield_data", _("Shielding personal data")
    REPORT_UNDER_NUMBER = "report_under_number", _("Reporting under a number")
    ANONYMOUS_REPORT = "anonymous_report", _("Anonymous report")
    DOMICILE_ADDRESS = "domicile_address", _("Domicile address")
    INTERPRETER = "interpreter", _("Interpreter")
    LEGAL_ASSISTANCE = "legal_assistance", _("Legal assistance")
    CONTACT_BAN = "contact_ban", _("Contact ban")
    AREA_BAN = "area_ban", _("Area ban")
    SHELTER = "shelter", _("Shelter placement")
    GUARDIAN = "guardian", _("Guardian for a minor")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IN_PLACE = "in_place", _("In place")
    ENDED = "ended", _("Ended")


class CareType(models.TextChoices):
    CATEGORICAL_SHELTER = "categorical_shelter", _("Categorical shelter for victims")
    REGULAR_SHELTER = "regular_shelter", _("Regular shelter")
    YOUTH_CARE = "youth_care", _("Youth care")
    PROTECTED_LIVING = "protected_living", _("Protected living")
    AMBULANT = "ambulant", _("Ambulant care")


class CareStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    PLACED = "placed", _("Placed")
    ENDED = "ended", _("Ended")


# The questionnaire of the individual assessment (Individuele Beoordeling): one code
# per question, grouped as in the police and OM assessment.
class Question(models.TextChoices):
    MINOR = "minor", _("The young person is under 18")
    MILD_INTELLECTUAL_DISABILITY = (
        "mild_intellectual_disability",
        _("Mild intellectual disability (LVB)"),
    )
    DEBTS = "debts", _("Debts, or a 'fine' that must be worked off")
    DEPENDENCY = "dependency", _("Dependent on the exploiter (money, housing, drugs, relationship)")
    CARE_HISTORY = "care_history", _("In care now or in the past")
    INTIMIDATION = "intimidation", _("Risk of intimidation")
    RETALIATION = "retaliation", _("Risk of retaliation")
    REPEAT_VICTIMISATION = "repeat_victimisation", _("Risk of repeat victimisation")
    REPEAT_OFFENDING = "repeat_offending", _("Risk of repeat offending")
    THREATS_FAMILY = "threats_family", _("Threats against family")
    OFFENDER_KNOWS_VICTIM = (
        "offender_knows_victim",
        _("The exploiter knows who the young person is"),
    )
    NEEDS_INTERPRETER = "needs_interpreter", _("Does not speak Dutch well enough")
    NO_PARENTAL_PROTECTION = (
        "no_parental_protection",
        _("Parents cannot protect the young person or are involved"),
    )
    # A young person who looks like an offender may be a victim: the public prosecutor
    # must know about the non-punishment principle (art. 26 Council of Europe Convention
    # on Action against Trafficking; Aanwijzing mensenhandel).
    PROSECUTOR_TOLD_NON_PUNISHMENT = (
        "prosecutor_told_non_punishment",
        _(
            "The public prosecutor has been told about the non-punishment principle for "
            "victims of trafficking"
        ),
    )


VULNERABILITY_QUESTIONS = (
    Question.MINOR,
    Question.MILD_INTELLECTUAL_DISABILITY,
    Question.DEBTS,
    Question.DEPENDENCY,
    Question.CARE_HISTORY,
)
RISK_QUESTIONS = (
    Question.INTIMIDATION,
    Question.RETALIATION,
    Question.REPEAT_VICTIMISATION,
    Question.REPEAT_OFFENDING,
    Question.THREATS_FAMILY,
)
CONTEXT_QUESTIONS = (
    Question.OFFENDER_KNOWS_VICTIM,
    Question.NEEDS_INTERPRETER,
    Question.NO_PARENTAL_PROTECTION,
    Question.PROSECUTOR_TOLD_NON_PUNISHMENT,
)


class ClosureDecision(models.TextChoices):
    """What happens to an open measure or task when its file closes (issue 11): a file
    never closes silently with open work."""

    CARRY_OVER = "carry_over", _("Carry over to follow-up")
    DROP = "drop", _("Drop")
