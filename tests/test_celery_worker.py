"""A Celery task executed by a real worker process against the real Redis, and the embedded
default (no DATABASE_URL, no REDIS_URL) proven end to end: embedded PostgreSQL, migrate, seed,
and a task through the filesystem broker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from teams.models import TaskRun
from tests.support.processes import database_url, wait_for

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "make test runs against Redis"
    from teams.tasks import heartbeat

    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker can take the task
    token = uuid.uuid4().hex
    env = {**os.environ, "DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        heartbeat.apply_async(args=[token], queue=queue)
        ran = wait_for(lambda: TaskRun.objects.filter(detail=token).exists(), timeout=60)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert ran, f"the worker did not run the task:\n{output}"


@pytest.mark.slow
def test_embedded_default_migrates_seeds_and_runs_a_task_through_the_filesystem_broker(tmp_path):
    var = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update({"RIMELIG_VAR_DIR": str(var), "DEBUG": "1", "PYTHONUNBUFFERED": "1"})
    py = [sys.executable, "manage.py"]

    def run(*args, timeout=240):
        return subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=True
        ).stdout

    worker = None
    try:
        run(*py, "migrate", "--noinput")
        assert "radgiver@demo.no" in run(*py, "seed_demo")
        assert (var / "pg" / "PG_VERSION").exists()
        worker = subprocess.Popen(
            [CELERY, "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        run(
            *py,
            "shell",
            "-c",
            "from teams.tasks import heartbeat; heartbeat.delay('embedded-smoke')",
        )

        def done():
            out = run(
                *py,
                "shell",
                "-c",
                "from teams.models import TaskRun; "
                "print(TaskRun.objects.filter(detail='embedded-smoke').count())",
            )
            return out.strip().splitlines()[-1:] == ["1"]

        ran = wait_for(done, timeout=90)
    finally:
        output = ""
        if worker:
            worker.terminate()
            output = worker.communicate(timeout=30)[0].decode(errors="replace")
        subprocess.run(
            [sys.executable, "-m", "config.embedded", "stop"], cwd=ROOT, env=env, timeout=60
        )
    assert ran, f"the worker did not run the task:\n{output}"
