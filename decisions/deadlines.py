"""The rimelig-tid rules: one pure function from a case's facts and the municipality's policy
to its deadlines. No database, no clock: ``today`` is an argument, so every rule is testable
on real calendar dates.

Rules (DESIGN.md "The case and its clock", DOMAIN.md § 2):
- each deadline runs from an anchor (T0, the decision, its start or end, help start, an
  appeal's arrival) plus a
  number of months and days from the policy;
- month arithmetic clamps to the month's end (31.01 + 1 month = 28.02, or 29.02 in a leap year);
- a due date on a Saturday, Sunday or Norwegian public holiday moves to the next working day;
- paused days (pauses that began on or after the anchor, while the deadline was unmet) extend
  the due date of the kinds the pause's reason stops, each day once however many pauses cover
  it; while such a pause is open the deadline is paused and is not flagged;
- a deadline is met on the date its event happened; met late by (met_on − due) days.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

from referrals import clock

# The clock's vocabulary is referrals/clock.py's: one enum of kinds, one of states.
Kind = clock.DeadlineKind
State = clock.State


@dataclass(frozen=True)
class Rule:
    """One kind of deadline as a municipality's policy sets it (DeadlinePolicy rows)."""

    kind: Kind
    months: int = 0
    days: int = 0
    warning_days: int = 14
    active: bool = True


# DESIGN.md's defaults; the legal references are stored with the policy rows.
DEFAULT_RULES: dict[Kind, Rule] = {
    Kind.PROVISIONAL_REPLY: Rule(Kind.PROVISIONAL_REPLY, months=1),
    Kind.ASSESSMENT: Rule(Kind.ASSESSMENT, months=2),
    Kind.DECISION: Rule(Kind.DECISION, months=3),
    Kind.HELP_START: Rule(Kind.HELP_START, days=14),
    Kind.RENEWAL: Rule(Kind.RENEWAL, months=-3, warning_days=30),
    Kind.ANNUAL_REPORT: Rule(Kind.ANNUAL_REPORT, months=12, warning_days=30),
    # Forvaltningsloven § 33 fourth paragraph names no number of days ("så snart saken er
    # tilrettelagt"): three weeks from the appeal's arrival is the municipality's own default.
    Kind.APPEAL: Rule(Kind.APPEAL, days=21, warning_days=7),
    # Issue 19, transition part (decisions/transition.py): from 1 August of the school-start
    # year, five months back: 1 March, warned 30 days before.
    Kind.SCHOOL_START: Rule(Kind.SCHOOL_START, months=-5, warning_days=30),
}


@dataclass(frozen=True)
class CaseFacts:
    """What the clock needs to know of a case; built from the database by decisions.services."""

    t0: date | None = None
    provisional_reply_on: date | None = None
    assessed_on: date | None = None
    decided_on: date | None = None
    decision_refused: bool = False
    help_from: date | None = None  # the decision's start date
    help_until: date | None = None  # the decision's end date
    help_started_on: date | None = None
    # The day a renewal was started from this case (a new assessment or a decision to continue).
    renewal_received_on: date | None = None
    # The days the case's annual reports were submitted, oldest first (decisions.AnnualReport).
    annual_reports: tuple[date, ...] = ()
    # The latest appeal: received, and sent to Statsforvalteren or decided by the office.
    appeal_received_on: date | None = None
    appeal_handled_on: date | None = None
    # (start, end, the kinds it stops); a (start, end) pair stops every kind
    pauses: tuple[tuple, ...] = ()
    closed: bool = False
    # The deadline kinds that run on the case's kind (referrals/case_kinds.py KindRule.deadlines:
    # no assessment deadline where the kind needs no sakkyndig vurdering, barnehageloven § 37,
    # opplæringslova §§ 11-4, 11-5); None: every kind.
    kinds: frozenset | None = None
    # Issue 19, transition part (decisions/transition.py school_start_due): the spring flag
    # before school start reads the case's kind, the child's birth date (read for a vedtak of
    # help only) and the day the case closed.
    kind: str = ""
    birth_date: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class Due:
    kind: Kind
    due_on: date
    met_on: date | None = None
    paused_days: int = 0
    paused: bool = False
    warning_days: int = 14


@dataclass(frozen=True)
class Status:
    state: State
    days: int = field(default=0)  # days left (ok/approaching), late (overdue/met_late)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Norway(years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end: 31.01 + 1 month = 28.02 (29.02)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def paused_days(
    pauses, since: date, until: date | None, today: date, kind: Kind | None = None
) -> tuple[int, bool]:
    """Days paused from ``since`` until the deadline was met (or today), and whether a pause
    is open now. A pause that began before the anchor does not move this deadline.

    A pause is (start, end) or (start, end, kinds): with ``kinds`` it stops only those deadline
    kinds (its PauseReason.stops, issue 18); ``kind`` is the deadline asked about. Days inside
    two pauses count once: the intervals are merged before they are summed."""
    intervals, open_now = [], False
    for pause in pauses:
        start, end = pause[0], pause[1]
        if kind is not None and len(pause) > 2 and kind not in pause[2]:
            continue
        if start < since or (until is not None and start >= until):
            continue
        stop = end or today
        if until is not None:
            stop = min(stop, until)
        if stop > start:
            intervals.append((start, stop))
        if end is None and until is None:
            open_now = True
    total, reach = 0, None
    for start, stop in sorted(intervals):
        if reach is not None and start < reach:
            start = reach  # the overlap was counted with the earlier pause
        if stop > start:
            total += (stop - start).days
        reach = max(reach, stop) if reach else stop
    return total, open_now


def _due(kind: Kind, anchor: date, rule: Rule, met_on, facts: CaseFacts, today: date) -> Due:
    raw = add_months(anchor, rule.months) + timedelta(days=rule.days)
    days, paused = paused_days(facts.pauses, anchor, met_on, today, kind)
    due = next_working_day(raw + timedelta(days=days))
    return Due(kind, due, met_on, days, paused and met_on is None, rule.warning_days)


def compute_deadlines(facts: CaseFacts, rules: dict[Kind, Rule], today: date) -> list[Due]:
    """Every deadline the case has now. A case without T0 (not yet received) has none."""
    if facts.t0 is None:
        return []
    result = []

    def add(kind: Kind, anchor: date | None, met_on: date | None) -> None:
        rule = rules.get(kind)
        if rule is None or not rule.active or anchor is None:
            return
        if facts.closed and met_on is None:
            return  # a closed or withdrawn case has no open deadlines
        result.append(_due(kind, anchor, rule, met_on, facts, today))

    # forvaltningsloven § 11 a: a provisional reply, unless the decision came first.
    replied = [d for d in (facts.provisional_reply_on, facts.decided_on) if d]
    add(Kind.PROVISIONAL_REPLY, facts.t0, min(replied) if replied else None)
    add(Kind.ASSESSMENT, facts.t0, facts.assessed_on)
    add(Kind.DECISION, facts.t0, facts.decided_on)
    if facts.decided_on and not facts.decision_refused:
        if facts.help_from:
            # The decision's own start date is the deadline; the policy's days do not apply.
            start_rule = rules.get(Kind.HELP_START)
            if start_rule and start_rule.active:
                rule = Rule(Kind.HELP_START, warning_days=start_rule.warning_days)
                if not (facts.closed and facts.help_started_on is None):
                    result.append(
                        _due(
                            Kind.HELP_START,
                            max(facts.help_from, facts.decided_on),
                            rule,
                            facts.help_started_on,
                            facts,
                            today,
                        )
                    )
        else:
            add(Kind.HELP_START, facts.decided_on, facts.help_started_on)
        add(Kind.RENEWAL, facts.help_until, facts.renewal_received_on)
        _annual_report(facts, rules, add)
    # forvaltningsloven § 33: an appeal is forwarded (or the vedtak reversed) in good time.
    add(Kind.APPEAL, facts.appeal_received_on, facts.appeal_handled_on)
    # Issue 19, transition part: the spring flag before a § 31 child starts school. Imported
    # here, not at the top: decisions.transition imports decisions.services, which imports
    # this module.
    from decisions.transition import school_start_due

    result.extend(school_start_due(facts, rules, today))
    # The filter keeps the deadlines to the case kinds whose rule lists them (kinds part).
    if facts.kinds is not None:
        result = [d for d in result if d.kind in facts.kinds]
    return result


def _annual_report(facts: CaseFacts, rules: dict[Kind, Rule], add) -> None:
    """Barnehageloven § 32 third paragraph: a report once a year while help is given. The first
    is due a year after help started; each submitted report starts the next year, as long as
    the vedtak still runs when that one falls due. When none is due any more, the deadline
    shows the last report as met (anchored on the one before it)."""
    if facts.help_started_on is None:
        return
    anchors = (facts.help_started_on, *facts.annual_reports)
    rule = rules.get(Kind.ANNUAL_REPORT)
    if not facts.annual_reports or rule is None:
        add(Kind.ANNUAL_REPORT, facts.help_started_on, None)
        return
    last = anchors[-1]
    next_due = add_months(last, rule.months) + timedelta(days=rule.days)
    runs = facts.help_until is None or next_due <= facts.help_until
    if runs and not facts.closed:
        add(Kind.ANNUAL_REPORT, last, None)
    else:
        add(Kind.ANNUAL_REPORT, anchors[-2], last)


def status_of(due: Due, today: date) -> Status:
    """A computed deadline's state on ``today`` (referrals.clock decides it, as for the badge)."""
    state, days = clock.deadline_state(
        due.due_on,
        today=today,
        warning_days=due.warning_days,
        met_on=due.met_on,
        paused=due.paused,
    )
    return Status(state, days)
