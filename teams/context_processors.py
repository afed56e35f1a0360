from teams.scoping import role_kinds


def navigation(request):
    """The role kinds of the logged-in user, so base.html shows each role what it may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    return {"nav_roles": role_kinds(user)}
