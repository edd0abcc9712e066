from django import template

from zicht.coordination import permissions
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


@register.filter
def coordinates(membership) -> bool:
    """For the navigation: the member works the coordination inbox."""
    return permissions.is_coordinator(membership)


@register.filter
def provides_care(membership) -> bool:
    """For the navigation: the member's organisation receives care referrals."""
    return permissions.is_provider(membership)
