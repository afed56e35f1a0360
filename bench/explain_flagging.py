"""EXPLAIN ANALYZE of the morning job's detect query on a large synthetic archive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rimelig_bench DEBUG=1 \
        .venv/bin/python bench/explain_flagging.py --referrals 100000

Fills (once) the database with N referrals, 10 % open, three deadlines each (the archive's
deadlines are met), then times the query flagging.detect runs, with about 0.5 % of the
deadlines due and with none due. Not part of make test: a benchmark, not a test.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from decisions.models import Deadline  # noqa: E402

TODAY = date(2026, 11, 25)


def fill(n: int) -> None:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM referrals_referral")
        if c.fetchone()[0] >= n:
            return
        print(f"filling {n} referrals …", flush=True)
        started = time.monotonic()
        c.execute("""
            INSERT INTO teams_municipality (name, number) VALUES ('Benchby', '9990')
            ON CONFLICT DO NOTHING;
            INSERT INTO teams_area (municipality_id, name)
              SELECT id, 'Alt' FROM teams_municipality WHERE number = '9990' ON CONFLICT DO NOTHING;
            INSERT INTO teams_unit (name, kind, ownership, org_number, municipality_id, area_id)
              SELECT 'Benchbarnehage ' || g, 'kindergarten', 'municipal', '8' || lpad(g::text, 8, '0'),
                     a.municipality_id, a.id
              FROM generate_series(1, 200) g, teams_area a WHERE a.name = 'Alt'
              ON CONFLICT DO NOTHING;
            INSERT INTO teams_user (password, email, full_name, is_active, is_staff, is_superuser,
                                    date_joined)
              VALUES ('!', 'bench@bench.no', 'Bench', true, false, false, now())
              ON CONFLICT DO NOTHING;
        """)
        c.execute(
            """
            WITH u AS (SELECT array_agg(id) ids, min(municipality_id) m FROM teams_unit
                       WHERE name LIKE 'Benchbarnehage %%')
            INSERT INTO referrals_child (version, updated_at, municipality_id, unit_id, first_name,
                last_name, id_number, birth_date, sex, mother_tongue, needs_interpreter, created_at)
            SELECT 1, now(), u.m, u.ids[1 + g %% 200], 'Barn', 'B' || g, lpad(g::text, 11, '0'),
                   DATE '2021-01-01', 'female', 'norsk', false, now()
            FROM generate_series(1, %s) g, u;
        """,
            [n],
        )
        c.execute(
            """
            INSERT INTO referrals_referral (version, updated_at, child_id, unit_id, municipality_id,
                status, priority, is_repeat, services, services_other, concern, tried,
                report_play, report_social, report_language, report_motor, report_attention,
                report_frame, report_measures, received_on, consent_on, t0, withdrawn_reason,
                next_deadline_kind, created_by_id, created_at)
            SELECT 1, now(), c.id, c.unit_id, c.municipality_id,
                   CASE WHEN c.id %% 10 = 0 THEN 'assessing' ELSE 'closed' END,
                   'normal', false, '[]', '', 'Bekymring', '', '', '', '', '', '', '', '',
                   DATE '2016-01-01' + (c.id %% 3650)::int, DATE '2016-01-01' + (c.id %% 3650)::int,
                   DATE '2016-01-01' + (c.id %% 3650)::int, '', '',
                   (SELECT id FROM teams_user WHERE email = 'bench@bench.no'), now()
            FROM referrals_child c WHERE c.last_name LIKE 'B%%';
        """,
            [],
        )
        # Three deadlines per case; met for closed cases, unmet for open ones, warned later
        # than today (the 'none due' state).
        c.execute(
            """
            INSERT INTO decisions_deadline (referral_id, kind, due_on, met_on, paused, paused_days,
                                            warning_days, warn_on)
            SELECT r.id, k.kind, DATE '2027-06-01' + (r.id %% 200)::int,
                   CASE WHEN r.status = 'closed' THEN r.t0 + 20 END, false, 0, 14,
                   DATE '2027-06-01' + (r.id %% 200)::int - 14
            FROM referrals_referral r,
                 (VALUES ('provisional_reply'), ('assessment'), ('decision')) k(kind)
            WHERE r.concern = 'Bekymring';
        """,
            [],
        )
        c.execute("ANALYZE")
        print(f"filled in {time.monotonic() - started:.1f} s", flush=True)


def explain(label: str) -> None:
    qs = (
        Deadline.objects.unmet()
        .filter(warn_on__lte=TODAY)
        .order_by()
        .values_list("pk", "due_on", "referral__municipality_id", "referral__unit__kind")
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM decisions_deadline")
        total = c.fetchone()[0]
        c.execute("SELECT count(*) FROM decisions_deadline WHERE met_on IS NULL AND NOT paused")
        unmet = c.fetchone()[0]
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in c.fetchall()]
    times = []
    for _ in range(7):
        started = time.perf_counter()
        rows = len(list(qs.all()))  # .all(): a fresh query each time, no result cache
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"\n== {label}: {total} deadlines, {unmet} unmet, {rows} due ==")
    print("\n".join(plan))
    print(
        f"query through Django: median {times[3]:.2f} ms (min {times[0]:.2f}, max {times[-1]:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    fill(args.referrals)
    with connection.cursor() as c:
        c.execute(
            "UPDATE decisions_deadline SET warn_on = due_on - 14 WHERE warn_on <= %s", [TODAY]
        )
        c.execute("VACUUM ANALYZE decisions_deadline")
    explain("none due")
    with connection.cursor() as c:
        # about 0.5 % of all deadlines come due today (open cases only can be due)
        c.execute("SELECT count(*) FROM decisions_deadline")
        due = c.fetchone()[0] // 200
        c.execute(
            """UPDATE decisions_deadline SET warn_on = %s - 1 WHERE id IN (
                       SELECT id FROM decisions_deadline WHERE met_on IS NULL
                       ORDER BY random() LIMIT %s)""",
            [TODAY, due],
        )
        c.execute("VACUUM ANALYZE decisions_deadline")
    explain("about 0.5 % due")


if __name__ == "__main__":
    main()
