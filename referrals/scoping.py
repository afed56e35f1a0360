"""Which children and cases a user may see, built on teams.scoping: the only way views and
other apps reach a Referral or a Child.

- advisor: cases of the units in their areas (every unit their PPT office serves when not
  limited), and any case assigned to them;
- unit_head (styrer/rektor): cases and children of their own units only;
- office (barnehagekontoret): every case of its municipality for its kind of unit;
- director and admin: no names at all (the dashboard shows aggregates only);
- anyone else: nothing.

Invisible is 404 (no existence leak); visible but not allowed to act is 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from referrals.models import Child, Guardian, Referral
from teams.models import Role
from teams.scoping import has_role, user_roles, visible_units

CASE_ROLES = (Role.Kind.ADVISOR, Role.Kind.UNIT_HEAD, Role.Kind.OFFICE)


def _case_units(user):
    return visible_units(user, roles=CASE_ROLES)


def visible_referrals(user) -> QuerySet[Referral]:
    if not has_role(user, *CASE_ROLES):
        return Referral.objects.none()
    q = Q(unit__in=_case_units(user).values("pk"))
    if has_role(user, Role.Kind.ADVISOR):
        q |= Q(advisor=user)
    return Referral.objects.filter(q)


def visible_children(user) -> QuerySet[Child]:
    if not has_role(user, *CASE_ROLES):
        return Child.objects.none()
    return Child.objects.filter(
        Q(unit__in=_case_units(user).values("pk"))
        | Q(pk__in=visible_referrals(user).values("child_id"))
    )


def can_work_on_cases(user) -> bool:
    """PP-rådgivere register children, referrals, consent and assessments."""
    return has_role(user, Role.Kind.ADVISOR)


def registration_units(user):
    """Units an advisor may register a child or a referral in."""
    return visible_units(user, roles=(Role.Kind.ADVISOR,))


def get_referral_for_user(user, pk, *, write: bool = False, queryset=None) -> Referral:
    referral = get_object_or_404(
        queryset if queryset is not None else visible_referrals(user), pk=pk
    )
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return referral


def get_child_for_user(user, pk, *, write: bool = False) -> Child:
    child = get_object_or_404(visible_children(user), pk=pk)
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return child


def get_guardian_for_user(user, pk, *, write: bool = False) -> Guardian:
    """A guardian is visible exactly when their child is."""
    guardian = get_object_or_404(
        Guardian.objects.select_related("child"),
        pk=pk,
        child__in=visible_children(user).values("pk"),
    )
    if write and not can_work_on_cases(user):
        raise PermissionDenied
    return guardian


def can_decide(user, referral: Referral) -> bool:
    """The kindergarten office (or the school's decision-maker) decides for the cases of its
    municipality and kind of unit: vedtak, foreløpig svar, klage, hjelp startet."""
    return any(
        role.kind == Role.Kind.OFFICE
        and role.municipality_id == referral.municipality_id
        and role.unit_kind in ("", referral.unit.kind)
        for role in user_roles(user)
    )


def get_referral_for_decision(user, pk) -> Referral:
    """A case the user may see (else 404) and decide on (else 403)."""
    referral = get_object_or_404(visible_referrals(user).select_related("unit", "child"), pk=pk)
    if not can_decide(user, referral):
        raise PermissionDenied
    return referral
