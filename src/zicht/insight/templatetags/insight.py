from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """The published value of ``key`` in a comparison table, 0 when it has no row."""
    return mapping.get(key, 0) if hasattr(mapping, "get") else ""
