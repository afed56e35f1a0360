"""Exactly one beat: the advisory lock (ops/beat_lock.py). The fault suite starts two real
beats (tests/faults/test_two_beats.py); here the lock itself."""

import threading
import time

import pytest

from ops import beat_lock


@pytest.mark.django_db(transaction=True)
def test_a_second_beat_waits_until_the_first_ones_session_ends():
    first = beat_lock.acquire(retry_seconds=0.2)
    assert first is not None
    got = {}

    def second():
        got["conn"] = beat_lock.acquire(retry_seconds=0.2)

    thread = threading.Thread(target=second, daemon=True)
    thread.start()
    time.sleep(1.0)
    assert "conn" not in got  # still waiting
    first.close()  # the first beat dies: its session ends, the lock is free
    thread.join(timeout=10)
    assert got.get("conn") is not None
    got["conn"].close()


@pytest.mark.django_db(transaction=True)
def test_waiting_can_be_stopped():
    first = beat_lock.acquire(retry_seconds=0.2)
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    try:
        assert beat_lock.acquire(retry_seconds=0.2, stop=stop) is None
    finally:
        first.close()
