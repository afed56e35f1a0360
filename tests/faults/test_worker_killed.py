"""A worker SIGKILLed in the middle of sending the morning's digests: the other worker and the
periodic sender (its sweep) take over, and each digest is delivered exactly once."""

import time

import pytest

from tests.faults import stack as s

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

DAY = "2030-01-08"  # never "today": a beat-run job must not have sent these already


def test_a_worker_killed_mid_send_leaves_each_digest_delivered_exactly_once(stack):
    sink = s.Sink(s.pick_port(8640, 8649), delay=0.3)  # a slow mail server: kills land mid-DATA
    sink.start()
    try:
        mail = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        victim = stack.worker("w1", **mail)
        survivor = stack.worker("w2", **mail)
        stack.beat("beat", FLAG_DEADLINES_CRON="0 6 * * *", **mail)
        time.sleep(3)  # both workers connected
        out = stack.manage("flag_deadlines", "--date", DAY, **mail)
        expected = len(stack.seed["digest_recipients"])
        assert f"{expected} sammendrag i kø" in out, out
        assert s.wait_for(lambda: sink.count() >= 8, timeout=30), victim.output()[-3000:]
        sending = stack.notifications(DAY, "sending")
        sent_before = sink.count()
        victim.kill()
        killed = time.monotonic()

        def done():
            return stack.notifications(DAY, "sent") == expected

        finished = s.wait_for(done, timeout=60, interval=0.5)
        seconds = time.monotonic() - killed
        time.sleep(2)  # a duplicate would arrive now
        per_recipient = sink.per_recipient()
        figures = {
            "notifications_expected": expected,
            "delivered_before_kill": sent_before,
            "rows_sending_at_kill": sending,
            "sends_cut_off_by_kill": sink.refused_gone,
            "notifications_sent": sum(per_recipient.values()),
            "duplicates": sum(n - 1 for n in per_recipient.values() if n > 1),
            "lost": expected - len(per_recipient),
            "seconds_to_finish_after_kill": round(seconds, 1),
            "survivor_alive": survivor.alive(),
        }
        s.write_summary("worker_killed", figures)
        assert finished, survivor.output()[-3000:]
        assert (figures["duplicates"], figures["lost"]) == (0, 0), figures
    finally:
        sink.stop()
