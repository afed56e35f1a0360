"""The morning job: detect deadlines that need the office's attention, then deliver digests.

Detect and deliver are separate steps (STYLE.md "Jobs"). The database decides what is due and
who owns it; Celery only triggers and retries.

- detect(today): one indexed query for unmet, unpaused deadlines whose warning date has come;
  one DeadlineFlag per (deadline, level) and one digest Notification per office user per day,
  both under unique constraints, so a second run, or two at once, adds nothing.
- deliver(notification_id): claims the row with a conditional UPDATE (pending → sending) and
  sends only if exactly one row changed; re-checks that something is still due (a deadline met
  between detect and send sends nothing); on failure the row goes back to pending for a retry.
- sweep(): a row stuck in "sending" (a worker died mid-send) goes back to pending.
"""

import logging
import socket
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from decisions.models import Deadline, DeadlineFlag, Notification
from teams.models import Role, TaskRun

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STUCK_AFTER = timedelta(minutes=15)
DIGEST = "deadline_digest"
DIGEST_ROWS = 25


@dataclass
class Detected:
    deadlines: int = 0
    flags_created: int = 0
    notification_ids: list[int] = field(default_factory=list)


def _recipients(municipality_ids: set[int]) -> list[Role]:
    return list(
        Role.objects.filter(
            kind=Role.Kind.OFFICE, municipality_id__in=municipality_ids, user__is_active=True
        )
    )


def open_flags():
    """Flags whose deadline is still unmet and running: what a digest or the worklist shows."""
    return DeadlineFlag.objects.filter(deadline__met_on__isnull=True, deadline__paused=False)


@transaction.atomic
def detect(today: date) -> Detected:
    # One range scan on the partial index deadline_open_warn_on: cost follows the due work.
    due = list(
        Deadline.objects.unmet()
        .filter(warn_on__lte=today)
        .values_list("pk", "due_on", "referral__municipality_id", "referral__unit__kind")
    )
    result = Detected(deadlines=len(due))
    if not due:
        _record_run(today, result)
        return result
    flags = [
        DeadlineFlag(
            deadline_id=pk,
            flagged_on=today,
            level=DeadlineFlag.Level.OVERDUE if due_on < today else DeadlineFlag.Level.APPROACHING,
        )
        for pk, due_on, _m, _k in due
    ]
    before = DeadlineFlag.objects.filter(deadline_id__in=[f.deadline_id for f in flags]).count()
    DeadlineFlag.objects.bulk_create(flags, ignore_conflicts=True)
    flag_rows = list(
        DeadlineFlag.objects.filter(deadline_id__in=[f.deadline_id for f in flags]).values_list(
            "pk", "deadline_id", "level"
        )
    )
    result.flags_created = len(flag_rows) - before
    # The digest shows each deadline once, at its most urgent level.
    best: dict[int, tuple[int, str]] = {}
    for pk, deadline_id, level in flag_rows:
        if deadline_id not in best or level == DeadlineFlag.Level.OVERDUE:
            best[deadline_id] = (pk, level)
    scope = {pk: (m, k) for pk, _d, m, k in due}
    roles = _recipients({m for m, _k in scope.values()})
    by_user: dict[int, set[int]] = {}
    for role in roles:
        for deadline_id, (municipality_id, unit_kind) in scope.items():
            if municipality_id == role.municipality_id and role.unit_kind in ("", unit_kind):
                by_user.setdefault(role.user_id, set()).add(best[deadline_id][0])
    Notification.objects.bulk_create(
        [Notification(recipient_id=u, day=today, kind=DIGEST) for u in by_user],
        ignore_conflicts=True,
    )
    notes = dict(
        Notification.objects.filter(recipient_id__in=by_user, day=today, kind=DIGEST).values_list(
            "recipient_id", "pk"
        )
    )
    through = Notification.flags.through
    through.objects.bulk_create(
        [
            through(notification_id=notes[u], deadlineflag_id=f)
            for u, ids in by_user.items()
            for f in ids
        ],
        ignore_conflicts=True,
    )
    result.notification_ids = sorted(
        Notification.objects.filter(
            pk__in=notes.values(), status=Notification.Status.PENDING
        ).values_list("pk", flat=True)
    )
    _record_run(today, result)
    return result


def _record_run(today: date, result: Detected) -> None:
    TaskRun.objects.create(
        name="flag_deadlines",
        hostname=socket.gethostname()[:200],
        detail=f"{today:%Y-%m-%d}: {result.deadlines} due, {result.flags_created} new flags, "
        f"{len(result.notification_ids)} digests",
    )


def digest_context(notification: Notification) -> dict:
    flags = list(
        open_flags()
        .filter(notifications=notification)
        .select_related("deadline__referral__unit", "deadline__referral__advisor")
        .order_by("deadline__due_on")
    )
    today = notification.day
    rows = [
        {
            "reference": f.deadline.referral.reference,
            "unit": f.deadline.referral.unit.name,
            "kind": f.deadline.get_kind_display(),
            "due_on": f.deadline.due_on,
            "days": (f.deadline.due_on - today).days,
            "late": (today - f.deadline.due_on).days,
            "url": settings.SITE_URL
            + reverse("referrals:case_detail", args=[f.deadline.referral_id]),
            "overdue": f.deadline.due_on < today,
        }
        for f in flags
    ]
    overdue = [r for r in rows if r["overdue"]]
    approaching = [r for r in rows if not r["overdue"]]
    return {
        "recipient": notification.recipient,
        "day": today,
        # An e-mail lists at most DIGEST_ROWS per group; the worklist has them all.
        "overdue": overdue[:DIGEST_ROWS],
        "overdue_more": max(0, len(overdue) - DIGEST_ROWS),
        "overdue_total": len(overdue),
        "approaching": approaching[:DIGEST_ROWS],
        "approaching_more": max(0, len(approaching) - DIGEST_ROWS),
        "approaching_total": len(approaching),
        "worklist_url": settings.SITE_URL + reverse("decisions:worklist"),
    }


def deliver(notification_id: int) -> bool:
    """Send one digest if this process wins the claim; True when it was sent."""
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False  # another worker has it, or it was sent or cancelled
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    with translation.override("nb"):
        context = digest_context(notification)
        if not context["overdue"] and not context["approaching"]:
            Notification.objects.filter(pk=notification.pk).update(
                status=Notification.Status.CANCELLED
            )
            return False
        subject = render_to_string("emails/deadline_digest_subject.txt", context).strip()
        text = render_to_string("emails/deadline_digest_body.txt", context)
        html = render_to_string("emails/deadline_digest_body.html", context)
    try:
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email]
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception as exc:
        status = (
            Notification.Status.FAILED
            if notification.attempts >= MAX_ATTEMPTS
            else Notification.Status.PENDING
        )
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=status, last_error=str(exc)[:500]
        )
        log.warning(
            "notification %s not sent (attempt %s): %s",
            notification.pk,
            notification.attempts,
            type(exc).__name__,
        )
        raise
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        subject=subject,
        body_text=text,
        body_html=html,
        last_error="",
    )
    return True


def sweep(now=None) -> int:
    """Put rows stuck in "sending" (their worker died) back to pending."""
    now = now or timezone.now()
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=Notification.Status.PENDING)


def pending_ids(limit: int = 200) -> list[int]:
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(Q(attempts__lt=MAX_ATTEMPTS))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
