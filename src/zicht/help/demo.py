"""Demo conversations for the counsellor's inbox: one waiting, one answered, one handed
over for a signal with the person's consent, one in English. Never in production.

The case codes and passphrases are returned so ``load_demo`` can print them: in the demo a
visitor can come back to a conversation as a real visitor would.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zicht.help import services
from zicht.help.constants import HandoverKind
from zicht.help.models import Conversation

DEMO_CONVERSATIONS = [
    {
        "language": "nl",
        "message": "Ik moet van een oudere jongen pakketjes wegbrengen. Als ik nee zeg wordt "
        "hij boos en zegt hij dat ik hem nog geld schuldig ben.",
    },
    {
        "language": "nl",
        "message": "Mijn zoon (15) heeft ineens dure kleding en komt 's nachts laat thuis. "
        "Hij wil niet zeggen waar hij was. Wat kan ik doen?",
        "reply": "Fijn dat je dit vraagt. Dit zijn signalen om serieus te nemen. Blijf in "
        "gesprek met je zoon, zonder te oordelen. Wil je dat we samen kijken wie er in jouw "
        "gemeente kan helpen?",
    },
    {
        "language": "nl",
        "message": "Ik heb een schuld bij iemand en moet die afwerken door dingen te bewaren. "
        "Ik durf niet naar de politie.",
        "reply": "Dank je dat je dit vertelt. Jij bent niet de schuldige. Mag ik je verhaal "
        "doorgeven aan een collega die je verder kan helpen?",
        "handover": HandoverKind.SIGNAL,
    },
    {
        "language": "en",
        "message": "Someone I know keeps asking me to hold his phone and money for him. "
        "Is that normal?",
    },
]


def demo_conversations_ensure() -> list[tuple[str, str]]:
    """Create the demo conversations if there are none; ``[(case code, passphrase)]``."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Conversation.objects.exists():
        return []
    from zicht.accounts import selectors as account_selectors
    from zicht.accounts.constants import OrganisationType, Role

    centre = account_selectors.organisation_list(type=OrganisationType.COORDINATION_CENTRE).first()
    counsellor = (
        account_selectors.active_members(organisation_id=centre.pk, roles=[Role.COUNSELLOR])
        .order_by("pk")
        .first()
        if centre
        else None
    )
    if counsellor is None:
        return []
    made = []
    for demo in DEMO_CONVERSATIONS:
        started = services.conversation_start(message=demo["message"], language=demo["language"])
        conversation = started.conversation
        if "reply" in demo:
            services.counsellor_reply(
                membership=counsellor, conversation=conversation, body=demo["reply"]
            )
        if "handover" in demo:
            services.counsellor_consent_request(membership=counsellor, conversation=conversation)
            services.visitor_consent_answer(conversation=conversation, agree=True)
            services.counsellor_hand_over(
                membership=counsellor, conversation=conversation, kind=demo["handover"]
            )
        made.append((conversation.display_code, started.passphrase))
    return made
