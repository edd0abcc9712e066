"""Numbers as the reader of the page expects them: thousand separators and a decimal comma
in Dutch ("2.805", "1,5"), a comma and a decimal point in English ("2,805", "1.5").

One function for the sentence, the tiles, the tables and the charts, so the same count
never reads "2.805" in one place and "2805" in another. Published strings ("<10", "x",
"—") pass through unchanged.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import get_language

__all__ = ["csv_delimiter", "number", "signed", "spreadsheet_value"]


def number(value, decimals: int = 0) -> str:
    """``value`` formatted for the active language; a string (a suppressed cell) as is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if decimals == 0:
        value = round(value)
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def signed(value, decimals: int = 0, suffix: str = "") -> str:
    """A change with its sign: "+12", "−3" (a real minus sign), "0"."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    text = number(abs(value), decimals) + suffix
    if round(value, decimals) > 0:
        return "+" + text
    if round(value, decimals) < 0:
        return "\u2212" + text
    return text


def _dutch() -> bool:
    return (get_language() or "nl").startswith("nl")


def csv_delimiter() -> str:
    """Dutch Excel splits a CSV on ";" (the comma is its decimal separator)."""
    return ";" if _dutch() else ","


def spreadsheet_value(value):
    """A CSV cell: whole numbers without grouping (Excel reads them as numbers in both
    languages), fractions with the reader's decimal separator."""
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        return text.replace(".", ",") if _dutch() else text
    if isinstance(value, float):
        return int(value)
    return value
