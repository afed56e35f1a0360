"""The dashboard's figures: the SQL helpers and the few aggregate queries over
decisions.CaseFact (and decisions, appeals, the journal) that turn the cases in a Scope into
counts, shares and waiting times for a Period. Numbers only: no case row leaves this module.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
)

from decisions.dashboard.scope import PHASE_STATUSES, PHASES, UNDECIDED, Period, S, Scope
from decisions.models import OPEN_UNTIL, Appeal, CaseFact, Decision
from referrals import case_kinds
from teams.models import Unit

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
    # Issue 19: per case kind and school level ("" for kindergarten cases): {"kind",
    # "school_level", "open", "overdue", "received", "decided", "deadlines", "on_time"}; and
    # the kinds the table lists (those of the units' kinds, or of the filter, in the table's
    # order: referrals/case_kinds.py)
    by_kind: list = field(default_factory=list)
    kinds: list = field(default_factory=list)

    @property
    def has_pupils(self) -> bool:
        """Whether a school kind is listed: the level table is shown (and always exported)."""
        return any(case_kinds.RULES[k].is_school for k in self.kinds)


def _scope_params(scope: Scope) -> dict:
    """The scope as raw SQL takes it: ``municipality_id = ANY(%(municipalities)s::bigint[]) AND
    unit_id = ANY(%(units)s::bigint[])``, each one array parameter. bigint[], the columns' type:
    compared with an integer[] the planner costs the test of each row higher and reads the
    municipality's rows with parallel workers (four times slower on the bench's two cores)."""
    return {
        "municipalities": list(scope.municipality_ids),
        "units": list(scope.unit_ids),
        "kinds": list(scope.kinds),
    }


def open_counts(scope: Scope, today: date) -> list[dict]:
    """Open cases now per (status, unit, case kind, school level): how many, the refusals among them (a refused case is
    "decided" until it is closed, but waits for no help), and how many are overdue (an unmet,
    unpaused deadline has passed) or approaching (one is inside its warning window, none has
    passed): a case counts once, by its first warning and first overdue day (CaseFact).

    A case has one status, unit, kind and level, so per phase, per unit, per area, per kind and
    per level are sums of these rows (flagged_by, kind_counts). One index-only read of the municipality's open cases in decisions_casefact
    (casefact_scope_active); no deadline, decision or case row is joined."""
    rows = (
        CaseFact.objects.filter(scope.q(), active_until=OPEN_UNTIL, status__in=PHASE_STATUSES)
        .order_by()
        .values("status", "unit_id", "kind", "school_level")
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
            "kind": r["kind"],
            "school_level": r["school_level"],
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
# The third grouping set (issue 19) counts the period per case kind and school level: received,
# first decided, and the decision deadlines that fell due and were met (as period_counts counts
# them); the FILTER counts are computed for every set, read only for that one.
MONTH_COUNTS = """SELECT GROUPING(received, kind) AS grouping_set, received, opened, undecided,
       decided, withdrawn, kind, school_level, count(*),
       count(*) FILTER (WHERE received_on BETWEEN %(start)s AND %(end)s),
       count(*) FILTER (WHERE first_decided_on BETWEEN %(start)s AND %(end)s),
       count(*) FILTER (WHERE fell_due),
       count(*) FILTER (WHERE fell_due AND decision_met_on <= decision_due_on)
FROM (
    SELECT width_bucket(received_on, %(starts)s) AS received,
           width_bucket(t0, %(ends)s) AS opened,
           CASE WHEN status = ANY(%(undecided)s) THEN %(months)s END AS undecided,
           width_bucket(first_decided_on, %(ends)s) AS decided,
           width_bucket(withdrawn_on, %(ends)s) AS withdrawn,
           kind, school_level, received_on, first_decided_on, decision_due_on, decision_met_on,
           decision_due_on BETWEEN %(start)s AND %(end)s
             AND (decision_met_on IS NOT NULL
                  OR decision_due_on < %(today)s AND NOT decision_paused) AS fell_due
    FROM decisions_casefact
    WHERE municipality_id = ANY(%(municipalities)s::bigint[])
      AND unit_id = ANY(%(units)s::bigint[]) AND active_until >= %(start)s
      AND (cardinality(%(kinds)s::text[]) = 0 OR kind = ANY(%(kinds)s::text[]))
) f
GROUP BY GROUPING SETS ((received), (opened, undecided, decided, withdrawn), (kind, school_level))
"""
# GROUPING(received, kind): 1 for the set (received), 3 for the open spans, 2 per kind.
_RECEIVED_SET, _KIND_SET = 1, 2


def month_counts(
    scope: Scope, period: Period, today: date
) -> tuple[list[int], list[int], list[dict]]:
    """(received, open at the month's end), one number per month of the period, and the
    period's counts per case kind and school level: {"kind", "school_level", "received",
    "decided" (first decisions), "deadlines" (decision deadlines that fell due: met, or passed
    unmet and not paused), "on_time"}. Open at a month's end: T0 by then, and undecided now, or
    first decided later, or withdrawn later."""
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
        "end": period.end,
        "today": today,
    }
    received, opened, kinds = [0] * n, [0] * n, []
    with connection.cursor() as cursor:
        cursor.execute(MONTH_COUNTS, params)
        for row in cursor.fetchall():
            grouping, bucket, start = row[:3]
            until, (kind, level, count), per_kind = row[3:6], row[6:9], row[9:]
            if grouping == _RECEIVED_SET:
                if bucket is not None and 1 <= bucket <= n:
                    received[bucket - 1] += count
                continue
            if grouping == _KIND_SET:
                names = ("received", "decided", "deadlines", "on_time")
                kinds.append(
                    {"kind": kind, "school_level": level, **dict(zip(names, per_kind, strict=True))}
                )
                continue
            for end in until:
                if start is not None and end is not None:
                    for i in range(start, min(end, n)):
                        opened[i] += count
    return received, opened, kinds


def decisions_per_month(scope: Scope, period: Period) -> dict:
    """Decisions made per month (a new decision after an appeal counts too). Index-only on
    decision_scope_decided_on: the municipality's decisions of the period."""
    counts = {
        f"decided_{i}": _count(Q(decided_on__range=(since, last)))
        for i, (_first, since, last) in enumerate(period.months())
    }
    return (
        Decision.objects.filter(
            scope.q(kind_path="referral__kind"), decided_on__range=(period.start, period.end)
        )
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
        Appeal.objects.filter(
            scope.q(kind_path="decision__referral__kind"),
            received_on__range=(period.start, period.end),
        )
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
    kinds: tuple[str, ...] = (),
) -> Figures:
    """Every figure of the dashboard for the cases of ``units``: dashboard_units(user) as
    fetched for the filter form (with their areas), narrowed by the filters; the cases counted
    are dashboard_referrals(user, those units). The per-area and per-unit rows take their names
    from the units, without another query. The per-advisor figure is computed only for
    ``advisor_municipalities`` (advisor_municipality_ids(user): a PPT leader's), over the
    units among ``units`` in them.

    The cases' figures come from decisions_casefact (one row per case, kept by triggers):
    open cases now, the period's shares and waiting times, and the months' flows, three
    queries; then decisions per month and appeals from their own tables.

    ``kinds`` (the filter "Sakstype", referrals/case_kinds.py): only cases of those kinds; ()
    for every kind. Every figure is also split by kind and, for pupils, school level (the
    open cases' and the months' queries group by them: no query more)."""
    scope = Scope.of(units, kinds)
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
        received, opened, per_kind = month_counts(scope, period, today)
        fig.by_kind = _by_kind(now, per_kind)
        unit_kinds = {u.kind for u in units}
        fig.kinds = [
            k
            for k, rule in case_kinds.RULES.items()
            if (k in kinds if kinds else rule.unit_kind in unit_kinds)
            or any(r["kind"] == k for r in fig.by_kind)
        ]
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
            fig.advisors = advisor_counts(Scope.of(led, kinds), today)
    return fig


_KIND_COUNTS = ("open", "overdue", "received", "decided", "deadlines", "on_time")


def _by_kind(now: list[dict], period: list[dict]) -> list[dict]:
    """The open cases now (open_counts' rows: a refused case waiting for no help is not open,
    as in the phase table) and the period's counts (month_counts), per kind and level."""
    rows: dict = {}

    def row(kind, level):
        return rows.setdefault(
            (kind, level), {"kind": kind, "school_level": level, **dict.fromkeys(_KIND_COUNTS, 0)}
        )

    for r in now:
        counted = row(r["kind"], r["school_level"])
        counted["open"] += r["open"] - (r["refused"] if r["status"] == S.DECIDED else 0)
        counted["overdue"] += r["overdue"]
    for r in period:
        counted = row(r["kind"], r["school_level"])
        for name in ("received", "decided", "deadlines", "on_time"):
            counted[name] += r[name]
    return list(rows.values())


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
