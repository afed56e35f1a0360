"""The kommunalsjef's dashboard: selectors that turn the cases a director or the office oversees
into counts, shares and waiting times, and the tables (with small counts suppressed) that the
page and the exports show.

The package, by what it holds: scope.py (who sees what, the units and cases counted, the
period), figures.py (the aggregate queries), tables.py (the figures as tables, suppressed),
systemwork.py (system work against individual cases), views.py (the page and its exports).
The names other modules use are re-exported here (``from decisions import dashboard``).

Every figure is computed by PostgreSQL: conditional aggregates (``Count(..., filter=Q(...))``)
and ``percentile_cont`` over the cases in scope, a fixed number of queries whatever the size of
the archive. No case row, and nothing that names a child, ever leaves this module: only numbers.
The figures about cases read decisions.CaseFact, one row per case with every date they need
(kept exact by triggers, decisions 0009): one municipality's open cases, or its cases active in
the period, each read once from one index, with nothing joined (bench/ at 1,000,000 cases: five
queries of 10–40 ms that joined deadlines, decisions and the journal to the case row by row
became three of 3–10 ms).

The figures (each section of the page says the same in Norwegian):
- phases: open cases now by phase; a case is *overdue* when one of its unmet, unpaused deadlines
  has passed, *approaching* when one is inside its warning window and none has passed;
- shares: of the deadlines that fell due in the period (met, or passed unmet), how many were met
  on time; the provisional reply only where it was needed (no decision by its due date);
- waiting times in days, median and 90th percentile, of the events in the period: T0 → the
  sakkyndig vurdering, T0 → the first decision, decision → help started;
- per month: referrals received, decisions made, and the open caseload at the month's end
  (clock started, no decision yet, not withdrawn);
- overdue and approaching cases now, per area and per unit;
- for PPT leadership only (the ppt_leader role), open, approaching and overdue cases now per
  advisor: advisors are staff, their names may be shown, but their workload is the PPT
  leader's business, not the director's or the office's;
- appeals received in the period and where they went.
"""

from decisions.dashboard.figures import (
    MONTH_COUNTS,
    SHARE_DEADLINES,
    DaysBetween,
    Figures,
    Percentile,
    advisor_counts,
    appeal_counts,
    area_names,
    dashboard_figures,
    decisions_per_month,
    flagged_by,
    month_counts,
    open_counts,
    period_counts,
)
from decisions.dashboard.scope import (
    ADVISOR_SLUG,
    DASHBOARD_ROLES,
    MAX_MONTHS,
    PHASE_STATUSES,
    PHASES,
    TABLE_SLUGS,
    UNDECIDED,
    Period,
    Scope,
    advisor_municipality_ids,
    can_see_dashboard,
    dashboard_referrals,
    dashboard_units,
    table_slugs,
)
from decisions.dashboard.systemwork import (
    CASES_WORKED,
    SYSTEMWORK_SLUGS,
    systemwork_chart,
    systemwork_figures,
    systemwork_tables,
)
from decisions.dashboard.tables import (
    APPEAL_ROWS,
    SHARE_LABELS,
    WAIT_LABELS,
    Cell,
    Row,
    Table,
    _place_tables,
    dashboard_tables,
)

__all__ = [
    "DASHBOARD_ROLES",
    "MAX_MONTHS",
    "PHASES",
    "PHASE_STATUSES",
    "UNDECIDED",
    "can_see_dashboard",
    "dashboard_units",
    "dashboard_referrals",
    "advisor_municipality_ids",
    "TABLE_SLUGS",
    "ADVISOR_SLUG",
    "table_slugs",
    "Scope",
    "Period",
    "Percentile",
    "DaysBetween",
    "Figures",
    "open_counts",
    "flagged_by",
    "SHARE_DEADLINES",
    "period_counts",
    "MONTH_COUNTS",
    "month_counts",
    "decisions_per_month",
    "area_names",
    "appeal_counts",
    "advisor_counts",
    "dashboard_figures",
    "Cell",
    "Row",
    "Table",
    "SHARE_LABELS",
    "WAIT_LABELS",
    "APPEAL_ROWS",
    "dashboard_tables",
    "_place_tables",
    "SYSTEMWORK_SLUGS",
    "CASES_WORKED",
    "systemwork_figures",
    "systemwork_tables",
    "systemwork_chart",
]
