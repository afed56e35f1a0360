"""The kommunalsjef's dashboard: selectors that turn the cases a director or the office oversees
into counts, shares and waiting times, and the tables (with small counts suppressed) that the
page and the exports show.

Every figure is computed by PostgreSQL: conditional aggregates (``Count(..., filter=Q(...))``)
and ``percentile_cont`` over the cases in scope, a fixed number of queries whatever the size of
the archive. No case row, and nothing that names a child, ever leaves this module: only numbers.

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
from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from decisions import suppression
from decisions.models import Appeal, Deadline, Decision
from referrals.models import CaseEvent, DeadlineKind, Referral
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
UNDECIDED = [S.RECEIVED, S.ASSESSING, S.ASSESSED]


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
    every case of the municipality) in each of them. Deadlines and decisions carry their case's
    municipality and unit themselves (copied by a trigger, decisions.models): their queries
    filter on their own columns, on indexes led by the municipality, and read only its rows."""

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


def _waits(expr, condition: Q, prefix: str) -> dict:
    return {
        f"{prefix}_n": Count("pk", filter=condition),
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


def phase_counts(scope: Scope, period: Period) -> dict:
    """Open cases by phase now, and the undecided ones at each month's end (same rows)."""
    refused = Decision.objects.filter(
        referral=OuterRef("pk"), superseded=False, outcome=Decision.Outcome.REFUSED
    )
    counts = {
        key: Count("pk", filter=Q(status=status))
        for key, status, _label in PHASES
        if status != S.DECIDED
    }
    # A refusal leaves the case "decided" until it is closed, but there is no help to wait for.
    counts["awaiting_help"] = Count("pk", filter=Q(status=S.DECIDED) & ~Exists(refused))
    for i, (_first, _from, last) in enumerate(period.months()):
        counts[f"undecided_{i}"] = Count("pk", filter=Q(status__in=UNDECIDED, t0__lte=last))
    return (
        Referral.objects.filter(scope.q(), status__in=PHASE_STATUSES).order_by().aggregate(**counts)
    )


def flagged_counts(scope: Scope, today: date) -> list[dict]:
    """Cases with an unmet, unpaused deadline in its warning window or past it, per (status,
    unit). Served by the deadline_scope_open_warn_on partial index: only the municipality's
    flagged deadlines are read, not the archive. A case counts once: overdue if any of its
    deadlines has passed, else approaching.

    A case has one status and one unit, so its distinct count in one (status, unit) group adds
    up across groups: per phase, per unit and per area are sums of these rows (flagged_by),
    one query instead of three over the same deadlines."""
    rows = (
        Deadline.objects.unmet()
        .filter(scope.q(), warn_on__lte=today, referral__status__in=PHASE_STATUSES)
        .order_by()
        .values("referral__status", "unit_id")
        .annotate(
            flagged=Count("referral", distinct=True),
            overdue=Count("referral", distinct=True, filter=Q(due_on__lt=today)),
        )
    )
    return [
        {
            "status": r["referral__status"],
            "unit_id": r["unit_id"],
            "overdue": r["overdue"],
            "approaching": r["flagged"] - r["overdue"],
        }
        for r in rows
    ]


def flagged_by(rows: list[dict], key) -> list[dict]:
    """flagged_counts' rows summed per ``key(row)``: {"key", "overdue", "approaching"}."""
    sums: dict = {}
    for r in rows:
        k = key(r)
        total = sums.setdefault(k, {"key": k, "overdue": 0, "approaching": 0})
        total["overdue"] += r["overdue"]
        total["approaching"] += r["approaching"]
    return list(sums.values())


def deadline_shares(scope: Scope, period: Period, today: date) -> dict:
    """Of the deadlines that fell due in the period (met, or passed unmet), how many were met
    by their due date. A provisional reply counts only where it was needed: where no decision
    came by its due date (forvaltningsloven § 11 a)."""
    decided_in_time = Decision.objects.filter(
        referral=OuterRef("referral"), decided_on__lte=OuterRef("due_on")
    )
    fell_due = Q(due_on__range=(period.start, period.end)) & (
        Q(met_on__isnull=False) | Q(due_on__lt=today, paused=False)
    )
    on_time = Q(met_on__lte=F("due_on"))
    needed = Q(met_on__isnull=True) | Q(met_on__gt=F("due_on")) | ~Exists(decided_in_time)
    kinds = {
        "decision": DeadlineKind.DECISION,
        "provisional_reply": DeadlineKind.PROVISIONAL_REPLY,
        "help_start": DeadlineKind.HELP_START,
    }
    counts = {}
    for name, kind in kinds.items():
        counts[f"{name}_total"] = Count("pk", filter=Q(kind=kind))
        counts[f"{name}_on_time"] = Count("pk", filter=Q(kind=kind) & on_time)
    # "needed" in the WHERE, not in the aggregates: its subquery then runs once per row.
    row = (
        Deadline.objects.filter(fell_due, scope.q())
        .filter(
            Q(kind__in=[DeadlineKind.DECISION, DeadlineKind.HELP_START])
            | Q(kind=DeadlineKind.PROVISIONAL_REPLY) & needed
        )
        .order_by()
        .aggregate(**counts)
    )
    return {
        name: {"total": row[f"{name}_total"], "on_time": row[f"{name}_on_time"]} for name in kinds
    }


def referral_flows(scope: Scope, period: Period) -> dict:
    """Referrals received per month, and T0 → sakkyndig vurdering for those assessed in the
    period."""
    in_period = (period.start, period.end)
    assessed = Q(assessed_on__range=in_period, t0__isnull=False)
    counts = {
        f"received_{i}": Count("pk", filter=Q(received_on__range=(since, last)))
        for i, (_first, since, last) in enumerate(period.months())
    }
    counts.update(_waits(DaysBetween("assessed_on", "t0"), assessed, "assessment"))
    return (
        Referral.objects.filter(scope.q())
        .filter(Q(received_on__range=in_period) | Q(assessed_on__range=in_period))
        .order_by()
        .aggregate(**counts)
    )


def _first_decision() -> Exists:
    """No earlier decision in the same case (a decision after an appeal is not the first)."""
    earlier = Decision.objects.filter(referral=OuterRef("referral")).filter(
        Q(decided_on__lt=OuterRef("decided_on"))
        | Q(decided_on=OuterRef("decided_on"), pk__lt=OuterRef("pk"))
    )
    return ~Exists(earlier)


def decision_flows(scope: Scope, period: Period) -> dict:
    """Decisions made per month, and decision → help started."""
    in_period = (period.start, period.end)
    helped = Q(superseded=False, help_started_on__range=in_period)
    counts = {
        f"decided_{i}": Count("pk", filter=Q(decided_on__range=(since, last)))
        for i, (_first, since, last) in enumerate(period.months())
    }
    counts.update(_waits(DaysBetween("help_started_on", "decided_on"), helped, "help"))
    return (
        Decision.objects.filter(scope.q())
        .filter(Q(decided_on__range=in_period) | Q(help_started_on__range=in_period))
        .order_by()
        .aggregate(**counts)
    )


def first_decisions(scope: Scope, period: Period) -> dict:
    """From the cases' first decisions on or after the period's start: T0 → first decision for
    those in the period, and per month's end the cases decided later whose clock had started
    by then (open at that month's end). The anti-join on earlier decisions is in the WHERE, so
    PostgreSQL runs it once (a hash anti join), not once per aggregate."""
    months = period.months()
    in_period = Q(decided_on__lte=period.end)
    counts = {
        f"open_{i}": Count("pk", filter=Q(referral__t0__lte=last, decided_on__gt=last))
        for i, (_first, _since, last) in enumerate(months)
    }
    counts.update(_waits(DaysBetween("decided_on", "referral__t0"), in_period, "decision"))
    return (
        Decision.objects.filter(scope.q(), decided_on__gte=period.start)
        .filter(_first_decision())
        .order_by()
        .aggregate(**counts)
    )


def withdrawn_open_counts(scope: Scope, period: Period) -> list[int]:
    """Per month's end, the cases withdrawn later whose clock had started by then. Withdrawn
    cases have no decision (referrals.services: only before a decision), and the day comes
    from the journal's withdrawal event."""
    months = period.months()
    rows = (
        CaseEvent.objects.filter(
            scope.q("referral__"),
            referral__status=S.WITHDRAWN,
            referral__t0__isnull=False,
            to_status=S.WITHDRAWN,
        )
        .annotate(day=TruncDate("at"))
        .filter(day__gte=period.start)
        .order_by()
        .aggregate(
            **{
                f"m{i}": Count("pk", filter=Q(referral__t0__lte=last, day__gt=last))
                for i, (_first, _since, last) in enumerate(months)
            }
        )
    )
    return [rows[f"m{i}"] for i in range(len(months))]


def area_names(units: list[Unit]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for unit in units:
        seen.setdefault(unit.area_id, unit.area.name)
    return sorted(seen.items(), key=lambda item: item[1])


def appeal_counts(scope: Scope, period: Period) -> dict:
    """Appeals received in the period, by where they went (forvaltningsloven §§ 28–29)."""
    outcome = Appeal.Outcome
    to_statsforvalteren = [outcome.SENT, outcome.UPHELD, outcome.CHANGED, outcome.REMANDED]
    return (
        Appeal.objects.filter(scope.q("decision__"), received_on__range=(period.start, period.end))
        .order_by()
        .aggregate(
            received=Count("pk"),
            pending=Count("pk", filter=Q(outcome=outcome.PENDING)),
            reversed=Count("pk", filter=Q(outcome=outcome.REVERSED)),
            sent=Count("pk", filter=Q(outcome__in=to_statsforvalteren)),
            awaiting=Count("pk", filter=Q(outcome=outcome.SENT)),
            upheld=Count("pk", filter=Q(outcome=outcome.UPHELD)),
            changed=Count("pk", filter=Q(outcome=outcome.CHANGED)),
            remanded=Count("pk", filter=Q(outcome=outcome.REMANDED)),
        )
    )


def advisor_counts(scope: Scope, today: date) -> list[dict]:
    """Open cases now per assigned advisor (None: not assigned yet), and of them those
    approaching and past a deadline, counted as flagged_counts does (overdue if any unmet,
    unpaused deadline has passed, else approaching if one is in its warning window). One
    grouped query; the deadline tests are EXISTS subqueries, so a case with several deadlines
    still counts once. The open cases are those of the phase table (a refused case waits for no help)."""
    refused = Decision.objects.filter(
        referral=OuterRef("pk"), superseded=False, outcome=Decision.Outcome.REFUSED
    )
    unmet = Deadline.objects.unmet().filter(referral=OuterRef("pk"))
    overdue = Exists(unmet.filter(due_on__lt=today))
    warned = Exists(unmet.filter(warn_on__lte=today))
    rows = (
        Referral.objects.filter(scope.q(), status__in=PHASE_STATUSES)
        .exclude(Q(status=S.DECIDED) & Exists(refused))
        .order_by()
        .values("advisor_id", "advisor__full_name")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(overdue)),
            approaching=Count("pk", filter=Q(warned) & ~Q(overdue)),
        )
    )
    return [
        {
            "id": r["advisor_id"],
            "name": r["advisor__full_name"],
            "open": r["open"],
            "approaching": r["approaching"],
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
    units among ``units`` in them."""
    scope = Scope.of(units)
    area_of = {u.pk: u.area_id for u in units}
    fig = Figures(period=period, today=today)
    with _without_jit():
        phases = phase_counts(scope, period)
        flagged = flagged_counts(scope, today)
        _add_phases(fig, phases, flagged_by(flagged, lambda r: r["status"]))
        fig.shares = deadline_shares(scope, period, today)
        _add_flows(
            fig,
            phases,
            referral_flows(scope, period),
            decision_flows(scope, period),
            first_decisions(scope, period),
            withdrawn_open_counts(scope, period),
        )
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


def _add_phases(fig: Figures, phases: dict, flagged_rows: list[dict]) -> None:
    flagged = {r["key"]: r for r in flagged_rows}
    for key, status, _label in PHASES:
        row = flagged.get(status, {"approaching": 0, "overdue": 0})
        fig.phases[key] = {
            "open": phases[key],
            "approaching": row["approaching"],
            "overdue": row["overdue"],
        }


def _add_flows(fig: Figures, phases, flows, decisions, firsts, withdrawn) -> None:
    # Open at a month's end: undecided now with T0 by then, decided later, or withdrawn later.
    for i, (first, _since, _last) in enumerate(fig.period.months()):
        fig.months.append(
            {
                "month": first,
                "received": flows[f"received_{i}"],
                "decided": decisions[f"decided_{i}"],
                "open": phases[f"undecided_{i}"] + firsts[f"open_{i}"] + withdrawn[i],
            }
        )
    for name, source in (("assessment", flows), ("decision", firsts), ("help", decisions)):
        fig.waits[name] = {k: source[f"{name}_{k}"] for k in ("n", "median", "p90")}


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
