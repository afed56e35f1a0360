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
Kept apart from decisions/dashboard.py; the view adds its tables to the dashboard's (page and
exports) and draws ``systemwork_chart``.
"""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from decisions import suppression
from decisions.dashboard import Cell, Period, Row, Table
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


# Cases in which a person (not the clock) wrote in the journal: per month, per area and in all,
# in one pass over the period's journal (GROUPING SETS) instead of three COUNT(DISTINCT) scans.
# Served by caseevent_referral_at through the cases of the chosen units.
CASES_WORKED = """
WITH worked AS (
    SELECT DISTINCT e.referral_id,
           date_trunc('month', e.at AT TIME ZONE %(tz)s)::date AS month,
           u.area_id
    FROM referrals_caseevent e
    JOIN referrals_referral r ON r.id = e.referral_id
    JOIN teams_unit u ON u.id = r.unit_id
    WHERE e.at >= %(start)s AND e.at < %(end)s AND e.actor_id IS NOT NULL
      AND r.municipality_id = ANY(%(municipalities)s) AND r.unit_id = ANY(%(units)s)
)
SELECT GROUPING(month, area_id) AS level, month, area_id, COUNT(DISTINCT referral_id)
FROM worked
GROUP BY GROUPING SETS ((month), (area_id), ())
"""


def _cases_worked(unit_ids, municipality_ids, start, end):
    per_month, per_area, total = {}, {}, 0
    params = {
        "tz": timezone.get_current_timezone_name(),
        "start": start,
        "end": end,
        "municipalities": municipality_ids,
        "units": unit_ids,
    }
    with connection.cursor() as cursor:
        cursor.execute(CASES_WORKED, params)
        for level, month, area_id, n in cursor.fetchall():
            # GROUPING(month, area_id): 1 = grouped by month, 2 = by area, 3 = all.
            if level == 1:
                per_month[month] = n
            elif level == 2:
                per_area[area_id] = n
            else:
                total = n
    return per_month, per_area, total


def systemwork_figures(*, units: list, period: Period) -> dict:
    """{"months": [{"month", "hours", "cases"}], "areas": [{"id", "name", "hours", "cases"}],
    "total": {"hours", "cases"}} for the units chosen on the dashboard."""
    unit_ids = [u.pk for u in units]
    municipality_ids = sorted({u.municipality_id for u in units})
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
    start, end = _bounds(period)
    per_month, per_area, total_cases = _cases_worked(unit_ids, municipality_ids, start, end)
    months = [
        {
            "month": first,
            "hours": float(sum(h for (a, m), h in hours.items() if m == first)),
            "cases": per_month.get(first, 0),
        }
        for first, _s, _e in period.months()
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
