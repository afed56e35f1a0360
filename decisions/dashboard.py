"""The kommunalsjef's dashboard: selectors that turn the cases a director or the office oversees
into counts, shares and waiting times, and the tables (with small counts suppressed) that the
page and the exports show.

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

import calendar
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from decisions import suppression
from decisions.models import OPEN_UNTIL, Appeal, CaseFact, Decision
from referrals import states
from referrals.models import Referral
from referrals.scoping import EqualsAny
from teams.models import Role, Unit
from teams.scoping import has_role, user_roles, visible_municipalities, visible_units

S = Referral.Status
DASHBOARD_ROLES = (Role.Kind.DIRECTOR, Role.Kind.OFFICE, Role.Kind.PPT_LEADER)
MAX_MONTHS = 24  # the monthly series is one aggregate per month: keep the query bounded

# (key, status, label): the open phases in the order a case goes through them.
PHASES = [
    ("awaiting_consent", S.AWAITING_CONSENT, _("Venter på samtykke")),
    ("awaiting_assessment", S.RECEIVED, _("Venter på utredning")),
    ("assessing", S.ASSESSING, _("Utredning pågår")),
    ("awaiting_decision", S.ASSESSED, _("Venter på vedtak")),
    ("awaiting_help", S.DECIDED, _("Venter på at hjelpen starter")),
    ("appealed", S.APPEALED, _("Klage under behandling")),
]
PHASE_STATUSES = [status for _key, status, _label in PHASES]
# Clock running, no decision yet: open at every month's end since T0.
UNDECIDED = list(states.UNDECIDED)


# --- who sees what ------------------------------------------------------------------------------


def can_see_dashboard(user) -> bool:
    return has_role(user, *DASHBOARD_ROLES)


def dashboard_units(user) -> QuerySet[Unit]:
    """The units the user oversees as director (all of the municipality's), as office (its
    kind of unit) or as PPT leader (every unit of the municipalities the PPT office serves)."""
    return visible_units(user, roles=DASHBOARD_ROLES)


def dashboard_referrals(user, unit_ids: list[int] | None = None) -> QuerySet[Referral]:
    """The cases the dashboard counts for this user: those of the units they oversee as
    director, office or PPT leader, or of ``unit_ids`` among them (the filters).

    Not referrals.scoping.visible_referrals, on purpose: that is the list of cases a person may
    open, and a director may open none (no names on a director's page). The dashboard only
    aggregates: no row of this queryset leaves this module, only counts, shares and percentiles.
    """
    units = dashboard_units(user)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return Referral.objects.filter(
        municipality__in=visible_municipalities(user, roles=DASHBOARD_ROLES).values("pk"),
        unit__in=units.values("pk"),
    )


def advisor_municipality_ids(user) -> set[int]:
    """The municipalities whose cases the user may see counted per advisor: those their PPT
    office serves, as PPT leader. Empty for everyone else (the director and the office see no
    per-advisor figures). From the roles already read for the request: no query."""
    return {
        municipality_id
        for role in user_roles(user)
        if role.kind == Role.Kind.PPT_LEADER
        for municipality_id in role.office_municipality_ids
    }


def table_slugs(user) -> list[str]:
    """The tables this user's page and exports carry."""
    return TABLE_SLUGS + ([ADVISOR_SLUG] if advisor_municipality_ids(user) else [])


@dataclass(frozen=True)
class Scope:
    """dashboard_referrals as literal ids: the municipalities and units of the units the user
    oversees (already fetched for the filter form), so that every query filters its own table
    joined to the case by primary key, instead of repeating the scope subquery (which reads
    every case of the municipality) in each of them. Case facts, deadlines, decisions, appeals
    and journal events carry their case's municipality and unit themselves (copied by triggers,
    decisions.models, referrals.models): their queries filter on their own columns, on indexes
    led by the municipality, and read only its rows."""

    municipality_ids: tuple[int, ...]
    unit_ids: tuple[int, ...]

    @classmethod
    def of(cls, units: list[Unit]) -> "Scope":
        return cls(
            tuple(sorted({u.municipality_id for u in units})), tuple(sorted(u.pk for u in units))
        )

    def q(self, prefix: str = "") -> Q:
        """The cases in scope, seen from a model whose path to the case is ``prefix``. The
        units as one array parameter (``unit_id = ANY(%s)``): a large municipality's 500 unit
        ids as 500 placeholders cost 2.4 ms of Python in each query (bench/)."""
        municipalities = Q(**{f"{prefix}municipality_id__in": self.municipality_ids})
        if not self.unit_ids:
            return municipalities & Q(**{f"{prefix}unit_id__in": ()})  # nothing
        units = Value(list(self.unit_ids), output_field=ArrayField(BigIntegerField()))
        return municipalities & Q(EqualsAny(F(f"{prefix}unit_id"), units))


# --- the period ---------------------------------------------------------------------------------


def _month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def default(cls, today: date) -> "Period":
        """The last twelve months: this month and the eleven before it, up to today."""
        return cls(_add_months(today.replace(day=1), -11), today)

    def months(self) -> list[tuple[date, date, date]]:
        """(first day of the month, first day counted, last day counted) per calendar month."""
        result, first = [], self.start.replace(day=1)
        while first <= self.end:
            result.append((first, max(first, self.start), min(_month_last(first), self.end)))
            first = _add_months(first, 1)
        return result

    @property
    def month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


# --- SQL helpers ----------------------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile: percentile_cont(p) WITHIN GROUP (ORDER BY x)."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(p)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()
    arity = 1

    def __init__(self, expression, p: float, **extra):
        if not 0 <= p <= 1:
            raise ValueError("a percentile is between 0 and 1")
        # p is interpolated into the SQL: make sure it is a plain number.
        super().__init__(expression, p=repr(float(p)), **extra)


class DaysBetween(Func):
    """later − earlier of two dates: PostgreSQL answers with whole days, an integer."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()
    arity = 2


@contextmanager
def _without_jit():
    """The dashboard's queries read every case of the period with a dozen FILTER aggregates,
    which lifts PostgreSQL's cost estimate past jit_above_cost: it then JIT-compiles each query
    for 0.1–0.7 s to save a few milliseconds of a 20–80 ms query (bench/dashboard.py). Off for
    this transaction only (SET LOCAL ends with it)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def _count(condition: Q | None = None) -> Count:
    """COUNT(1), of the rows that meet ``condition``: the rows, not the values of a column. Never
    COUNT(pk): the indexes the figures read include every column they aggregate but not the
    primary key, and COUNT(pk) would fetch each row from the table (no index-only scan: 30 ms
    instead of 3 for the largest municipality's year, bench/ at 1,000,000 cases)."""
    return Count(Value(1), filter=condition)


def _waits(expr, condition: Q, prefix: str) -> dict:
    return {
        f"{prefix}_n": _count(condition),
        f"{prefix}_median": Percentile(expr, 0.5, filter=condition),
        f"{prefix}_p90": Percentile(expr, 0.9, filter=condition),
    }


# --- the figures ----------------------------------------------------------------------------------


@dataclass
class Figures:
    period: Period
    today: date
    phases: dict = field(default_factory=dict)  # key -> {"open", "approaching", "overdue"}
    shares: dict = field(default_factory=dict)  # kind -> {"total", "on_time"}
    waits: dict = field(default_factory=dict)  # name -> {"n", "median", "p90"}
    months: list = field(default_factory=list)  # {"month", "received", "decided", "open"}
    areas: list = field(default_factory=list)  # {"id", "name", "approaching", "overdue"}
    units: list = field(default_factory=list)  # {"id", "name", "area_id", ...}
    appeals: dict = field(default_factory=dict)
    # {"id", "name", "open", "approaching", "overdue"}; None: not computed (not a PPT leader)
    advisors: list | None = None


def _scope_params(scope: Scope) -> dict:
    """The scope as raw SQL takes it: ``municipality_id = ANY(%(municipalities)s::bigint[]) AND
    unit_id = ANY(%(units)s::bigint[])``, each one array parameter. bigint[], the columns' type:
    compared with an integer[] the planner costs the test of each row higher and reads the
    municipality's rows with parallel workers (four times slower on the bench's two cores)."""
    return {"municipalities": list(scope.municipality_ids), "units": list(scope.unit_ids)}


def open_counts(scope: Scope, today: date) -> list[dict]:
    """Open cases now per (status, unit): how many, the refusals among them (a refused case is
    "decided" until it is closed, but waits for no help), and how many are overdue (an unmet,
    unpaused deadline has passed) or approaching (one is inside its warning window, none has
    passed): a case counts once, by its first warning and first overdue day (CaseFact).

    A case has one status and one unit, so per phase, per unit and per area are sums of these
    rows (flagged_by). One index-only read of the municipality's open cases in decisions_casefact
    (casefact_scope_active); no deadline, decision or case row is joined."""
    rows = (
        CaseFact.objects.filter(scope.q(), active_until=OPEN_UNTIL, status__in=PHASE_STATUSES)
        .order_by()
        .values("status", "unit_id")
        .annotate(
            open=_count(),
            refused=_count(Q(refused=True)),
            flagged=_count(Q(warn_on__lte=today)),
            overdue=_count(Q(overdue_on__lte=today)),
        )
    )
    return [
        {
            "status": r["status"],
            "unit_id": r["unit_id"],
            "open": r["open"],
            "refused": r["refused"],
            "overdue": r["overdue"],
            # overdue_on is never before warn_on (CaseFact): every overdue case is flagged
            "approaching": r["flagged"] - r["overdue"],
        }
        for r in rows
    ]


def flagged_by(rows: list[dict], key) -> list[dict]:
    """open_counts' rows summed per ``key(row)``: {"key", "overdue", "approaching"}."""
    sums: dict = {}
    for r in rows:
        k = key(r)
        total = sums.setdefault(k, {"key": k, "overdue": 0, "approaching": 0})
        total["overdue"] += r["overdue"]
        total["approaching"] += r["approaching"]
    return list(sums.values())


# The dashboard's name of each share, and the prefix of its deadline's columns in CaseFact.
SHARE_DEADLINES = {"decision": "decision", "provisional_reply": "reply", "help_start": "help"}


def period_counts(scope: Scope, period: Period, today: date) -> dict:
    """The shares and the waiting times of the period, in one aggregate over the cases active
    in it (CaseFact.active_until on or after its first day, open cases included).

    Shares: of the deadlines that fell due in the period (met, or passed unmet and not paused),
    how many were met by their due date; a provisional reply only where it was needed (no
    decision by its due date: forvaltningsloven § 11 a). Waiting times of the steps taken in
    the period: T0 → sakkyndig vurdering, T0 → the case's first decision (an appeal's new
    decision is not the first), the current decision → help started."""
    in_period = (period.start, period.end)
    counts = {}
    for name, column in SHARE_DEADLINES.items():
        due, met = f"{column}_due_on", f"{column}_met_on"
        fell_due = Q(**{f"{due}__range": in_period}) & (
            Q(**{f"{met}__isnull": False}) | Q(**{f"{due}__lt": today, f"{column}_paused": False})
        )
        if column == "reply":
            fell_due &= Q(reply_needed=True)
        counts[f"{name}_total"] = _count(fell_due)
        counts[f"{name}_on_time"] = _count(fell_due & Q(**{f"{met}__lte": F(due)}))
    counts.update(
        _waits(
            DaysBetween("assessed_on", "t0"),
            Q(assessed_on__range=in_period, t0__isnull=False),
            "assessment",
        )
    )
    counts.update(
        _waits(
            DaysBetween("first_decided_on", "t0"),
            Q(first_decided_on__range=in_period),
            "decision",
        )
    )
    counts.update(
        _waits(
            DaysBetween("help_started_on", "decided_on"),
            Q(help_started_on__range=in_period),
            "help",
        )
    )
    return (
        CaseFact.objects.filter(scope.q(), active_until__gte=period.start)
        .order_by()
        .aggregate(**counts)
    )


# Per month: referrals received, and the cases open at the month's end (clock started, no
# decision yet, not withdrawn). A month is a bucket of width_bucket(day, thresholds): with
# %(starts)s the months' first days counted and the day after the period, bucket i + 1 is
# month i; with %(ends)s (the day after each month's last day counted), width_bucket(day) is
# the number of months that ended before ``day``. A case open from T0 until X (its first
# decision, its withdrawal, or still undecided: every month) is open at the ends of the months
# width_bucket(t0) up to width_bucket(X) − 1. So one pass over the period's cases, grouped by
# those buckets (a few dozen groups), instead of a filtered count per month and measure.
MONTH_COUNTS = """SELECT GROUPING(received) AS spans, received, opened, undecided, decided, withdrawn, count(*)
FROM (
    SELECT width_bucket(received_on, %(starts)s) AS received,
           width_bucket(t0, %(ends)s) AS opened,
           CASE WHEN status = ANY(%(undecided)s) THEN %(months)s END AS undecided,
           width_bucket(first_decided_on, %(ends)s) AS decided,
           width_bucket(withdrawn_on, %(ends)s) AS withdrawn
    FROM decisions_casefact
    WHERE municipality_id = ANY(%(municipalities)s::bigint[])
      AND unit_id = ANY(%(units)s::bigint[]) AND active_until >= %(start)s
) f
GROUP BY GROUPING SETS ((received), (opened, undecided, decided, withdrawn))
"""


def month_counts(scope: Scope, period: Period) -> tuple[list[int], list[int]]:
    """(received, open at the month's end), one number per month of the period. Open at a
    month's end: T0 by then, and undecided now, or first decided later, or withdrawn later."""
    months = period.months()
    n = len(months)
    ends = [last + timedelta(days=1) for _first, _since, last in months]
    params = {
        **_scope_params(scope),
        "starts": [period.start, *ends],
        "ends": ends,
        "undecided": [str(s) for s in UNDECIDED],
        "months": n,
        "start": period.start,
    }
    received, opened = [0] * n, [0] * n
    with connection.cursor() as cursor:
        cursor.execute(MONTH_COUNTS, params)
        for spans, bucket, start, *until, count in cursor.fetchall():
            if not spans:
                if bucket is not None and 1 <= bucket <= n:
                    received[bucket - 1] += count
                continue
            for end in until:
                if start is not None and end is not None:
                    for i in range(start, min(end, n)):
                        opened[i] += count
    return received, opened


def decisions_per_month(scope: Scope, period: Period) -> dict:
    """Decisions made per month (a new decision after an appeal counts too). Index-only on
    decision_scope_decided_on: the municipality's decisions of the period."""
    counts = {
        f"decided_{i}": _count(Q(decided_on__range=(since, last)))
        for i, (_first, since, last) in enumerate(period.months())
    }
    return (
        Decision.objects.filter(scope.q(), decided_on__range=(period.start, period.end))
        .order_by()
        .aggregate(**counts)
    )


def area_names(units: list[Unit]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for unit in units:
        seen.setdefault(unit.area_id, unit.area.name)
    return sorted(seen.items(), key=lambda item: item[1])


def appeal_counts(scope: Scope, period: Period) -> dict:
    """Appeals received in the period, by where they went (forvaltningsloven §§ 28–29). The
    appeals carry their case's municipality and unit (decisions.models): index-only on
    appeal_scope_received_on."""
    outcome = Appeal.Outcome
    to_statsforvalteren = [outcome.SENT, outcome.UPHELD, outcome.CHANGED, outcome.REMANDED]
    return (
        Appeal.objects.filter(scope.q(), received_on__range=(period.start, period.end))
        .order_by()
        .aggregate(
            received=_count(),
            pending=_count(Q(outcome=outcome.PENDING)),
            reversed=_count(Q(outcome=outcome.REVERSED)),
            sent=_count(Q(outcome__in=to_statsforvalteren)),
            awaiting=_count(Q(outcome=outcome.SENT)),
            upheld=_count(Q(outcome=outcome.UPHELD)),
            changed=_count(Q(outcome=outcome.CHANGED)),
            remanded=_count(Q(outcome=outcome.REMANDED)),
        )
    )


def advisor_counts(scope: Scope, today: date) -> list[dict]:
    """Open cases now per assigned advisor (None: not assigned yet), and of them those
    approaching and past a deadline, counted as open_counts does. One grouped query over the
    open cases of the phase table (a refused case waits for no help)."""
    rows = (
        CaseFact.objects.filter(scope.q(), active_until=OPEN_UNTIL, status__in=PHASE_STATUSES)
        .exclude(status=S.DECIDED, refused=True)
        .order_by()
        .values("advisor_id", "advisor__full_name")
        .annotate(
            open=_count(),
            flagged=_count(Q(warn_on__lte=today)),
            overdue=_count(Q(overdue_on__lte=today)),
        )
    )
    return [
        {
            "id": r["advisor_id"],
            "name": r["advisor__full_name"],
            "open": r["open"],
            "approaching": r["flagged"] - r["overdue"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def dashboard_figures(
    *,
    units: list[Unit],
    period: Period,
    today: date,
    advisor_municipalities: set[int] | frozenset[int] = frozenset(),
) -> Figures:
    """Every figure of the dashboard for the cases of ``units``: dashboard_units(user) as
    fetched for the filter form (with their areas), narrowed by the filters; the cases counted
    are dashboard_referrals(user, those units). The per-area and per-unit rows take their names
    from the units, without another query. The per-advisor figure is computed only for
    ``advisor_municipalities`` (advisor_municipality_ids(user): a PPT leader's), over the
    units among ``units`` in them.

    The cases' figures come from decisions_casefact (one row per case, kept by triggers):
    open cases now, the period's shares and waiting times, and the months' flows, three
    queries; then decisions per month and appeals from their own tables."""
    scope = Scope.of(units)
    area_of = {u.pk: u.area_id for u in units}
    fig = Figures(period=period, today=today)
    with _without_jit():
        now = open_counts(scope, today)
        _add_phases(fig, now)
        counts = period_counts(scope, period, today)
        fig.shares = {
            name: {"total": counts[f"{name}_total"], "on_time": counts[f"{name}_on_time"]}
            for name in SHARE_DEADLINES
        }
        for name in ("assessment", "decision", "help"):
            fig.waits[name] = {k: counts[f"{name}_{k}"] for k in ("n", "median", "p90")}
        received, opened = month_counts(scope, period)
        decided = decisions_per_month(scope, period)
        fig.months = [
            {
                "month": first,
                "received": received[i],
                "decided": decided[f"decided_{i}"],
                "open": opened[i],
            }
            for i, (first, _since, _last) in enumerate(period.months())
        ]
        # The unit table lists the units with flagged cases only.
        flagged = [r for r in now if r["overdue"] or r["approaching"]]
        _add_places(
            fig,
            units,
            flagged_by(flagged, lambda r: r["unit_id"]),
            flagged_by(flagged, lambda r: area_of.get(r["unit_id"])),
        )
        fig.appeals = appeal_counts(scope, period)
        if advisor_municipalities:
            led = [u for u in units if u.municipality_id in advisor_municipalities]
            fig.advisors = advisor_counts(Scope.of(led), today)
    return fig


def _add_phases(fig: Figures, rows: list[dict]) -> None:
    flagged = {r["key"]: r for r in flagged_by(rows, lambda r: r["status"])}
    for key, status, _label in PHASES:
        row = flagged.get(status, {"approaching": 0, "overdue": 0})
        opened = sum(
            r["open"] - (r["refused"] if status == S.DECIDED else 0)
            for r in rows
            if r["status"] == status
        )
        fig.phases[key] = {
            "open": opened,
            "approaching": row["approaching"],
            "overdue": row["overdue"],
        }


def _add_places(fig: Figures, units: list[Unit], by_unit: list[dict], by_area: list[dict]):
    names = {u.pk: u for u in units}
    fig.units = [
        {
            "id": r["key"],
            "name": names[r["key"]].name,
            "area_id": names[r["key"]].area_id,
            **_counts(r),
        }
        for r in by_unit
        if r["key"] in names
    ]
    fig.units.sort(key=lambda r: (-r["overdue"], -r["approaching"], r["name"]))
    areas = {r["key"]: r for r in by_area}
    fig.areas = [
        {"id": pk, "name": name, **_counts(areas.get(pk))} for pk, name in area_names(units)
    ]
    fig.areas.sort(key=lambda r: (-r["overdue"], -r["approaching"], r["name"]))


def _counts(row: dict | None) -> dict:
    if row is None:
        return {"approaching": 0, "overdue": 0}
    return {"approaching": row["approaching"], "overdue": row["overdue"]}


# --- the tables, with small counts suppressed -----------------------------------------------------


@dataclass
class Cell:
    value: int | float | None
    hidden: bool = False
    kind: str = "count"  # count, share (0–100), days, text

    @property
    def text(self) -> str:
        """What the page shows (Norwegian number format)."""
        if self.hidden:
            return suppression.HIDDEN
        if self.value is None:
            return "–"
        if self.kind == "text":
            return str(self.value)
        if self.kind == "share":
            return f"{formats.number_format(self.value, 0)} %"
        if self.kind == "days":
            return formats.number_format(self.value, 0 if self.value == int(self.value) else 1)
        if type(self.value) is int:
            # number_format(value, 0, force_grouping=True) for a whole count, without its
            # machinery: a table per unit of a large municipality has 1,500 cells.
            return f"{self.value:,}".replace(",", str(formats.get_format("THOUSAND_SEPARATOR")))
        return formats.number_format(self.value, 0, use_l10n=True, force_grouping=True)

    @property
    def export(self) -> int | float | str:
        """What a spreadsheet cell holds: the number, "<5", or empty."""
        if self.hidden:
            return suppression.HIDDEN
        if self.value is None:
            return ""
        if self.kind == "share":
            return round(self.value, 1)
        if self.kind == "days":
            return round(self.value, 1)
        return self.value

    @property
    def chart(self) -> int | float | None:
        """What a chart may draw: never a hidden number."""
        return None if self.hidden else self.value


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]  # the header, first column included
    rows: list[Row]
    note: str = ""

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for r in self.rows for c in r.cells)


TABLE_SLUGS = ["faser", "frister", "ventetid", "maned", "omrader", "enheter", "klager"]
ADVISOR_SLUG = "radgivere"  # PPT leaders only: table_slugs(user)


def _grid(
    rows: list[tuple[object, str, list[int]]],
    total: tuple[str, list[int]] | None,
    *,
    row_sums: tuple[int, list[int]] | None = None,
) -> list[Row]:
    """Rows of counts with their column totals as equations (and, with ``row_sums`` =
    (total column, part columns), each row's parts adding up to its total column)."""
    values, equations = {}, []
    width = len(rows[0][2]) if rows else len(total[1]) if total else 0
    for key, _label, counts in rows:
        for c, v in enumerate(counts):
            values[(key, c)] = v
    if total is not None:
        for c, v in enumerate(total[1]):
            values[("total", c)] = v
        equations += suppression.column_equations([k for k, _l, _v in rows], range(width), "total")
    if row_sums is not None:
        whole, parts = row_sums
        keys = [k for k, _l, _v in rows] + (["total"] if total is not None else [])
        equations += [([(k, p) for p in parts], (k, whole)) for k in keys]
    hidden = suppression.suppress(values, equations)
    result = [
        Row(label, [Cell(v, (key, c) in hidden) for c, v in enumerate(counts)])
        for key, label, counts in rows
    ]
    if total is not None:
        result.append(
            Row(total[0], [Cell(v, ("total", c) in hidden) for c, v in enumerate(total[1])], True)
        )
    return result


def _phase_table(fig: Figures) -> Table:
    rows = []
    for key, _status, label in PHASES:
        p = fig.phases[key]
        ok = p["open"] - p["approaching"] - p["overdue"]
        rows.append((key, str(label), [p["open"], ok, p["approaching"], p["overdue"]]))
    totals = [sum(r[2][c] for r in rows) for c in range(4)]
    return Table(
        "faser",
        str(_("Åpne saker etter fase nå")),
        [
            str(_("Fase")),
            str(_("Åpne saker")),
            str(_("Innen fristen")),
            str(_("Nærmer seg frist")),
            str(_("Over fristen")),
        ],
        _grid(rows, (str(_("Alle åpne saker")), totals), row_sums=(0, [1, 2, 3])),
        str(
            _(
                "Saker i fasen i dag. Over fristen: minst én frist i saken er passert uten å være "
                "møtt. Nærmer seg: minst én frist er innenfor varslingstiden, ingen er passert."
            )
        ),
    )


SHARE_LABELS = {
    "decision": _("Vedtak innen fristen (tre måneder fra T0)"),
    "provisional_reply": _("Foreløpig svar innen en måned, der det trengtes"),
    "help_start": _("Hjelpen startet innen fristen"),
}


def _share_table(fig: Figures) -> Table:
    rows = []
    for name, label in SHARE_LABELS.items():
        s = fig.shares[name]
        values = {"on": s["on_time"], "late": s["total"] - s["on_time"], "all": s["total"]}
        hidden = suppression.suppress(values, [(["on", "late"], "all")])
        share = 100 * s["on_time"] / s["total"] if s["total"] else None
        cells = [Cell(values[k], k in hidden) for k in ("on", "late", "all")]
        cells.append(Cell(share, bool(hidden), "share"))
        rows.append(Row(str(label), cells))
    return Table(
        "frister",
        str(_("Frister overholdt i perioden")),
        [
            str(_("Frist")),
            str(_("Innen fristen")),
            str(_("For sent eller ikke møtt")),
            str(_("Frister i perioden")),
            str(_("Andel innen fristen")),
        ],
        rows,
        str(
            _(
                "Frister som falt i perioden: møtt, eller passert uten å være møtt. Foreløpig "
                "svar telles bare der vedtaket ikke kom innen en måned."
            )
        ),
    )


WAIT_LABELS = {
    "assessment": _("Fra T0 til sakkyndig vurdering"),
    "decision": _("Fra T0 til vedtak"),
    "help": _("Fra vedtak til hjelpen startet"),
}


def _wait_table(fig: Figures) -> Table:
    rows = []
    for name, label in WAIT_LABELS.items():
        w = fig.waits[name]
        few = w["n"] < 5  # the median of one or two cases is those cases' own waiting time
        rows.append(
            Row(
                str(label),
                [
                    Cell(w["n"], suppression.is_small(w["n"])),
                    Cell(None if few else w["median"], kind="days"),
                    Cell(None if few else w["p90"], kind="days"),
                ],
            )
        )
    return Table(
        "ventetid",
        str(_("Ventetid i dager")),
        [str(_("Strekning")), str(_("Saker")), str(_("Median")), str(_("90-persentil"))],
        rows,
        str(
            _(
                "Saker der steget skjedde i perioden. Median: halvparten ventet kortere. "
                "90-persentil: ni av ti ventet kortere. Vises ikke for færre enn fem saker."
            )
        ),
    )


def _month_table(fig: Figures) -> Table:
    rows = [
        (
            i,
            formats.date_format(m["month"], "YEAR_MONTH_FORMAT"),
            [m["received"], m["decided"], m["open"]],
        )
        for i, m in enumerate(fig.months)
    ]
    # Received and decided add up over the months; the caseload is a stock, it has no total.
    values = {(i, c): v for i, _l, counts in rows for c, v in enumerate(counts)}
    totals = [sum(m["received"] for m in fig.months), sum(m["decided"] for m in fig.months)]
    values.update({("total", c): v for c, v in enumerate(totals)})
    keys = [i for i, _l, _c in rows]
    hidden = suppression.suppress(values, suppression.column_equations(keys, [0, 1], "total"))
    result = [
        Row(label, [Cell(v, (i, c) in hidden) for c, v in enumerate(counts)])
        for i, label, counts in rows
    ]
    result.append(
        Row(
            str(_("Sum")),
            [Cell(v, ("total", c) in hidden) for c, v in enumerate(totals)] + [Cell(None)],
            True,
        )
    )
    return Table(
        "maned",
        str(_("Inn og ut per måned")),
        [
            str(_("Måned")),
            str(_("Henvisninger mottatt")),
            str(_("Vedtak fattet")),
            str(_("Åpne saker ved månedsslutt")),
        ],
        result,
        str(
            _(
                "Åpne saker: fristene løper (T0), uten vedtak og ikke trukket. For inneværende "
                "måned: i dag."
            )
        ),
    )


def _place_tables(fig: Figures) -> tuple[Table, Table]:
    """Per area and per unit, suppressed together: a unit's counts add up to its area's."""
    values, equations = {}, []
    cols = ["approaching", "overdue"]
    for a in fig.areas:
        for c in cols:
            values[("area", a["id"], c)] = a[c]
    for u in fig.units:
        for c in cols:
            values[("unit", u["id"], c)] = u[c]
    for c in cols:
        values[("total", c)] = sum(a[c] for a in fig.areas)
        equations.append(([("area", a["id"], c) for a in fig.areas], ("total", c)))
        for a in fig.areas:
            parts = [("unit", u["id"], c) for u in fig.units if u["area_id"] == a["id"]]
            equations.append((parts, ("area", a["id"], c)))
    hidden = suppression.suppress(values, equations)

    def cells(prefix, ident):
        keys = [(prefix, ident, c) if ident is not None else (prefix, c) for c in cols[::-1]]
        return [Cell(values[k], k in hidden) for k in keys]

    total_row = Row(str(_("Alle")), cells("total", None), True)
    header = [str(_("Over fristen")), str(_("Nærmer seg frist"))]
    areas = Table(
        "omrader",
        str(_("Saker over fristen per område")),
        [str(_("Område")), *header],
        _ranked([Row(a["name"], cells("area", a["id"])) for a in fig.areas]) + [total_row],
        str(_("Åpne saker i dag, flest over fristen først.")),
    )
    area_name = {a["id"]: a["name"] for a in fig.areas}
    unit_rows = [
        Row(
            u["name"], [Cell(area_name.get(u["area_id"], ""), kind="text"), *cells("unit", u["id"])]
        )
        for u in fig.units
    ]
    units = Table(
        "enheter",
        str(_("Saker over fristen per enhet")),
        [str(_("Enhet")), str(_("Område")), *header],
        _ranked(unit_rows, first=1)
        + [Row(str(_("Alle")), [Cell("", kind="text"), *cells("total", None)], True)],
        str(_("Enheter med saker over eller nær fristen i dag, flest over fristen først.")),
    )
    return areas, units


def _ranked(rows: list[Row], first: int = 0) -> list[Row]:
    """Most overdue first, by what the reader sees: a hidden count is ranked with the "<5"s
    (after every shown count above zero, before the zeros), or its place in the ranking would
    tell how big it is."""

    return sorted(rows, key=lambda r: (_rank(r.cells[first]), _rank(r.cells[first + 1]), r.label))


def _rank(cell: Cell) -> tuple:
    if cell.hidden:
        return (1, 0)
    return (0, -cell.value) if cell.value else (2, 0)


def _advisor_table(fig: Figures) -> Table:
    """Open cases per advisor, most overdue first (ranked by what is shown, as _ranked does),
    the unassigned cases last."""
    # The unassigned cases (advisor None) last, whatever their count.
    advisors = sorted(fig.advisors, key=lambda a: a["id"] is None)
    rows = [
        (
            a["id"],
            a["name"] if a["id"] is not None else str(_("Ikke tildelt rådgiver")),
            [
                a["open"],
                a["open"] - a["approaching"] - a["overdue"],
                a["approaching"],
                a["overdue"],
            ],
        )
        for a in advisors
    ]
    totals = [sum(r[2][c] for r in rows) for c in range(4)]
    grid = _grid(rows, (str(_("Alle")), totals), row_sums=(0, [1, 2, 3]))
    named = sum(1 for a in advisors if a["id"] is not None)
    ranked = sorted(grid[:named], key=lambda r: (_rank(r.cells[3]), _rank(r.cells[2]), r.label))
    return Table(
        ADVISOR_SLUG,
        str(_("Åpne saker per rådgiver nå")),
        [
            str(_("Rådgiver")),
            str(_("Åpne saker")),
            str(_("Innen fristen")),
            str(_("Nærmer seg frist")),
            str(_("Over fristen")),
        ],
        ranked + grid[named:],
        str(
            _(
                "Åpne saker i dag etter rådgiveren saken er tildelt, flest over fristen først. "
                "Vises bare for PP-ledelsen."
            )
        ),
    )


APPEAL_ROWS = [
    ("received", _("Klager mottatt")),
    ("pending", _("Til behandling i kommunen")),
    ("reversed", _("Omgjort av kommunen")),
    ("sent", _("Sendt til Statsforvalteren")),
    ("awaiting", _("Venter på Statsforvalteren")),
    ("upheld", _("Stadfestet av Statsforvalteren")),
    ("changed", _("Endret av Statsforvalteren")),
    ("remanded", _("Opphevet og sendt tilbake")),
]


def _appeal_table(fig: Figures) -> Table:
    values = dict(fig.appeals)
    hidden = suppression.suppress(
        values,
        [
            (["pending", "reversed", "sent"], "received"),
            (["awaiting", "upheld", "changed", "remanded"], "sent"),
        ],
    )
    nested = {"awaiting", "upheld", "changed", "remanded"}
    return Table(
        "klager",
        str(_("Klager på vedtak")),
        [str(_("Klager")), str(_("Antall"))],
        [
            Row(("– " if key in nested else "") + str(label), [Cell(values[key], key in hidden)])
            for key, label in APPEAL_ROWS
        ],
        str(_("Klager mottatt i perioden, etter hvor de er nå.")),
    )


def dashboard_tables(fig: Figures) -> dict[str, Table]:
    areas, units = _place_tables(fig)
    tables = [
        _phase_table(fig),
        _share_table(fig),
        _wait_table(fig),
        _month_table(fig),
        areas,
        units,
        _appeal_table(fig),
    ]
    if fig.advisors is not None:
        tables.append(_advisor_table(fig))
    return {t.slug: t for t in tables}
