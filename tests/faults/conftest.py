"""One stack for the fault suite (tests/faults/stack.py): its own PostgreSQL, migrated and
seeded once, its own Redis, static files collected for DEBUG=0. Every test starts the app's
processes it needs and stops them however it ends."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.faults import stack as s

# Bounded: no fault test may run longer than this (the suite's wall time is ~3–4 minutes).
TEST_TIMEOUT = 150


@pytest.fixture(scope="session")
def fault_stack():
    shutil.rmtree(s.SUMMARY_DIR / "logs", ignore_errors=True)
    base = s.BASE / f"run-{os.getpid()}"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    pg = s.Postgres(base / "pg", s.pick_port(55440, 55449))
    pg.start()
    redis = s.Redis(base / "redis", s.pick_port(6390, 6399))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DJANGO_")) and k not in {"REDIS_URL", "EMAIL_URL"}
    }
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "0",
            "SECRET_KEY": s.SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "ALLOW_SYNTHETIC_ID_NUMBERS": "1",
            "DATABASE_URL": pg.url("rimelig_faults"),
            "REDIS_URL": redis.url(),
            "STATIC_ROOT": str(base / "static"),
            "RIMELIG_VAR_DIR": str(base / "var"),
            "MEDIA_ROOT": str(base / "media"),
            "LOG_FORMAT": "json",
            "EMAIL_TIMEOUT": "5",
            "CELERY_VISIBILITY_TIMEOUT": "60",
            "BEAT_LOCK_RETRY_SECONDS": "1",
            "NOTIFICATION_SWEEP_SECONDS": "3",
            "NOTIFICATION_STUCK_SECONDS": "8",
        }
    )
    st = s.Stack(pg=pg, redis=redis, dir=base, env=env)
    try:
        pg.psql("postgres", "CREATE DATABASE rimelig_faults")
        # Static files (for DEBUG=0) are collected while the database migrates.
        static = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=s.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        st.manage("migrate", "--noinput", timeout=180)
        assert static.wait(120) == 0, static.stderr.read()
        out = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                f"from tests.faults.seed import run; run({s.PASSWORD!r})",
            ],
            cwd=s.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        st.seed = json.loads(out.strip().splitlines()[-1])
        redis.start()
        yield st
    finally:
        st.stop_all()
        redis.stop() if redis.process and redis.process.poll() is None else None
        pg.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def stack(fault_stack, request):
    fault_stack.test = request.node.name.removeprefix("test_")[:40]
    try:
        yield fault_stack
    finally:
        fault_stack.stop_all()
        if not s.listening(fault_stack.redis.port):
            fault_stack.redis.start()


@pytest.fixture(autouse=True)
def _bounded():
    """Every fault test ends within TEST_TIMEOUT seconds, whatever hangs (SIGALRM)."""
    import signal

    def expired(signum, frame):
        raise TimeoutError(f"fault test ran over {TEST_TIMEOUT} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
