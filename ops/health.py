"""Liveness and readiness (deploy/README.md "Health endpoints").

- /helse/ (liveness): the process answers; it touches nothing else. A load balancer routes on
  it: every web node shares the same database and Redis, so taking nodes out of rotation
  because of them would help no one.
- /helse/klar/ (readiness, for monitoring and alerting): the database, Redis (the broker), a
  Celery worker answering a ping, and the dead-man check: the morning flagging job's last
  successful run is younger than FLAGGING_MAX_AGE. 200 when all pass, 503 otherwise.

Every check is bounded by a short timeout, so the endpoint answers within a few seconds even
when Redis or the database hangs. Anonymous callers see only each check's name and whether
it passed; staff see the details (times, error classes). Nothing here names a person.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)

FLAGGING_JOB = "flag_deadlines"
FLAGGING_MAX_AGE = timedelta(hours=26)
TIMEOUT = 1.0  # seconds per check that talks to another server


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return Check("database", True)
    except Exception as exc:  # any failure is a failed check, never a 500
        return Check("database", False, type(exc).__name__)


def _broker_is_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def check_redis() -> Check:
    if not _broker_is_redis():
        return Check("redis", True, "no Redis configured (filesystem broker)")
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL,
            socket_connect_timeout=TIMEOUT,
            socket_timeout=TIMEOUT,
            retry_on_timeout=False,
        )
        try:
            client.ping()
        finally:
            client.close()
        return Check("redis", True)
    except Exception as exc:
        return Check("redis", False, type(exc).__name__)


def check_worker(redis_ok: bool = True) -> Check:
    """A Celery worker answers a broadcast ping within TIMEOUT."""
    if not redis_ok:
        return Check("celery_worker", False, "broker unreachable")
    from celery import current_app as app  # config.celery's app (config imports ops)

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT)
            replies = app.control.ping(timeout=TIMEOUT, connection=conn)
    except Exception as exc:
        return Check("celery_worker", False, type(exc).__name__)
    if not replies:
        return Check("celery_worker", False, "no worker answered")
    return Check("celery_worker", True, f"{len(replies)} worker(s) answered")


def last_flagging_run():
    from teams.models import TaskRun

    return (
        TaskRun.objects.filter(name=FLAGGING_JOB)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def check_flagging(now=None) -> Check:
    """The dead-man check: the morning job must have run within FLAGGING_MAX_AGE."""
    now = now or timezone.now()
    try:
        last = last_flagging_run()
    except Exception as exc:
        return Check("flagging_job", False, type(exc).__name__)
    if last is None:
        return Check("flagging_job", False, "never run")
    age = now - last
    detail = f"last run {timezone.localtime(last):%d.%m.%Y %H:%M}"
    return Check("flagging_job", age <= FLAGGING_MAX_AGE, detail)


def readiness() -> list[Check]:
    database = check_database()
    redis_check = check_redis()
    return [
        database,
        redis_check,
        check_worker(redis_ok=redis_check.ok),
        check_flagging() if database.ok else Check("flagging_job", False, "database down"),
    ]


def _payload(checks: list[Check], detailed: bool, started: float) -> dict:
    payload = {
        "status": "ok" if all(c.ok for c in checks) else "error",
        "checks": {c.name: "ok" if c.ok else "error" for c in checks},
    }
    if detailed:
        payload["details"] = {c.name: c.detail for c in checks if c.detail}
        payload["seconds"] = round(time.monotonic() - started, 3)
    return payload


@never_cache
def liveness(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readiness_view(request):
    started = time.monotonic()
    checks = readiness()
    try:
        user = request.user
        detailed = bool(user.is_authenticated and user.is_staff)
    except Exception:  # the database may be the thing that is down
        detailed = False
    ok = all(c.ok for c in checks)
    if not ok:
        log.warning("readiness failed: %s", ", ".join(c.name for c in checks if not c.ok))
    return JsonResponse(_payload(checks, detailed, started), status=200 if ok else 503)
