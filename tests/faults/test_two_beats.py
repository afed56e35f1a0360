"""Two beats started by mistake: the second waits on the advisory lock, the morning job runs
once, and the second takes over when the first dies."""

import re
import time
from datetime import datetime

import pytest

from tests.faults import stack as s

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]


def _sends(proc) -> int:
    return len(re.findall(r"Sending due task flag-deadlines", proc.output()))


def test_two_beats_make_one_flagging_run_and_the_second_takes_over(stack):
    # The job's schedule: the next whole minute at least 10 s away (crontab has minutes only).
    now = datetime.now()
    fire = (now.minute + (1 if now.second < 50 else 2)) % 60
    cron = {"FLAG_DEADLINES_CRON": f"{fire} * * * *", "NOTIFICATION_SWEEP_SECONDS": "3600"}
    before = int(stack.sql("SELECT count(*) FROM teams_taskrun WHERE name = 'flag_deadlines'"))
    stack.worker("w1")
    first = stack.beat("beat-a", **cron)
    assert s.wait_for(lambda: "beat lock acquired" in first.output(), 30), first.output()
    second = stack.beat("beat-b", **cron)
    assert s.wait_for(lambda: "this one waits" in second.output(), 30), second.output()

    def ran():
        runs = int(stack.sql("SELECT count(*) FROM teams_taskrun WHERE name = 'flag_deadlines'"))
        return runs > before

    assert s.wait_for(ran, timeout=95, interval=0.5), first.output()[-2000:]
    time.sleep(4)  # a second run would show now
    runs = int(stack.sql("SELECT count(*) FROM teams_taskrun WHERE name = 'flag_deadlines'"))
    figures = {
        "beats_started": 2,
        "flagging_sent_by_first": _sends(first),
        "flagging_sent_by_second": _sends(second),
        "flagging_runs": runs - before,
    }
    first.kill()
    killed = time.monotonic()
    took_over = s.wait_for(lambda: "beat lock acquired" in second.output(), 15)
    figures["takeover_seconds"] = round(time.monotonic() - killed, 1)
    s.write_summary("two_beats", figures)
    assert (figures["flagging_sent_by_first"], figures["flagging_sent_by_second"]) == (1, 0)
    assert figures["flagging_runs"] == 1, figures
    assert took_over, second.output()[-2000:]
