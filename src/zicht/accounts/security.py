"""Glue between django-axes and the two-factor login wizard."""


def axes_username(request, credentials):
    """The wizard posts ``auth-username``; ``authenticate()`` receives ``username``.

    Axes looks in one place only, so give it whichever is present.
    """
    if credentials and credentials.get("username"):
        return credentials["username"]
    if request is not None and hasattr(request, "POST"):
        return request.POST.get("auth-username") or request.POST.get("username")
    return None
