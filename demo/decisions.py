"""The demo's decisions and clock: on top of the seeded caseload, the kindergarten office has
decided some assessed cases (some with help started, some appealed), sent provisional replies
in some, and every case's deadlines are computed, so the demo shows cases on time, approaching
and overdue in every phase. Synthetic; idempotent (skips when decisions exist)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from decisions import services
from decisions.models import Appeal, Decision, ProvisionalReply
from demo.case_texts import PLAIN_DECISION_REASONS
from demo.caseload import QUEUE_AREA, SLOW_UNIT
from referrals import case_kinds, states
from referrals.models import CaseEvent, Consent, Pause, Referral
from teams.models import Municipality, Role, Unit

S = Referral.Status
DELAY_REASONS = [
    "PPT venter på observasjon i barnehagen før den sakkyndige vurderingen kan skrives.",
    "Utredningen krever samtale med foreldrene og tolk; første ledige time er om tre uker.",
    "Stor pågang hos PPT denne høsten; saken er prioritert etter alvorlighetsgrad.",
]
DECISION_REASONS = [
    "Barnet har behov for spesialpedagogisk hjelp for å utvikle språk og samspill.",
    "Hjelpen gis i barnehagen, i liten gruppe, slik den sakkyndige vurderingen tilrår.",
]


def _office_user(municipality_id: int, cache: dict, unit_kind: str = Unit.Kind.KINDERGARTEN):
    """The municipality's office for the unit's kind (a role for one kind or for both)."""
    key = (municipality_id, unit_kind)
    if key not in cache:
        role = (
            Role.objects.filter(
                kind=Role.Kind.OFFICE,
                municipality_id=municipality_id,
                unit_kind__in=["", unit_kind],
            )
            .order_by("-unit_kind", "pk")
            .first()
        )
        cache[key] = role.user if role else None
    return cache[key]


def _decider(referral: Referral, cache: dict):
    """Who decides the case: the kindergarten office for a barnehage case; for a pupil the
    rektor of the school where the municipality has delegated it, else the school office
    (referrals.case_kinds DecidedBy; opplæringslova ch. 11, DOMAIN part two § 1)."""
    unit = referral.unit
    if unit.kind == Unit.Kind.SCHOOL and unit.municipality.school_decisions_by_rektor:
        key = ("rektor", unit.pk)
        if key not in cache:
            role = Role.objects.filter(kind=Role.Kind.UNIT_HEAD, units=unit).order_by("pk").first()
            cache[key] = role.user if role else None
        if cache[key] is not None:
            return cache[key]
    return _office_user(referral.municipality_id, cache, unit.kind)


def _decision_day(referral: Referral, completed_on: date, rng: random.Random, today: date) -> date:
    """Mostly within the three months from T0 (barnehageloven § 34: the decision deadline), a
    few days after the assessment; about one in fourteen later than that."""
    lo = completed_on + timedelta(days=rng.randint(3, 10))
    if rng.random() < 0.93:
        hi = max(lo, referral.t0 + timedelta(days=88))
    else:
        lo = max(lo, referral.t0 + timedelta(days=95))
        hi = lo + timedelta(days=25)
    hi = min(hi, today)
    lo = min(lo, hi)
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _ends_on(referral: Referral, starts: date) -> date:
    """A school kind's vedtak runs to the end of the school year it starts in (1 August to
    31 July: case_kinds.school_year_period), a kindergarten's for a year."""
    if case_kinds.rule(referral.kind).school_year_period:
        return case_kinds.school_year_period(starts)[1]
    return starts + timedelta(days=364)


def _starts_on(referral: Referral, decided_on: date, rng: random.Random) -> date:
    """The help starts within two weeks of the vedtak; a school kind's vedtak made in the
    spring is for the coming school year, from 1 August (Udir: a vedtak per school year)."""
    starts = decided_on + timedelta(days=rng.choice([0, 7, 14]))
    if case_kinds.rule(referral.kind).school_year_period and 2 <= decided_on.month <= 7:
        starts = max(starts, date(decided_on.year, 8, 1))
    return starts


def _decide_plain(referral: Referral, rng: random.Random, today: date, office) -> Decision:
    """A vedtak without a sakkyndig vurdering (barnehageloven § 37, opplæringslova §§ 11-4,
    11-5: case_kinds assessment_required False): what the help is, from when, with reasons."""
    lo = referral.t0 + timedelta(days=rng.randint(7, 30))
    decided_on = min(today, lo + timedelta(days=rng.randint(0, 40)))
    outcome = rng.choices(["granted", "refused"], [88, 12])[0]
    starts = _starts_on(referral, decided_on, rng) if outcome == "granted" else None
    return Decision.objects.create(
        referral=referral,
        decided_on=decided_on,
        decided_by=office,
        outcome=outcome,
        starts_on=starts,
        ends_on=_ends_on(referral, starts) if starts else None,
        reason=PLAIN_DECISION_REASONS[referral.kind]
        if outcome == "granted"
        else "Behovet kan møtes innenfor det ordinære tilbudet; vilkårene er ikke oppfylt.",
    )


def _decide(referral: Referral, rng: random.Random, today: date, office) -> Decision | None:
    if not case_kinds.rule(referral.kind).assessment_required:
        return _decide_plain(referral, rng, today, office)
    assessment = getattr(referral, "assessment", None)
    if assessment is None or not assessment.completed_on:
        return None
    decided_on = _decision_day(referral, assessment.completed_on, rng, today)
    needs = assessment.conclusion == "needs_help"
    outcome = rng.choices(["granted", "partly"], [80, 20])[0] if needs else "refused"
    hours = assessment.recommended_hours if outcome == "granted" else None
    if outcome == "partly" and assessment.recommended_hours:
        hours = max(Decimal("1.0"), assessment.recommended_hours - Decimal(rng.choice([1, 2])))
    starts = _starts_on(referral, decided_on, rng) if hours else None
    return Decision.objects.create(
        referral=referral,
        decided_on=decided_on,
        decided_by=office,
        outcome=outcome,
        hours_per_week=hours,
        organisation=assessment.organisation if hours else "",
        competence=assessment.competence if hours else "",
        assistant=assessment.assistant_needed,
        starts_on=starts,
        ends_on=_ends_on(referral, starts) if starts else None,
        provider=rng.choice(["kindergarten", "special_service"]) if hours else "",
        deviation_reason="Kommunen gir færre timer enn tilrådd; barnehagen styrker gruppen."
        if outcome == "partly"
        else "",
        reason=rng.choice(DECISION_REASONS),
    )


def _decision_consents(referral: Referral, decision: Decision, office) -> None:
    """The consent to the vedtak before help starts: every guardian with parental
    responsibility (barnehageloven § 32), or the pupil who gave the case's consent
    (opplæringslova § 11-7 third paragraph); none twice (a kind decided without an assessment
    started its clock on a consent to the vedtak already)."""
    standing = list(referral.consents.filter(purpose="decision", withdrawn_on__isnull=True))
    if referral.consents.filter(given_by_pupil=True).exists():
        if not any(c.given_by_pupil for c in standing):
            Consent.objects.create(
                referral=referral,
                given_by_pupil=True,
                purpose="decision",
                given_on=decision.decided_on,
                registered_by=office,
            )
        return
    have = {c.guardian_id for c in standing}
    for g in referral.child.guardians.all():
        if g.parental_responsibility and g.pk not in have:
            Consent.objects.create(
                referral=referral,
                guardian=g,
                purpose="decision",
                given_on=decision.decided_on,
                registered_by=office,
            )


def _decided_share(referral: Referral, today: date) -> float:
    """How likely the office has decided an assessed case by now: nearly always once the three
    months are near, seldom in the first week after the assessment."""
    if (today - referral.t0).days > 80:
        return 0.96
    if referral.assessed_on is None:  # a kind decided without an assessment
        return 0.6 if (today - referral.t0).days > 30 else 0.2
    return 0.45 if (today - referral.assessed_on).days > 7 else 0.1


def _started_share(decision: Decision, today: date) -> float:
    return 0.99 if decision.starts_on < today - timedelta(days=10) else 0.4


def _event(referral, actor, action, at_day: date, frm="", to="", detail=None):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    # Never in the future (seeded before 10:00, today's events happened "just now").
    at = min(
        timezone.make_aware(datetime.combine(at_day, time(10, 0))),
        timezone.now() - timedelta(minutes=1),
    )
    return CaseEvent(
        referral=referral,
        actor=actor,
        action=action,
        from_status=frm,
        to_status=to,
        detail=detail or {},
        at=at,
    )


@transaction.atomic
def seed_decisions(rng: random.Random, *, today: date, municipalities: list[Municipality]) -> dict:
    for municipality in municipalities:
        services.deadline_policy_ensure_defaults(municipality)
    ids = [m.pk for m in municipalities]
    if Decision.objects.filter(referral__municipality_id__in=ids).exists():
        return {"skipped": True}
    offices: dict = {}
    events, counts = [], {"decided": 0, "help_started": 0, "appealed": 0, "replies": 0}
    # Ready for the vedtak: assessed, or received in a kind decided without an assessment.
    plain = [k for k, r in case_kinds.RULES.items() if not r.assessment_required]
    assessed = list(
        Referral.objects.filter(municipality_id__in=ids)
        .filter(
            Q(status=S.ASSESSED)
            | Q(status=S.RECEIVED, kind__in=plain, t0__lte=today - timedelta(days=10))
            # a paused case waits (demo.caseload pauses only cases still received or assessing)
            & ~Exists(Pause.objects.filter(referral=OuterRef("pk")))
        )
        .select_related("assessment", "child", "unit__municipality")
        .prefetch_related("child__guardians")
        .order_by("pk")
    )
    for referral in assessed:
        if rng.random() > _decided_share(referral, today):
            continue  # still awaiting the office's decision
        office = _decider(referral, offices)
        decision = _decide(referral, rng, today, office)
        if decision is None or office is None:
            continue
        before = referral.status
        status = S.DECIDED
        events.append(
            _event(
                referral,
                office,
                "decision.registered",
                decision.decided_on,
                before,
                S.DECIDED,
                {"outcome": decision.outcome},
            )
        )
        counts["decided"] += 1
        # Help under way for nearly every granted vedtak whose start date has passed; a
        # refusal or a reduction is what parents appeal.
        due = decision.starts_on and decision.starts_on <= today
        granted = decision.outcome != "refused"
        if granted and due and rng.random() < _started_share(decision, today):
            _decision_consents(referral, decision, office)
            late = rng.random() < 0.08
            started = decision.starts_on + timedelta(days=rng.randint(3, 20) if late else 0)
            decision.help_started_on = min(today, started)
            decision.save(update_fields=["help_started_on"])
            events.append(
                _event(
                    referral,
                    office,
                    "help.started",
                    decision.help_started_on,
                    S.DECIDED,
                    S.HELP_STARTED,
                )
            )
            status = S.HELP_STARTED
            counts["help_started"] += 1
        elif rng.random() < (0.05 if decision.outcome == "granted" else 0.3):
            received = min(today, decision.decided_on + timedelta(days=rng.randint(5, 20)))
            appeal = Appeal.objects.create(
                decision=decision, received_on=received, registered_by=office
            )
            # Sent on to Statsforvalteren within the three weeks, mostly (fvl. § 33).
            if rng.random() < (0.85 if received < today - timedelta(days=21) else 0.3):
                appeal.outcome, appeal.sent_on = (
                    Appeal.Outcome.SENT,
                    min(today, received + timedelta(days=rng.randint(7, 19))),
                )
                appeal.save(update_fields=["outcome", "sent_on"])
            events.append(_event(referral, office, "appeal.received", received, status, S.APPEALED))
            status = S.APPEALED
            counts["appealed"] += 1
        Referral.objects.filter(pk=referral.pk).update(status=status)
    # forvaltningsloven § 11 a: a provisional reply where the vedtak takes more than a month;
    # sent within the month mostly, a few late, a few never.
    for referral in (
        Referral.objects.filter(municipality_id__in=ids, t0__lte=today - timedelta(days=21))
        .exclude(status__in=[S.WITHDRAWN, *states.CLOSED])
        .select_related("unit__municipality")
        .prefetch_related("decisions")
        .order_by("pk")
    ):
        decided = min((d.decided_on for d in referral.decisions.all()), default=None)
        if decided is not None and decided <= referral.t0 + timedelta(days=28):
            continue  # the vedtak came within the month: no reply needed
        if rng.random() < 0.08:
            continue
        days = rng.randint(14, 29) if rng.random() < 0.88 else rng.randint(33, 50)
        sent = min(today, decided or today, referral.t0 + timedelta(days=days))
        office = _decider(referral, offices)
        ProvisionalReply.objects.create(
            referral=referral,
            sent_on=sent,
            reason=rng.choice(DELAY_REASONS),
            expected_decision_on=sent + timedelta(days=rng.randint(30, 75)),
            registered_by=office,
        )
        events.append(_event(referral, office, "provisional_reply.registered", sent))
        counts["replies"] += 1
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    for pk in Referral.objects.filter(municipality_id__in=ids, t0__isnull=False).values_list(
        "pk", flat=True
    ):
        services.deadlines_recompute(pk, today=today)
    return counts


# --- the dashboard's story (decisions/dashboard/) -------------------------------------------
# Added for the kommunalsjef's dashboard; seed_demo calls it after seed_decisions. It moves some
# of the seeded cases between units of the same municipality so that the director's page tells
# a story: one area whose queue grows month by month, one kindergarten with many overdue cases.

STORY_AREA = QUEUE_AREA  # the growing queue (its own cases also wait longer: demo.caseload)
STORY_UNIT = SLOW_UNIT  # many overdue cases (area Vest)
STORY_OVERDUE = 18
# Of the undecided cases whose clock started k months ago (k = 0 is this month), the share moved
# to the story area: more each month, so its inflow and open caseload climb.
STORY_SHARES = {5: 0.05, 4: 0.08, 3: 0.12, 2: 0.4, 1: 0.55, 0: 0.6}
UNDECIDED = list(states.UNDECIDED)


def _months_ago(day: date, today: date) -> int:
    return (today.year - day.year) * 12 + today.month - day.month


def _move(referral: Referral, unit) -> None:
    Referral.objects.filter(pk=referral.pk).update(unit=unit)
    type(referral.child).objects.filter(pk=referral.child_id).update(unit=unit)


# An advisor limited to some areas keeps their cases there: the story moves only the others.
_AREA_LIMITED_ADVISOR = Q(advisor__roles__kind="advisor", advisor__roles__areas__isnull=False)


@transaction.atomic
def seed_dashboard_story(rng: random.Random, today: date, municipalities: list[Municipality]):
    """Idempotent: once the story's kindergarten has its overdue cases, it changes nothing.
    Leaves the demo styrere's own units (demo.caseload.FEATURED) as they are."""
    from demo.caseload import FEATURED
    from teams.models import Unit

    solvik = municipalities[0]
    units = list(Unit.objects.filter(municipality=solvik).select_related("area").order_by("pk"))
    story_unit = next((u for u in units if u.name == STORY_UNIT), None)
    east = [
        u
        for u in units
        if u.area.name == STORY_AREA and u.kind == "kindergarten" and u.name not in FEATURED
    ]
    if story_unit is None or not east:
        return {"skipped": True}
    base = Referral.objects.filter(municipality=solvik, status__in=UNDECIDED).exclude(
        unit__name__in=FEATURED
    )
    overdue = base.filter(next_deadline_on__lt=today)
    own = overdue.filter(unit=story_unit).count()  # demo.caseload plans most of them there
    if own >= STORY_OVERDUE:
        return {"skipped": True}
    # "overdue": the kindergarten's overdue cases after the story (its own and those moved).
    moved = {"overdue": own, "east": 0}
    candidates = list(
        overdue.exclude(unit=story_unit)
        .exclude(unit__area__name=STORY_AREA)
        .exclude(_AREA_LIMITED_ADVISOR)
        .filter(unit__kind="kindergarten")
        .select_related("child")
        .order_by("pk")
    )
    for referral in rng.sample(candidates, min(STORY_OVERDUE - own, len(candidates))):
        _move(referral, story_unit)
        moved["overdue"] += 1
    recent = list(
        base.exclude(unit=story_unit)
        .exclude(unit__area__name=STORY_AREA)
        .exclude(_AREA_LIMITED_ADVISOR)
        .filter(t0__isnull=False, unit__kind="kindergarten")
        .select_related("child")
        .order_by("pk")
    )
    for referral in recent:
        share = STORY_SHARES.get(_months_ago(referral.t0, today), 0)
        if rng.random() < share:
            _move(referral, rng.choice(east))
            moved["east"] += 1
    return moved
