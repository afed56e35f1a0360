"""Reads for the referrals a kindergarten or school writes itself (issue 19, item 4), built on
referrals/scoping.py: the only way the unit's and PPT's pages reach these cases.

- A styrer or rektor (UNIT_HEAD) sees the referrals their own units wrote (Source.UNIT), in
  every state, and starts one for a child who is at one of their units now; anything else is
  a 404 (another unit's child or referral, an administrator's included).
- PPT (PP-rådgivere and the PP-leder) sees the referrals that have arrived: sent by a unit of
  a municipality their office serves (Referral.sent_on set) and not yet received (still a
  draft: referrals.services.referral_submit receives it and starts the clock).
"""

from django.db.models import F, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.sql import EqualsAny, Ids
from referrals import states
from referrals.models import Child, Referral
from referrals.scoping import headed_unit_ids, visible_children, visible_referrals
from teams.models import Role
from teams.scoping import user_roles

# The roles that receive what a unit sends: the office's advisors and its leader.
PPT_ROLES = (Role.Kind.ADVISOR, Role.Kind.PPT_LEADER)


def unit_referrals(user) -> QuerySet[Referral]:
    """The referrals the user's own units wrote (drafts, sent, received), newest first: one
    query with the child, the class and the unit (the list's constant query count)."""
    unit_ids = headed_unit_ids(user)
    if not unit_ids:
        return Referral.objects.none()
    return (
        visible_referrals(user)
        .filter(EqualsAny(F("unit_id"), Ids(unit_ids)), source=Referral.Source.UNIT)
        .select_related("child", "child__school_class", "unit")
        .order_by("-created_at", "-pk")
    )


def get_unit_referral_for_user(user, pk) -> Referral:
    """A referral of the user's own units (else 404)."""
    return get_object_or_404(unit_referrals(user), pk=pk)


def unit_children(user) -> QuerySet[Child]:
    """The children and pupils at the user's own units now, by class and name: whom a styrer
    or rektor may refer."""
    unit_ids = headed_unit_ids(user)
    if not unit_ids:
        return Child.objects.none()
    return (
        visible_children(user)
        .filter(EqualsAny(F("unit_id"), Ids(unit_ids)))
        .select_related("unit", "school_class")
        .order_by("unit__name", "school_class__trinn", "school_class__name", "last_name", "pk")
    )


def get_unit_child_for_user(user, pk) -> Child:
    """A child the user sees and who is at one of their units now (else 404)."""
    if pk is None:
        raise Http404
    return get_object_or_404(unit_children(user), pk=pk)


def ppt_municipality_ids(user) -> list[int]:
    """The municipalities the user's PPT office(s) serve, through an advisor's or the
    PP-leder's role (from the roles read once per request: no query). An advisor limited to
    areas still receives for the whole office: the arrivals are the office's post."""
    ids: set[int] = set()
    for role in user_roles(user):
        if role.kind in PPT_ROLES:
            ids.update(role.office_municipality_ids or ())
    return sorted(ids)


def arrived_referrals(user) -> QuerySet[Referral]:
    """PPT's arrivals: referrals a unit has sent and PPT has not yet received, the longest
    waiting first, with the child, the class, the unit and the municipality (one query)."""
    municipality_ids = ppt_municipality_ids(user)
    if not municipality_ids:
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            EqualsAny(F("municipality_id"), Ids(municipality_ids)),
            source=Referral.Source.UNIT,
            status=states.Status.DRAFT,
            sent_on__isnull=False,
        )
        .select_related("child", "child__school_class", "unit", "municipality", "created_by")
        .order_by("sent_on", "pk")
    )


def get_arrived_referral_for_user(user, pk) -> Referral:
    """A referral of the user's PPT office's municipalities that a unit sent: any state after
    sending (a second click on "Motta" finds it received). Else 404."""
    municipality_ids = ppt_municipality_ids(user)
    if not municipality_ids:
        raise Http404
    return get_object_or_404(
        Referral.objects.filter(
            EqualsAny(F("municipality_id"), Ids(municipality_ids)),
            source=Referral.Source.UNIT,
            sent_on__isnull=False,
        ).select_related("child", "unit"),
        pk=pk,
    )


def can_receive(user) -> bool:
    return bool(ppt_municipality_ids(user))
