"""Reads of the office's pages (decisions/views.py), built on referrals/scoping.py: every
queryset here is limited to the cases the user may see (visible_case_q, visible_referrals), or
to the user's own notifications.

Names follow ``<entity>_<verb>`` (STYLE.md).
"""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from decisions.models import (
    Appeal,
    Deadline,
    DeadlineFlag,
    Decision,
    Notification,
    ProvisionalReply,
)
from referrals.scoping import visible_case_q, visible_referrals

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
