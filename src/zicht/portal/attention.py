"""What waits for the member now, for the home page: counts with a link, never content.

Each app answers for itself through its selectors; this module only gathers the answers,
so a professional sees the possible matches to decide and the help conversations handed
over for a signal, a coordinator the files past their screening deadline, a counsellor the
conversations waiting for an answer and a care provider the requests to accept or refuse -
without opening five pages to find out.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import ngettext

from zicht.coordination import selectors as coordination_selectors
from zicht.help import selectors as help_selectors
from zicht.linkage import selectors as linkage_selectors


@dataclass(frozen=True)
class AttentionItem:
    text: str
    url: str
    urgent: bool = False


def items_for(*, membership) -> list[AttentionItem]:
    """The member's open work in the active organisation, most urgent first."""
    if membership is None:
        return []
    items: list[AttentionItem] = []

    def add(count: int, text: str, url_name: str, *, urgent: bool = False, view: str = "") -> None:
        # ``view``: the filtered inbox view that shows exactly the files counted.
        if count:
            url = reverse(url_name) + (f"?{urlencode({'view': view})}" if view else "")
            items.append(AttentionItem(text % {"count": count}, url, urgent))

    n = linkage_selectors.possible_match_count(membership=membership)
    add(
        n,
        ngettext(
            "%(count)s possible match waits for a decision.",
            "%(count)s possible matches wait for a decision.",
            n,
        ),
        "linkage:match_list",
    )
    n = coordination_selectors.care_requests_waiting(membership=membership)
    add(
        n,
        ngettext(
            "%(count)s care request waits for your organisation's answer.",
            "%(count)s care requests wait for your organisation's answer.",
            n,
        ),
        "coordination:care_inbox",
    )
    n = help_selectors.waiting_count(membership=membership)
    add(
        n,
        ngettext(
            "%(count)s conversation waits for an answer.",
            "%(count)s conversations wait for an answer.",
            n,
        ),
        "help:counsellor_inbox",
    )
    n = help_selectors.handovers_waiting_count(membership=membership)
    add(
        n,
        ngettext(
            "%(count)s help conversation was handed over for a signal.",
            "%(count)s help conversations were handed over for a signal.",
            n,
        ),
        "help:handover_list",
    )
    summary = coordination_selectors.inbox_summary(membership=membership)
    if summary is not None:
        add(
            summary.overdue,
            ngettext(
                "%(count)s file is past its screening deadline.",
                "%(count)s files are past their screening deadline.",
                summary.overdue,
            ),
            "coordination:inbox",
            urgent=True,
            view="overdue",
        )
        add(
            summary.awaiting_screening,
            ngettext(
                "%(count)s file waits for screening.",
                "%(count)s files wait for screening.",
                summary.awaiting_screening,
            ),
            "coordination:inbox",
            view="awaiting",
        )
        add(
            summary.unassigned,
            ngettext(
                "%(count)s open file has no coordinator assigned.",
                "%(count)s open files have no coordinator assigned.",
                summary.unassigned,
            ),
            "coordination:inbox",
            view="unassigned",
        )
    return sorted(items, key=lambda item: not item.urgent)
