"""Fill PostgreSQL with a realistic synthetic archive of N referrals, in SQL (INSERT … SELECT over
generate_series), for the benchmarks (bench/run.py). Not part of make test.

    createdb -h 127.0.0.1 -U postgres rimelig_bench_100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rimelig_bench_100000 DEBUG=1 \
        .venv/bin/python bench/generate.py --referrals 100000

What it makes, for N referrals (ten years of history up to today):
- municipalities: N / 3,000 (5 to 356, Norway has 356); the first, *Solvik*, is the largest and
  holds 10 % of everything (Oslo is about 13 % of the country). Five areas in Solvik (Nord,
  Sør, Øst, Vest, Sentrum), two in the others; N / 200 units (60 % kindergartens), 10 % of them
  in Solvik, among them the demo's "Solsikken barnehage" and "Blåbærtoppen barnehage" in Nord.
- a PPT office per municipality, N / 700 advisors (Solvik's 10 %), one office user
  (barnehagekontoret) per municipality, and the demo personas of seed_demo (same e-mails, same
  password "rimelig-demo", same roles) attached to Solvik, so that pages can be requested.
- N × 11/12 children (the other referrals are repeat referrals of the same child), 1.6
  guardians per child; N referrals: 90 % archive (closed, help started, 3 % withdrawn) with T0
  spread over ten years, 10 % open in every phase (draft … appealed) with T0 in the last
  200 days; consents, sakkyndige vurderinger, decisions (5 % refused, 7 % partly), provisional
  replies where the decision took more than a month, appeals, the deadlines of every case
  (provisional reply, assessment, decision, help start; met on the day the event happened,
  unmet for open cases) with the caseload's next_deadline_* kept, journal events, and the
  flags the morning job would have raised for the deadlines already in their warning window.

Deadlines are T0 + 1, 2 and 3 months and decision + 14 days, without the weekend and holiday
moves of decisions/deadlines.py (the dates' distribution is what matters here).

Bulk rows of synthetic cases are written with session_replication_role = replica: no history
triggers (nothing happened to these cases in the application) and no foreign-key triggers (the
ids are consistent by construction); so what triggers keep is written here: the case's
municipality and unit on deadlines, decisions, appeals and journal events, and the dashboard's
case facts (decisions.CaseFact, one set-based refresh_all_case_facts() after the load). A marker
table, bench_marker, records the scale: a second run on the same database with the same N does
nothing (--force regenerates into an emptied database).
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

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from referrals.case_kinds import school_year_of  # noqa: E402

PASSWORD = "rimelig-demo"  # noqa: S105 (the demo personas' published password)

# Tables the generator fills, emptied by --force (children before parents is not needed:
# TRUNCATE … CASCADE).
TABLES = [
    "decisions_casefact",
    "decisions_annualevaluation",
    "decisions_iopsubject",
    "decisions_iop",
    "decisions_deadlineflag",
    "decisions_notification_flags",
    "decisions_notification",
    "decisions_deadline",
    "decisions_appeal",
    "decisions_decision",
    "decisions_provisionalreply",
    "referrals_caseevent",
    "referrals_assessment",
    "referrals_consent",
    "referrals_referral",
    "referrals_guardian",
    "referrals_child",
    "teams_role_areas",
    "teams_role_classes",
    "teams_role_units",
    "teams_role",
    "teams_usersession",
    "django_session",
    "teams_user",
    "teams_pptoffice_municipalities",
    "teams_pptoffice",
    "teams_schoolclass",
    "teams_unit",
    "teams_area",
    "teams_municipality",
]

FIRST_NAMES = [
    "Emma", "Nora", "Sofie", "Olivia", "Ella", "Ingrid", "Leah", "Frida", "Maja", "Sara",
    "Jakob", "Noah", "Emil", "Lukas", "Oliver", "Filip", "William", "Aksel", "Henrik", "Isak",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand",
]  # fmt: skip

# (e-mail, name, staff) of seed_demo's personas; their roles are set in PERSONA_ROLES.
PERSONAS = [
    ("radgiver@demo.no", "Kari Rådgiver", False),
    ("radgiver2@demo.no", "Per Rådgiver", False),
    ("styrer@demo.no", "Siri Styrer", False),
    ("styrer2@demo.no", "Bjørn Styrer", False),
    ("spesialpedagog@demo.no", "Eva Spesialpedagog", False),
    ("barnehagekontoret@demo.no", "Ola Barnehagekontor", False),
    ("kommunalsjef@demo.no", "Anne Kommunalsjef", False),
    ("admin@demo.no", "Admin Systemansvarlig", True),
    ("ppt-leder@demo.no", "Lise PP-leder", False),
    # Issue 19: the school's people (a rektor, a kontaktlærer, the school office).
    ("rektor@demo.no", "Rita Rektor", False),
    ("rektor2@demo.no", "Rolf Rektor", False),
    ("kontaktlarer@demo.no", "Tora Kontaktlærer", False),
    ("skolekontoret@demo.no", "Sofie Skolekontor", False),
]


def plan(n: int) -> dict:
    municipalities = max(5, min(356, n // 3000))
    units = max(60, n // 200)
    advisors = max(20, n // 700)
    return {
        "n": n,
        "m": municipalities,
        "units": units,
        "solvik_units": units // 10,
        "advisors": advisors,
        "solvik_advisors": max(4, advisors // 10),
        "children": n - n // 12,
        "today": timezone.localdate(),
        "school_year": school_year_of(timezone.localdate()),
    }


STEPS: list[tuple[str, str]] = [
    (
        "organisation",
        """
INSERT INTO teams_municipality (id, name, number, school_decisions_by_rektor)
  SELECT g, CASE WHEN g = 1 THEN 'Solvik' ELSE 'Benchkommune ' || g END, (5000 + g)::text,
         g %% 4 <> 0  -- most municipalities delegate the school vedtak to the rektor
  FROM generate_series(1, %(m)s) g;
INSERT INTO teams_area (id, municipality_id, name)
  SELECT row_number() OVER (ORDER BY m, a), m, a FROM (
    SELECT 1 AS m, unnest(ARRAY['Nord', 'Sør', 'Øst', 'Vest', 'Sentrum']) AS a
    UNION ALL SELECT g, unnest(ARRAY['Nord', 'Sør']) FROM generate_series(2, %(m)s) g) s;
-- Units: the first solvik_units in Solvik, the rest round-robin over the others.
INSERT INTO teams_unit (id, name, kind, ownership, org_number, municipality_id, area_id)
  SELECT u.g,
         CASE u.g WHEN 1 THEN 'Solsikken barnehage' WHEN 2 THEN 'Blåbærtoppen barnehage'
              ELSE CASE WHEN u.g %% 5 < 3 THEN 'Benchbarnehage ' ELSE 'Benchskole ' END || u.g END,
         CASE WHEN u.g <= 2 OR u.g %% 5 < 3 THEN 'kindergarten' ELSE 'school' END,
         CASE WHEN u.g %% 5 < 3 AND u.g %% 2 = 1 THEN 'private' ELSE 'municipal' END,
         '8' || lpad(u.g::text, 8, '0'), u.m,
         (SELECT a.id FROM teams_area a WHERE a.municipality_id = u.m
          ORDER BY a.id OFFSET CASE WHEN u.g <= 2 THEN 0
                                    ELSE u.g %% (CASE WHEN u.m = 1 THEN 5 ELSE 2 END) END LIMIT 1)
  FROM (SELECT g, CASE WHEN g <= %(solvik_units)s THEN 1 ELSE 2 + g %% (%(m)s - 1) END AS m
        FROM generate_series(1, %(units)s) g) u;
-- Issue 19: every school's classes, trinn 1–10, A and B.
INSERT INTO teams_schoolclass (unit_id, trinn, name)
  SELECT u.id, t, t || l FROM teams_unit u, generate_series(1, 10) t, unnest(ARRAY['A', 'B']) l
  WHERE u.kind = 'school';
INSERT INTO teams_pptoffice (id, name)
  SELECT id, 'PPT for ' || name FROM teams_municipality;
INSERT INTO teams_pptoffice_municipalities (pptoffice_id, municipality_id)
  SELECT id, id FROM teams_municipality;
""",
    ),
    (
        "users and roles",
        """
INSERT INTO teams_user (id, password, email, full_name, is_active, is_staff, is_superuser,
                        date_joined)
  SELECT row_number() OVER (), CASE WHEN p.email LIKE '%%@demo.no' THEN %(password)s ELSE '!' END,
         p.email, p.name, true, p.staff, false, now()
  FROM (SELECT * FROM unnest(%(persona_emails)s::text[], %(persona_names)s::text[],
                             %(persona_staff)s::boolean[]) AS t(email, name, staff)) p;
SELECT setval(pg_get_serial_sequence('teams_user', 'id'), (SELECT max(id) FROM teams_user));
-- Advisors: Solvik's first (the two demo advisors among them), then round-robin.
INSERT INTO teams_user (password, email, full_name, is_active, is_staff, is_superuser,
                        date_joined)
  SELECT '!', 'radgiver-' || g || '@bench.no', 'Rådgiver ' || g, true, false, false, now()
  FROM generate_series(1, %(advisors)s) g;
INSERT INTO teams_user (password, email, full_name, is_active, is_staff, is_superuser,
                        date_joined)
  SELECT '!', 'kontor-' || g || '@bench.no', 'Kontor ' || g, true, false, false, now()
  FROM generate_series(2, %(m)s) g;
SELECT setval(pg_get_serial_sequence('teams_user', 'id'), (SELECT max(id) FROM teams_user));

CREATE TEMP TABLE bench_advisor AS
  SELECT u.id AS user_id,
         CASE WHEN g <= %(solvik_advisors)s THEN 1 ELSE 2 + g %% (%(m)s - 1) END AS m
  FROM teams_user u, LATERAL (SELECT substring(u.email FROM 'radgiver-(\\d+)@')::int AS g) s
  WHERE u.email LIKE 'radgiver-%%@bench.no'
  UNION ALL SELECT id, 1 FROM teams_user WHERE email IN ('radgiver@demo.no', 'radgiver2@demo.no');
CREATE TEMP TABLE bench_ma AS
  SELECT m, array_agg(user_id ORDER BY user_id) AS ids, count(*)::int AS n
  FROM bench_advisor GROUP BY m;
-- Each municipality's kindergartens and schools (issue 19: five in six children are pupils).
CREATE TEMP TABLE bench_mu AS
  SELECT municipality_id AS m,
         array_agg(id ORDER BY id) FILTER (WHERE kind = 'kindergarten') AS k_ids,
         count(*) FILTER (WHERE kind = 'kindergarten')::int AS k_n,
         array_agg(id ORDER BY id) FILTER (WHERE kind = 'school') AS s_ids,
         count(*) FILTER (WHERE kind = 'school')::int AS s_n
  FROM teams_unit GROUP BY municipality_id;

INSERT INTO teams_role (kind, unit_kind, municipality_id, ppt_office_id, user_id)
  SELECT 'advisor', '', NULL, a.m, a.user_id FROM bench_advisor a
  UNION ALL
  SELECT 'office', 'kindergarten', g, NULL, u.id FROM generate_series(2, %(m)s) g
    JOIN teams_user u ON u.email = 'kontor-' || g || '@bench.no'
  UNION ALL
  SELECT r.kind, r.unit_kind, r.m, r.office, u.id
  FROM (VALUES ('styrer@demo.no', 'unit_head', '', NULL::bigint, NULL::bigint),
               ('styrer2@demo.no', 'unit_head', '', NULL, NULL),
               ('spesialpedagog@demo.no', 'special_educator', '', 1, NULL),
               ('barnehagekontoret@demo.no', 'office', 'kindergarten', 1, NULL),
               ('kommunalsjef@demo.no', 'director', '', 1, NULL),
               ('admin@demo.no', 'admin', '', 1, NULL),
               ('ppt-leder@demo.no', 'ppt_leader', '', NULL, 1),
               ('rektor@demo.no', 'unit_head', '', NULL, NULL),
               ('rektor2@demo.no', 'unit_head', '', NULL, NULL),
               ('kontaktlarer@demo.no', 'teacher', '', NULL, NULL),
               ('skolekontoret@demo.no', 'office', 'school', 1, NULL)) r(email, kind, unit_kind, m, office)
  JOIN teams_user u ON u.email = r.email;
INSERT INTO teams_role_areas (role_id, area_id)
  SELECT r.id, a.id FROM teams_role r JOIN teams_user u ON u.id = r.user_id
  JOIN teams_area a ON a.municipality_id = 1 AND a.name IN ('Nord', 'Sør')
  WHERE u.email = 'radgiver@demo.no' AND r.kind = 'advisor';
-- The styrere's kindergartens 1 and 2; the rektors' schools 3 and 4 (Solvik's first schools),
-- the kontaktlærer at school 3 with its classes 5A and 5B.
INSERT INTO teams_role_units (role_id, unit_id)
  SELECT r.id, CASE u.email WHEN 'styrer@demo.no' THEN 1 WHEN 'styrer2@demo.no' THEN 2
                            WHEN 'rektor2@demo.no' THEN 4 ELSE 3 END
  FROM teams_role r JOIN teams_user u ON u.id = r.user_id
  WHERE u.email IN ('styrer@demo.no', 'styrer2@demo.no', 'rektor@demo.no', 'rektor2@demo.no',
                    'kontaktlarer@demo.no');
INSERT INTO teams_role_classes (role_id, schoolclass_id)
  SELECT r.id, c.id FROM teams_role r JOIN teams_user u ON u.id = r.user_id
  JOIN teams_schoolclass c ON c.unit_id = 3 AND c.name IN ('5A', '5B')
  WHERE u.email = 'kontaktlarer@demo.no';
""",
    ),
    (
        "children",
        """
-- Five in six children are pupils (a PPT's casework is mostly pupils: DOMAIN), on a trinn of
-- 1–10 in a class of it, born in the year that puts them there (opplæringslova § 2-1,
-- referrals.case_kinds.trinn_from_birth); the others are in a kindergarten, aged 1–4.
-- Synthetic identity numbers (month + 80), unique per municipality: (birth, g / 10) is unique.
CREATE TEMP TABLE bench_kid AS
  SELECT c.g, c.m,
         CASE WHEN (c.g %% 6 <> 0 AND mu.s_n > 0) OR mu.k_n = 0
              THEN mu.s_ids[1 + (c.g::bigint / 10 * 7919 + c.g) %% mu.s_n]
              ELSE mu.k_ids[1 + (c.g::bigint / 10 * 7919 + c.g) %% mu.k_n] END AS unit_id,
         (c.g %% 6 <> 0 AND mu.s_n > 0) OR mu.k_n = 0 AS pupil,
         1 + (c.g / 7) %% 10 AS trinn
  FROM (SELECT g, CASE WHEN g %% 10 = 0 THEN 1 ELSE 2 + (g * 31) %% (%(m)s - 1) END AS m
        FROM generate_series(1, %(children)s) g) c
  JOIN bench_mu mu ON mu.m = c.m;
INSERT INTO referrals_child (id, version, updated_at, municipality_id, unit_id, school_class_id,
    first_name, last_name, id_number, birth_date, sex, mother_tongue, needs_interpreter,
    created_at)
  SELECT k.g, 1, now(), k.m, k.unit_id, sc.id,
         (%(first_names)s::text[])[1 + k.g %% 20], (%(last_names)s::text[])[1 + (k.g / 20) %% 30],
         to_char(k.birth, 'DD') || (extract(month FROM k.birth)::int + 80)::text
           || to_char(k.birth, 'YY') || lpad(((k.g / 10) %% 100000)::text, 5, '0'),
         k.birth, CASE WHEN k.g %% 2 = 0 THEN 'female' ELSE 'male' END,
         CASE WHEN k.g %% 9 = 0 THEN 'arabisk' WHEN k.g %% 13 = 0 THEN 'polsk' ELSE 'norsk' END,
         k.g %% 29 = 0, now()
  FROM (SELECT bench_kid.*,
               CASE WHEN pupil
                    THEN make_date(%(school_year)s - 5 - trinn, 1, 1) + (g %% 365)
                    ELSE %(today)s::date - 400 - (g %% 1400) END AS birth
        FROM bench_kid) k
  LEFT JOIN teams_schoolclass sc
    ON k.pupil AND sc.unit_id = k.unit_id
   AND sc.name = k.trinn || CASE WHEN k.g %% 2 = 0 THEN 'A' ELSE 'B' END;
INSERT INTO referrals_guardian (id, version, updated_at, child_id, name, relation, phone, email,
    address, parental_responsibility, lives_with_child, needs_interpreter, language)
  SELECT id, 1, now(), id, 'Mor ' || last_name, 'mother', '4' || lpad(id::text, 7, '0'),
         'mor' || id || '@example.no', 'Benchveien ' || (id %% 200), true, true,
         needs_interpreter, '' FROM referrals_child
  UNION ALL
  SELECT %(children)s + id, 1, now(), id, 'Far ' || last_name, 'father', '9' || lpad(id::text, 7, '0'),
         '', 'Benchveien ' || (id %% 200), true, id %% 4 <> 0, false, ''
  FROM referrals_child WHERE id %% 5 < 3;
""",
    ),
    (
        "case timelines",
        """
-- One row per referral with every date of its life; the tables below are projections of it.
CREATE TEMP TABLE bench_case AS
WITH base0 AS (
  SELECT g AS id, CASE WHEN g <= %(children)s THEN g ELSE g - %(children)s END AS child_id,
         random() AS u, random() AS v, random() AS w, random() AS x, random() AS y
  FROM generate_series(1, %(n)s) g
), base AS (
  -- Issue 19: the case's kind by its unit's (referrals/case_kinds.py): a pupil's mostly
  -- § 11-6, some §§ 11-4/11-5; a kindergarten child's mostly § 31, some §§ 37/38.
  SELECT b.*, kk.kind, kk.kind IN ('oppl_11_4', 'oppl_11_5', 'bhl_37') AS plain
  FROM base0 b JOIN bench_kid k ON k.g = b.child_id
  CROSS JOIN LATERAL (SELECT (b.id::bigint * 37) %% 100 AS h) hh
  CROSS JOIN LATERAL (SELECT CASE
      WHEN k.pupil THEN CASE WHEN hh.h < 80 THEN 'oppl_11_6' WHEN hh.h < 92 THEN 'oppl_11_4'
                             ELSE 'oppl_11_5' END
      ELSE CASE WHEN hh.h < 85 THEN 'bhl_31' WHEN hh.h < 95 THEN 'bhl_37' ELSE 'bhl_38' END
    END AS kind) kk
), phased0 AS (
  SELECT b.*,
         CASE WHEN b.u >= 0.10 THEN
                CASE WHEN b.v < 0.03 THEN 'withdrawn' WHEN b.y < 0.05 THEN 'closed'
                     WHEN b.w < 0.16 THEN 'help_started' ELSE 'closed' END
              WHEN b.v < 0.03 THEN 'draft' WHEN b.v < 0.10 THEN 'awaiting_consent'
              WHEN b.v < 0.30 THEN 'received' WHEN b.v < 0.60 THEN 'assessing'
              WHEN b.v < 0.75 THEN 'assessed' WHEN b.v < 0.97 THEN 'decided'
              ELSE 'appealed' END AS status,
         -- T0: open cases recent, the archive over ten years
         CASE WHEN b.u >= 0.10 THEN %(today)s::date - 200 - floor(b.w * 3450)::int
              WHEN b.v < 0.10 THEN NULL
              WHEN b.v < 0.30 THEN %(today)s::date - floor(b.w * 40)::int
              WHEN b.v < 0.60 THEN %(today)s::date - 20 - floor(b.w * 100)::int
              WHEN b.v < 0.75 THEN %(today)s::date - 40 - floor(b.w * 100)::int
              ELSE %(today)s::date - 60 - floor(b.w * 140)::int END AS t0
  FROM base b
), phased AS (
  -- A kind decided without a sakkyndig vurdering (barnehageloven § 37, opplæringslova §§ 11-4,
  -- 11-5) waits for its vedtak as received.
  SELECT p.id, p.child_id, p.u, p.v, p.w, p.x, p.y, p.kind, p.plain,
         CASE WHEN p.plain AND p.status IN ('assessing', 'assessed') THEN 'received'
              ELSE p.status END AS status, p.t0
  FROM phased0 p
), dated AS (
  SELECT p.*,
         CASE WHEN NOT p.plain
                   AND p.status IN ('assessed', 'decided', 'appealed', 'help_started', 'closed')
              THEN LEAST(p.t0 + 20 + floor(p.x * 60)::int,
                         %(today)s::date - CASE WHEN p.status = 'assessed' THEN 0 ELSE 10 END)
         END AS assessed_on
  FROM phased p
), decided AS (
  SELECT d.*,
         CASE WHEN d.status IN ('decided', 'appealed', 'help_started', 'closed')
              THEN LEAST(COALESCE(d.assessed_on, d.t0 + 10 + floor(d.x * 40)::int)
                         + 3 + floor(d.y * 27)::int, %(today)s::date - 1) END
           AS decided_on,
         CASE WHEN d.y < 0.05 THEN 'refused' WHEN d.y < 0.12 THEN 'partly' ELSE 'granted' END
           AS outcome
  FROM dated d
)
SELECT d.*, c.municipality_id, c.unit_id,
       -- received: before T0 (T0 is the later of received and consent)
       CASE WHEN d.status = 'draft' THEN NULL
            WHEN d.status = 'awaiting_consent' THEN %(today)s::date - floor(d.w * 30)::int
            ELSE d.t0 - floor(d.x * 10)::int END AS received_on,
       CASE WHEN d.status = 'help_started' OR d.status = 'closed' AND d.outcome <> 'refused'
            THEN d.decided_on + 3 + floor(d.x * 22)::int END AS help_on,
       CASE WHEN d.status = 'withdrawn' THEN d.t0 + 10 + floor(d.x * 40)::int END AS withdrawn_on,
       -- a provisional reply where the decision (or today) came more than a month after T0
       CASE WHEN d.t0 IS NOT NULL AND d.status <> 'withdrawn' AND d.y < 0.85
                 AND COALESCE(d.decided_on, %(today)s::date) > d.t0 + 30
                 AND d.t0 + 15 + floor(d.w * 20)::int < %(today)s::date
            THEN d.t0 + 15 + floor(d.w * 20)::int END AS reply_on,
       CASE WHEN d.status IN ('draft', 'awaiting_consent', 'received') AND d.x < 0.5 THEN NULL
            ELSE ma.ids[1 + (d.id::bigint * 13) %% ma.n] END AS advisor_id,
       ma.ids[1] AS creator_id,
       -- Issue 19: who asked PPT. Half the drafts are referrals a unit has sent with the
       -- consent recorded and PPT has not yet received (its intake); of the received cases
       -- 40 %% were written by the unit, 5 %% are the parents' own request.
       CASE WHEN d.status = 'draft' THEN CASE WHEN d.x < 0.5 THEN 'unit' ELSE 'ppt' END
            WHEN (d.id::bigint * 11) %% 100 < 40 THEN 'unit'
            WHEN (d.id::bigint * 11) %% 100 < 45 THEN 'parents' ELSE 'ppt' END AS source
FROM decided d
JOIN referrals_child c ON c.id = d.child_id
JOIN bench_ma ma ON ma.m = c.municipality_id;
ALTER TABLE bench_case ADD PRIMARY KEY (id);
ANALYZE bench_case;
""",
    ),
    (
        "referrals",
        """
INSERT INTO referrals_referral (id, version, updated_at, child_id, unit_id, municipality_id,
    status, advisor_id, priority, is_repeat, services, services_other, concern, tried,
    report_play, report_social, report_language, report_motor, report_attention, report_frame,
    report_measures, received_on, consent_on, t0, assessed_on, withdrawn_reason,
    next_deadline_kind, previous_link, closed_reason, closed_on, closed_note, created_by_id,
    created_at, kind, source, sent_on, requested_on, report_subjects, report_adapted,
    child_views, guardian_views)
  SELECT id, 1, now(), child_id, unit_id, municipality_id, status, advisor_id,
         CASE WHEN x < 0.05 THEN 'urgent' WHEN x < 0.20 THEN 'high' ELSE 'normal' END,
         id > %(children)s, '["assessment"]', '',
         'Bekymring for språk og samspill i barnegruppa.', 'Tett oppfølging i liten gruppe.',
         'Leker mest alene.', 'Trenger støtte i overganger.', 'Få ord, peker.', '', '', '', '',
         received_on, t0, t0, assessed_on,
         CASE WHEN status = 'withdrawn' THEN 'Foresatte trakk henvisningen.' ELSE '' END, '',
         -- an archived case closed when its vedtak's period ended (decisions.case_life)
         '', CASE WHEN status = 'closed' THEN 'period_ended' ELSE '' END,
         CASE WHEN status = 'closed'
              THEN LEAST(%(today)s::date, COALESCE(decided_on, t0) + 379) END, '',
         creator_id,
         (COALESCE(received_on, %(today)s::date - floor(w * 10)::int) - 2)::timestamp
           AT TIME ZONE 'Europe/Oslo' + interval '9 hours',
         kind, source,
         CASE WHEN source = 'unit' THEN COALESCE(received_on, %(today)s::date - floor(w * 14)::int) END,
         CASE WHEN source = 'parents' THEN received_on END,
         CASE WHEN kind LIKE 'oppl%%' THEN 'Leser under forventet nivå for trinnet.' ELSE '' END,
         CASE WHEN kind LIKE 'oppl%%' THEN 'Lesekurs i liten gruppe (§ 11-2).' ELSE '' END,
         'Vil være sammen med de andre.', 'Ønsker hjelp.'
  FROM bench_case;
""",
    ),
    (
        "consents and assessments",
        """
INSERT INTO referrals_consent (referral_id, guardian_id, purpose, given_on, registered_by_id,
                               registered_at, given_by_pupil)
  SELECT id, child_id, CASE WHEN plain THEN 'decision' ELSE 'assessment' END,
         COALESCE(t0, %(today)s::date - 20), creator_id,
         COALESCE(t0, %(today)s::date - 20)::timestamp AT TIME ZONE 'Europe/Oslo'
         , false
  FROM bench_case WHERE t0 IS NOT NULL OR status = 'draft' AND source = 'unit';
INSERT INTO referrals_assessment (version, updated_at, referral_id, development, goals,
    kind_of_help, organisation, recommended_hours, competence, assistant_needed, child_views,
    guardian_views, conclusion, completed_on, author_id, benefit, benefit_obstacles,
    teacher_competence)
  SELECT 1, now(), id, 'Forsinket språkutvikling.', 'Utvide ordforrådet.',
         'Språkgrupper og veiledning.', 'group', 2 + floor(x * 6), 'special_educator', x < 0.2,
         'Liker å leke ute.', 'Ønsker hjelp.',
         CASE WHEN outcome = 'refused' THEN 'no_need' ELSE 'needs_help' END,
         CASE WHEN assessed_on IS NOT NULL THEN assessed_on END, COALESCE(advisor_id, creator_id),
         -- opplæringslova § 11-8 a, b and e in a § 11-6 assessment
         CASE WHEN kind = 'oppl_11_6' THEN 'Lite utbytte i norsk og matematikk.' ELSE '' END,
         CASE WHEN kind = 'oppl_11_6' THEN 'Tilpasset opplæring strekker ikke til.' ELSE '' END,
         CASE WHEN kind = 'oppl_11_6' THEN 'Lærer med spesialpedagogikk.' ELSE '' END
  FROM bench_case WHERE assessed_on IS NOT NULL OR status = 'assessing';
""",
    ),
    (
        "decisions, replies, appeals",
        """
INSERT INTO decisions_decision (id, referral_id, municipality_id, unit_id, decided_on,
    decided_by_id, outcome, hours_per_week, organisation, competence, assistant, starts_on,
    ends_on, provider, provider_name, deviation_reason, reason, help_started_on, superseded,
    kind, created_at)
  SELECT id, id, municipality_id, unit_id, decided_on, creator_id, outcome,
         -- a vedtak of §§ 11-4, 11-5 or barnehageloven § 37 states no hours (issue 19)
         CASE WHEN outcome <> 'refused' AND NOT plain THEN 2 + floor(x * 6) END,
         CASE WHEN plain THEN '' ELSE 'group' END,
         CASE WHEN plain THEN '' ELSE 'special_educator' END,
         false, decided_on + 14,
         -- a school kind's vedtak runs to the end of the school year (31 July)
         CASE WHEN kind LIKE 'oppl%%'
              THEN make_date(extract(year FROM decided_on + 14)::int
                             - (extract(month FROM decided_on + 14) < 8)::int + 1, 7, 31)
              ELSE decided_on + 365 END,
         'special_service', '', '',
         'I tråd med sakkyndig vurdering.', help_on, false, '',
         decided_on::timestamp AT TIME ZONE 'Europe/Oslo' + interval '12 hours'
  FROM bench_case WHERE decided_on IS NOT NULL;
SELECT setval(pg_get_serial_sequence('decisions_decision', 'id'), %(n)s);
INSERT INTO decisions_provisionalreply (referral_id, sent_on, reason, expected_decision_on,
                                        registered_by_id, registered_at)
  SELECT id, reply_on, 'Utredningen tar tid.', reply_on + 45, creator_id,
         reply_on::timestamp AT TIME ZONE 'Europe/Oslo'
  FROM bench_case WHERE reply_on IS NOT NULL;
INSERT INTO decisions_appeal (decision_id, municipality_id, unit_id, received_on, sent_on,
                              outcome, outcome_on, note, registered_by_id, execution_deferred)
  SELECT id, municipality_id, unit_id, decided_on + 10,
         CASE WHEN status <> 'appealed' AND x < 0.6 THEN decided_on + 30 END,
         CASE WHEN status = 'appealed' THEN 'pending' WHEN x < 0.4 THEN 'reversed'
              WHEN x < 0.5 THEN 'sent' WHEN x < 0.8 THEN 'upheld' WHEN x < 0.9 THEN 'changed'
              ELSE 'remanded' END,
         CASE WHEN status <> 'appealed' AND x >= 0.5 THEN decided_on + 90 END, '', creator_id,
         false
  FROM bench_case
  -- 3 %% of the archive's decisions were appealed (id-based: independent of the dates' draws)
  WHERE status = 'appealed' OR decided_on IS NOT NULL AND decided_on < %(today)s::date - 120
                                 AND (id::bigint * 7919) %% 100 < 3;
""",
    ),
    (
        "IOPs and evaluations",
        # Issue 19: the school's IOP (opplæringslova § 11-10) for every § 11-6 vedtak with help
        # running, for the school year help started, with two subjects' hours; an årleg
        # evaluering (§ 11-11), made available, for the plans of earlier school years.
        """
INSERT INTO decisions_iop (referral_id, decision_id, school_year, goals, content, organisation,
    status, finalised_on, written_by_id, version, created_at, updated_at)
  SELECT id, id, extract(year FROM help_on)::int - (extract(month FROM help_on) < 8)::int,
         'Lese enkle tekster med flyt.', 'Lesing og regning i liten gruppe.',
         'Fire timer i uka med spesialpedagog.', 'final', help_on + 20, creator_id, 1, now(), now()
  FROM bench_case
  WHERE kind = 'oppl_11_6' AND status = 'help_started' AND help_on IS NOT NULL
    AND outcome <> 'refused';
INSERT INTO decisions_iopsubject (iop_id, subject, hours_per_week, note)
  SELECT i.id, s.subject, s.hours, '' FROM decisions_iop i
  CROSS JOIN (VALUES ('Norsk', 2.0), ('Matematikk', 2.0)) s(subject, hours);
INSERT INTO decisions_annualevaluation (referral_id, iop_id, school_year, teaching_given,
    development, status, shared_on, written_by_id, version, created_at, updated_at)
  SELECT referral_id, id, school_year, 'Fire timer i uka i liten gruppe.',
         'Eleven har nådd to av tre mål.', 'shared', make_date(school_year + 1, 6, 15),
         written_by_id, 1, now(), now()
  FROM decisions_iop WHERE school_year < %(school_year)s;
""",
    ),
    (
        "deadlines",
        """
INSERT INTO decisions_deadline (referral_id, municipality_id, unit_id, kind, due_on, met_on,
                                paused, paused_days, warning_days, warn_on)
  SELECT c.id, c.municipality_id, c.unit_id, k.kind, k.due, k.met, false, 0, 14, k.due - 14
  FROM bench_case c
  CROSS JOIN LATERAL (VALUES
      ('provisional_reply', (c.t0 + interval '1 month')::date,
       CASE WHEN c.decided_on <= (c.t0 + interval '1 month')::date THEN c.decided_on
            ELSE c.reply_on END),
      ('assessment', (c.t0 + interval '2 months')::date, c.assessed_on),
      ('decision', (c.t0 + interval '3 months')::date, c.decided_on),
      ('help_start', c.decided_on + 14,
       CASE WHEN c.outcome <> 'refused' THEN c.help_on END)) k(kind, due, met)
  WHERE c.t0 IS NOT NULL AND c.status <> 'withdrawn' AND k.due IS NOT NULL
    AND NOT (k.kind = 'help_start' AND c.outcome = 'refused')
    -- no assessment deadline where the kind needs no assessment (case_kinds.RULES deadlines)
    AND NOT (k.kind = 'assessment' AND c.plain)
    -- the archive's deadlines are all met (closed cases' unmet ones were settled)
    AND (k.met IS NOT NULL OR c.status IN ('received', 'assessing', 'assessed', 'decided',
                                           'appealed'));
-- The caseload's next deadline of each open case (decisions.services keeps it).
UPDATE referrals_referral r SET next_deadline_kind = d.kind, next_deadline_on = d.due_on,
       next_deadline_warn_on = d.warn_on
  FROM (SELECT DISTINCT ON (referral_id) referral_id, kind, due_on, warn_on
        FROM decisions_deadline WHERE met_on IS NULL AND NOT paused
        ORDER BY referral_id, due_on) d
  WHERE r.id = d.referral_id;
-- The flags the morning job has raised for deadlines already in their warning window.
INSERT INTO decisions_deadlineflag (deadline_id, level, flagged_on, created_at, comment)
  SELECT id, CASE WHEN due_on < %(today)s::date THEN 'overdue' ELSE 'approaching' END,
         LEAST(%(today)s::date, CASE WHEN due_on < %(today)s::date THEN due_on + 1
                                     ELSE warn_on END), now(), ''
  FROM decisions_deadline
  WHERE met_on IS NULL AND NOT paused AND warn_on <= %(today)s::date;
""",
    ),
    (
        "journal",
        """
INSERT INTO referrals_caseevent (referral_id, municipality_id, unit_id, actor_id, action,
                                 from_status, to_status, detail, at)
  SELECT c.id, c.municipality_id, c.unit_id, COALESCE(c.advisor_id, c.creator_id), e.action,
         e.frm, e.too, '{}', e.day::timestamp AT TIME ZONE 'Europe/Oslo' + interval '10 hours'
  FROM bench_case c
  CROSS JOIN LATERAL (VALUES
      ('referral.created', '', 'draft',
       COALESCE(c.received_on, %(today)s::date - floor(c.w * 10)::int) - 2),
      ('referral.submitted', 'draft', 'awaiting_consent', c.received_on),
      ('referral.received', 'awaiting_consent', 'received', c.t0),
      ('referral.assessed', 'assessing', 'assessed', c.assessed_on),
      ('decision.registered', 'assessed', 'decided', c.decided_on),
      ('help.started', 'decided', 'help_started', c.help_on),
      ('referral.withdrawn', 'received', 'withdrawn', c.withdrawn_on)) e(action, frm, too, day)
  WHERE e.day IS NOT NULL;
""",
    ),
    (
        "case facts",
        # decisions 0009: the dashboard's row per case, from everything above (the triggers
        # that keep it are off here).
        "SELECT refresh_all_case_facts();",
    ),
]

SEQUENCED = [
    "teams_municipality",
    "teams_area",
    "teams_unit",
    "teams_pptoffice",
    "referrals_child",
    "referrals_guardian",
    "referrals_referral",
]


# Their secondary indexes are dropped while the rows go in and built again afterwards (one sort
# per index instead of a million insertions); the definitions wait in bench_indexes meanwhile.
BULK_TABLES = [
    "referrals_child",
    "referrals_guardian",
    "referrals_referral",
    "referrals_consent",
    "referrals_assessment",
    "referrals_caseevent",
    "decisions_decision",
    "decisions_deadline",
    "decisions_deadlineflag",
    "decisions_provisionalreply",
    "decisions_appeal",
    "decisions_casefact",
]


def _drop_indexes(cursor) -> None:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_indexes (name text PRIMARY KEY, def text)")
    cursor.execute(
        """INSERT INTO bench_indexes (name, def)
           SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           WHERE t.relname = ANY(%s) AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
           ON CONFLICT DO NOTHING""",
        [BULK_TABLES],
    )
    cursor.execute("SELECT name FROM bench_indexes")
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def _restore_indexes(cursor) -> None:
    cursor.execute("SELECT to_regclass('bench_indexes')")
    if cursor.fetchone()[0] is None:
        return
    cursor.execute("SELECT name, def FROM bench_indexes ORDER BY name")
    for name, definition in cursor.fetchall():
        cursor.execute(definition.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))
        cursor.execute("DELETE FROM bench_indexes WHERE name = %s", [name])
    cursor.execute("DROP TABLE bench_indexes")


def _marker(cursor) -> int | None:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_marker (scale integer PRIMARY KEY, "
        "generated_at timestamptz NOT NULL DEFAULT now(), seconds real, today date)"
    )
    cursor.execute("SELECT scale FROM bench_marker ORDER BY generated_at DESC LIMIT 1")
    row = cursor.fetchone()
    return row[0] if row else None


def generate(n: int, *, force: bool = False) -> bool:
    """Fill the database with n referrals; False when it already holds them (the marker)."""
    p = plan(n)
    with connection.cursor() as c:
        _restore_indexes(c)  # after an interrupted run
        existing = _marker(c)
        if existing == n and not force:
            print(f"bench data for {n:,} referrals already present (bench_marker): reused")
            return False
        c.execute("SELECT count(*) FROM referrals_referral")
        if c.fetchone()[0] and not force:
            raise SystemExit(
                "the database holds cases but no bench marker for this scale: use an empty "
                "database (make bench creates rimelig_bench_<scale>) or --force to empty it"
            )
        print(
            f"generating {n:,} referrals: {p['m']} municipalities, {p['units']:,} units, "
            f"{p['advisors']:,} advisors, {p['children']:,} children (today {p['today']})",
            flush=True,
        )
        started = time.monotonic()
        c.execute("SET synchronous_commit = off")
        c.execute("SET work_mem = '256MB'")
        c.execute("SET maintenance_work_mem = '512MB'")
        c.execute("SET session_replication_role = replica")  # no history or FK triggers
        c.execute("SELECT setseed(0.42)")
        c.execute("TRUNCATE bench_marker, " + ", ".join(TABLES) + " CASCADE")
        # A bench run stopped in its morning-job figures leaves the warning days it moved
        # (bench/run.py's bench_warn); they belong to the archive being replaced.
        c.execute("DROP TABLE IF EXISTS bench_warn")
        params = {
            **p,
            "password": make_password(PASSWORD),
            "persona_emails": [e for e, _n, _s in PERSONAS],
            "persona_names": [name for _e, name, _s in PERSONAS],
            "persona_staff": [s for _e, _n, s in PERSONAS],
            "first_names": FIRST_NAMES,
            "last_names": LAST_NAMES,
        }
        _drop_indexes(c)
        for i, (label, sql) in enumerate(STEPS, 1):
            step = time.monotonic()
            print(f"  [{i}/{len(STEPS)}] {label} …", end="", flush=True)
            c.execute(sql, params)
            print(f" {time.monotonic() - step:.1f} s", flush=True)
        step = time.monotonic()
        print("  indexes …", end="", flush=True)
        _restore_indexes(c)
        print(f" {time.monotonic() - step:.1f} s", flush=True)
        for table in SEQUENCED:
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"  # (constant table names)
            )
        c.execute("DROP TABLE IF EXISTS bench_case, bench_ma, bench_mu, bench_advisor, bench_kid")
        c.execute("SET session_replication_role = DEFAULT")
        seconds = time.monotonic() - started
        c.execute(
            "INSERT INTO bench_marker (scale, seconds, today) VALUES (%s, %s, %s)",
            [n, seconds, p["today"]],
        )
        c.execute(
            "SELECT (SELECT count(*) FROM referrals_referral), "
            "(SELECT count(*) FROM referrals_referral WHERE status = ANY(%s)), "
            "(SELECT count(*) FROM decisions_deadline), (SELECT count(*) FROM decisions_decision), "
            "(SELECT count(*) FROM referrals_caseevent), "
            "(SELECT count(*) FROM decisions_deadlineflag)",
            [["draft", "awaiting_consent", "received", "assessing", "assessed", "decided",
              "appealed"]],
        )  # fmt: skip
        total, open_, deadlines, decisions, events, flags = c.fetchone()
    print(
        f"generated in {seconds:.0f} s: {total:,} referrals ({open_:,} open), {deadlines:,} "
        f"deadlines, {decisions:,} decisions, {events:,} journal events, {flags:,} flags",
        flush=True,
    )
    return True


# Help delivered (issue 18): a year of weekly rows for every running vedtak, written in one
# set-based statement (generate_series per vedtak; server-side, as fast as COPY), with the case
# scope copied by hand (the copy trigger is off under session_replication_role = replica).
# About 92 % of the weeks fully given, 5 % partly (staff absent), 3 % the child absent; one
# vedtak in twenty-five short lately, so the morning's delivery check has something to flag.
DELIVERY_SQL = """
INSERT INTO decisions_deliveryweek (decision_id, week_start, hours_decided, hours_given,
    given_by, competence, hours_missed, missed_reason, missed_note, registered_by_id,
    registered_at, version, updated_at, municipality_id, unit_id)
SELECT d.id, w.week::date, d.hours_per_week,
       CASE WHEN w.r < 0.92 AND NOT (short AND w.week > %(today)s::date - 35)
            THEN d.hours_per_week ELSE round(d.hours_per_week * 0.6, 1) END,
       'Spesialpedagog', d.competence,
       CASE WHEN w.r < 0.92 AND NOT (short AND w.week > %(today)s::date - 35) THEN 0
            ELSE d.hours_per_week - round(d.hours_per_week * 0.6, 1) END,
       CASE WHEN w.r < 0.92 AND NOT (short AND w.week > %(today)s::date - 35) THEN ''
            WHEN w.r < 0.97 THEN 'staff_absent' ELSE 'child_absent' END,
       '', d.decided_by_id, w.week + interval '4 days 14 hours', 1, now(),
       d.municipality_id, d.unit_id
FROM decisions_decision d
JOIN referrals_referral rr ON rr.id = d.referral_id
CROSS JOIN LATERAL (SELECT d.id %% 25 = 0 AS short) s
CROSS JOIN LATERAL (
    SELECT g AS week, random() AS r
    FROM generate_series(
        date_trunc('week', GREATEST(COALESCE(d.starts_on, d.decided_on), d.help_started_on,
                                    %(today)s::date - 364)),
        LEAST(d.ends_on, %(today)s::date - 7), interval '7 days') g
) w
WHERE NOT d.superseded AND d.outcome IN ('granted', 'partly') AND d.help_started_on IS NOT NULL
  AND d.hours_per_week > 0 AND rr.status IN ('help_started', 'appealed')
"""


def generate_delivery() -> int:
    """The weeks of help, once per bench database (also into one generated before them)."""
    with connection.cursor() as c:
        c.execute("SELECT EXISTS (SELECT 1 FROM decisions_deliveryweek)")
        if c.fetchone()[0]:
            return 0
        c.execute("SELECT today FROM bench_marker ORDER BY generated_at DESC LIMIT 1")
        row = c.fetchone()
        today = row[0] if row and row[0] else date.today()
        started = time.monotonic()
        print("  weeks of help delivered …", end="", flush=True)
        c.execute("SET session_replication_role = replica")
        c.execute("SET synchronous_commit = off")
        c.execute("SET maintenance_work_mem = '512MB'")
        c.execute("SELECT pg_get_indexdef('deliveryweek_scope_week'::regclass)")
        index = c.fetchone()[0]
        c.execute("DROP INDEX deliveryweek_scope_week")
        c.execute(DELIVERY_SQL, {"today": today})
        rows = c.rowcount
        c.execute(index)
        c.execute("SET session_replication_role = DEFAULT")
        from decisions.delivery import rollup_rebuild

        rollup_rebuild()  # the dashboard's monthly rollup (decisions.DeliveryMonth)
        c.execute("VACUUM ANALYZE decisions_deliverymonth")
        c.execute("VACUUM ANALYZE decisions_deliveryweek")
        print(f" {rows:,} rows in {time.monotonic() - started:.1f} s", flush=True)
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args()
    if args.referrals < 1000:
        raise SystemExit("--referrals: at least 1000")
    generate(args.referrals, force=args.force)
    generate_delivery()


if __name__ == "__main__":
    main()
