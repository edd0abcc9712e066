"""Demo conversations for the counsellor's inbox: one waiting, one answered, one handed
over for a signal with the person's consent, one in English. Never in production.

The case codes and passphrases are returned so ``load_demo`` can print them: in the demo a
visitor can come back to a conversation as a real visitor would. Only a slow hash of a
passphrase is stored, so the demo's passphrases are derived from a fixed, public seed
(``demo_passphrase``); ``demo_accounts`` derives them again and prints the ones that still
open their conversation. Real passphrases are random (``codes.new_passphrase``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ImproperlyConfigured

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import OrganisationType, Role
from zicht.help import codes, services
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


# Public on purpose: anyone with the demo can reproduce its passphrases. Never used outside
# the demo (``conversation_start`` refuses a chosen passphrase in production).
DEMO_PASSPHRASE_SEED = "zicht-demo-help"  # noqa: S105 - public demo seed


def demo_passphrase(index: int) -> str:
    """The passphrase of the ``index``-th demo conversation: five words of the real word
    list, picked by a hash of the fixed seed, so it reads like a real one."""
    words = codes.wordlist()
    picked = []
    for position in range(codes.PASSPHRASE_WORDS):
        digest = hashlib.sha256(f"{DEMO_PASSPHRASE_SEED}:{index}:{position}".encode()).digest()
        picked.append(words[int.from_bytes(digest[:8], "big") % len(words)])
    return " ".join(picked)


def demo_conversations_list() -> list[dict]:
    """The demo conversations a visitor can return to: ``case_code``, ``passphrase`` and
    ``language``, for ``demo_accounts``. A conversation whose passphrase is not the demo's
    (one started by hand, or a database loaded before the passphrases were derived) is
    left out rather than printed with a passphrase that does not open it."""
    if settings.PRODUCTION:
        return []
    rows = []
    first = Conversation.objects.order_by("pk")[: len(DEMO_CONVERSATIONS)]
    for index, conversation in enumerate(first):
        passphrase = demo_passphrase(index)
        if check_password(passphrase, conversation.passphrase_hash):
            rows.append(
                {
                    "case_code": conversation.display_code,
                    "passphrase": passphrase,
                    "language": conversation.language,
                }
            )
    return rows


def demo_conversations_ensure() -> list[tuple[str, str]]:
    """Create the demo conversations if there are none; ``[(case code, passphrase)]``."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Conversation.objects.exists():
        return []
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
    for index, demo in enumerate(DEMO_CONVERSATIONS):
        started = services.conversation_start(
            message=demo["message"], language=demo["language"], passphrase=demo_passphrase(index)
        )
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
