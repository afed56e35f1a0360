from teams.scoping import heads_school, role_kinds


def navigation(request):
    """The role kinds of the logged-in user, so base.html shows each role what it may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set(), "nav_rektor": False}
    # nav_rektor: a styrer/rektor of a school (issue 19: the pupils' pages)
    return {"nav_roles": role_kinds(user), "nav_rektor": heads_school(user)}
