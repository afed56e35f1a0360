"""Reads of the office's pages (decisions/views.py), built on referrals/scoping.py: every
queryset here is limited to the cases the user may see (visible_case_q, visible_referrals), or
to the user's own notifications.

Names follow ``<entity>_<verb>`` (STYLE.md).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
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
from referrals.clock import DeadlineKind
from referrals.models import Referral
from referrals.scoping import CASE_ROLES, headed_unit_ids, visible_case_q, visible_referrals
from teams.models import Role, User
from teams.scoping import has_role, user_roles, visible_units

DEADLINE_KINDS = dict(Deadline._meta.get_field("kind").choices)


# The worklist's pseudo-kind: cases whose sakkyndig vurdering is finished, waiting for the
# office's vedtak (status ASSESSED), flagged or not.
READY = "klar"


@dataclass(frozen=True)
class WorklistFilter:
    """The worklist's filters, already checked against the user's choices (views)."""

    unit: int | None = None
    area: int | None = None
    advisor: int | str | None = None  # a user's pk, or NO_ADVISOR
    kind: str = ""  # a DeadlineKind, READY, or "" for all


NO_ADVISOR = "ingen"


def _open_flagged_cases(user, **extra) -> QuerySet[Deadline]:
    """The cases (referral ids) with a flagged, unmet deadline, read from the office's units'
    open deadlines (the partial index deadline_open_unit: the open work, not the archive)."""
    flagged = Exists(DeadlineFlag.objects.filter(deadline=OuterRef("pk")))
    return (
        Deadline.objects.unmet()
        .filter(flagged, visible_case_q(user, advisor="referral__advisor"), **extra)
        .order_by()
        .values("referral_id")
    )


def worklist_case_keys(user, f: WorklistFilter = WorklistFilter()) -> QuerySet[Referral]:
    """One row per case of the office's (user's) cases that needs the office: a flagged,
    unmet deadline, or an assessment finished and no vedtak yet ("Klar for vedtak", shown
    at once, not only when the morning job flags its deadline). Most urgent first: the
    earliest due date of the case's unmet deadlines (an overdue one is the earliest).

    The flagged cases are ``pk IN (the open deadlines' cases)``: one pass over the office's
    open deadlines, hashed, rather than a lookup of deadlines for every case of its units."""
    first_due = (
        Deadline.objects.unmet().filter(referral=OuterRef("pk")).order_by("due_on").values("due_on")
    )[:1]
    cases = (
        Referral.objects.filter(visible_case_q(user))
        # status IN (not closed), not NOT IN (closed): the first is the predicate of the
        # covering partial index referral_open_unit (an index-only scan; at 1,000,000 cases
        # the NOT IN read 38,000 heap pages of closed cases: 304 → 87 ms, bench/plans)
        .filter(status__in=states.NOT_CLOSED)
        .filter(Q(status=states.Status.ASSESSED) | Q(pk__in=_open_flagged_cases(user)))
    )
    if f.unit is not None:
        cases = cases.filter(unit_id=f.unit)
    if f.area is not None:
        cases = cases.filter(unit__area_id=f.area)
    if f.advisor == NO_ADVISOR:
        cases = cases.filter(advisor__isnull=True)
    elif f.advisor is not None:
        cases = cases.filter(advisor_id=f.advisor)
    if f.kind == READY:
        cases = cases.filter(status=states.Status.ASSESSED)
    elif f.kind in DEADLINE_KINDS:
        cases = cases.filter(pk__in=_open_flagged_cases(user, kind=f.kind))
    return cases.annotate(urgent_on=Subquery(first_due)).order_by(
        F("urgent_on").asc(nulls_last=True), "pk"
    )


def worklist_case_rows() -> QuerySet[Referral]:
    """The worklist page's cases, fetched by the keys worklist_case_keys found: each with its
    unmet deadlines (earliest first, as ``open_deadlines``) and their flags."""
    return Referral.objects.select_related("child", "unit__area", "advisor").prefetch_related(
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.unmet()
            .order_by("due_on", "pk")
            .prefetch_related(
                Prefetch("flags", queryset=DeadlineFlag.objects.select_related("acknowledged_by"))
            ),
            to_attr="open_deadlines",
        )
    )


def provisional_reply_due(user, *, today, days: int = 7) -> QuerySet[Referral]:
    """The office's open cases whose next deadline is the foreløpig svar (forvaltningsloven
    § 11 a), due within ``days`` of ``today`` or overdue: the worklist's "foreløpig svar for
    saker med frist denne uka" (documents' letter batch). Read from the case's stored next
    deadline (referral_set_next_deadline), in the worklist's scope."""
    return (
        Referral.objects.filter(visible_case_q(user))
        .filter(status__in=states.NOT_CLOSED)
        .filter(
            next_deadline_kind=DeadlineKind.PROVISIONAL_REPLY,
            next_deadline_on__lte=today + timedelta(days=days),
        )
        .order_by("next_deadline_on", "pk")
    )


@dataclass
class WorklistChoices:
    units: list[tuple[int, str]]
    areas: list[tuple[int, str]]
    advisors: list[tuple[int, str]]


def worklist_choices(user) -> WorklistChoices:
    """What the filters offer: the office's units and their areas (one query), and the
    advisors serving its municipalities (one query)."""
    units = visible_units(user, roles=(Role.Kind.OFFICE,))
    rows = list(units.order_by("name", "pk").values_list("pk", "name", "area_id", "area__name"))
    areas = sorted({(area, name) for _pk, _unit, area, name in rows if area}, key=lambda a: a[1])
    advisors = (
        User.objects.filter(
            roles__kind=Role.Kind.ADVISOR,
            roles__ppt_office__municipalities__in=units.values("municipality_id"),
        )
        .distinct()
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "email")
    )
    return WorklistChoices(
        units=[(pk, name) for pk, name, _area, _area_name in rows],
        areas=areas,
        advisors=[(pk, name or email) for pk, name, email in advisors],
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
