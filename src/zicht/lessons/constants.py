from django.db import models
from django.utils.translation import gettext_lazy as _

# The languages every lesson must be complete in; Dutch first.
LANGUAGES = ("nl", "en")
FORMAT_VERSION = 1
# Who speaks a message that no character speaks: the story's narrator.
NARRATOR = "narrator"


class Audience(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    PROFESSIONALS = "professionals", _("Professionals")


# Flesch–Douma reading ease (zicht.lessons.readability) a lesson's Dutch text must reach:
# B1 or simpler, and simpler still for pupils (among them pupils with LVB).
READABILITY_MINIMUM = {Audience.PUPILS: 75.0, Audience.PROFESSIONALS: 60.0}
# Flesch Reading Ease a lesson's English text must reach: "easy" (80, what texts for
# 11- to 12-year-olds aim at) for pupils, "plain English" (60) for professionals.
READABILITY_MINIMUM_EN = {Audience.PUPILS: 80.0, Audience.PROFESSIONALS: 60.0}
# Longest sentence (in words) allowed in a pupils' lesson, in either language: short sentences help readers
# with LVB more than any average does.
PUPIL_MAX_SENTENCE_WORDS = 15

# The pictograms bundled in static/lessons/pictograms/ (drawn for Zicht), with their name.
PICTOGRAMS = {
    "package": _("Package"),
    "bank-card": _("Bank card"),
    "money": _("Money"),
    "phone": _("Phone"),
    "train": _("Travelling"),
    "stop": _("Stop: this is not OK"),
    "help": _("Help"),
    "talk": _("Talk about it"),
    "secret": _("Secret"),
    "eye": _("Watch out"),
    "note": _("Write it down"),
}

# Avatar colours (each passes 4.5:1 against white initials).
AVATAR_COLOURS = ("teal", "purple", "blue", "brown", "green", "red", "grey")

# A class's answers to a choice are shown to the teacher once at least this many pupils
# have answered, so that nobody's answer can be told from the count.
MIN_ANSWERS_SHOWN = 5
