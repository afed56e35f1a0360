"""Thin Celery tasks around decisions/flagging.py. They take ids or dates, run unscoped (no
user), and are safe to run twice: the unique constraints and the claim make repeats no-ops."""

import logging
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from decisions import delivery, flagging

log = logging.getLogger(__name__)


def _enqueue_delivery(ids: list[int]) -> None:
    for notification_id in ids:
        try:
            send_notification.delay(notification_id)
        except OperationalError:
            # The broker is down: the rows are safe in PostgreSQL as pending, and
            # send_pending_notifications (every few minutes on beat) sends them later.
            log.warning("broker unavailable; notification %s left pending", notification_id)
            return


@shared_task(name="decisions.flag_deadlines")
def flag_deadlines(day: str | None = None) -> dict:
    """Flag the day's approaching and overdue deadlines; enqueue the digests after commit."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    # First the delivery check (issue 18): the delivery deadlines it opens are flagged below.
    checked = delivery.delivery_check(today)
    result = flagging.detect(today)
    transaction.on_commit(lambda: _enqueue_delivery(result.notification_ids))
    return {
        "deadlines": result.deadlines,
        "flags_created": result.flags_created,
        "notifications": result.notification_ids,
        "delivery_flagged": checked.flagged,
    }


@shared_task(
    bind=True, name="decisions.send_notification", max_retries=flagging.MAX_ATTEMPTS, acks_late=True
)
def send_notification(self, notification_id: int) -> bool:
    try:
        return flagging.deliver(notification_id)
    except (SMTPException, OSError) as exc:
        # Back off 30 s, 60 s, 120 s … up to 30 minutes; the row is pending again meanwhile.
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(name="decisions.send_pending_notifications")
def send_pending_notifications() -> int:
    """Sweep stuck rows and send what is pending (bounded); covers a broker that was down."""
    flagging.sweep()
    sent = 0
    for notification_id in flagging.pending_ids():
        try:
            sent += flagging.deliver(notification_id)
        except (SMTPException, OSError):
            break  # the mail server is down; the rows stay pending for the next run
    return sent
