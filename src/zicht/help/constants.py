"""Choices for the public help pages, the self-check and anonymous conversations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    YOUNG_PEOPLE = "young_people", _("Young people")
    PARENTS_AND_FRIENDS = "parents_and_friends", _("Parents and friends")
    PROFESSIONALS = "professionals", _("Professionals")


class PageLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    FINISHED = "finished", _("Finished")
    ABUSIVE = "abusive", _("Abusive or spam")
    VISITOR = "visitor", _("Closed by the person")


class MessageAuthor(models.TextChoices):
    VISITOR = "visitor", _("Person asking for help")
    COUNSELLOR = "counsellor", _("Counsellor")
    SYSTEM = "system", _("Zicht")


class MessageKind(models.TextChoices):
    TEXT = "text", _("Message")
    CONSENT_REQUEST = "consent_request", _("Request for consent")
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_DECLINED = "consent_declined", _("Consent declined")
    HANDOVER = "handover", _("Handed over")
    ROUTED = "routed", _("Passed to another counsellor service")
    CLOSED = "closed", _("Conversation closed")


class HandoverKind(models.TextChoices):
    SIGNAL = "signal", _("Signal")
    REFERRAL = "referral", _("Referral to the coordination centre")


# A conversation without new messages for this many days is deleted.
DEFAULT_RETENTION_DAYS = 90
# The person is warned inside the conversation this many days before deletion.
DEFAULT_WARNING_DAYS = 14
