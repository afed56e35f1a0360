"""The Celery app. Tasks take ids, run unscoped and say so; the beat schedule lives here in code.

Reliability settings (DESIGN "The flagging job"): a task is acknowledged only after it ran
(acks_late) and is handed back if its worker dies (task_reject_on_worker_lost), so a crash
loses nothing; every task must therefore be safe to run twice. Retries are bounded.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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
    broker_connection_max_retries=None,
    task_ignore_result=True,
    timezone="Europe/Oslo",
    enable_utc=True,
    beat_schedule={
        # Every morning at 06:00 Oslo time: flag the cases nearing or past a deadline.
        "flag-deadlines": {
            "task": "decisions.flag_deadlines",
            "schedule": crontab(hour=6, minute=0),
        },
        # Deliver what is pending (a broker or mail server that was down), sweep stuck rows.
        # Nightly: the access log's retention (the only deletion of its rows).
        "prune-access-log": {
            "task": "referrals.prune_access_log",
            "schedule": crontab(hour=3, minute=15),
        },
        "send-pending-notifications": {
            "task": "decisions.send_pending_notifications",
            "schedule": 300.0,
        },
    },
)
app.autodiscover_tasks()
