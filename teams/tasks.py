"""Thin Celery tasks of the organisation app. They run unscoped: they take no user."""

import socket

from celery import shared_task

from teams.models import TaskRun


@shared_task(name="teams.heartbeat")
def heartbeat(detail: str = "") -> int:
    """Record that a worker ran a task: the proof a health check (and the tests) look for."""
    run = TaskRun.objects.create(
        name="heartbeat", hostname=socket.gethostname(), detail=detail[:500]
    )
    return run.pk
