"""Exactly one Celery beat: a PostgreSQL advisory lock held for the beat's whole life.

A second beat (started by mistake, or a standby on another host) waits on beat_init until the
first one's database session ends, then takes over. The lock lives in the database every
beat already needs, so it works with Redis and with the demo's filesystem broker alike.

The lock is only as good as the session holding it: a watchdog pings that session, and if it
is lost (PostgreSQL restarted, network cut) this beat stops at once rather than run
unlocked; its supervisor (systemd Restart=always, compose restart) starts it again and it
waits for the lock like any other. Keepalives make a silently dead peer visible.
"""

import logging
import os
import signal
import threading
import time

import psycopg2
from celery import signals
from django.conf import settings

log = logging.getLogger(__name__)

# pg_advisory_lock(bigint): a fixed key for "the Rimelig beat" (any constant; documented).
LOCK_KEY = 7_462_109_001


def _connect():
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        connect_timeout=5,
        application_name="rimelig-beat-lock",
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=5,
        keepalives_count=3,
    )


def acquire(retry_seconds: float, stop: threading.Event | None = None):
    """Block until this process holds the lock; return the connection that holds it."""
    waiting_logged = False
    while stop is None or not stop.is_set():
        conn = None
        try:
            conn = _connect()
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                if cursor.fetchone()[0]:
                    log.info("beat lock acquired", extra={"event": "beat_lock_acquired"})
                    return conn
            if not waiting_logged:
                log.warning(
                    "another beat holds the lock; this one waits",
                    extra={"event": "beat_lock_waiting"},
                )
                waiting_logged = True
        except psycopg2.Error as exc:
            log.warning("beat lock: database unavailable (%s); retrying", type(exc).__name__)
        if conn is not None:
            conn.close()
        time.sleep(retry_seconds)
    return None


def _watch(conn, interval: float) -> None:
    while True:
        time.sleep(interval)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
        except psycopg2.Error:
            log.error("beat lock lost (database session ended); stopping this beat")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
            os._exit(3)


_held = {}


@signals.beat_init.connect
def hold_the_beat_lock(sender=None, **kwargs):
    if not getattr(settings, "BEAT_LOCK", True):
        return
    retry = float(getattr(settings, "BEAT_LOCK_RETRY_SECONDS", 10))
    conn = acquire(retry)
    _held["conn"] = conn
    threading.Thread(
        target=_watch, args=(conn, retry), name="beat-lock-watchdog", daemon=True
    ).start()
