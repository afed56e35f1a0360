"""Thin Celery tasks of the referrals app; they run unscoped (no user)."""

from celery import shared_task

from referrals.management.commands.prune_access_log import prune_access_log
from referrals.registration_requests import registration_request_notify  # noqa: F401 (registers)


@shared_task(name="referrals.prune_access_log")
def prune_access_log_task() -> int:
    """Delete access-log rows older than ACCESS_LOG_RETENTION_DAYS (the only deletion)."""
    return prune_access_log()
