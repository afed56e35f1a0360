"""Delivery against real parts: a local SMTP server that refuses, a Redis that is stopped while
the job runs, and a real Celery worker that sends once Redis is back."""

from datetime import date

import pytest

from decisions import flagging
from decisions.models import Notification
from decisions.tasks import send_notification
from tests.decisions.conftest import received_case
from tests.support.processes import (
    env,
    free_port,
    manage,
    start_redis,
    start_worker,
    stop,
    wait_for,
)
from tests.support.smtp import SMTPServer

TODAY = date(2026, 11, 25)


@pytest.mark.django_db
def test_an_smtp_server_refusing_is_retried_and_nothing_is_lost_or_sent_twice(world, settings):
    received_case(world)
    note_id = flagging.detect(TODAY).notification_ids[0]
    with SMTPServer(refuse=1) as smtp:
        settings.MAILERS = smtp.mailers()
        with pytest.raises(Exception):  # noqa: B017 - smtplib's refusal, whatever its class
            flagging.deliver(note_id)
        note = Notification.objects.get(pk=note_id)
        assert (note.status, note.attempts) == (Notification.Status.PENDING, 1)
        assert "451" in note.last_error
        assert flagging.deliver(note_id) is True
        assert flagging.deliver(note_id) is False
        assert len(smtp.messages) == 1
    note.refresh_from_db()
    assert (note.status, note.attempts) == (Notification.Status.SENT, 2)


@pytest.mark.django_db
def test_the_send_task_backs_off_and_retries_until_the_server_accepts(world, settings):
    received_case(world)
    note_id = flagging.detect(TODAY).notification_ids[0]
    with SMTPServer(refuse=2) as smtp:
        settings.MAILERS = smtp.mailers()
        send_notification.apply(args=[note_id])  # eager: retries run in place
        assert len(smtp.messages) == 1
    assert Notification.objects.get(pk=note_id).status == Notification.Status.SENT


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_flags_made_while_redis_is_down_are_sent_by_a_real_worker_when_it_returns(world):
    received_case(world)
    port = free_port()
    with SMTPServer() as smtp:
        environment = env(
            REDIS_URL=f"redis://127.0.0.1:{port}/0",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            EMAIL_TIMEOUT=5,
        )
        # Redis is not running: the job still flags and queues the digest in PostgreSQL.
        out = manage(environment, "flag_deadlines", "--date", TODAY.isoformat())
        assert "1 sammendrag i kø" in out
        assert Notification.objects.get().status == Notification.Status.PENDING
        assert smtp.messages == []

        redis = start_redis(port)
        worker = start_worker(environment)
        try:
            manage(
                environment,
                "shell",
                "-c",
                "from decisions.tasks import send_pending_notifications as t; t.delay()",
            )
            sent = wait_for(lambda: len(smtp.messages) == 1, timeout=60)
        finally:
            log = stop(worker)
            redis.terminate()
            redis.wait(10)
        assert sent, log
        assert Notification.objects.get().status == Notification.Status.SENT
        assert len(smtp.messages) == 1
