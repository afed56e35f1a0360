"""Synthetic children, guardians and cases for the demo: about 3,000 children and 800 referrals
over every state the services can reach today (draft → assessed, and withdrawn), with the
consents, assessments, pauses and journal events the services would have written.

Bulk inserts, not the services: running every move through the services would take minutes.
The price is that this module must itself keep the rows as the services leave them (the
rules are repeated next to the code that follows them). Deterministic from the random.Random
it is given (and today's date); idempotent: once the demo municipalities have children, it adds
nothing. Synthetic identity numbers only (month + 80); never for production.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from demo.case_texts import (
    ASSESSMENT_TEXTS,
    CHILD_VIEWS,
    CONSENT_WITHDRAWN,
    GUARDIAN_VIEWS,
    KINDERGARTEN_CONCERNS,
    PAUSE_REASON_CODES,
    PAUSE_REASONS,
    REPORT,
    SCHOOL_ASSESSMENT_TEXTS,
    SCHOOL_CONCERNS,
    SCHOOL_REPORT,
    TRIED,
    WITHDRAWN_REASONS,
)
from demo.organisation import REKTOR_SCHOOL, DemoOrganisation
from demo.people import (
    _Family,
    _make_family,
    _make_guardians,
)
from referrals import case_kinds, states
from referrals.case_kinds import CaseKind
from referrals.idnumber import generate_synthetic
from referrals.models import (
    Assessment,
    CaseEvent,
    Child,
    Consent,
    Guardian,
    Pause,
    PauseReason,
    Referral,
)
from referrals.services import pause_reasons_ensure_defaults
from teams.models import Unit

S = Referral.Status

# --- the plan ------------------------------------------------------------------------------------

# In proportion to how long a case stays in each state (a steady flow): the assessed cases are
# most of a year's history (demo.decisions decides most of them), the open ones a few weeks' each.
STATE_SHARES = {
    S.DRAFT: 0.04, S.AWAITING_CONSENT: 0.06, S.RECEIVED: 0.06, S.ASSESSING: 0.09,
    S.ASSESSED: 0.67, S.WITHDRAWN: 0.08,
}  # fmt: skip
# The state a withdrawn case was in when it was withdrawn.
WITHDRAWN_FROM = {S.DRAFT: 15, S.AWAITING_CONSENT: 35, S.RECEIVED: 25, S.ASSESSING: 25}
# How far the case got, in order; the index decides which moves a case has made.
PATH = list(states.BEFORE_DECISION)
# The demo styrere's and the rektor's units: their cases cycle through every state.
FEATURED = {"Solsikken barnehage": 13, "Blåbærtoppen barnehage": 7, "Solvik skole": 16}
# The kontaktlærer's classes (demo.organisation.TEACHER_CLASSES) get the rektor's first pupils.
TEACHER_TRINN, TEACHER_PUPILS = 5, 8
# A school has more children than a kindergarten: a unit is drawn for a child with this weight.
SCHOOL_WEIGHT = 3
BATCH = 1000
# Issue 19: the kinds of case per unit kind (referrals/case_kinds.py), most of them § 31 in a
# kindergarten and § 11-6 at a school. The featured and story units keep § 31 cases.
KIND_WEIGHTS = {
    Unit.Kind.KINDERGARTEN: {CaseKind.BHL_31: 82, CaseKind.BHL_37: 12, CaseKind.BHL_38: 6},
    Unit.Kind.SCHOOL: {CaseKind.OPPL_11_6: 72, CaseKind.OPPL_11_4: 16, CaseKind.OPPL_11_5: 12},
}
# Who asked PPT (Referral.Source): of the cases whose consent came with the referral, the unit
# wrote about half itself; a few are the parents' own request (barnehageloven § 33,
# opplæringslova § 11-7 first paragraph: they may ask at any time, and need not write).
UNIT_SHARE, PARENTS_SHARE = 0.5, 0.05
# Opplæringslova § 11-7 third paragraph: "eleven eller foreldra" consent; in the demo a pupil
# of 15 or more consents themselves.
PUPIL_CONSENT_AGE = 15


@dataclass
class DemoCaseload:
    children: int = 0
    guardians: int = 0
    referrals: int = 0
    events: int = 0
    by_status: dict = field(default_factory=dict)
    skipped: bool = False


@dataclass
class _Case:
    family: _Family
    state: str
    reached: str  # the last state on PATH (for withdrawn: the state it was withdrawn from)
    advisor: object
    created_by: object
    created_on: date
    received_on: date | None = None
    consent_on: date | None = None
    started_on: date | None = None
    assessed_on: date | None = None
    withdrawn_on: date | None = None
    consent_withdrawn: bool = False
    kind: str = CaseKind.BHL_31
    # A case of a kind decided without an assessment, planned where an assessed case would be:
    # ready for its vedtak (demo.decisions decides most of them).
    ready: bool = False
    source: str = Referral.Source.PPT
    by_pupil: bool = False  # the pupil gave the consents (PUPIL_CONSENT_AGE)
    referral: Referral | None = None
    consents: list[Consent] = field(default_factory=list)


class _Seeder:
    def __init__(self, org: DemoOrganisation, rng: random.Random, progress: Callable[[str], None]):
        self.rng = rng
        self.progress = progress
        self.today = timezone.localdate()
        # Every date is yesterday or earlier, so every timestamp is safely in the past.
        self.last = self.today - timedelta(days=1)
        self.solvik = org.municipalities[0]
        self.advisor, self.advisor2 = org.users["advisor"], org.users["advisor2"]
        self.units = list(
            Unit.objects.filter(pk__in=[u.pk for u in org.units])
            .select_related("area", "municipality")
            .order_by("pk")
        )
        self.taken: set[tuple[int, str]] = set()
        self.slow: set[int] = set()  # id() of the families whose case waits far too long
        self.classes = org.classes
        # The units whose head writes their own referrals in the demo (Source.UNIT).
        users = org.users
        self.heads = {
            name: users[key]
            for name, key in (
                ("Solsikken barnehage", "unit_head"),
                ("Blåbærtoppen barnehage", "unit_head_b"),
                ("Solvik skole", "rektor"),
                ("Nordre Solvik skole", "rektor2"),
            )
            if key in users
        }
        self.events: list[CaseEvent] = []

    # -- helpers

    def pause_reason(self, municipality_id: int, code: str) -> PauseReason:
        """The municipality's pause reason (referrals.pause_reasons' defaults, one query)."""
        if not hasattr(self, "_reasons"):
            for m in {u.municipality_id for u in self.units}:
                pause_reasons_ensure_defaults(m)
            self._reasons = {
                (r.municipality_id, r.code): r
                for r in PauseReason.objects.filter(
                    municipality__in={u.municipality_id for u in self.units}
                )
            }
        return self._reasons[municipality_id, code]

    def between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def at(self, day: date) -> datetime:
        """A time during office hours on ``day``."""
        moment = time(self.rng.randint(8, 15), self.rng.randint(0, 59))
        # Never in the future: seeded just after midnight, "today" has had no office hours yet.
        return min(
            timezone.make_aware(datetime.combine(day, moment)),
            timezone.now() - timedelta(minutes=1),
        )

    def bulk(self, model, objs: list, label: str) -> None:
        for start in range(0, len(objs), BATCH):
            model.objects.bulk_create(objs[start : start + BATCH])
            self.progress(f"  {label}: {min(start + BATCH, len(objs))}/{len(objs)}")

    def id_number(self, municipality_id: int, birth_date: date, kind: str) -> str:
        # Unique per municipality (Child's constraint); 500 individual numbers per birth date.
        while True:
            number = generate_synthetic(birth_date, self.rng, kind=kind)
            if (municipality_id, number) not in self.taken:
                self.taken.add((municipality_id, number))
                return number

    def in_nord_sor(self, unit: Unit) -> bool:
        return unit.municipality_id == self.solvik.pk and unit.area.name in {"Nord", "Sør"}


# --- children and guardians -----------------------------------------------------------------------


def _child_units(seeder: _Seeder, n: int) -> list[Unit]:
    """The featured units get enough children for their cases even at a small scale."""
    by_name = {u.name: u for u in seeder.units}
    wanted = {**FEATURED, SLOW_UNIT: SLOW_CASES}
    featured = [by_name[name] for name, k in wanted.items() for _ in range(k + 2)][:n]
    weights = [SCHOOL_WEIGHT if u.kind == Unit.Kind.SCHOOL else 1 for u in seeder.units]
    return featured + seeder.rng.choices(seeder.units, weights=weights, k=n - len(featured))


# --- cases ----------------------------------------------------------------------------------------


def _state_pool(n: int, rng: random.Random) -> list[str]:
    counts = {state: round(share * n) for state, share in STATE_SHARES.items()}
    counts[S.ASSESSED] = max(0, n - sum(k for s, k in counts.items() if s != S.ASSESSED))
    pool = [state for state, k in counts.items() for _ in range(k)]
    rng.shuffle(pool)
    return pool


def _pick_cases(seeder: _Seeder, families: list[_Family], n: int) -> list[tuple[_Family, str]]:
    """Which children are referred, in which final state: the featured units get their cases
    first, cycling through every state, the rest are spread at random over the other units."""
    pool = _state_pool(n, seeder.rng)
    states = list(STATE_SHARES)
    chosen: list[tuple[_Family, str]] = []
    used: set[int] = set()
    for name, k in FEATURED.items():
        kids = [i for i, f in enumerate(families) if f.child.unit.name == name][: min(k, n // 6)]
        for j, i in enumerate(kids):
            state = states[j % len(states)]
            state = state if state in pool else pool[0]
            pool.remove(state)
            chosen.append((families[i], state))
            used.add(i)
    # The slow unit's cases that wait far too long (the rest of its cases are like any other's).
    kids = [i for i, f in enumerate(families) if f.child.unit.name == SLOW_UNIT]
    for j, i in enumerate(kids[: min(SLOW_CASES, n // 25)]):
        state = (S.RECEIVED, S.ASSESSING)[j % 2]
        if state in pool:
            pool.remove(state)
            chosen.append((families[i], state))
            used.add(i)
            seeder.slow.add(id(families[i]))
    # The featured units keep to their own cases (the styrer's list stays readable), unless
    # the scale is so small that the others are too few.
    others = [
        i for i, f in enumerate(families) if f.child.unit.name not in FEATURED and i not in used
    ]
    if len(others) < len(pool):
        others = [i for i in range(len(families)) if i not in used]
    rest = seeder.rng.sample(others, len(pool))
    return chosen + [(families[i], state) for i, state in zip(rest, pool, strict=True)]


# A municipality in a steady state: a case waits a few weeks for PPT to start, the assessment
# takes a month or two, the office decides within the three months (barnehageloven § 34,
# forvaltningsloven § 11 a) and the help starts within two weeks. A few cases fall behind (the
# "tail"); in the queue area and the story unit many more do: that is where the queue builds up.
QUEUE_AREA = "Øst"  # demo.decisions.STORY_AREA: the area whose queue builds up
SLOW_UNIT = "Kastanjen barnehage"  # demo.decisions.STORY_UNIT: the unit with overdue cases
SLOW_CASES = 16  # of the slow unit's cases, how many wait far beyond the assessment deadline
TAIL = {"usual": 0.07, "queue": 0.5, "slow": 1.0, "prompt": 0.0}
# Days since T0 of a case still in the state: (usual range, range when it is in the tail).
# The assessment is due two months after T0, the decision three months after.
WAIT = {
    S.RECEIVED: ((0, 40), (63, 110)),
    S.ASSESSING: ((4, 56), (63, 120)),
}
SLOW_WAIT = (95, 150)


def _pace(seeder: _Seeder, case: _Case) -> str:
    if id(case.family) in seeder.slow:
        return "slow"
    unit = case.family.child.unit
    if unit.municipality_id != seeder.solvik.pk:
        return "usual"
    if unit.name == SLOW_UNIT:
        return "prompt"  # its other cases: the story counts exactly its slow ones
    return "queue" if unit.area.name == QUEUE_AREA else "usual"


def _t0_age(seeder: _Seeder, case: _Case) -> int:
    """How many days ago the case's clock started (T0), by how far it got."""
    rng = seeder.rng
    late = rng.random() < TAIL[_pace(seeder, case)]
    if case.state == S.WITHDRAWN:
        return rng.randint(10, 250)
    if case.ready:
        return rng.randint(25, 330)
    if case.reached in WAIT:
        usual, tail = WAIT[case.reached]
        if _pace(seeder, case) == "slow":
            return rng.randint(*SLOW_WAIT)
        return rng.randint(*(tail if late else usual))
    # Assessed: the history of a steady flow over most of a year; the office decides most of
    # them (demo.decisions), so few stay assessed for long.
    return rng.randint(25, 330)


def _plan_dates(seeder: _Seeder, case: _Case) -> None:
    """Dates as the services would have set them: received_on when submitted, consent_on on
    the first qualifying consent (never before received_on here), T0 the later of the two.
    T0 is planned first (by the state's usual wait, see WAIT), the other dates around it."""
    rng, last = seeder.rng, seeder.last
    step = PATH.index(case.reached)
    if step == 0:
        case.created_on = last - timedelta(days=rng.randint(0, 30))
    elif step == 1:
        case.received_on = last - timedelta(days=rng.randint(0, 40))
        case.created_on = case.received_on - timedelta(days=rng.randint(0, 7))
    if step >= 2:
        t0 = last - timedelta(days=_t0_age(seeder, case))
        delay = 0 if rng.random() < 0.3 else rng.randint(1, 35)
        case.consent_on = t0
        case.received_on = t0 - timedelta(days=delay)
        case.created_on = case.received_on - timedelta(days=rng.randint(0, 7))
    if step >= 3:
        t0 = case.consent_on
        age = (last - t0).days
        if step == 3:
            case.started_on = t0 + timedelta(days=rng.randint(0, max(0, min(28, age - 1))))
        else:
            # Assessed within the two months mostly; a few late.
            on_time = rng.random() >= TAIL[_pace(seeder, case)]
            took = rng.randint(21, 56) if on_time else rng.randint(64, 90)
            case.assessed_on = min(t0 + timedelta(days=took), last)
            case.assessed_on = max(case.assessed_on, t0 + timedelta(days=1))
            gap = (case.assessed_on - t0).days
            case.started_on = t0 + timedelta(days=rng.randint(0, max(0, min(21, gap - 1))))
    if case.state == S.WITHDRAWN:
        latest = max(
            d for d in (case.created_on, case.received_on, case.consent_on, case.started_on) if d
        )
        case.withdrawn_on = seeder.between(latest, min(latest + timedelta(days=60), last))
        case.consent_withdrawn = step >= 2 and rng.random() < 0.3


def _plan_case(seeder: _Seeder, fam: _Family, state: str) -> _Case:
    rng = seeder.rng
    reached = state
    if state == S.WITHDRAWN:
        reached = rng.choices(list(WITHDRAWN_FROM), weights=list(WITHDRAWN_FROM.values()))[0]
    unit = fam.child.unit
    local = seeder.in_nord_sor(unit)
    advisor = None
    if reached not in (S.DRAFT, S.AWAITING_CONSENT) or rng.random() < 0.55:
        advisor = seeder.advisor if local and rng.random() < 0.8 else seeder.advisor2
    registrar = advisor or (seeder.advisor if local and rng.random() < 0.6 else seeder.advisor2)
    case = _Case(fam, state, reached, advisor, registrar, created_on=seeder.last)
    case.kind = _kind(seeder, unit)
    if not case_kinds.rule(case.kind).assessment_required and reached in (S.ASSESSING, S.ASSESSED):
        # No sakkyndig vurdering in this kind (barnehageloven § 37, opplæringslova §§ 11-4,
        # 11-5): received is as far as it goes before the vedtak.
        case.ready = reached == S.ASSESSED
        case.reached = S.RECEIVED
        case.state = S.WITHDRAWN if state == S.WITHDRAWN else S.RECEIVED
    _plan_dates(seeder, case)
    _plan_source(seeder, case)
    return case


def _cover_kinds(cases: list[_Case]) -> None:
    """Every kind has a case, whatever the scale: a kind the draw missed takes over a case of
    its unit kind from the most common kind (one not yet past received for a kind decided
    without an assessment; the dates stay as planned)."""
    for kind, rule in case_kinds.RULES.items():
        if any(c.kind == kind for c in cases):
            continue
        counts = Counter(c.kind for c in cases)
        for case in cases:
            unit = case.family.child.unit
            fits = rule.assessment_required or PATH.index(case.reached) <= PATH.index(S.RECEIVED)
            if (
                unit.kind == rule.unit_kind
                and counts[case.kind] > 1
                and fits
                and not (unit.name in FEATURED and unit.kind == Unit.Kind.KINDERGARTEN)
            ):
                case.kind = kind
                break


def _kind(seeder: _Seeder, unit: Unit) -> str:
    if unit.kind == Unit.Kind.KINDERGARTEN and (unit.name in FEATURED or unit.name == SLOW_UNIT):
        return CaseKind.BHL_31
    weights = KIND_WEIGHTS[unit.kind]
    return seeder.rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_source(seeder: _Seeder, case: _Case) -> None:
    """Who asked: the parents (their request registered the day PPT received it), the unit (it
    sent the referral with the consent recorded, the day PPT received it), or PPT itself. A
    pupil of PUPIL_CONSENT_AGE consents themselves in a school kind."""
    rng = seeder.rng
    if case.received_on is not None:
        roll = rng.random()
        if roll < PARENTS_SHARE:
            case.source = Referral.Source.PARENTS
        elif case.consent_on == case.received_on and roll < PARENTS_SHARE + UNIT_SHARE:
            case.source = Referral.Source.UNIT
            head = seeder.heads.get(case.family.child.unit.name)
            if head is not None:
                case.created_by = head  # the styrer or rektor wrote it
    if case.consent_on and case_kinds.rule(case.kind).is_school:
        born = case.family.child.birth_date
        age = (
            case.consent_on.year
            - born.year
            - ((case.consent_on.month, case.consent_on.day) < (born.month, born.day))
        )
        case.by_pupil = age >= PUPIL_CONSENT_AGE


def _referral(seeder: _Seeder, case: _Case) -> Referral:
    rng = seeder.rng
    unit = case.family.child.unit
    school = unit.kind == Unit.Kind.SCHOOL
    source = case.source
    services = rng.choices(
        [["assessment"], ["assessment", "speech"], ["guidance"], ["assessment", "other"]],
        weights=[80, 10, 5, 5],
    )[0]
    report = rng.random() < (0.35 if case.reached == S.DRAFT else 0.9)
    school_report = school and report
    return Referral(
        child=case.family.child,
        unit=unit,
        municipality_id=unit.municipality_id,
        status=case.state,
        version=1,
        advisor=case.advisor,
        priority=rng.choices(list(Referral.Priority), weights=[75, 20, 5])[0],
        is_repeat=rng.random() < 0.05,
        services=services,
        services_other="Råd om tilrettelegging ved skolestart" if "other" in services else "",
        concern=rng.choice(SCHOOL_CONCERNS if school else KINDERGARTEN_CONCERNS),
        tried=rng.choice(TRIED) if case.reached != S.DRAFT or rng.random() < 0.5 else "",
        **{name: rng.choice(texts) if report else "" for name, texts in REPORT.items()},
        **{
            name: rng.choice(texts) if school_report else ""
            for name, texts in SCHOOL_REPORT.items()
        },
        child_views=rng.choice(CHILD_VIEWS[:2] if school else CHILD_VIEWS[2:]) if report else "",
        guardian_views=rng.choice(GUARDIAN_VIEWS) if report else "",
        kind=case.kind,
        source=source,
        sent_on=case.received_on if source == Referral.Source.UNIT else None,
        requested_on=case.received_on if source == Referral.Source.PARENTS else None,
        received_on=case.received_on,
        consent_on=case.consent_on,
        t0=max(case.received_on, case.consent_on) if case.consent_on else None,
        assessed_on=case.assessed_on,
        withdrawn_reason=_withdrawn_reason(seeder, case),
        created_by=case.created_by,
        created_at=seeder.at(case.created_on),
    )


def _withdrawn_reason(seeder: _Seeder, case: _Case) -> str:
    if case.state != S.WITHDRAWN:
        return ""
    return CONSENT_WITHDRAWN if case.consent_withdrawn else seeder.rng.choice(WITHDRAWN_REASONS)


# --- consents, assessments, pauses, the journal ---------------------------------------------------


class _Journal:
    """A case's events in time order, as the services would have written them."""

    def __init__(self, seeder: _Seeder, case: _Case):
        self.seeder, self.case, self.cursor = seeder, case, case.referral.created_at

    def add(self, day: date, action: str, actor, from_status="", to_status="", **detail):
        moment = max(self.seeder.at(day), self.cursor + timedelta(minutes=1))
        self.cursor = moment + timedelta(minutes=self.seeder.rng.randint(1, 20))
        self.seeder.events.append(
            CaseEvent(
                referral=self.case.referral,
                actor=actor,
                action=action,
                from_status=from_status,
                to_status=to_status,
                detail=detail,
                at=moment,
            )
        )
        return moment


def _ddmmyyyy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _consent_purpose(case: _Case) -> str:
    """The consent the work rests on: to the assessment where the kind asks for it first
    (barnehageloven § 32, opplæringslova § 11-7 third paragraph), else to the vedtak (a kind
    decided without an assessment: barnehageloven § 37, opplæringslova §§ 11-4, 11-5)."""
    if case_kinds.rule(case.kind).consent_before_assessment:
        return Consent.Purpose.ASSESSMENT
    return Consent.Purpose.DECISION


def _consents(seeder: _Seeder, case: _Case, journal: _Journal) -> None:
    """The consent the work rests on (services.consent_register), on consent_on: by a guardian
    with parental responsibility whom the child lives with, or by the pupil of a school kind
    (case.by_pupil, opplæringslova § 11-7 third paragraph); sometimes the other parent's too,
    later (so consent_on stays the earliest qualifying one)."""
    rng, actor = seeder.rng, case.advisor or case.created_by
    purpose = _consent_purpose(case)
    guardians = case.family.guardians
    first = rng.choice([g for g in guardians if g.parental_responsibility and g.lives_with_child])
    others = [g for g in guardians if g is not first and g.parental_responsibility]
    given = [(None if case.by_pupil else first, case.consent_on)]
    # Not on withdrawn cases: a consent registered after the withdrawal would be refused.
    if others and not case.by_pupil and case.state != S.WITHDRAWN and rng.random() < 0.4:
        later = seeder.between(
            case.consent_on,
            min(case.consent_on + timedelta(days=10), case.started_on or seeder.last),
        )
        given.append((others[0], later))
    for i, (guardian, day) in enumerate(given):
        at = journal.add(
            day,
            "consent.registered",
            actor,
            guardian=guardian.name if guardian else "Eleven",
            given_by_pupil=guardian is None,
            purpose=purpose,
            given_on=_ddmmyyyy(day),
        )
        case.consents.append(
            Consent(
                referral=case.referral,
                guardian=guardian,
                given_by_pupil=guardian is None,
                purpose=purpose,
                given_on=day,
                registered_by=actor,
                registered_at=at,
            )
        )
        if i == 0:  # services._start_clock_if_ready moves the case on the first one
            t0 = case.referral.t0
            journal.add(
                day, "referral.received", actor, S.AWAITING_CONSENT, S.RECEIVED, t0=_ddmmyyyy(t0)
            )


def _pause(seeder: _Seeder, case: _Case, journal: _Journal) -> Pause | None:
    """Some received or assessing cases were paused (services.referral_pause: not before T0;
    one open pause at most). An open pause on a received case is why it has not started."""
    rng = seeder.rng
    if case.state not in (S.RECEIVED, S.ASSESSING) or rng.random() > 0.2:
        return None
    if id(case.family) in seeder.slow:
        return None  # nothing stops the slow unit's overdue clocks
    start = seeder.between(case.started_on or case.referral.t0, seeder.last)
    ended = None
    if start < seeder.last and rng.random() < 0.6:
        ended = seeder.between(
            start + timedelta(days=1), min(start + timedelta(days=40), seeder.last)
        )
    note = rng.choice(PAUSE_REASONS)
    reason = seeder.pause_reason(case.referral.municipality_id, PAUSE_REASON_CODES[note])
    journal.add(
        start,
        "referral.paused",
        case.advisor,
        reason=reason.label,
        comment=note,
        stops=list(reason.stops),
        **{"from": _ddmmyyyy(start)},
    )
    if ended:
        journal.add(
            ended,
            "referral.resumed",
            case.advisor,
            reason=reason.label,
            to=_ddmmyyyy(ended),
            days=(ended - start).days,
        )
    return Pause(
        referral=case.referral,
        started_on=start,
        ended_on=ended,
        reason=reason,
        note=note,
        created_by=case.advisor,
    )


def _assessment(seeder: _Seeder, case: _Case) -> Assessment | None:
    """A draft for assessing (services.referral_start_assessment creates it), complete with
    the kind's content for assessed (services.assessment_save checks the same fields): the
    § 34 content for barnehageloven §§ 31 and 38, § 11-8 a–e for opplæringslova § 11-6
    (case_kinds.RULES assessment_content)."""
    rng = seeder.rng
    if case.reached not in (S.ASSESSING, S.ASSESSED):
        return None
    texts_of = SCHOOL_ASSESSMENT_TEXTS if case_kinds.rule(case.kind).is_school else ASSESSMENT_TEXTS
    assessment = Assessment(referral=case.referral, author=case.advisor, version=1)
    if case.reached == S.ASSESSING:
        if rng.random() < 0.6:
            assessment.development = rng.choice(texts_of["development"])
        return assessment
    for name, texts in texts_of.items():
        setattr(assessment, name, rng.choice(texts))
    needs_help = rng.random() < 0.8
    assessment.conclusion = (
        Assessment.Conclusion.NEEDS_HELP if needs_help else Assessment.Conclusion.NO_NEED
    )
    if needs_help:
        assessment.organisation = rng.choice(list(Assessment.Organisation))
        assessment.recommended_hours = Decimal(rng.randint(4, 20)) / 2
        assessment.competence = rng.choices(list(Assessment.Competence), weights=[60, 20, 15, 5])[0]
        assessment.assistant_needed = rng.random() < 0.25
    else:
        for name in ("goals", "kind_of_help"):
            setattr(assessment, name, "Ikke aktuelt: barnet har ikke behov for hjelpen.")
    assessment.completed_on = case.assessed_on
    return assessment


def _journal(seeder: _Seeder, case: _Case) -> tuple[Pause | None, Assessment | None]:
    """The moves a case made, in order, with the events each service writes."""
    ref, step = case.referral, PATH.index(case.reached)
    journal = _Journal(seeder, case)
    seeder.events.append(
        CaseEvent(
            referral=ref,
            actor=case.created_by,
            action="referral.created",
            to_status=S.DRAFT,
            at=ref.created_at,
        )
    )
    if step >= 1:
        journal.add(
            case.received_on, "referral.submitted", case.created_by, S.DRAFT, S.AWAITING_CONSENT
        )
    if case.advisor is not None:
        journal.add(
            case.received_on or case.created_on,
            "referral.assigned",
            case.advisor,
            changes={"advisor": ["–", str(case.advisor)]},
        )
    if step >= 2:
        _consents(seeder, case, journal)
    pause = _pause(seeder, case, journal) if case.state == S.RECEIVED else None
    if step >= 3:
        journal.add(
            case.started_on, "referral.assessment_started", case.advisor, S.RECEIVED, S.ASSESSING
        )
        pause = _pause(seeder, case, journal) if case.state == S.ASSESSING else None
    if step >= 4:
        journal.add(case.assessed_on, "referral.assessed", case.advisor, S.ASSESSING, S.ASSESSED)
    if case.state == S.WITHDRAWN:
        _withdraw(seeder, case, journal)
    return pause, _assessment(seeder, case)


def _withdraw(seeder: _Seeder, case: _Case, journal: _Journal) -> None:
    actor, day = case.advisor or case.created_by, case.withdrawn_on
    if case.consent_withdrawn:  # services.consent_withdraw stops the case
        consent = case.consents[0]
        consent.withdrawn_on = day
        who = consent.guardian.name if consent.guardian else "Eleven"
        journal.add(day, "consent.withdrawn", actor, guardian=who, purpose=consent.purpose)
        journal.add(
            day, "referral.withdrawn", actor, case.reached, S.WITHDRAWN, reason="consent_withdrawn"
        )
    else:
        reason = case.referral.withdrawn_reason
        journal.add(day, "referral.withdrawn", actor, case.reached, S.WITHDRAWN, reason=reason)


# --- entry point -------------------------------------------------------------------------------


def _existing(org: DemoOrganisation) -> DemoCaseload:
    children = Child.objects.filter(municipality__in=org.municipalities)
    referrals = Referral.objects.filter(municipality__in=org.municipalities)
    return DemoCaseload(
        children=children.count(),
        guardians=Guardian.objects.filter(child__in=children).count(),
        referrals=referrals.count(),
        events=CaseEvent.objects.filter(referral__in=referrals).count(),
        by_status=dict(Counter(referrals.values_list("status", flat=True))),
        skipped=True,
    )


def seed_caseload(
    org: DemoOrganisation,
    rng: random.Random,
    *,
    children: int = 3000,
    referrals: int = 800,
    progress: Callable[[str], None] = lambda line: None,
) -> DemoCaseload:
    """Children, guardians and cases for the demo municipalities; nothing if they have
    children already (the bulk inserts cannot tell their own rows apart, so it is all or
    nothing: call inside a transaction)."""
    if Child.objects.filter(municipality__in=org.municipalities).exists():
        return _existing(org)
    if referrals > children:
        raise ValueError("Every case needs its own child: referrals must not exceed children.")
    seeder = _Seeder(org, rng, progress)
    families, rektors = [], 0
    for unit in _child_units(seeder, children):
        trinn = None
        if unit.name == REKTOR_SCHOOL and rektors < TEACHER_PUPILS:
            trinn, rektors = TEACHER_TRINN, rektors + 1
        families.append(_make_family(seeder, unit, trinn=trinn))
    for fam in families:
        fam.guardians = _make_guardians(seeder, fam)
    cases = [
        _plan_case(seeder, fam, state) for fam, state in _pick_cases(seeder, families, referrals)
    ]
    _cover_kinds(cases)
    refs = [_referral(seeder, case) for case in cases]
    for case, ref in zip(cases, refs, strict=True):
        case.referral = ref
        # Registered by the advisor just before the referral (services.child_find_or_register).
        case.family.child.created_at = min(
            case.family.child.created_at, ref.created_at - timedelta(minutes=5)
        )
    seeder.bulk(Child, [f.child for f in families], "Barn")
    seeder.bulk(Guardian, [g for f in families for g in f.guardians], "Foresatte")
    seeder.bulk(Referral, refs, "Saker")
    pauses, assessments = [], []
    for case in cases:
        pause, assessment = _journal(seeder, case)
        pauses += [pause] if pause else []
        assessments += [assessment] if assessment else []
    seeder.bulk(Consent, [c for case in cases for c in case.consents], "Samtykker")
    seeder.bulk(Assessment, assessments, "Sakkyndige vurderinger")
    seeder.bulk(Pause, pauses, "Pauser")
    # No case_changed for these rows, on purpose: decisions' receiver recomputes deadlines one
    # case at a time, which would undo the point of bulk inserts (800 recomputes inside this
    # transaction). The deadlines are backfilled separately, in bulk, from exactly these rows
    # (t0, pauses, assessed_on), so next_deadline_* is left empty here.
    seeder.bulk(CaseEvent, seeder.events, "Hendelser")
    return DemoCaseload(
        children=len(families),
        guardians=sum(len(f.guardians) for f in families),
        referrals=len(refs),
        events=len(seeder.events),
        by_status=dict(Counter(r.status for r in refs)),
    )
