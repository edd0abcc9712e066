"""The indicator catalogue as data: versioned, with an explanation per item."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_catalogue_file(version: int) -> dict:
    return json.loads((DATA_DIR / f"catalogue_v{version}.json").read_text(encoding="utf-8"))


def _text(labels: dict) -> str:
    lang = (get_language() or "nl")[:2]
    return labels.get(lang) or labels.get("nl") or next(iter(labels.values()))


def localised_groups(data: dict) -> list[dict]:
    """Groups with items, labels and explanations in the active language."""
    return [
        {
            "code": group["code"],
            "label": _text(group["label"]),
            "risk_factor": group.get("risk_factor", False),
            "items": [
                {
                    "code": item["code"],
                    "label": _text(item["label"]),
                    "explanation": _text(item["explanation"]),
                }
                for item in group["items"]
            ],
        }
        for group in data["groups"]
    ]


def item_codes(data: dict) -> set[str]:
    return {item["code"] for group in data["groups"] for item in group["items"]}


def labels_for(data: dict, codes: list[str]) -> list[str]:
    lookup = {
        item["code"]: _text(item["label"]) for group in data["groups"] for item in group["items"]
    }
    return [lookup.get(code, code) for code in codes]
