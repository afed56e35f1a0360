"""Redis stopped for 30 s while users save and the morning job runs: pages keep answering
within 2 s, no save is lost, and every digest is delivered once after Redis returns."""

import time

import pytest

from tests.faults import stack as s

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

OUTAGE = 30
DAY = "2030-01-07"  # never "today": a beat-run job must not have sent these already


def test_redis_down_30_seconds_loses_nothing_and_sends_each_digest_once(stack):
    sink = s.Sink(s.pick_port(8640, 8649))
    sink.start()
    try:
        mail = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        port = s.pick_port(8630, 8639)
        stack.gunicorn(port, **mail)
        workers = [stack.worker(f"w{n}", **mail) for n in (1, 2)]
        beat = stack.beat("beat", FLAG_DEADLINES_CRON="0 6 * * *", **mail)
        base = f"http://127.0.0.1:{port}"
        users = s.Users(
            base, [s.login(base, email) for email in stack.seed["advisors"]], stack.seed["children"]
        )
        users.start()
        time.sleep(3)

        down = time.monotonic()
        stack.redis.stop()
        # The morning job runs while Redis is down: it flags and queues in PostgreSQL.
        job_started = time.monotonic()
        out = stack.manage("flag_deadlines", "--date", DAY, **mail)
        job_seconds = time.monotonic() - job_started
        expected = len(stack.seed["digest_recipients"])
        assert f"{expected} sammendrag i kø" in out, out
        time.sleep(max(0, OUTAGE - (time.monotonic() - down)))
        up = time.monotonic()
        stack.redis.start()

        def sent():
            return stack.notifications(DAY, "sent")

        delivered = s.wait_for(lambda: sent() == expected, timeout=60, interval=0.5)
        after_redis = time.monotonic() - up
        time.sleep(2)  # anything sent twice would arrive now
        users.stop()

        during = users.between(down, up)
        answered = [x for x in during if x.status and x.status < 500]
        slowest = max((x.seconds for x in during), default=0)
        saved = users.saved_markers()
        in_db = set(
            stack.sql("SELECT name FROM referrals_guardian WHERE name LIKE 'Verge F%'").split("\n")
        ) - {""}
        per_recipient = sink.per_recipient()
        figures = {
            "outage_seconds": round(up - down, 1),
            "requests_during_outage": len(during),
            "answered_during_outage": len(answered),
            "slowest_request_during_outage_s": round(slowest, 2),
            "saves_confirmed": len(saved),
            "saves_confirmed_during_outage": len(
                [x for x in during if x.kind == "save" and x.status == 302]
            ),
            "saves_lost": len(saved - in_db),
            "flagging_job_seconds_while_redis_down": round(job_seconds, 1),
            "notifications_expected": expected,
            "notifications_sent": sum(per_recipient.values()),
            "duplicates": sum(n - 1 for n in per_recipient.values() if n > 1),
            "lost": expected - len(per_recipient),
            "seconds_to_deliver_after_redis_returned": round(after_redis, 1),
        }
        s.write_summary("redis_outage", figures)
        assert delivered, beat.output()[-3000:] + workers[0].output()[-3000:]
        assert len(during) > 20 and len(answered) == len(during), figures
        assert slowest < 2.0, figures
        assert figures["saves_lost"] == 0 and figures["saves_confirmed_during_outage"] > 0
        assert (figures["duplicates"], figures["lost"]) == (0, 0), figures
    finally:
        sink.stop()
