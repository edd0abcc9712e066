"""Language switching that works both ways.

Django's ``set_language`` translates ``next`` by resolving it in the language of the
switch request itself; with ``prefix_default_language=False`` that request is Dutch, so a
``/en/...`` address does not resolve and the visitor stays in English. Handing it the
address without its language prefix makes both directions resolve.
"""

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def without_language_prefix(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path
