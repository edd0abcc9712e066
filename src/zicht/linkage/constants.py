from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchKind(models.TextChoices):
    EXACT = "exact", _("Match")
    FUZZY = "fuzzy", _("Possible match")


class MatchStatus(models.TextChoices):
    POSSIBLE = "possible", _("Possible match, to be confirmed")
    CONFIRMED = "confirmed", _("Match")
    REJECTED = "rejected", _("Not the same person")
    ENDED = "ended", _("Ended (a signal left the index)")
    INTERNAL = "internal", _("Same organisation (statistics only)")


class NameEvidence(models.TextChoices):
    """How alike the names are (cut-offs: docs/linkage.md, "Evidence of a match"; for
    zicht-pprl-2 per name field, section 15: ``equal`` and ``other_given_name`` occur
    only there)."""

    EQUAL = "equal", _("equal")

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    OTHER_GIVEN_NAME = "other_given_name", _("another of the given names")
    LOW = "low", _("low")
    NOT_COMPARED = "not_compared", _("not compared")


class DateOfBirthEvidence(models.TextChoices):
    EQUAL = "equal", _("equal")
    EQUAL_OR_SWAPPED = "equal_or_swapped", _("equal, or day and month swapped")
    ONE_PART_DIFFERS = "one_part_differs", _("one part differs")
    DIFFERENT = "different", _("different")
    # zicht-pprl-2 levels (docs/linkage.md, section 15).
    DAY_MONTH_SWAPPED = "day_month_swapped", _("day and month swapped")
    ONE_PART_TYPO = "one_part_typo", _("one part one typing error off")
    DIGITS_TRANSPOSED = "digits_transposed", _("digits transposed")
    TWO_PARTS_TYPO = "two_parts_typo", _("two parts each one typing error off")
    TWO_PARTS_DIFFER = "two_parts_differ", _("two parts differ")
    NOT_COMPARED = "not_compared", _("not compared")


class BsnEvidence(models.TextChoices):
    EQUAL = "equal", _("equal")
    DIFFERS = "differs", _("different")
    NOT_COMPARED = "not_compared", _("not compared")


#: The spec versions of index entries (docs/linkage.md): new signals with a full date of
#: birth are indexed with zicht-pprl-2; zicht-pprl-1 remains for signals with only an
#: estimated age and for encodings made on a partner's premises.
SPEC_PPRL1 = "zicht-pprl-1"
SPEC_PPRL2 = "zicht-pprl-2"

#: A decision can be undone by the member who made it for this long.
UNDO_WINDOW_HOURS = 24
