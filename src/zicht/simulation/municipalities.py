"""The municipalities the simulation knows: the 15 "Preventie met Gezag" (PmG) municipalities.

Codes and official names are CBS municipality codes as in the project's reference list of
Dutch municipalities (copied here so the package has no run-time dependency on it).
``inhabitants`` are approximate numbers of inhabitants (about 2024, rounded to thousands);
they only set the relative share of the hidden population per municipality. For the PmG
area "Breda-Noord" the whole municipality of Breda is used; for "Zaandam" the municipality of
Zaanstad.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Municipality:
    code: str  #: CBS code, e.g. ``GM0599``
    name: str  #: official CBS name, e.g. ``'s-Gravenhage``
    display: str  #: common name used in organisation names, e.g. ``Den Haag``
    inhabitants: int  #: approximate inhabitants, used as a relative weight
    safety_region: str  #: code of the safety region (veiligheidsregio)
    police_unit: str  #: the regional police unit (politie-eenheid)
    ggd: str  #: the regional public health service (GGD) name
    aliases: tuple[str, ...] = ()


_M = Municipality
#: The 15 PmG municipalities, keyed by CBS code, in the order of the PmG list.
MUNICIPALITIES: dict[str, Municipality] = {
    m.code: m
    for m in (
        _M("GM0363", "Amsterdam", "Amsterdam", 932_000, "VR13", "Amsterdam", "GGD Amsterdam"),
        _M("GM0995", "Lelystad", "Lelystad", 83_000, "VR25", "Midden-Nederland", "GGD Flevoland"),
        _M(
            "GM0479",
            "Zaanstad",
            "Zaanstad",
            162_000,
            "VR11",
            "Noord-Holland",
            "GGD Zaanstreek-Waterland",
            ("zaandam",),
        ),
        _M("GM0606", "Schiedam", "Schiedam", 81_000, "VR17", "Rotterdam", "GGD Rotterdam-Rijnmond"),
        _M(
            "GM0599",
            "Rotterdam",
            "Rotterdam",
            671_000,
            "VR17",
            "Rotterdam",
            "GGD Rotterdam-Rijnmond",
        ),
        _M(
            "GM0518",
            "'s-Gravenhage",
            "Den Haag",
            563_000,
            "VR15",
            "Den Haag",
            "GGD Haaglanden",
            ("den haag", "s-gravenhage", "the hague"),
        ),
        _M(
            "GM0344", "Utrecht", "Utrecht", 374_000, "VR09", "Midden-Nederland", "GGD regio Utrecht"
        ),
        _M(
            "GM0356",
            "Nieuwegein",
            "Nieuwegein",
            65_000,
            "VR09",
            "Midden-Nederland",
            "GGD regio Utrecht",
        ),
        _M("GM0014", "Groningen", "Groningen", 238_000, "VR01", "Noord-Nederland", "GGD Groningen"),
        _M(
            "GM0772",
            "Eindhoven",
            "Eindhoven",
            246_000,
            "VR22",
            "Oost-Brabant",
            "GGD Brabant-Zuidoost",
        ),
        _M(
            "GM0202", "Arnhem", "Arnhem", 166_000, "VR07", "Oost-Nederland", "GGD Gelderland-Midden"
        ),
        _M(
            "GM0855",
            "Tilburg",
            "Tilburg",
            227_000,
            "VR20",
            "Zeeland-West-Brabant",
            "GGD Hart voor Brabant",
        ),
        _M(
            "GM0758",
            "Breda",
            "Breda",
            187_000,
            "VR20",
            "Zeeland-West-Brabant",
            "GGD West-Brabant",
            ("breda-noord", "breda noord"),
        ),
        _M("GM0080", "Leeuwarden", "Leeuwarden", 127_000, "VR02", "Noord-Nederland", "GGD Fryslân"),
        _M("GM0917", "Heerlen", "Heerlen", 87_000, "VR24", "Limburg", "GGD Zuid Limburg"),
    )
}

#: CBS codes of the 15 PmG municipalities (the default selection).
PMG_CODES: tuple[str, ...] = tuple(MUNICIPALITIES)


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("’", "'").split())


_LOOKUP: dict[str, str] = {}
for _m in MUNICIPALITIES.values():
    for _k in (_m.code, _m.code[2:], _m.name, _m.display, *_m.aliases):
        _LOOKUP[_key(_k)] = _m.code


def resolve_municipality(value: str) -> str:
    """The CBS code for a code (``GM0599`` or ``0599``), CBS name, common name or alias.

    Raises ``ValueError`` (one line, listing the accepted names) when unknown.
    """
    code = _LOOKUP.get(_key(value))
    if code is None:
        names = ", ".join(m.display for m in MUNICIPALITIES.values())
        raise ValueError(
            f"unknown municipality {value.strip()!r}; choose from the PmG municipalities "
            f"(name or CBS code): {names}"
        )
    return code


def resolve_municipalities(values: str | Iterable[str]) -> tuple[str, ...]:
    """Resolve a comma-separated string or an iterable of names/codes to unique CBS codes."""
    items = values.split(",") if isinstance(values, str) else list(values)
    items = [v for v in items if v.strip()]
    if not items:
        raise ValueError("no municipalities given")
    codes: list[str] = []
    for item in items:
        code = resolve_municipality(item)
        if code not in codes:
            codes.append(code)
    return tuple(codes)
