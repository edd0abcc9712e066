from django import template

from zicht.coordination.timeline import describe

register = template.Library()


@register.filter
def timeline_text(entry):
    return describe(entry)


@register.filter
def referrer_text(entry):
    return describe(entry, for_referrer=True)


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
