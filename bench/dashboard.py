"""Server time of the kommunalsjef's dashboard (/oversikt/) on a large archive.

    createdb -h 127.0.0.1 -U postgres rimelig_dash_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rimelig_dash_bench DEBUG=1 \
        .venv/bin/python bench/dashboard.py --referrals 100000

Fills the database with bench/explain_flagging.py's fill() (N referrals of one municipality,
"Benchby", 200 kindergartens), then reshapes it once into what the dashboard reads: four areas;
cases in every phase (2.5 % each received, assessing, assessed, decided, 2 % withdrawn, the rest
closed) with T0 over ten years up to today and the open ones in the last five months; for each
case its deadlines (reply, assessment, decision, help start), its decision and help start, and
a few journal events (a withdrawal event for the withdrawn). Then it times the dashboard as
Benchby's director through Django's test client: warm, the median of --requests requests, and
the time of each of its queries in one of them. Not part of make test: a benchmark, not a test.

Then ten of the kindergartens become a second municipality, Småby, with 5 % of the cases, and
both directors are timed: Benchby's is the worst case (one municipality with almost every case),
Småby's the usual one (a real municipality holds a few thousand cases, DOMAIN.md § 6).

Superseded by bench/run.py (`make bench`), which measures every page on a realistic archive of
many municipalities; kept for the single-municipality worst case.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.explain_flagging import TODAY, fill  # noqa: E402  (sets Django up)
from teams.models import Municipality, Role, User  # noqa: E402

# Deadlines, decisions, appeals and journal events carry their case's municipality and unit, and
# decisions.CaseFact sums each case up (kept by triggers, which session_replication_role =
# replica turns off for RESHAPE and SPLIT): copied and rebuilt after each.
COPY_CASE_SCOPE = """
UPDATE decisions_deadline d SET municipality_id = r.municipality_id, unit_id = r.unit_id
  FROM referrals_referral r WHERE r.id = d.referral_id
    AND (d.municipality_id, d.unit_id) IS DISTINCT FROM (r.municipality_id, r.unit_id);
UPDATE decisions_decision d SET municipality_id = r.municipality_id, unit_id = r.unit_id
  FROM referrals_referral r WHERE r.id = d.referral_id
    AND (d.municipality_id, d.unit_id) IS DISTINCT FROM (r.municipality_id, r.unit_id);
UPDATE decisions_appeal a SET municipality_id = d.municipality_id, unit_id = d.unit_id
  FROM decisions_decision d WHERE d.id = a.decision_id
    AND (a.municipality_id, a.unit_id) IS DISTINCT FROM (d.municipality_id, d.unit_id);
UPDATE referrals_caseevent e SET municipality_id = r.municipality_id, unit_id = r.unit_id
  FROM referrals_referral r WHERE r.id = e.referral_id
    AND (e.municipality_id, e.unit_id) IS DISTINCT FROM (r.municipality_id, r.unit_id);
SELECT refresh_all_case_facts();
"""

RESHAPE = """
INSERT INTO teams_area (municipality_id, name)
  SELECT m.id, n FROM teams_municipality m, unnest(ARRAY['Nord', 'Sør', 'Øst', 'Vest']) n
  WHERE m.number = '9990' ON CONFLICT DO NOTHING;
UPDATE teams_unit u SET area_id = a.id FROM teams_area a
  WHERE u.name LIKE 'Benchbarnehage %%' AND a.municipality_id = u.municipality_id
    AND a.name = (ARRAY['Nord', 'Sør', 'Øst', 'Vest'])[1 + (u.id %% 4)::int];

UPDATE referrals_referral SET status = CASE
    WHEN (id %% 40)::int = 0 THEN 'received' WHEN (id %% 40)::int = 10 THEN 'assessing'
    WHEN (id %% 40)::int = 20 THEN 'assessed' WHEN (id %% 40)::int = 30 THEN 'decided'
    WHEN (id %% 50)::int = 7 THEN 'withdrawn' ELSE 'closed' END
  WHERE concern = 'Bekymring';
-- T0 over ten years up to today; open cases in the last five months.
UPDATE referrals_referral SET t0 = CASE
    WHEN status IN ('received', 'assessing', 'assessed', 'decided') THEN %(today)s - ((id %% 150)::int)
    ELSE %(today)s - 3650 + ((id %% 3640)::int) END
  WHERE concern = 'Bekymring';
UPDATE referrals_referral SET received_on = t0, consent_on = t0,
    assessed_on = CASE WHEN status IN ('assessed', 'decided', 'closed')
                       THEN LEAST(t0 + 30 + (id %% 45)::int, %(today)s - 1) END
  WHERE concern = 'Bekymring';

DELETE FROM decisions_deadline WHERE referral_id IN
  (SELECT id FROM referrals_referral WHERE concern = 'Bekymring');
INSERT INTO decisions_decision (referral_id, decided_on, decided_by_id, outcome, organisation,
    competence, assistant, provider, provider_name, deviation_reason, reason, help_started_on,
    superseded, created_at)
  SELECT r.id, LEAST(r.assessed_on + 5 + (r.id %% 50)::int, %(today)s), r.created_by_id,
         CASE WHEN (r.id %% 9)::int = 0 THEN 'refused' ELSE 'granted' END, '', '', false, '', '', '',
         '', NULL, false, now()
  FROM referrals_referral r
  WHERE r.concern = 'Bekymring' AND r.status IN ('decided', 'closed');
UPDATE decisions_decision d SET help_started_on = LEAST(d.decided_on + (d.id %% 30)::int, %(today)s)
  FROM referrals_referral r
  WHERE d.referral_id = r.id AND r.status = 'closed' AND d.outcome = 'granted';

INSERT INTO decisions_deadline (referral_id, kind, due_on, met_on, paused, paused_days,
                                warning_days, warn_on)
  SELECT r.id, k.kind, r.t0 + k.days,
         CASE k.kind
           WHEN 'provisional_reply' THEN CASE WHEN r.status IN ('decided', 'closed')
                                              THEN r.t0 + 15 + (r.id %% 25)::int END
           WHEN 'assessment' THEN r.assessed_on
           WHEN 'decision' THEN d.decided_on END,
         false, 0, 14, r.t0 + k.days - 14
  FROM referrals_referral r
  LEFT JOIN decisions_decision d ON d.referral_id = r.id
  CROSS JOIN (VALUES ('provisional_reply', 30), ('assessment', 60), ('decision', 90)) k(kind, days)
  WHERE r.concern = 'Bekymring' AND r.status <> 'withdrawn';
INSERT INTO decisions_deadline (referral_id, kind, due_on, met_on, paused, paused_days,
                                warning_days, warn_on)
  SELECT d.referral_id, 'help_start', d.decided_on + 14, d.help_started_on, false, 0, 14,
         d.decided_on
  FROM decisions_decision d JOIN referrals_referral r ON r.id = d.referral_id
  WHERE r.concern = 'Bekymring' AND d.outcome = 'granted';

INSERT INTO referrals_caseevent (referral_id, actor_id, action, from_status, to_status, detail, at)
  SELECT r.id, r.created_by_id, e.action, e.frm, e.too, '{}',
         (r.t0 + e.days)::timestamp AT TIME ZONE 'Europe/Oslo' + interval '10 hours'
  FROM referrals_referral r
  CROSS JOIN (VALUES ('referral.created', '', 'draft', -3), ('referral.received',
              'awaiting_consent', 'received', 0)) e(action, frm, too, days)
  WHERE r.concern = 'Bekymring';
INSERT INTO referrals_caseevent (referral_id, actor_id, action, from_status, to_status, detail, at)
  SELECT r.id, r.created_by_id, 'referral.withdrawn', 'received', 'withdrawn', '{}',
         (r.t0 + 20 + (r.id %% 60)::int)::timestamp AT TIME ZONE 'Europe/Oslo' + interval '10 hours'
  FROM referrals_referral r WHERE r.concern = 'Bekymring' AND r.status = 'withdrawn';
"""


def reshape() -> None:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM decisions_decision")
        if c.fetchone()[0]:
            return
        print("reshaping for the dashboard …", flush=True)
        started = time.monotonic()
        # Bulk rows of synthetic cases: no history triggers (session_replication_role).
        c.execute("SET session_replication_role = replica")
        c.execute(RESHAPE, {"today": TODAY})
        c.execute(COPY_CASE_SCOPE)
        c.execute("SET session_replication_role = DEFAULT")
        c.execute("VACUUM ANALYZE")
        print(f"reshaped in {time.monotonic() - started:.1f} s", flush=True)


SPLIT = """
INSERT INTO teams_municipality (name, number) VALUES ('Småby', '9991') ON CONFLICT DO NOTHING;
INSERT INTO teams_area (municipality_id, name)
  SELECT id, 'Sentrum' FROM teams_municipality WHERE number = '9991' ON CONFLICT DO NOTHING;
WITH small AS (SELECT id FROM teams_unit WHERE name LIKE 'Benchbarnehage %%' ORDER BY id LIMIT 10),
     m AS (SELECT a.municipality_id, a.id AS area_id FROM teams_area a
           JOIN teams_municipality m ON m.id = a.municipality_id WHERE m.number = '9991')
UPDATE teams_unit u SET municipality_id = m.municipality_id, area_id = m.area_id
  FROM m WHERE u.id IN (SELECT id FROM small);
UPDATE referrals_referral r SET municipality_id = u.municipality_id
  FROM teams_unit u WHERE r.unit_id = u.id AND r.municipality_id <> u.municipality_id;
UPDATE referrals_child c SET municipality_id = u.municipality_id
  FROM teams_unit u WHERE c.unit_id = u.id AND c.municipality_id <> u.municipality_id;
"""


def split_small() -> None:
    """Ten of the 200 kindergartens (5 % of the cases) become another municipality, Småby: the
    size of a real one, among all the others' cases."""
    if Municipality.objects.filter(number="9991").exists():
        return
    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")
        c.execute(SPLIT)
        c.execute(COPY_CASE_SCOPE)
        c.execute("SET session_replication_role = DEFAULT")
        c.execute("ANALYZE")


def director(number: str) -> User:
    user, _ = User.objects.get_or_create(
        email=f"bench-director-{number}@bench.no", defaults={"full_name": "Bench Director"}
    )
    Role.objects.get_or_create(
        user=user, kind=Role.Kind.DIRECTOR, municipality=Municipality.objects.get(number=number)
    )
    return user


def measure(url: str, requests: int, number: str = "9990") -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    client = Client()
    client.force_login(director(number))
    for _ in range(3):  # warm: connection, templates, PostgreSQL's buffers and plans
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    p90 = times[int(0.9 * (len(times) - 1))]
    print(
        f"{url}: median {statistics.median(times):.0f} ms, 90th {p90:.0f} ms, "
        f"min {times[0]:.0f} ms, max {times[-1]:.0f} ms ({requests} requests)"
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in slow) * 1000
    print(f"  {len(slow)} queries, {total:.0f} ms in the database; slowest:")
    for q in slow[:6]:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with connection.cursor() as c:
        # Bulk synthetic rows: the history triggers would only slow the filling down.
        c.execute("SET session_replication_role = replica")
    fill(args.referrals)
    with connection.cursor() as c:
        c.execute("SET session_replication_role = DEFAULT")
    reshape()
    split_small()
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN "
            "('received', 'assessing', 'assessed', 'decided')) FROM referrals_referral"
        )
        total, open_ = c.fetchone()
        c.execute(
            "SELECT (SELECT count(*) FROM decisions_deadline), "
            "(SELECT count(*) FROM decisions_decision), "
            "(SELECT count(*) FROM referrals_caseevent)"
        )
        deadlines, decisions, events = c.fetchone()
    print(
        f"{total} referrals ({open_} open), {deadlines} deadlines, {decisions} decisions, "
        f"{events} journal events"
    )
    print("Benchby's director (95 % of the cases):")
    measure("/oversikt/", args.requests)
    measure("/oversikt/?omrade=" + str(_area_id("Nord")), args.requests)
    measure("/oversikt/eksport/alle.xlsx", max(5, args.requests // 5))
    print("Småby's director (5 % of the cases):")
    measure("/oversikt/", args.requests, "9991")


def _area_id(name: str) -> int:
    from teams.models import Area

    return Area.objects.get(municipality__number="9990", name=name).pk


if __name__ == "__main__":
    main()
