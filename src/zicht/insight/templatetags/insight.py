from django import template

from zicht.insight.numbers import number

register = template.Library()


@register.filter
def get_item(mapping, key):
    """The published value of ``key`` in a comparison table, 0 when it has no row."""
    return mapping.get(key, 0) if hasattr(mapping, "get") else ""


@register.filter
def num(value, decimals=0):
    """A number in the reader's format ("2.805" in Dutch, "2,805" in English); a
    suppressed cell ("<10", "x") as is."""
    return number(value, int(decimals))


@register.filter
def num_or_text(value):
    """A count or a median in the reader's format (one decimal for a float); text as is."""
    if isinstance(value, float):
        return number(value, 1)
    return number(value)
