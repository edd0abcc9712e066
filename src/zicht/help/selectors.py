"""Reads for the help pages. Conversation reads take the requesting membership."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import ROLES_BY_ORGANISATION_TYPE, OrganisationType, Role
from zicht.coordination import selectors as coordination_selectors
from zicht.help import conf
from zicht.help.constants import Audience, ConversationStatus, HandoverKind
from zicht.help.models import Conversation, HelpPage, ReplyTemplate, ServiceContact
from zicht.help.permissions import is_centre_counsellor, is_counsellor, is_professional

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

__all__ = [
    "waiting_count",
    "help_pages_for",
    "help_page_get",
    "contacts_for",
    "inbox_for",
    "conversation_for_counsellor",
    "counsellor_services_for",
    "conversation_for_visitor",
    "handovers_for",
    "handovers_waiting_count",
    "handover_for_professional",
    "signal_recipients_exist",
    "reply_templates_for",
    "deletion_date",
    "deletion_warning_due",
]


def _language(language: str) -> str:
    return language if language in ("nl", "en") else "nl"


def help_pages_for(*, language: str) -> QuerySet[HelpPage]:
    return HelpPage.objects.filter(language=_language(language), is_published=True)


def help_page_get(*, slug: str, language: str) -> HelpPage:
    page = help_pages_for(language=language).filter(slug=slug).first()
    if page is None:
        raise Http404
    return page


def contacts_for(*, audience: str | None = None) -> QuerySet[ServiceContact]:
    qs = ServiceContact.objects.filter(is_active=True)
    if audience == Audience.YOUNG_PEOPLE:
        qs = qs.filter(Q(for_young_people=True) | Q(is_emergency=True))
    elif audience == Audience.PARENTS_AND_FRIENDS:
        qs = qs.filter(Q(for_parents_and_friends=True) | Q(is_emergency=True))
    elif audience == Audience.PROFESSIONALS:
        qs = qs.filter(Q(for_professionals=True) | Q(is_emergency=True))
    return qs


def _counselled_by(membership: Membership) -> QuerySet[Conversation]:
    """The conversations the counsellor's service answers (``permissions.can_counsel``):
    for the coordination centre those nobody passed on, for every organisation those
    passed to it."""
    own = Q(routed_to_id=membership.organisation_id)
    if is_centre_counsellor(membership):
        return Conversation.objects.filter(Q(routed_to__isnull=True) | own)
    return Conversation.objects.filter(own)


def inbox_for(*, membership: Membership | None, show: str = "open") -> QuerySet[Conversation]:
    """Conversations for a counsellor's service: unanswered first (longest waiting on top)."""
    if not is_counsellor(membership):
        raise PermissionDenied
    qs = _counselled_by(membership)
    if show == "closed":
        return qs.filter(status=ConversationStatus.CLOSED).order_by("-closed_at")
    return qs.filter(status=ConversationStatus.OPEN).order_by(
        "-awaiting_reply", F("awaiting_since").asc(nulls_last=True), "-last_activity_at"
    )


def waiting_count(*, membership: Membership | None) -> int:
    """Open conversations waiting for a counsellor's answer (0 for non-counsellors)."""
    if not is_counsellor(membership):
        return 0
    return (
        _counselled_by(membership)
        .filter(status=ConversationStatus.OPEN, awaiting_reply=True)
        .count()
    )


def conversation_for_counsellor(*, membership: Membership | None, pk: int) -> Conversation:
    """One conversation the counsellor's service answers; ``Http404`` for any other,
    whether it exists or not."""
    if not is_counsellor(membership):
        raise PermissionDenied
    conversation = _counselled_by(membership).select_related("routed_to").filter(pk=pk).first()
    if conversation is None:
        raise Http404
    return conversation


CENTRE = "centre"
COUNSELLING_TYPES = [
    t
    for t, roles in ROLES_BY_ORGANISATION_TYPE.items()
    if Role.COUNSELLOR in roles and t != OrganisationType.COORDINATION_CENTRE
]


def counsellor_services_for(
    *, membership: Membership | None, conversation: Conversation
) -> list[tuple[str, str]]:
    """Where the counsellor may pass the conversation on to, as form choices: the
    coordination centre (``CENTRE``) when it is elsewhere now, and every active
    organisation that counsels and has an active counsellor, except the current one."""
    if not is_counsellor(membership):
        raise PermissionDenied
    choices = []
    if conversation.routed_to_id is not None:
        choices.append((CENTRE, str(_("The national coordination centre"))))
    organisations = (
        account_selectors.organisation_list()
        .filter(
            type__in=COUNSELLING_TYPES,
            memberships__role=Role.COUNSELLOR,
            memberships__is_active=True,
        )
        .exclude(pk=conversation.routed_to_id or 0)
        .distinct()
    )
    choices += [(str(o.pk), o.name) for o in organisations]
    return choices


def _signal_handovers(membership: Membership) -> QuerySet[Conversation]:
    return Conversation.objects.filter(
        handover_kind=HandoverKind.SIGNAL,
        handed_over_to_id=membership.organisation_id,
        handed_over_at__isnull=False,
    )


def handovers_for(
    *, membership: Membership | None, show: str = "waiting"
) -> QuerySet[Conversation]:
    """Signal hand-overs to the professional's active organisation, newest first.

    ``show="waiting"``: not yet taken up; ``show="taken_up"``: taken up, for the record.
    Nobody but a professional of that organisation gets them.
    """
    if not is_professional(membership):
        raise PermissionDenied
    qs = _signal_handovers(membership).select_related("handed_over_by", "taken_up_by")
    if show == "taken_up":
        return qs.filter(taken_up_at__isnull=False).order_by("-taken_up_at", "-pk")
    return qs.filter(taken_up_at__isnull=True).order_by("-handed_over_at", "-pk")


def handovers_waiting_count(*, membership: Membership | None) -> int:
    """Signal hand-overs waiting to be taken up by the membership's organisation (0 for
    anyone who is not an active professional)."""
    if not is_professional(membership):
        return 0
    return _signal_handovers(membership).filter(taken_up_at__isnull=True).count()


def handover_for_professional(*, membership: Membership | None, pk: int) -> Conversation:
    """One conversation handed over as a signal to the professional's organisation.

    ``PermissionDenied`` for anyone who is not a professional, ``Http404`` for every
    conversation that was not handed over to their organisation (whether it exists or not).
    """
    if not is_professional(membership):
        raise PermissionDenied
    conversation = (
        _signal_handovers(membership)
        .select_related("handed_over_by", "taken_up_by", "handed_over_to")
        .filter(pk=pk)
        .first()
    )
    if conversation is None:
        raise Http404
    return conversation


def signal_recipients_exist(*, membership: Membership | None) -> bool:
    """Whether the counsellor's organisation has an active professional who can take up a
    signal hand-over (shown to the counsellor before they choose)."""
    if not is_counsellor(membership):
        return False
    return account_selectors.active_members(
        organisation_id=membership.organisation_id, roles=[Role.PROFESSIONAL]
    ).exists()


def conversation_for_visitor(*, conversation_id: int | str | None) -> Conversation | None:
    """The conversation whose id the visitor's session holds after a correct passphrase."""
    if not conversation_id:
        return None
    return Conversation.objects.filter(pk=conversation_id).first()


def reply_templates_for(*, membership: Membership | None, language: str) -> QuerySet[ReplyTemplate]:
    if not is_counsellor(membership):
        raise PermissionDenied
    return ReplyTemplate.objects.filter(is_active=True, language=_language(language))


def deletion_date(conversation: Conversation) -> datetime:
    return conversation.last_activity_at + timedelta(days=conf.retention_days())


def deletion_warning_due(conversation: Conversation, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return now >= deletion_date(conversation) - timedelta(days=conf.warning_days())


def referral_conversation_for_coordinator(
    *, membership: Membership | None, file_id: int | str
) -> Conversation:
    """The consented help conversation a coordination file was opened from, read-only,
    for the coordinator the file is assigned to (``coordination.selectors.
    handover_conversation_code`` decides; ``PermissionDenied`` for anyone else)."""
    code = coordination_selectors.handover_conversation_code(membership=membership, file_id=file_id)
    conversation = Conversation.objects.filter(
        code=code, handover_kind=HandoverKind.REFERRAL, consent_given_at__isnull=False
    ).first()
    if conversation is None:
        raise Http404
    return conversation
