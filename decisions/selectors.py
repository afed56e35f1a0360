"""Reads of the office's pages (decisions/views.py), built on referrals/scoping.py: every
queryset here is limited to the cases the user may see (visible_case_q, visible_referrals), or
to the user's own notifications.

Names follow ``<entity>_<verb>`` (STYLE.md).
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from decisions.models import (
    Appeal,
    Deadline,
    DeadlineFlag,
    Decision,
    DeliveryWeek,
    Makeup,
    Notification,
    ProvisionalReply,
)
from referrals import states
from referrals.scoping import CASE_ROLES, headed_unit_ids, visible_case_q, visible_referrals
from teams.models import Role
from teams.scoping import has_role, user_roles

DEADLINE_KINDS = dict(Deadline._meta.get_field("kind").choices)


def deadline_worklist_keys(user, kind: str = "") -> QuerySet[Deadline]:
    """Every flagged, still unmet deadline of the cases the user may see: overdue first
    (earliest due). ``kind`` one of DEADLINE_KINDS narrows it; anything else is ignored."""
    # EXISTS, not a join on flags with DISTINCT: no de-duplication of wide rows. The cases the
    # user may see, tested on the deadline's own copy of its case's unit (visible_case_q,
    # deadline_open_unit): only the office's units' unmet deadlines are read, not every
    # municipality's each looked up in its case (bench/plans, 1,000,000 cases: 716 → 276 ms).
    flagged = Exists(DeadlineFlag.objects.filter(deadline=OuterRef("pk")))
    rows = (
        Deadline.objects.unmet()
        .filter(flagged, visible_case_q(user, advisor="referral__advisor"))
        .order_by("due_on", "pk")
    )
    if kind in DEADLINE_KINDS:
        rows = rows.filter(kind=kind)
    return rows


def deadline_worklist_rows() -> QuerySet[Deadline]:
    """The worklist page's rows, fetched by the keys deadline_worklist_keys found (so without
    repeating the filters the keys came through)."""
    return Deadline.objects.select_related(
        "referral__child", "referral__unit", "referral__advisor"
    ).prefetch_related(
        Prefetch("flags", queryset=DeadlineFlag.objects.select_related("acknowledged_by"))
    )


def flag_visible_to(user) -> QuerySet[DeadlineFlag]:
    return DeadlineFlag.objects.select_related("deadline__referral__unit").filter(
        deadline__referral__in=visible_referrals(user).values("pk")
    )


def appeal_visible_to(user) -> QuerySet[Appeal]:
    return Appeal.objects.select_related("decision__referral").filter(
        decision__referral__in=visible_referrals(user).values("pk")
    )


def notification_inbox(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-day", "-pk")


def notification_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def case_clock_rows(referral) -> dict:
    """The case clock tab's lists for a case already fetched through referrals.scoping."""
    return {
        "deadlines": list(Deadline.objects.filter(referral=referral).order_by("due_on")),
        "decisions": list(
            Decision.objects.filter(referral=referral)
            .select_related("decided_by")
            .prefetch_related("appeals")
        ),
        "replies": list(
            ProvisionalReply.objects.filter(referral=referral).select_related("registered_by")
        ),
    }


# --- help delivered (issue 18, decisions/delivery.py) -------------------------------------------
# Who sees a running vedtak's delivery page: the spesialpedagog of its municipality and the
# styrer of its unit (they register the help given), the office and the advisor who see the
# case (read-only; the office records etterlevering). Anyone else: 404.


def _specialist_municipality_ids(user) -> list[int]:
    return sorted(
        {
            role.municipality_id
            for role in user_roles(user)
            if role.kind == Role.Kind.SPECIAL_EDUCATOR and role.municipality_id
        }
    )


def _giver_q(user) -> Q | None:
    """The vedtak the user gives help under: the spesialpedagog's municipality's, the
    styrer's own units' (on the decision's copy of its case's scope). No query."""
    q = None
    if municipalities := _specialist_municipality_ids(user):
        q = Q(municipality_id__in=municipalities)
    if units := headed_unit_ids(user):
        unit_q = Q(unit_id__in=units)
        q = unit_q if q is None else q | unit_q
    return q


def _running(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    return queryset.filter(
        superseded=False,
        outcome__in=(Decision.Outcome.GRANTED, Decision.Outcome.PARTLY),
        help_started_on__isnull=False,
        referral__status__in=states.ACTIONS["deliver"].starts_from,
    )


def delivery_caseload(user) -> QuerySet[Decision]:
    """ "Mine vedtak": the running vedtak the user gives help under, with their case, child and
    unit (for the list), by unit and child."""
    q = _giver_q(user)
    if q is None:
        return Decision.objects.none()
    return (
        _running(Decision.objects.filter(q))
        .select_related("referral__child", "referral__unit")
        # By unit and vedtak: the order of decision_running, so a page is read in index order
        # (sorting a large municipality's running vedtak by names cost 200 ms at 100,000).
        .order_by("unit_id", "pk")
    )


def can_register_delivery(user, decision: Decision) -> bool:
    return decision.municipality_id in _specialist_municipality_ids(
        user
    ) or decision.unit_id in headed_unit_ids(user)


def delivery_decision_for(user, pk) -> Decision:
    """A vedtak's delivery page: 404 unless the user gives help under it or sees its case."""
    q = _giver_q(user)
    if has_role(user, *CASE_ROLES):
        case_q = visible_case_q(user, advisor="referral__advisor")
        q = case_q if q is None else q | case_q
    if q is None:
        raise Http404
    return get_object_or_404(
        Decision.objects.filter(q).select_related("referral__child", "referral__unit"),
        pk=pk,
        superseded=False,
    )


def delivery_weeks(decision: Decision) -> QuerySet[DeliveryWeek]:
    return DeliveryWeek.objects.filter(decision=decision).order_by("-week_start")


def delivery_week_for(user, pk) -> DeliveryWeek:
    """A registered week the user may correct (404 otherwise)."""
    q = _giver_q(user)
    if q is None:
        raise Http404
    ids = Decision.objects.filter(q).values("pk")
    return get_object_or_404(
        DeliveryWeek.objects.select_related("decision"), pk=pk, decision_id__in=ids
    )


def makeups_of(decision: Decision) -> QuerySet[Makeup]:
    return Makeup.objects.filter(decision=decision).select_related("recorded_by")


def current_decision_of(referral) -> Decision | None:
    """The case's current vedtak (for the case page's decided-against-delivered table)."""
    return Decision.objects.filter(referral=referral, superseded=False).first()
