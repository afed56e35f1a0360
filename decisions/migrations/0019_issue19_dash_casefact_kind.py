"""decisions.CaseFact gets the case's kind and, for a pupil, the school level (issue 19, item 6):
the director's dashboard splits its figures by both.

- ``kind``: Referral.kind (referrals/case_kinds.py).
- ``school_level``: for a case of a school kind (opplæringslova chapter 11: the kinds whose
  rule's unit_kind is "school" in case_kinds.RULES), case_kinds.school_level of the pupil's
  trinn: the trinn of the pupil's class (Child.school_class → teams.SchoolClass.trinn) where
  it is known, else case_kinds.trinn_from_birth(birth_date, on): school starts in the calendar
  year the child turns six (opplæringslova § 2-1), the school year from 1 August. ``on`` is
  the day the case was received (received_on), or, before that, the day it was created (its
  created_at in the municipality's calendar, Europe/Oslo): one rule, the day PPT got the case.
  "" for a kindergarten case (barnehageloven) and for a trinn outside 1.–10.

The column list and the functions of decisions 0009 again, with the two columns: the source
(its result type changes, so it is dropped and created), refresh_case_fact and
refresh_all_case_facts (CREATE OR REPLACE). The row triggers now also follow:
- the case's kind and child (referrals_referral);
- the child's class and birth date (referrals_child: every case of the child), the two
  columns of the child the row reads (the child's own unit is not read: a case's unit is the
  referral's);
- a class's trinn (teams_schoolclass: every case of its pupils).
Then every row is refreshed, and the covering index casefact_scope_active includes the two.
"""

import importlib

from django.db import migrations, models

from referrals import case_kinds

previous = importlib.import_module("decisions.migrations.0009_case_facts")

COLUMNS = [*previous.COLUMNS, "kind", "school_level"]
COLS = ", ".join(COLUMNS)
UPDATED = COLUMNS[1:]

SCHOOL_KINDS = ", ".join(f"'{k}'" for k, r in case_kinds.RULES.items() if r.is_school)
AUG, DAY = case_kinds.SCHOOL_YEAR_START
# case_kinds.school_level as SQL, from the Python: each level's lowest and highest trinn.
_TRINN = {}
for _t in range(1, 11):
    _TRINN.setdefault(case_kinds.school_level(_t), []).append(_t)
LEVELS = "\n".join(
    f"       WHEN trinn BETWEEN {min(ts)} AND {max(ts)} THEN '{level}'"
    for level, ts in _TRINN.items()
)

# The one definition (decisions 0009's, with the pupil's school level): the body is 0009's
# with the case's kind, its child and the child's class joined (by primary key).
SOURCE_BODY = previous.SOURCE.split("$$")[1]
SOURCE_BODY = SOURCE_BODY.replace(
    "                          dl.decision_due_on, dl.help_due_on) END\n",
    f"""                          dl.decision_due_on, dl.help_due_on) END,
       r.kind::text,
       -- a pupil's case: the class's trinn, else by birth date on the day the case was
       -- received, or created; "" for a kindergarten case
       CASE WHEN r.kind IN ({SCHOOL_KINDS}) THEN
         school_level_of(COALESCE(sc.trinn, school_trinn_from_birth(
             ch.birth_date,
             COALESCE(r.received_on, (r.created_at AT TIME ZONE 'Europe/Oslo')::date))))
       ELSE '' END
""",
)
SOURCE_BODY = SOURCE_BODY.replace(
    "FROM referrals_referral r\n",
    "FROM referrals_referral r\n"
    "JOIN referrals_child ch ON ch.id = r.child_id\n"
    "LEFT JOIN teams_schoolclass sc ON sc.id = ch.school_class_id\n",
)
assert "r.kind::text" in SOURCE_BODY and "referrals_child" in SOURCE_BODY

RESULT = """
    referral_id bigint, municipality_id bigint, unit_id bigint, advisor_id bigint, status text,
    received_on date, t0 date, assessed_on date, first_decided_on date, decided_on date,
    help_started_on date, refused boolean, reply_due_on date, reply_met_on date,
    reply_paused boolean, reply_needed boolean, decision_due_on date, decision_met_on date,
    decision_paused boolean, help_due_on date, help_met_on date, help_paused boolean,
    warn_on date, overdue_on date, withdrawn_on date, active_until date"""

# Constants of this module and case_kinds only: no input reaches this SQL.
SOURCE = f"""
-- case_kinds.trinn_from_birth: school starts in the calendar year the child turns six
-- (opplæringslova § 2-1), the school year on 1 August; NULL outside 1.–10. (a scalar SQL
-- function: inlined into the source)
CREATE FUNCTION school_trinn_from_birth(birth date, on_day date) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN t BETWEEN 1 AND 10 THEN t END FROM (
    SELECT extract(year FROM on_day)::int
           - CASE WHEN (extract(month FROM on_day)::int, extract(day FROM on_day)::int)
                       < ({AUG}, {DAY}) THEN 1 ELSE 0 END
           - (extract(year FROM birth)::int + 6) + 1 AS t
) trinn
$$;
-- case_kinds.school_level: 1.–4., 5.–7., 8.–10. trinn (case_kinds.SchoolLevel); "" for none
CREATE FUNCTION school_level_of(trinn integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
{LEVELS}
       ELSE '' END
$$;
DROP FUNCTION case_fact_source();
CREATE FUNCTION case_fact_source() RETURNS TABLE ({RESULT}, kind text, school_level text
) LANGUAGE sql STABLE AS $${SOURCE_BODY}$$;
"""  # noqa: S608


def _functions(columns: list[str]) -> str:
    """refresh_case_fact and refresh_all_case_facts over ``columns`` (0009's text, replaced)."""
    old_cols = ", ".join(previous.COLUMNS)
    old_updated = previous.UPDATED
    text = previous.REFRESH.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    old_list, new_list = ", ".join(old_updated), ", ".join(columns[1:])
    for old, new in [
        (f"({old_cols})", f"({', '.join(columns)})"),
        (f"SELECT {old_cols} FROM", f"SELECT {', '.join(columns)} FROM"),
        (f"SET ({old_list})", f"SET ({new_list})"),
        (
            ", ".join(f"EXCLUDED.{c}" for c in old_updated),
            ", ".join(f"EXCLUDED.{c}" for c in columns[1:]),
        ),
        (", ".join(f"f.{c}" for c in old_updated), ", ".join(f"f.{c}" for c in columns[1:])),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    return text


REFRESH = _functions(COLUMNS)
assert REFRESH.count("school_level") == 8, REFRESH.count("school_level")
assert "school_level, kind" not in REFRESH

TRIGGERS = """
DROP TRIGGER case_fact_update ON referrals_referral;
CREATE TRIGGER case_fact_update AFTER UPDATE ON referrals_referral FOR EACH ROW
    WHEN ((OLD.status, OLD.municipality_id, OLD.unit_id, OLD.advisor_id, OLD.received_on,
           OLD.t0, OLD.assessed_on, OLD.kind, OLD.child_id)
          IS DISTINCT FROM (NEW.status, NEW.municipality_id, NEW.unit_id, NEW.advisor_id,
                            NEW.received_on, NEW.t0, NEW.assessed_on, NEW.kind, NEW.child_id))
    EXECUTE FUNCTION case_fact_follow_case();

-- The child's class or birth date: every case of the child (a handful).
CREATE FUNCTION case_fact_follow_child() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    case_id bigint;
BEGIN
    FOR case_id IN SELECT id FROM referrals_referral WHERE child_id = NEW.id LOOP
        PERFORM refresh_case_fact(case_id);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_fact_child_update AFTER UPDATE ON referrals_child FOR EACH ROW
    WHEN ((OLD.school_class_id, OLD.birth_date)
          IS DISTINCT FROM (NEW.school_class_id, NEW.birth_date))
    EXECUTE FUNCTION case_fact_follow_child();

-- A class moved to another trinn: every case of its pupils.
CREATE FUNCTION case_fact_follow_class() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    case_id bigint;
BEGIN
    FOR case_id IN
        SELECT r.id FROM referrals_referral r JOIN referrals_child ch ON ch.id = r.child_id
        WHERE ch.school_class_id = NEW.id
    LOOP
        PERFORM refresh_case_fact(case_id);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_fact_class_update AFTER UPDATE ON teams_schoolclass FOR EACH ROW
    WHEN (OLD.trinn IS DISTINCT FROM NEW.trinn) EXECUTE FUNCTION case_fact_follow_class();
"""

BACK_TRIGGERS = """
DROP TRIGGER case_fact_class_update ON teams_schoolclass;
DROP FUNCTION case_fact_follow_class();
DROP TRIGGER case_fact_child_update ON referrals_child;
DROP FUNCTION case_fact_follow_child();
DROP TRIGGER case_fact_update ON referrals_referral;
CREATE TRIGGER case_fact_update AFTER UPDATE ON referrals_referral FOR EACH ROW
    WHEN ((OLD.status, OLD.municipality_id, OLD.unit_id, OLD.advisor_id, OLD.received_on,
           OLD.t0, OLD.assessed_on)
          IS DISTINCT FROM (NEW.status, NEW.municipality_id, NEW.unit_id, NEW.advisor_id,
                            NEW.received_on, NEW.t0, NEW.assessed_on))
    EXECUTE FUNCTION case_fact_follow_case();
"""

# Back: 0009's functions (the source dropped first: its result type differs).
BACK = (
    "DROP FUNCTION case_fact_source();\nDROP FUNCTION school_trinn_from_birth(date, date);\n"
    "DROP FUNCTION school_level_of(integer);\n"
    + previous.SOURCE
    + previous.REFRESH.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    + BACK_TRIGGERS
)

FILL = "SELECT refresh_all_case_facts(); ANALYZE decisions_casefact;"

INCLUDE = [
    "unit",
    "status",
    "advisor",
    "received_on",
    "t0",
    "assessed_on",
    "first_decided_on",
    "decided_on",
    "help_started_on",
    "refused",
    "reply_due_on",
    "reply_met_on",
    "reply_paused",
    "reply_needed",
    "decision_due_on",
    "decision_met_on",
    "decision_paused",
    "help_due_on",
    "help_met_on",
    "help_paused",
    "warn_on",
    "overdue_on",
    "withdrawn_on",
]


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0018_iop_and_annual_evaluation"),
        ("referrals", "0019_case_kinds_and_unit_referrals"),
        ("teams", "0009_school_classes_and_teachers"),
    ]

    operations = [
        migrations.AddField(
            model_name="casefact",
            name="kind",
            field=models.CharField(default="", max_length=20),
        ),
        migrations.AddField(
            model_name="casefact",
            name="school_level",
            field=models.CharField(blank=True, default="", max_length=4),
        ),
        # The functions and triggers first: the backwards run drops the columns last.
        migrations.RunSQL(SOURCE + REFRESH + TRIGGERS, BACK),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="casefact", name="casefact_scope_active"),
        migrations.AddIndex(
            model_name="casefact",
            index=models.Index(
                fields=["municipality", "active_until"],
                include=[*INCLUDE, "kind", "school_level"],
                name="casefact_scope_active",
            ),
        ),
    ]
