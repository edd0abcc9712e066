"""Help content, service contacts, anonymous conversations and their messages.

Nothing here stores an IP address, a user agent or any other trace of the visitor:
a conversation is identified only by its case code, and the passphrase is kept as a
slow hash. Message text is encrypted at rest.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.core.crypto import EncryptedTextField
from zicht.help.constants import (
    Audience,
    CloseReason,
    ConversationStatus,
    HandoverKind,
    MessageAuthor,
    MessageKind,
    PageLanguage,
)


class HelpPage(models.Model):
    """One page of plain-language help in one language, edited by staff in the admin."""

    slug = models.SlugField(_("address"), max_length=60)
    language = models.CharField(_("language"), max_length=2, choices=PageLanguage.choices)
    audience = models.CharField(_("audience"), max_length=32, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(
        _("summary"), max_length=240, help_text=_("One sentence shown on the overview page.")
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. An empty line starts a new paragraph. Lines starting with '## ' are "
            "headings, '- ' list items, '1. ' numbered steps. **word** is bold and "
            "[text](https://address) a link. HTML is shown as text, never run."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("help page")
        verbose_name_plural = _("help pages")
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="help_page_slug_language")
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"


class ServiceContact(models.Model):
    """A real organisation people can call, chat with or visit; configurable content."""

    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    url = models.URLField(_("website"), blank=True)
    hours_nl = models.CharField(_("opening hours (Dutch)"), max_length=120, blank=True)
    hours_en = models.CharField(_("opening hours (English)"), max_length=120, blank=True)
    description_nl = models.CharField(_("description (Dutch)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300)
    is_emergency = models.BooleanField(_("emergency number"), default=False)
    for_young_people = models.BooleanField(_("for young people"), default=True)
    for_parents_and_friends = models.BooleanField(_("for parents and friends"), default=True)
    for_professionals = models.BooleanField(_("for professionals"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service contact")
        verbose_name_plural = _("service contacts")

    def __str__(self):
        return self.name


class Conversation(models.Model):
    """An anonymous conversation, reached with a case code and a passphrase."""

    code = models.CharField(_("case code"), max_length=8, unique=True)
    passphrase_hash = models.CharField(max_length=256)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConversationStatus.choices,
        default=ConversationStatus.OPEN,
        db_index=True,
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=16, choices=CloseReason.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=2, choices=PageLanguage.choices)
    created_at = models.DateTimeField(_("started"))
    last_activity_at = models.DateTimeField(_("last message"), db_index=True)
    awaiting_reply = models.BooleanField(_("waiting for an answer"), default=True, db_index=True)
    awaiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    consent_requested_at = models.DateTimeField(_("consent asked"), null=True, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # The counsellor service that answers the conversation: empty for the national
    # coordination centre (every new conversation), else the organisation a counsellor
    # passed it to (``services.counsellor_route``). Only that service's counsellors read
    # it. An organisation that is deleted hands its conversations back to the centre.
    routed_to = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    handover_kind = models.CharField(
        _("handed over as"), max_length=16, choices=HandoverKind.choices, blank=True
    )
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    # Who handed the conversation over, and - for a signal - the organisation whose
    # professionals may then read it (the counsellor's own). Deleting a user or an
    # organisation never deletes a conversation; purging a conversation takes these along.
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    handed_over_to = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over to"),
    )
    taken_up_at = models.DateTimeField(_("taken up"), null=True, blank=True)
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken up by"),
    )
    signal_reference = models.CharField(_("signal reference"), max_length=20, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at"]
        verbose_name = _("anonymous conversation")
        verbose_name_plural = _("anonymous conversations")
        indexes = [
            models.Index(
                fields=["handed_over_to", "taken_up_at", "-handed_over_at"],
                name="help_conv_handover_idx",
            )
        ]

    def __str__(self):
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def display_code(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(_("from"), max_length=16, choices=MessageAuthor.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MessageKind.choices, default=MessageKind.TEXT
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counsellor"),
    )
    body = EncryptedTextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_author_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ReplyTemplate(models.Model):
    """A reusable answer for counsellors, per language."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=2, choices=PageLanguage.choices)
    body = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["language", "order", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.title
