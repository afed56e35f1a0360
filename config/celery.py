"""The Celery app. Tasks take ids, run unscoped and say so; the beat schedule lives here in code.

Reliability settings (DESIGN "The flagging job"): a task is acknowledged only after it ran
(acks_late) and is handed back if its worker dies (task_reject_on_worker_lost), so a crash
loses nothing; every task must therefore be safe to run twice. Retries are bounded.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _flag_schedule():
    """FLAG_DEADLINES_CRON, five crontab fields (default "0 6 * * *": 06:00 Oslo time)."""
    fields = os.environ.get("FLAG_DEADLINES_CRON", "0 6 * * *").split()
    if len(fields) != 5:
        raise ValueError("FLAG_DEADLINES_CRON needs five crontab fields, e.g. '0 6 * * *'")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


app = Celery("rimelig")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=30 * 60,
    task_soft_time_limit=25 * 60,
    task_default_retry_delay=30,
    task_annotations={"*": {"max_retries": 5}},
    broker_connection_retry_on_startup=True,
    # Sending a task never blocks long on a broker that is down: a short connect timeout and
    # a short publish retry (~1 s in all); the caller then leaves the row pending in
    # PostgreSQL for the periodic sender (decisions/tasks.py).
    broker_connection_timeout=2,
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.3,
        "interval_max": 0.5,
    },
    broker_connection_max_retries=None,
    task_ignore_result=True,
    timezone="Europe/Oslo",
    enable_utc=True,
    beat_schedule={
        # Every morning at 06:00 Oslo time: flag the cases nearing or past a deadline.
        "flag-deadlines": {
            "task": "decisions.flag_deadlines",
            "schedule": _flag_schedule(),
        },
        # Deliver what is pending (a broker or mail server that was down), sweep stuck rows.
        # Nightly: the access log's retention (the only deletion of its rows).
        "prune-access-log": {
            "task": "referrals.prune_access_log",
            "schedule": crontab(hour=3, minute=15),
        },
        # Dispatch (documents/dispatch/): shipments a dead worker left "sending" or a lost task
        # left "queued" are found at the channel (idempotency key) or sent.
        "recover-shipments": {
            "task": "documents.recover_shipments",
            "schedule": float(os.environ.get("SHIPMENT_SWEEP_SECONDS", "300")),
        },
        "send-pending-notifications": {
            "task": "decisions.send_pending_notifications",
            "schedule": float(os.environ.get("NOTIFICATION_SWEEP_SECONDS", "300")),
        },
    },
)
app.autodiscover_tasks()

# JSON logs through settings.LOGGING, the request id carried into tasks (ops/celery_signals.py),
# and the advisory lock that keeps a second beat waiting (ops/beat_lock.py).
import ops.beat_lock  # noqa: E402, F401
import ops.celery_signals  # noqa: E402, F401
