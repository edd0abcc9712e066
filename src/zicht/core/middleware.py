"""Response headers that Django and django-csp do not set themselves."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PermissionsPolicyMiddleware:
    """Add a Permissions-Policy header that disables browser features Zicht never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# URL namespaces whose pages show personal data (signals, matches, coordination files, help
# conversations, exports, the audit log, members and API keys, the partner API) and the
# named pages outside them that do (the home page's "waiting for you", the two-factor pages).
NO_STORE_NAMESPACES = frozenset(
    {
        "intake",
        "linkage",
        "coordination",
        "help",
        "insight",
        "monitor",
        "audit",
        "accounts",
        "api",
        "admin",
    }
)
NO_STORE_URL_NAMES = frozenset({"portal:home"})
NO_STORE_URL_NAME_PREFIXES = ("login", "two_factor")


def shows_personal_data(request) -> bool:
    """Whether the view that answered ``request`` shows personal data (by its URL name)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    if NO_STORE_NAMESPACES & set(match.namespaces):
        return True
    name = match.view_name or ""
    return name in NO_STORE_URL_NAMES or name.startswith(NO_STORE_URL_NAME_PREFIXES)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's ``add_never_cache_headers``) on every page that
    shows personal data, so neither the browser nor a proxy keeps a copy: the back button
    on a shared computer after logging out shows nothing. One list of namespaces here
    rather than a decorator on each view, so a new view in those apps is covered at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if shows_personal_data(request):
            add_never_cache_headers(response)
        return response
