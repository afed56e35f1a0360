"""Who sees which ressursteam, built on teams.scoping (the one place roles become scope).

- the PP-rådgiver sees the teams of the units in their areas (teams.scoping.visible_units
  through the advisor role) and the unit head (styrer/rektor) those of their own units: their
  members, meetings, anonymous consultations and follow-up; both may write them;
- system work is registered by PP-rådgivere only;
- the director (kommunalsjef) and the PPT leader see counts only (ressursteam_counts);
- everyone else: 404.

Named consultations are not here: they name a child and live in referrals (referrals.scoping).
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from teams.models import Role, Unit
from teams.ressursteam_models import FollowUp, Meeting, SystemWork
from teams.scoping import has_role, visible_units

TEAM_ROLES = (Role.Kind.ADVISOR, Role.Kind.UNIT_HEAD)
COUNT_ROLES = (Role.Kind.DIRECTOR, Role.Kind.PPT_LEADER)


def team_units(user) -> QuerySet[Unit]:
    """Units whose ressursteam the user works in."""
    return visible_units(user, roles=TEAM_ROLES)


def can_see_teams(user) -> bool:
    return has_role(user, *TEAM_ROLES)


def can_see_counts(user) -> bool:
    return has_role(user, *COUNT_ROLES)


def count_units(user) -> QuerySet[Unit]:
    """Units whose ressursteam the director or PPT leader sees counted (never read)."""
    return visible_units(user, roles=COUNT_ROLES)


def can_register_system_work(user) -> bool:
    return has_role(user, Role.Kind.ADVISOR)


def system_work_units(user) -> QuerySet[Unit]:
    return visible_units(user, roles=(Role.Kind.ADVISOR,))


def get_team_unit(user, pk) -> Unit:
    return get_object_or_404(team_units(user).select_related("municipality", "area"), pk=pk)


def visible_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(unit__in=team_units(user).values("pk"))


def get_meeting_for_user(user, pk) -> Meeting:
    return get_object_or_404(
        visible_meetings(user).select_related("unit", "unit__municipality", "created_by"), pk=pk
    )


def get_follow_up_for_user(user, pk) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.select_related("meeting"),
        pk=pk,
        meeting__unit__in=team_units(user).values("pk"),
    )


def visible_system_work(user) -> QuerySet[SystemWork]:
    """The system work of the units the user's teams cover (advisor and unit head)."""
    return SystemWork.objects.filter(unit__in=team_units(user).values("pk"))
