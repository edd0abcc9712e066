"""Fixed code lists: source types, forms of exploitation, indicators, organisations."""

from __future__ import annotations

from .municipalities import Municipality

#: Source types, in the fixed order used for capture histories and for the (recursive)
#: dependence model: a source can depend only on sources earlier in this tuple.
SOURCE_TYPES: tuple[str, ...] = (
    "police",
    "municipality",
    "youth_care",
    "school",
    "health_care",
    "shelter",
    "anonymous_help",
)

#: Forms of criminal exploitation.
FORMS: tuple[str, ...] = (
    "drug_transport",
    "drug_dealing",
    "county_lines",
    "money_mule",
    "counterfeit_cashier",
    "fraud",
    "burglary_theft",
    "cannabis_cultivation",
    "violence_on_command",
)

#: Vulnerabilities of a person (each is also an indicator ``vulnerability.<code>``).
VULNERABILITIES: tuple[str, ...] = (
    "lvb",
    "addiction",
    "debts",
    "home_problems",
    "care",
    "excluded_school",
    "psychiatric",
    "loneliness_status",
)

#: The indicator catalogue (codes as used in signals).
INDICATORS: tuple[str, ...] = (
    "school.truancy",
    "school.grade_change",
    "school.picked_up",
    "school.goods_found",
    "money.unexplained_goods",
    "money.accounts_for_others",
    "money.bank_card_handed",
    "money.debt_fine",
    "money.cards_other_names",
    "online.multiple_phones",
    "online.always_reachable",
    "online.secret_contacts",
    "online.social_media_recruitment",
    "online.image_blackmail",
    "movement.missing",
    "movement.far_from_home",
    "movement.tickets_keys",
    "relationships.older_controlling",
    "relationships.secrecy",
    "relationships.dropped_friends",
    "behaviour.fear_tension",
    "behaviour.slang_aggression",
    "behaviour.self_harm_injuries",
    "behaviour.weapons_paraphernalia",
    "behaviour.rehearsed_answers",
    *(f"vulnerability.{v}" for v in VULNERABILITIES),
)

#: How often each source type reports indicators of each group (relative weights).
GROUP_AFFINITY: dict[str, dict[str, float]] = {
    "police": {
        "school": 0.2,
        "money": 1.5,
        "online": 1.5,
        "movement": 1.5,
        "relationships": 1.0,
        "behaviour": 1.5,
        "vulnerability": 0.6,
    },
    "municipality": {
        "school": 0.8,
        "money": 1.5,
        "online": 0.6,
        "movement": 0.8,
        "relationships": 1.0,
        "behaviour": 0.8,
        "vulnerability": 1.5,
    },
    "youth_care": {
        "school": 0.7,
        "money": 0.8,
        "online": 0.8,
        "movement": 1.2,
        "relationships": 1.5,
        "behaviour": 1.2,
        "vulnerability": 1.8,
    },
    "school": {
        "school": 6.0,
        "money": 0.6,
        "online": 1.0,
        "movement": 0.6,
        "relationships": 1.2,
        "behaviour": 1.2,
        "vulnerability": 0.8,
    },
    "health_care": {
        "school": 0.3,
        "money": 0.4,
        "online": 0.6,
        "movement": 0.6,
        "relationships": 1.0,
        "behaviour": 2.0,
        "vulnerability": 2.0,
    },
    "shelter": {
        "school": 0.3,
        "money": 1.0,
        "online": 0.8,
        "movement": 2.0,
        "relationships": 1.2,
        "behaviour": 1.0,
        "vulnerability": 1.5,
    },
    "anonymous_help": {
        "school": 0.5,
        "money": 1.2,
        "online": 1.5,
        "movement": 1.0,
        "relationships": 1.8,
        "behaviour": 1.0,
        "vulnerability": 0.8,
    },
}

#: Indicators made more likely by a form of exploitation (multiplier on the weight).
FORM_INDICATORS: dict[str, tuple[str, ...]] = {
    "drug_transport": (
        "movement.far_from_home",
        "movement.tickets_keys",
        "online.multiple_phones",
        "online.always_reachable",
    ),
    "drug_dealing": (
        "behaviour.weapons_paraphernalia",
        "money.unexplained_goods",
        "online.multiple_phones",
        "school.goods_found",
    ),
    "county_lines": (
        "movement.missing",
        "movement.far_from_home",
        "movement.tickets_keys",
        "online.always_reachable",
        "relationships.older_controlling",
    ),
    "money_mule": (
        "money.accounts_for_others",
        "money.bank_card_handed",
        "money.cards_other_names",
        "online.social_media_recruitment",
        "money.debt_fine",
    ),
    "counterfeit_cashier": (
        "money.cards_other_names",
        "money.unexplained_goods",
        "online.social_media_recruitment",
    ),
    "fraud": ("money.cards_other_names", "online.secret_contacts", "online.multiple_phones"),
    "burglary_theft": (
        "money.unexplained_goods",
        "behaviour.slang_aggression",
        "movement.far_from_home",
    ),
    "cannabis_cultivation": (
        "movement.tickets_keys",
        "relationships.older_controlling",
        "school.truancy",
        "relationships.secrecy",
    ),
    "violence_on_command": (
        "behaviour.weapons_paraphernalia",
        "behaviour.fear_tension",
        "online.image_blackmail",
        "behaviour.slang_aggression",
    ),
}

#: National organisations for anonymous help (shared by all municipalities).
NATIONAL_ANONYMOUS = ("Meld Misdaad Anoniem", "De Kindertelefoon")


def organisations(source_type: str, m: Municipality, age: int | None = None) -> tuple[str, ...]:
    """The small fixed set of organisations of ``source_type`` in municipality ``m``.

    For schools the set depends on the age of the young person (primary school under 12,
    secondary school 12-17, vocational college (ROC) from 16 on).
    """
    d = m.display
    if source_type == "police":
        return (f"Politie eenheid {m.police_unit}", f"Politie basisteam {d}")
    if source_type == "municipality":
        return (f"Gemeente {d}", f"Zorg- en Veiligheidshuis {d}")
    if source_type == "youth_care":
        return (f"Jeugdzorg {d}", f"Wijkteam Jeugd {d}", f"Veilig Thuis {d}")
    if source_type == "school":
        secondary = (f"OSG {d}-Zuid", f"Scholengemeenschap {d}-West", f"Praktijkschool {d}")
        primary = (f"Basisschool De Horizon {d}", f"Basisschool De Regenboog {d}")
        if age is None:
            return (*primary, *secondary, f"ROC {d}")
        if age < 12:
            return primary
        if age < 16:
            return secondary
        if age < 18:
            return (*secondary, f"ROC {d}")
        return (f"ROC {d}",)
    if source_type == "health_care":
        return (m.ggd, f"Huisartsenpraktijk {d}-Centrum", f"GGZ Jeugd {d}")
    if source_type == "shelter":
        return (f"Jongerenopvang {d}", f"Crisisopvang {d}")
    if source_type == "anonymous_help":
        return (*NATIONAL_ANONYMOUS, f"Jongerenlijn {d}")
    raise ValueError(f"unknown source type {source_type!r}")
