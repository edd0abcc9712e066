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
    """How alike the names are (cut-offs: docs/linkage.md, "Evidence of a match")."""

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")
    NOT_COMPARED = "not_compared", _("not compared")


class DateOfBirthEvidence(models.TextChoices):
    EQUAL = "equal", _("equal")
    EQUAL_OR_SWAPPED = "equal_or_swapped", _("equal, or day and month swapped")
    ONE_PART_DIFFERS = "one_part_differs", _("one part differs")
    DIFFERENT = "different", _("different")
    NOT_COMPARED = "not_compared", _("not compared")


class BsnEvidence(models.TextChoices):
    EQUAL = "equal", _("equal")
    NOT_COMPARED = "not_compared", _("not compared")


#: A decision can be undone by the member who made it for this long.
UNDO_WINDOW_HOURS = 24
