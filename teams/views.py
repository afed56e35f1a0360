from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from teams.scoping import roles_with_details, visible_municipalities, visible_units


@login_required
def home(request):
    """The user's home page: their roles, and the municipalities and units they work with."""
    roles = roles_with_details(request.user)
    units = (
        visible_units(request.user)
        .select_related("municipality", "area")
        .order_by("municipality__name", "area__name", "name")
    )
    return render(
        request,
        "teams/home.html",
        {
            "roles": roles,
            "municipalities": visible_municipalities(request.user),
            "units": units[:200],
            "unit_count": units.count(),
        },
    )
