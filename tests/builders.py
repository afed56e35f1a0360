"""A case at any stage of its life, built through the services a user's clicks call, so its
status, clock, consents, journal and history are what the product would have made.

    case = case_at("assessed", world=world)
    case = case_at("decided", world=world, unit=world.unit_b, on=date(2026, 9, 1))

Each stage is the one before it plus one service call; every date follows from `on`, the day
the referral is received (and the guardian consents), so a test that pins `on` pins them all.
The defaults lie before the day the suite was written: a service refuses a date in the
future, so a test that moves `on` later freezes today with tests.conftest.frozen_today.

A school case (issue 19) is ``case_at(stage, world=world, kind=CaseKind.OPPL_11_6)``: its
unit defaults to world.school, its pupil to class 5A (the unit's first class, the birth year
of that trinn), its assessment to opplæringslova § 11-8's content, and the vedtak is made by
the unit's rektor (world.rektor_a at school S) where the municipality has delegated it
(teams.Municipality.school_decisions_by_rektor), else by world.school_office. A kind without a
required assessment (barnehageloven § 37, opplæringslova §§ 11-4, 11-5) is decided from
"received" when the stage is "decided" or later (no assessment is made).

For a row with dates set by hand (a dashboard's figures), use the factories instead
(tests/factories.py, tests/support/factories_*.py)."""

from datetime import date, timedelta
from decimal import Decimal

from decisions import services as decisions
from referrals import case_kinds
from referrals import services as referrals
from referrals.case_kinds import CaseKind
from referrals.models import Assessment, Consent, PauseReason, Referral
from teams.models import Role, SchoolClass
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

RECEIVED = date(2026, 10, 28)  # provisional reply due Mon 30.11.2026, warned from 16.11

# Days after `on` of each later step (with on=28.10.2026: assessed 20.11, decided 24.11,
# help started 27.11, appealed 01.12; paused from 04.11).
ASSESSED_AFTER = 23
DECIDED_AFTER = 27
HELP_STARTED_AFTER = 30
APPEALED_AFTER = 34
PAUSED_AFTER = 7

STAGES = (
    "draft",
    "awaiting_consent",
    "received",
    "assessing",
    "assessed",
    "decided",
    "help_started",
    "appealed",
    "withdrawn",
    "paused",
)

ASSESSMENT = dict(
    development="Forsinket språkutvikling.",
    goals="Utvide ordforrådet.",
    kind_of_help="Språkstimulering i liten gruppe.",
    guardian_views="Foreldrene ønsker hjelp i barnehagen; vektlagt.",
    conclusion=Assessment.Conclusion.NEEDS_HELP,
    organisation="group",
    competence="special_educator",
)

# Opplæringslova § 11-8 a–e, the pupil's views (§ 10-2) and the parents' (§ 11-7).
SCHOOL_ASSESSMENT = dict(
    benefit="Eleven har svakt utbytte i norsk og matematikk.",
    benefit_obstacles="Leser på 2. trinns nivå; tilpasset opplæring har ikke vært nok.",
    goals="Lese alderstilpassede tekster innen 7. trinn.",
    kind_of_help="Lesekurs i liten gruppe, fem timer i uka.",
    teacher_competence="Ikke aktuelt: opplæringen gis av lærer med kompetanse etter § 11-9.",
    child_views="Eleven vil gjerne lære å lese bedre; vektlagt.",
    guardian_views="Foreldrene ønsker tett oppfølging; vektlagt.",
    conclusion=Assessment.Conclusion.NEEDS_HELP,
    organisation="group",
    competence="special_educator",
)


def case_at(
    stage: str,
    *,
    world,
    unit=None,
    child=None,
    on: date = RECEIVED,
    hours: str = "5.0",
    outcome: str = "granted",
    kind: str = CaseKind.BHL_31,
) -> Referral:
    """A referral of `child` (a new child of `unit`, default unit A, with one guardian) by
    world.advisor, taken to `stage` (one of STAGES; "paused" is a received case on pause).
    ``kind``: the case kind (referrals.case_kinds); a school kind's unit defaults to
    world.school and its child to a pupil of the unit's first class."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    rule = case_kinds.rule(kind)
    if child is None:
        if rule.is_school:
            child = pupil(unit or world.school, on=on)
        else:
            child = ChildFactory(unit=unit or world.unit_a)
    guardian = child.guardians.first() or GuardianFactory(child=child)
    referral = ReferralFactory(
        child=child, created_by=world.advisor, advisor=world.advisor, kind=kind
    )
    _steps(stage, referral.pk, guardian=guardian, world=world, on=on, hours=hours, outcome=outcome)
    return Referral.objects.get(pk=referral.pk)


def pupil(unit, *, on: date = RECEIVED, school_class=None, **kw):
    """A child of school ``unit`` in ``school_class`` (default the unit's first class), born in
    the year that puts them in that trinn on ``on`` (opplæringslova § 2-1)."""
    school_class = school_class or SchoolClass.objects.filter(unit=unit).order_by("pk").first()
    trinn = school_class.trinn if school_class else 5
    born = case_kinds.school_year_of(on) - 6 - trinn + 1
    kw.setdefault("birth_date", date(born, 3, 15))
    return ChildFactory(unit=unit, school_class=school_class, **kw)


def decider(referral: Referral, world):
    """Who makes the vedtak of ``referral``'s kind (referrals.case_kinds.DecidedBy): the
    kindergarten office; for a school kind the unit's rektor where the municipality has
    delegated it (opplæringslova ch. 11, DOMAIN part two § 1), else the school office."""
    rule = case_kinds.rule(referral.kind)
    if not rule.is_school:
        # only the stages after the assessment need it (the fault suite's world has none)
        return getattr(world, "office", None)
    if referral.municipality.school_decisions_by_rektor:
        for user in (world.rektor_a, world.rektor_b):
            if Role.objects.filter(
                user=user, kind=Role.Kind.UNIT_HEAD, units=referral.unit_id
            ).exists():
                return user
    return world.school_office


def _steps(stage, pk, *, guardian, world, on, hours, outcome) -> None:
    advisor = world.advisor
    referral = Referral.objects.select_related("municipality").get(pk=pk)
    rule = case_kinds.rule(referral.kind)
    office = decider(referral, world)
    if stage == "draft":
        return
    referrals.referral_submit(referral_id=pk, actor=advisor, received_on=on)
    if stage == "awaiting_consent":
        return
    _consent(pk, guardian, Consent.Purpose.ASSESSMENT, on, advisor)
    if stage == "withdrawn":
        referrals.referral_withdraw(referral_id=pk, reason="Foreldrene trakk saken.", actor=advisor)
        return
    if stage == "paused":
        started = on + timedelta(days=PAUSED_AFTER)
        referrals.referral_pause(
            referral_id=pk,
            started_on=started,
            reason=pause_reason(Referral.objects.get(pk=pk)),
            note="Barnet er sykt.",
            actor=advisor,
        )
        return
    if stage == "received":
        return
    # Barnehageloven § 37, opplæringslova §§ 11-4 and 11-5: decided without an assessment.
    if rule.assessment_required or stage in ("assessing", "assessed"):
        referrals.referral_start_assessment(referral_id=pk, actor=advisor)
        if stage == "assessing":
            return
        _complete_assessment(pk, advisor, on + timedelta(days=ASSESSED_AFTER), hours, rule)
        if stage == "assessed":
            return
    decided_on = on + timedelta(days=DECIDED_AFTER)
    # Barnehageloven § 32: the parents consent before a vedtak that grants help.
    if outcome != "refused":
        decision_consent(pk, advisor, given_on=decided_on)
    decide(pk, office, decided_on=decided_on, outcome=outcome, hours=hours)
    if stage == "help_started":
        decisions.help_start_register(
            referral_id=pk, started_on=on + timedelta(days=HELP_STARTED_AFTER), actor=office
        )
    elif stage == "appealed":
        decisions.appeal_register(
            referral_id=pk, received_on=on + timedelta(days=APPEALED_AFTER), actor=office
        )


def decision_consent(pk: int, actor, *, given_on: date) -> None:
    """Barnehageloven § 32: every guardian with parental responsibility who has not yet
    consented to the vedtak does so (what a vedtak of help needs first)."""
    referral = Referral.objects.get(pk=pk)
    given = referral.consents.filter(
        purpose=Consent.Purpose.DECISION, withdrawn_on__isnull=True
    ).values_list("guardian_id", flat=True)
    for guardian in referral.child.guardians.filter(parental_responsibility=True).exclude(
        pk__in=list(given)
    ):
        _consent(pk, guardian, Consent.Purpose.DECISION, given_on, actor)


def _consent(pk, guardian, purpose, given_on, actor) -> None:
    referrals.consent_register(
        referral_id=pk, guardian_id=guardian.pk, purpose=purpose, given_on=given_on, actor=actor
    )


def _complete_assessment(pk, actor, completed_on, hours, rule) -> None:
    assessment = Assessment.objects.get(referral_id=pk)
    content = SCHOOL_ASSESSMENT if rule.is_school else ASSESSMENT
    referrals.assessment_save(
        referral_id=pk,
        version=assessment.version,
        actor=actor,
        complete=True,
        completed_on=completed_on,
        recommended_hours=Decimal(hours),
        **content,
    )


def decide(pk: int, actor, *, decided_on: date, outcome: str = "granted", hours="5.0", **kw):
    """The vedtak through decision_register: by default what the assessment recommended."""
    # Forvaltningsloven §§ 24–25: every vedtak gives its reasons; barnehageloven § 35: a refusal
    # of the help the assessment recommends gives its reason for the departure.
    values = dict(organisation="group", competence="special_educator", reason="Følger tilrådingen.")
    if outcome == "refused":
        values = dict(reason="Vilkårene er ikke oppfylt.", deviation_reason="Behovet dekkes.")
    values.update(kw)
    hours_per_week = values.pop("hours_per_week", Decimal(hours) if outcome != "refused" else None)
    return decisions.decision_register(
        referral_id=pk,
        actor=actor,
        decided_on=decided_on,
        outcome=outcome,
        hours_per_week=hours_per_week,
        **values,
    )


def pause_reason(referral_or_municipality, code: str = "barnet-utilgjengelig") -> PauseReason:
    """One of the municipality's default pause reasons (referrals.pause_reasons), by code."""
    municipality_id = getattr(referral_or_municipality, "municipality_id", None)
    if municipality_id is None:
        municipality_id = getattr(referral_or_municipality, "pk", referral_or_municipality)
    return PauseReason.objects.get(municipality_id=municipality_id, code=code)
