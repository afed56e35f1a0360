"""PostgreSQL restarted under load: requests fail cleanly (503 with Retry-After, quickly)
while it is down, succeed after, and no committed write is lost."""

import time

import pytest

from tests.faults import stack as s

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

DOWN = 5


def test_a_postgres_restart_gives_clean_503s_and_loses_no_committed_write(stack):
    port = s.pick_port(8630, 8639)
    stack.gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    users = s.Users(
        base, [s.login(base, email) for email in stack.seed["advisors"]], stack.seed["children"]
    )
    users.start()
    time.sleep(3)
    down = time.monotonic()
    stack.pg.stop("fast")
    time.sleep(DOWN)
    stack.pg.start()
    up = time.monotonic()
    time.sleep(6)
    users.stop()

    during = users.between(down, up)
    settled = users.between(up + 2, time.monotonic())
    statuses: dict[int, int] = {}
    for sample in during:
        statuses[sample.status] = statuses.get(sample.status, 0) + 1
    saved = users.saved_markers()
    in_db = set(
        stack.sql("SELECT name FROM referrals_guardian WHERE name LIKE 'Verge F%'").split("\n")
    ) - {""}
    figures = {
        "postgres_down_seconds": round(up - down, 1),
        "requests_during_restart": len(during),
        "answered_during_restart": len([x for x in during if x.status]),
        "status_counts_during_restart": {str(k): v for k, v in sorted(statuses.items())},
        "slowest_request_during_restart_s": round(max((x.seconds for x in during), default=0), 2),
        "requests_after_restart": len(settled),
        "failed_after_restart": len([x for x in settled if x.status not in (200, 302)]),
        "saves_confirmed": len(saved),
        "committed_saves_lost": len(saved - in_db),
    }
    s.write_summary("postgres_restart", figures)
    assert len(during) >= 4 and figures["answered_during_restart"] == len(during), figures
    assert set(statuses) <= {200, 302, 503}, figures  # no 500, no hang
    assert statuses.get(503, 0) >= 1, figures
    assert figures["slowest_request_during_restart_s"] < 6, figures
    assert len(settled) > 10 and figures["failed_after_restart"] == 0, figures
    assert figures["committed_saves_lost"] == 0, figures
