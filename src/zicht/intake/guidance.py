"""What a professional should do next: the five steps of the Meldcode, applied to a signal.

The referral step links to the coordination app when it is installed (URL name
``coordination:referral_create``); until then it names the coordination centre's
contact details, so there is never a dead button.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import OrganisationType


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    text: str
    url: str = ""
    url_label: str = ""


def emergency_contacts() -> list[tuple[str, str]]:
    return [
        (_("Emergency: police, ambulance, fire brigade"), "112"),
        (_("Police (no emergency)"), "0900-8844"),
        (_("Veilig Thuis (domestic violence and child abuse), 24/7"), "0800-2000"),
    ]


def next_steps(signal) -> list[Step]:
    try:
        referral_url = reverse("coordination:referral_create", args=[signal.pk])
    except NoReverseMatch:
        referral_url = ""
    centres = list(account_selectors.organisation_list(type=OrganisationType.COORDINATION_CENTRE))
    centre_text = ", ".join(
        f"{c.name} ({c.contact_email})" if c.contact_email else c.name for c in centres
    )
    return [
        Step(
            1,
            _("Map the signals"),
            _("You have recorded what you saw, factually. Add to the signal when you see more."),
        ),
        Step(
            2,
            _("Consult"),
            _(
                "Discuss the signal with an expert colleague or your organisation's contact person; consult Veilig Thuis if needed (0800-2000). Zicht shows you under Matches whether other organisations are involved."
            ),
        ),
        Step(
            3,
            _("Talk with the young person"),
            _(
                "Talk with the young person (and parents where relevant) unless that is unsafe. Say what you saw and listen."
            ),
        ),
        Step(
            4,
            _("Weigh the seriousness"),
            _(
                "Is there acute or structural unsafety? Is the young person being used by others for crime?"
            ),
        ),
        Step(
            5,
            _("Decide: report, refer and offer help"),
            _(
                "Refer to the coordination centre when you suspect criminal exploitation. A minor may be referred without consent."
            )
            + (
                " " + _("Coordination centre: %(centres)s.") % {"centres": centre_text}
                if centre_text
                else ""
            ),
            referral_url,
            _("Refer to the coordination centre") if referral_url else "",
        ),
    ]
