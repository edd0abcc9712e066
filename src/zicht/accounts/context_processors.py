from zicht.accounts import selectors


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "active_membership": getattr(request, "membership", None),
        "user_memberships": selectors.memberships_for(user=user),
    }
