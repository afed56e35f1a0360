"""Help delivered against help decided (issue 18, deliverable 3): the services that register a
week of help and the office's etterlevering, the case page's month table, the caseload's
delivered share, and the morning job's delivery check.

The rules, with their sources:
- a week's hours are at most what a kindergarten week holds (five days of nine hours,
  core.limits.HOURS_PER_WEEK_MAX), and only the days of the week inside the vedtak's period
  (barnehageloven § 31: the help is what the vedtak grants, for its period);
- hours missed for a reason other than the child's own absence are owed: the municipality
  failed to give what it decided (barnehageloven § 31, the vedtak binds the municipality);
- owed hours are expressly considered for etterlevering, made up or not with the reason why
  (Sivilombudet 2019/20, Oslo: "burde blitt etterlevert");
- a vedtak whose delivered share of the last four complete weeks is under the municipality's
  threshold (default 90 %) is flagged to the office.

The delivery period of a vedtak runs from the later of its start (starts_on, else the vedtak
date) and the day help started, to ends_on: weeks before help started can not be registered
(the help-start deadline covers that delay), so they are not counted as decided either.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import hours_text
from core.limits import EARLIEST_DATE, HOURS_PER_WEEK_MAX, date_bound_error
from decisions.delivery_models import (
    DEFAULT_THRESHOLD_PERCENT,
    DeliveryCheck,
    DeliveryPolicy,
    DeliveryWeek,
    Makeup,
)
from decisions.models import Decision
from referrals import states
from referrals.models import DeadlineKind
from referrals.services import CaseError, TransitionError, case_event_record
from referrals.services.base import StaleEdit

DAYS_PER_WEEK = 5
HOURS_PER_DAY = HOURS_PER_WEEK_MAX / DAYS_PER_WEEK  # nine hours a kindergarten day
WINDOW_WEEKS = 4
LATEST_PERIOD_END = date(9000, 1, 1)
RUNNING_OUTCOMES = (Decision.Outcome.GRANTED, Decision.Outcome.PARTLY)
MISSED = DeliveryWeek.MissedReason


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekdays(first: date, last: date) -> int:
    """Monday to Friday from ``first`` to ``last``, both included (0 when last < first)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    whole, rest = divmod(days, 7)
    count = whole * DAYS_PER_WEEK
    start = first.weekday()
    count += sum(1 for i in range(rest) if (start + i) % 7 < DAYS_PER_WEEK)
    return count


def delivery_period(decision: Decision) -> tuple[date, date] | None:
    """The days help is to be given and registered, or None for a vedtak that grants no help
    or whose help has not started."""
    if (
        decision.outcome not in RUNNING_OUTCOMES
        or decision.help_started_on is None
        or not decision.hours_per_week
        or decision.ends_on is None
    ):
        return None
    start = max(decision.starts_on or decision.decided_on, decision.help_started_on)
    # Within core.limits' bounds, whatever was stored: the month table's arithmetic stays
    # inside what a date can hold (the hostile crawl stored 31.12.9999).
    start, end = max(start, EARLIEST_DATE), min(decision.ends_on, LATEST_PERIOD_END)
    return (start, end) if start <= end else None


def decided_hours(decision: Decision, first: date, last: date) -> Decimal:
    """The vedtak's hours from ``first`` to ``last``: hours per week × the weekdays inside the
    delivery period / 5."""
    period = delivery_period(decision)
    if period is None:
        return Decimal(0)
    days = weekdays(max(first, period[0]), min(last, period[1]))
    return decision.hours_per_week * days / DAYS_PER_WEEK


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def share_percent(given: Decimal, decided: Decimal) -> int | None:
    """The share of decided hours given, in whole percent (None when nothing was decided)."""
    if not decided:
        return None
    return int((Decimal(given) * 100 / Decimal(decided)).quantize(Decimal(1), ROUND_HALF_UP))


def threshold_of(municipality_id: int) -> int:
    policy = DeliveryPolicy.objects.filter(municipality_id=municipality_id).first()
    return policy.threshold_percent if policy else DEFAULT_THRESHOLD_PERCENT


# --- registering a week ------------------------------------------------------------------------


def _lock_decision(decision_id: int, action: str) -> Decision:
    decision = Decision.objects.select_for_update().select_related("referral").get(pk=decision_id)
    if decision.superseded or not states.allowed(action, decision.referral.status):
        raise TransitionError(
            _("Hjelp kan registreres for et vedtak som er i gang (saken er «%(s)s»).")
            % {"s": decision.referral.get_status_display()}
        )
    return decision


def _check_week(decision: Decision, week_start: date, today: date) -> tuple[date, Decimal, int]:
    """The week's Monday, its decided hours and its days inside the period; a week outside the
    vedtak's delivery period, or not yet begun, is refused at the field."""
    if message := date_bound_error(week_start):
        raise CaseError(message, field="week_start")
    start = monday(week_start)
    period = delivery_period(decision)
    if period is None:
        raise CaseError(
            _("Vedtaket gir ingen hjelp som er startet; det er ingen uke å registrere."),
            field="week_start",
        )
    if start > today:
        raise CaseError(_("Uken har ikke begynt ennå."), field="week_start")
    days = weekdays(max(start, period[0]), min(start + timedelta(days=6), period[1]))
    if days == 0:
        raise CaseError(
            _("Uken er utenfor vedtaket: hjelpen gis fra %(f)s til %(t)s.")
            % {"f": f"{period[0]:%d.%m.%Y}", "t": f"{period[1]:%d.%m.%Y}"},
            field="week_start",
        )
    return start, decision.hours_per_week * days / DAYS_PER_WEEK, days


def _check_hours(days: int, hours_given, hours_missed, missed_reason: str) -> None:
    hours_given = Decimal(hours_given)
    hours_missed = Decimal(hours_missed or 0)
    if hours_given < 0:
        raise CaseError(_("Timer kan ikke være negative."), field="hours_given")
    if hours_missed < 0:
        raise CaseError(_("Timer kan ikke være negative."), field="hours_missed")
    # Five days of nine hours at most (core.limits.HOURS_PER_WEEK_MAX), fewer when only part
    # of the week is inside the vedtak.
    possible = HOURS_PER_DAY * days
    if hours_given > possible:
        raise CaseError(
            _("Uken har høyst %(n)s mulige timer innenfor vedtaket.") % {"n": hours_text(possible)},
            field="hours_given",
        )
    if hours_given + hours_missed > possible:
        raise CaseError(
            _("Gitte og bortfalte timer er til sammen mer enn ukens %(n)s mulige timer.")
            % {"n": hours_text(possible)},
            field="hours_missed",
        )
    if hours_missed > 0 and not missed_reason:
        raise CaseError(_("Oppgi hvorfor timene falt bort."), field="missed_reason")
    if missed_reason and missed_reason not in MISSED.values:
        raise CaseError(_("Velg en grunn fra listen."), field="missed_reason")


@transaction.atomic
def delivery_week_register(
    *,
    decision_id: int,
    actor,
    week_start: date,
    hours_given,
    given_by: str,
    competence: str = "",
    hours_missed=Decimal(0),
    missed_reason: str = "",
    missed_note: str = "",
    today: date | None = None,
) -> DeliveryWeek:
    """One week of help under a running vedtak; the same week twice is refused."""
    today = today or timezone.localdate()
    decision = _lock_decision(decision_id, "deliver")
    start, decided, days = _check_week(decision, week_start, today)
    _check_hours(days, hours_given, hours_missed, missed_reason)
    if not given_by.strip():
        raise CaseError(_("Oppgi hvem som ga hjelpen."), field="given_by")
    if DeliveryWeek.objects.filter(decision=decision, week_start=start).exists():
        raise CaseError(
            _("Uke %(w)s er allerede registrert for dette vedtaket; endre den i listen.")
            % {"w": start.isocalendar().week},
            field="week_start",
        )
    week = DeliveryWeek.objects.create(
        decision=decision,
        week_start=start,
        hours_decided=_round(decided),
        hours_given=Decimal(hours_given),
        given_by=given_by.strip(),
        competence=competence,
        hours_missed=Decimal(hours_missed or 0),
        missed_reason=missed_reason if Decimal(hours_missed or 0) > 0 else "",
        missed_note=missed_note,
        registered_by=actor,
    )
    month = start.replace(day=1)
    first_in_month = not (
        DeliveryWeek.objects.filter(
            decision=decision, week_start__gte=month, week_start__lte=_month_end(month)
        )
        .exclude(pk=week.pk)
        .exists()
    )
    _rollup_add(
        week, vedtak=int(first_in_month), decided=week.hours_decided, given=week.hours_given
    )
    case_event_record(
        referral=decision.referral,
        actor=actor,
        action="delivery.week_registered",
        detail={"week": f"{start:%d.%m.%Y}", "hours": hours_text(week.hours_given)},
    )
    delivery_recheck(decision, today)
    return week


@transaction.atomic
def delivery_week_update(
    *,
    week_id: int,
    version: int,
    actor,
    hours_given,
    given_by: str,
    competence: str = "",
    hours_missed=Decimal(0),
    missed_reason: str = "",
    missed_note: str = "",
    today: date | None = None,
) -> DeliveryWeek:
    """Correct a registered week; an edit started from an older version is refused."""
    today = today or timezone.localdate()
    week = DeliveryWeek.objects.select_for_update().get(pk=week_id)
    decision = _lock_decision(week.decision_id, "deliver")
    if week.version != version:
        raise StaleEdit(current=week, events=[])
    _start, _decided, days = _check_week(decision, week.week_start, today)
    _check_hours(days, hours_given, hours_missed, missed_reason)
    if not given_by.strip():
        raise CaseError(_("Oppgi hvem som ga hjelpen."), field="given_by")
    _rollup_add(week, vedtak=0, decided=Decimal(0), given=Decimal(hours_given) - week.hours_given)
    week.hours_given = Decimal(hours_given)
    week.given_by = given_by.strip()
    week.competence = competence
    week.hours_missed = Decimal(hours_missed or 0)
    week.missed_reason = missed_reason if week.hours_missed > 0 else ""
    week.missed_note = missed_note
    week.version += 1
    week.save()
    case_event_record(
        referral=decision.referral,
        actor=actor,
        action="delivery.week_updated",
        detail={"week": f"{week.week_start:%d.%m.%Y}", "hours": hours_text(week.hours_given)},
    )
    delivery_recheck(decision, today)
    return week


# --- the dashboard's rollup (DeliveryMonth) -------------------------------------------------------

_ROLLUP_ADD = """
    INSERT INTO decisions_deliverymonth AS m (municipality_id, unit_id, month, vedtak,
                                              hours_decided, hours_given)
    SELECT w.municipality_id, w.unit_id, %(month)s, %(vedtak)s, %(decided)s, %(given)s
    FROM decisions_deliveryweek w WHERE w.id = %(week)s AND w.unit_id IS NOT NULL
    ON CONFLICT (unit_id, month) DO UPDATE
        SET vedtak = m.vedtak + EXCLUDED.vedtak,
            hours_decided = m.hours_decided + EXCLUDED.hours_decided,
            hours_given = m.hours_given + EXCLUDED.hours_given
"""

_ROLLUP_REBUILD = """
    DELETE FROM decisions_deliverymonth;
    INSERT INTO decisions_deliverymonth (municipality_id, unit_id, month, vedtak, hours_decided,
                                         hours_given)
    SELECT min(municipality_id), unit_id, date_trunc('month', week_start)::date,
           count(DISTINCT decision_id), sum(hours_decided), sum(hours_given)
    FROM decisions_deliveryweek WHERE unit_id IS NOT NULL
    GROUP BY unit_id, date_trunc('month', week_start);
"""


def _rollup_add(week: DeliveryWeek, *, vedtak: int, decided: Decimal, given: Decimal) -> None:
    """Add a week's hours to its unit's month (the week's row carries the unit: its trigger
    copied it from the vedtak)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ROLLUP_ADD,
            {
                "week": week.pk,
                "month": week.week_start.replace(day=1),
                "vedtak": vedtak,
                "decided": decided,
                "given": given,
            },
        )


def rollup_rebuild() -> None:
    """The rollup from the weeks, after a bulk load (the demo, bench/generate.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_ROLLUP_REBUILD)


# --- owed hours and etterlevering --------------------------------------------------------------

OWED = Sum("hours_missed", filter=~Q(missed_reason=MISSED.CHILD_ABSENT), default=Decimal(0))


def owed_balance(decision: Decision) -> dict:
    """Hours owed (missed, not because of the child), settled (made up or decided not to be)
    and still open."""
    owed = DeliveryWeek.objects.filter(decision=decision).aggregate(owed=OWED)["owed"]
    settled = Makeup.objects.filter(decision=decision).aggregate(
        made_up=Sum("hours", filter=Q(kind=Makeup.Kind.MADE_UP), default=Decimal(0)),
        not_made_up=Sum("hours", filter=Q(kind=Makeup.Kind.NOT_MADE_UP), default=Decimal(0)),
    )
    open_hours = owed - settled["made_up"] - settled["not_made_up"]
    return {"owed": owed, **settled, "open": max(open_hours, Decimal(0))}


@transaction.atomic
def makeup_register(
    *,
    decision_id: int,
    actor,
    kind: str,
    hours,
    from_on: date | None = None,
    until_on: date | None = None,
    given_by: str = "",
    reason: str = "",
    today: date | None = None,
) -> Makeup:
    """The office's decision on owed hours: made up (hours, dates, by whom) or not (why).
    Sivilombudet 2019/20 (Oslo): etterlevering must be expressly considered."""
    today = today or timezone.localdate()
    decision = _lock_decision(decision_id, "makeup")
    hours = Decimal(hours)
    if hours <= 0:
        raise CaseError(_("Oppgi et antall timer over null."), field="hours")
    balance = owed_balance(decision)
    if hours > balance["open"]:
        raise CaseError(
            _("Det er %(n)s skyldige timer som ikke er avgjort.")
            % {"n": hours_text(balance["open"])},
            field="hours",
        )
    if kind == Makeup.Kind.MADE_UP:
        if from_on is None:
            raise CaseError(_("Oppgi når timene ble gitt."), field="from_on")
        until_on = until_on or from_on
        for value, field in ((from_on, "from_on"), (until_on, "until_on")):
            if message := date_bound_error(value):
                raise CaseError(message, field=field)
        if until_on < from_on:
            raise CaseError(_("Til-datoen kan ikke være før fra-datoen."), field="until_on")
        if until_on > today:
            raise CaseError(_("Etterlevering registreres når timene er gitt."), field="until_on")
        if not given_by.strip():
            raise CaseError(_("Oppgi hvem som ga timene."), field="given_by")
    elif kind == Makeup.Kind.NOT_MADE_UP:
        if not reason.strip():
            raise CaseError(
                _("Skriv hvorfor timene ikke etterleveres (barnets beste, foreldrenes syn)."),
                field="reason",
            )
        from_on = until_on = None
        given_by = ""
    else:
        raise CaseError(_("Velg om timene er etterlevert eller ikke."), field="kind")
    makeup = Makeup.objects.create(
        decision=decision,
        kind=kind,
        hours=hours,
        from_on=from_on,
        until_on=until_on,
        given_by=given_by.strip(),
        reason=reason.strip(),
        recorded_by=actor,
    )
    case_event_record(
        referral=decision.referral,
        actor=actor,
        action="delivery.makeup_recorded",
        detail={"kind": kind, "hours": hours_text(hours)},
    )
    return makeup


# --- the case page: decided against delivered per month ----------------------------------------

_MONTHS = """
    SELECT date_trunc('month', w.week_start)::date AS month,
           sum(w.hours_given), sum(w.hours_missed) FILTER (WHERE w.missed_reason = %(child)s),
           sum(w.hours_missed) FILTER (WHERE w.missed_reason <> %(child)s), 0,
           max(w.week_start)
    FROM decisions_deliveryweek w WHERE w.decision_id = %(decision)s GROUP BY 1
    UNION ALL
    SELECT date_trunc('month', COALESCE(m.from_on, m.recorded_at::date))::date,
           0, 0, 0, sum(m.hours), NULL::date
    FROM decisions_makeup m WHERE m.decision_id = %(decision)s AND m.kind = %(made_up)s
    GROUP BY 1
"""


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _mondays(first: date, last: date):
    week = monday(first)
    if week < first:
        week += timedelta(days=7)
    while week <= last:
        yield week
        week += timedelta(days=7)


def month_rows(decision: Decision | None, today: date) -> list[dict]:
    """One row per month of the delivery period up to today: decided hours, given, missed (the
    child's absence / other), owed, and made up. Weeks count in the month of their Monday, the
    decided hours too (hours per week × the week's weekdays inside the period / 5), so that a
    month is set against the same weeks it was given in. One query."""
    if decision is None or (period := delivery_period(decision)) is None:
        return []
    sums: dict[date, list[Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _MONTHS,
            {"decision": decision.pk, "child": MISSED.CHILD_ABSENT, "made_up": Makeup.Kind.MADE_UP},
        )
        latest = None
        for month, given, child, other, made_up, last_week in cursor.fetchall():
            if last_week is not None:
                latest = max(latest or last_week, last_week)
            row = sums.setdefault(month, [Decimal(0)] * 4)
            for i, value in enumerate((given, child, other, made_up)):
                row[i] += value or 0
    rows = []
    month = monday(period[0]).replace(day=1)
    # Decided up to the last complete week (or this week, once it is registered): a week
    # still running is not yet short.
    last = window(today)[1]
    if latest is not None and latest > last:
        last = latest + timedelta(days=6)  # this week is registered already
    last = min(period[1], last)
    while month <= last:
        end = _month_end(month)
        given, child, other, made_up = sums.get(month, [Decimal(0)] * 4)
        decided = sum(
            (
                decided_hours(decision, week, min(week + timedelta(days=6), last))
                for week in _mondays(month, min(end, last))
            ),
            Decimal(0),
        )
        rows.append(
            {
                "month": month,
                "decided": _round(decided),
                "given": given,
                "missed_child": child,
                "missed_other": other,
                "owed": other,
                "made_up": made_up,
                "share": share_percent(given, decided),
            }
        )
        month = end + timedelta(days=1)
    return rows


# --- the caseload: the delivered share of the last four complete weeks -------------------------


def window(today: date) -> tuple[date, date]:
    """The last four complete weeks before ``today``'s week: their first Monday and last
    Sunday."""
    last_monday = monday(today) - timedelta(days=7)
    return last_monday - timedelta(days=7 * (WINDOW_WEEKS - 1)), last_monday + timedelta(days=6)


def recent_shares(decisions: list[Decision], today: date) -> dict[int, int | None]:
    """Each vedtak's delivered share of the last four complete weeks, in one query."""
    first, last = window(today)
    given = dict(
        DeliveryWeek.objects.filter(
            decision_id__in=[d.pk for d in decisions], week_start__range=(first, last)
        )
        .values_list("decision_id")
        .annotate(Sum("hours_given"))
        .order_by()
    )
    return {
        d.pk: share_percent(given.get(d.pk, Decimal(0)), decided_hours(d, first, last))
        for d in decisions
    }


# --- the morning job's delivery check ----------------------------------------------------------

# Each running vedtak's decided and given hours over the window, with its municipality's
# threshold. The decided days are counted in SQL (the weekdays from the later of the window's
# and the delivery period's start to the earlier of their ends).
_SHARES = """
    WITH running AS (
        SELECT d.id, d.referral_id, d.municipality_id, d.hours_per_week,
               GREATEST(COALESCE(d.starts_on, d.decided_on), d.help_started_on, %(first)s) AS f,
               LEAST(d.ends_on, %(last)s) AS t
        FROM decisions_decision d
        JOIN referrals_referral r ON r.id = d.referral_id
        WHERE NOT d.superseded AND d.outcome = ANY(%(outcomes)s)
          AND d.help_started_on IS NOT NULL AND d.help_started_on <= %(last)s
          AND d.ends_on >= %(first)s AND r.status = ANY(%(statuses)s)
          {only}
    ), decided AS (
        SELECT running.*, running.hours_per_week * (
            SELECT count(*) FROM generate_series(f, t, interval '1 day') g
            WHERE extract(isodow FROM g) < 6) / 5.0 AS decided
        FROM running WHERE f <= t
    )
    SELECT decided.id, decided.referral_id, decided.decided,
           COALESCE((SELECT sum(w.hours_given) FROM decisions_deliveryweek w
                     WHERE w.decision_id = decided.id
                       AND w.week_start BETWEEN %(first)s AND %(last)s), 0),
           COALESCE(p.threshold_percent, %(default)s)
    FROM decided
    LEFT JOIN decisions_deliverypolicy p ON p.municipality_id = decided.municipality_id
"""  # noqa: S608 ({only} is one of two constants)


@dataclass
class Checked:
    week_start: date | None = None
    running: int = 0
    flagged: int = 0
    cleared: int = 0
    skipped: bool = False


def _shares(today: date, *, decision_id: int | None = None) -> list[tuple]:
    first, last = window(today)
    sql = _SHARES.format(only="AND d.id = %(decision)s" if decision_id else "")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "first": first,
                "last": last,
                "outcomes": list(RUNNING_OUTCOMES),
                "statuses": list(states.ACTIONS["deliver"].starts_from),
                "default": DEFAULT_THRESHOLD_PERCENT,
                "decision": decision_id,
            },
        )
        return cursor.fetchall()


_OPEN = """
    INSERT INTO decisions_deadline AS dl (referral_id, kind, due_on, met_on, paused,
                                          paused_days, warning_days, warn_on)
    SELECT unnest(%(ids)s::bigint[]), %(kind)s, %(due)s, NULL, false, 0, 0, %(due)s
    ON CONFLICT (referral_id, kind) DO UPDATE
        SET due_on = EXCLUDED.due_on, warn_on = EXCLUDED.warn_on, met_on = NULL
        WHERE dl.met_on IS NOT NULL
    RETURNING dl.id
"""

_MEET = """
    UPDATE decisions_deadline SET met_on = %(today)s
    WHERE kind = %(kind)s AND met_on IS NULL AND {which}
"""


def _apply(rows: list[tuple], today: date, *, everyone: bool) -> tuple[int, int]:
    """Open (or reopen) the delivery deadline of each vedtak under its threshold, meet the
    others'. A reopened deadline loses its old flags: its state changed, the office is told
    again. ``everyone``: the rows are every running vedtak (meet any other open one too)."""
    _first, last = window(today)
    # A vedtak that states no hours (issue 19: opplæringslova §§ 11-4, 11-5, barnehageloven
    # §§ 37, 38 need not) has none to fall short of.
    below = [r[1] for r in rows if (r[2] or 0) > 0 and Decimal(r[3]) * 100 < Decimal(r[2]) * r[4]]
    under = set(below)
    above = [r[1] for r in rows if r[1] not in under]
    with connection.cursor() as cursor:
        reopened = []
        if below:
            cursor.execute(_OPEN, {"ids": below, "kind": DeadlineKind.DELIVERY, "due": last})
            reopened = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "DELETE FROM decisions_deadlineflag WHERE deadline_id = ANY(%s::bigint[])",
                [reopened],
            )
        params = {"today": today, "kind": DeadlineKind.DELIVERY, "ids": above, "below": below}
        if everyone:
            cursor.execute(
                _MEET.format(which="NOT (referral_id = ANY(%(below)s::bigint[]))"), params
            )
        elif above:
            cursor.execute(_MEET.format(which="referral_id = ANY(%(ids)s::bigint[])"), params)
        cleared = cursor.rowcount if (everyone or above) else 0
    return len(reopened), cleared


def delivery_check(today: date) -> Checked:
    """The morning job's delivery check: once per complete week, every running vedtak's share
    of the last four complete weeks against its municipality's threshold (default 90 %);
    under it, the case's delivery deadline is opened (due the window's last day), so that
    flagging.detect flags it to the office the same morning; back over it, the deadline is met.
    On every other morning nothing is due: one lookup by the week's unique key."""
    last_monday = monday(today) - timedelta(days=7)
    if DeliveryCheck.objects.filter(week_start=last_monday).exists():
        return Checked(week_start=last_monday, skipped=True)
    with transaction.atomic():
        check, created = DeliveryCheck.objects.get_or_create(week_start=last_monday)
        if not created:  # another run of the job got there first
            return Checked(week_start=last_monday, skipped=True)
        rows = _shares(today)
        flagged, cleared = _apply(rows, today, everyone=True)
        check.running, check.flagged, check.cleared = len(rows), flagged, cleared
        check.save()
    return Checked(week_start=last_monday, running=len(rows), flagged=flagged, cleared=cleared)


def delivery_recheck(decision: Decision, today: date) -> None:
    """After a week is registered or corrected: the vedtak's share of the window checked
    again, so a late registration clears (or opens) its delivery deadline at once. Only once
    the morning check has looked at the window (before that, it will)."""
    last_monday = monday(today) - timedelta(days=7)
    if not DeliveryCheck.objects.filter(week_start=last_monday).exists():
        return
    rows = _shares(today, decision_id=decision.pk)
    if rows:
        _apply(rows, today, everyone=False)
