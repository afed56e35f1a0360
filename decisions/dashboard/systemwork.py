"""One more figure on the director's dashboard: PPT's system work against its individual
cases, per month and per area (the PPT strategy's quality criterion: "god balanse i
utøvelsen av system- og individrettete oppgaver").

- System work: hours registered as teams.SystemWork for the chosen units (work for a
  kindergarten or school as a whole: competence building, guidance of staff, organisation).
- Individual cases: the honest measure that exists for every case without asking anyone to
  log time: the number of distinct cases of the chosen units in which a person (not the clock)
  recorded something in the case journal (referrals.CaseEvent) that month. A count of cases,
  so small counts are suppressed like every count on the dashboard (decisions/suppression.py);
  hours of staff work name no child and are shown as they are.

Two queries, each grouped in PostgreSQL, whatever the number of cases: hours per area and
month, and the cases worked on per month, per area and in all (one GROUPING SETS query).
Kept apart from decisions/dashboard/; the view adds its tables to the dashboard's (page and
exports) and draws ``systemwork_chart``.
"""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from decisions import suppression
from decisions.dashboard.scope import Period
from decisions.dashboard.tables import Cell, Row, Table
from teams.ressursteam_models import SystemWork

BLUE, GREY = "#1d4f6e", "#6c757d"
# The two tables' slugs: exported (CSV, Excel) like the rest of the dashboard's tables.
SYSTEMWORK_SLUGS = ["systemarbeid", "systemarbeid-omrader"]


def _bounds(period: Period):
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _day(value):
    return value.date() if isinstance(value, datetime) else value


# Cases in which a person (not the clock) wrote in the journal, per unit and per month of the
# period, in one pass over the period's journal. The events carry their case's municipality and
# unit (referrals.CaseEvent, kept by triggers): an index-only scan of caseevent_scope_at reads
# the chosen municipality's events of the period, not every municipality's joined to their
# cases (bench/ at 1,000,000 cases: 560,000 events a year, 0.5 s). Each case is one row of
# ``worked`` with the months it was worked in as bits of a bigint (bucket i + 1 of %(bounds)s,
# the months' first moments, is month i; MAX_MONTHS is 24); a case belongs to one unit (its events carry its current one), so
# the units' counts add up to the areas' and the total, and the units' counts of a month to the
# month's: summed in Python, without COUNT(DISTINCT) over every event.
CASES_WORKED = """
SELECT unit_id, count(*), {per_month}
FROM (
    SELECT e.unit_id,
           bit_or(1::bigint << width_bucket(e.at, %(bounds)s::timestamptz[])) AS months
    FROM referrals_caseevent e
    WHERE e.municipality_id = ANY(%(municipalities)s::bigint[])
      AND e.unit_id = ANY(%(units)s::bigint[])
      AND e.at >= %(start)s AND e.at < %(end)s AND e.actor_id IS NOT NULL
    GROUP BY e.referral_id, e.unit_id
) worked
GROUP BY unit_id
"""


def _cases_worked(units: list, period: Period) -> tuple[list[int], dict, int]:
    """(cases per month of the period, cases per area id, cases in all)."""
    months = period.months()
    tz = timezone.get_current_timezone()
    start, end = _bounds(period)
    bounds = [datetime.combine(since, time.min, tzinfo=tz) for _first, since, _last in months]
    # A month's bit: 1 << (i + 1) for month i (integers only in the SQL text).
    per_month_sql = ", ".join(
        f"count(*) FILTER (WHERE months & {1 << (i + 1)} <> 0)" for i in range(len(months))
    )
    params = {
        "bounds": [*bounds, end],
        "start": start,
        "end": end,
        "municipalities": sorted({u.municipality_id for u in units}),
        "units": [u.pk for u in units],
    }
    area_of = {u.pk: u.area_id for u in units}
    per_month, per_area, total = [0] * len(months), {}, 0
    with connection.cursor() as cursor:
        cursor.execute(CASES_WORKED.format(per_month=per_month_sql), params)
        for unit_id, cases, *in_month in cursor.fetchall():
            total += cases
            area = area_of[unit_id]
            per_area[area] = per_area.get(area, 0) + cases
            for i, n in enumerate(in_month):
                per_month[i] += n
    return per_month, per_area, total


def systemwork_figures(*, units: list, period: Period) -> dict:
    """{"months": [{"month", "hours", "cases"}], "areas": [{"id", "name", "hours", "cases"}],
    "total": {"hours", "cases"}} for the units chosen on the dashboard."""
    unit_ids = [u.pk for u in units]
    area_names = {u.area_id: u.area.name for u in units}
    work = SystemWork.objects.filter(
        unit_id__in=unit_ids, worked_on__gte=period.start, worked_on__lte=period.end
    )
    hours = {
        (row["unit__area_id"], _day(row["month"])): row["hours"]
        for row in work.annotate(month=TruncMonth("worked_on"))
        .values("unit__area_id", "month")
        .annotate(hours=Sum("hours"))
    }
    per_month, per_area, total_cases = _cases_worked(units, period)
    months = [
        {
            "month": first,
            "hours": float(sum(h for (a, m), h in hours.items() if m == first)),
            "cases": per_month[i],
        }
        for i, (first, _s, _e) in enumerate(period.months())
    ]
    areas = [
        {
            "id": area_id,
            "name": name,
            "hours": float(sum(h for (a, _m), h in hours.items() if a == area_id)),
            "cases": per_area.get(area_id, 0),
        }
        for area_id, name in sorted(area_names.items(), key=lambda item: item[1])
    ]
    return {
        "months": months,
        "areas": areas,
        "total": {"hours": sum(a["hours"] for a in areas), "cases": total_cases},
    }


def _hours(value: float) -> Cell:
    # "days" formats a number with at most one decimal (4,5): what hours need.
    return Cell(value, kind="days")


def systemwork_tables(fig: dict) -> tuple[Table, Table]:
    columns = [str(_("Timer systemarbeid")), str(_("Enkeltsaker det er arbeidet med"))]
    # Cases per month are not added up (a case worked on in two months counts in both).
    hidden_months = suppression.primary({i: m["cases"] for i, m in enumerate(fig["months"])})
    month_table = Table(
        "systemarbeid",
        str(_("Systemarbeid og enkeltsaker per måned")),
        [str(_("Måned")), *columns],
        [
            Row(
                formats.date_format(m["month"], "YEAR_MONTH_FORMAT"),
                [_hours(m["hours"]), Cell(m["cases"], i in hidden_months)],
            )
            for i, m in enumerate(fig["months"])
        ],
        str(
            _(
                "Enkeltsaker: saker der noen har registrert noe i saken den måneden. "
                "Systemarbeid: timer PPT har registrert for barnehagen eller skolen som helhet."
            )
        ),
    )
    # Each case belongs to one area: the areas' cases add up to the total.
    values = {a["id"]: a["cases"] for a in fig["areas"]}
    values["total"] = fig["total"]["cases"]
    hidden = suppression.suppress(values, [([a["id"] for a in fig["areas"]], "total")])
    rows = [
        Row(a["name"], [_hours(a["hours"]), Cell(a["cases"], a["id"] in hidden)])
        for a in fig["areas"]
    ]
    rows.append(
        Row(
            str(_("Sum")),
            [_hours(fig["total"]["hours"]), Cell(fig["total"]["cases"], "total" in hidden)],
            True,
        )
    )
    area_table = Table(
        "systemarbeid-omrader",
        str(_("Systemarbeid og enkeltsaker per område i perioden")),
        [str(_("Område")), *columns],
        rows,
    )
    return month_table, area_table


def systemwork_chart(month_table: Table) -> dict:
    """The monthly chart (dashboard.js draws it) from the suppressed month table."""
    rows = month_table.rows
    return {
        "id": "chart-systemarbeid",
        "data_id": "chart-systemarbeid-data",
        "table": month_table.slug,
        "label": _(
            "Diagram per måned: timer systemarbeid som søyler og antall enkeltsaker det er "
            "arbeidet med som linje. Tallene står i tabellen ved siden av."
        ),
        "spec": {
            "type": "bar",
            "labels": [r.label for r in rows],
            "datasets": [
                {
                    "label": _("Timer systemarbeid"),
                    "data": [r.cells[0].chart for r in rows],
                    "color": BLUE,
                },
                {
                    "label": _("Enkeltsaker det er arbeidet med"),
                    "data": [r.cells[1].chart for r in rows],
                    "color": GREY,
                    "type": "line",
                },
            ],
        },
    }
