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
