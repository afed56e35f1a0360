"""The move from kindergarten to school (issue 19, deliverable 3): the spring flag before a child
with a running § 31 vedtak starts school, and the move itself, which closes the kindergarten's
case and opens the school's.

Rules and their sources:
- barnehageloven § 31: spesialpedagogisk hjelp is a right of children *below school age*; the
  § 31 vedtak ends when the child starts school, and the case closes with that reason
  (Referral.ClosedReason.STARTED_SCHOOL, through decisions.case_life.case_close);
- opplæringslova § 2-1: school starts in August of the calendar year the child turns six
  (referrals.case_kinds.school_start_year); a child may start a year early (opplæringslova
  chapter 2, tidleg skolestart: Prop. 57 L (2022–2023) ch. 9), so the move is refused only
  before 1 January of the year the child turns five;
- opplæringslova §§ 11-6 and 11-7 first paragraph: the pupil's right is decided anew under
  chapter 11, on a new sakkunnig vurdering for § 11-6 (Udir: a vedtak does not carry over
  across school levels, DOMAIN part one § 1.2): the school case is a new case with its own
  clock (T0: the day it is received, or the parents' consent if later);
- opplæringslova § 11-7 third paragraph: the pupil or the parents consent before the assessment
  (and again before the vedtak): the § 31 case's consent is not carried over; the move may
  register the new consent in the same step, with its date;
- the spring flag (DeadlineKind.SCHOOL_START): PPT is warned in the spring before school start
  to prepare the school case; its day is the municipality's DeadlinePolicy (default: 1 August
  minus five months = 1 March of the school-start year, warned 30 days before), and it is met
  the day the case closes (the move, or any other closing).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import case_life
from decisions import deadlines as rules
from decisions.models import Decision
from referrals import case_kinds, states
from referrals.models import Child, Consent, Referral
from referrals.services import (
    CaseError,
    TransitionError,
    case_event_record,
    child_update,
    consent_register,
    date_check,
    referral_lock,
    refuse_second_open_referral,
)
from teams.models import SchoolClass, Unit

Kind = rules.Kind
GRANTING = (Decision.Outcome.GRANTED, Decision.Outcome.PARTLY)
# The kinds of case a pupil's case may be (opplæringslova §§ 11-4, 11-5, 11-6).
SCHOOL_KINDS = tuple(case_kinds.kinds_for_unit(case_kinds.UnitKind.SCHOOL))
# Opplæringslova § 2-1: the first school day is in August; the school year starts 1 August.
SCHOOL_START_MONTH_DAY = case_kinds.SCHOOL_YEAR_START


# --- the spring flag (pure: decisions/deadlines.py calls school_start_due) ---------------------


def school_start_day(birth_date: date) -> date:
    """The first school day's year and month: 1 August of the year the child turns six."""
    month, day = SCHOOL_START_MONTH_DAY
    return date(case_kinds.school_start_year(birth_date), month, day)


def school_start_due(facts, policy: dict, today: date) -> list:
    """The case's SCHOOL_START deadline, if it has one: a § 31 case with a vedtak granting help,
    made before the child's school start and still running in the spring the flag falls in.
    Its day is the policy's months and days from 1 August of the school-start year, moved to
    a working day; pauses do not move it (school start is set by law, not by the case). It is
    met on the day the case closed. ``today`` is unused: the day follows from the facts."""
    if facts.kind != case_kinds.CaseKind.BHL_31 or facts.birth_date is None:
        return []
    if facts.decided_on is None or facts.decision_refused:
        return []
    rule = policy.get(Kind.SCHOOL_START)
    if rule is None or not rule.active:
        return []
    start = school_start_day(facts.birth_date)
    if facts.decided_on >= start:
        return []  # decided for a child of school age: no § 31 school start ahead
    raw = rules.add_months(start, rule.months) + timedelta(days=rule.days)
    if facts.help_until is not None and facts.help_until < raw:
        return []  # the vedtak ends before the spring: the renewal deadline comes first
    due = rules.next_working_day(raw)
    met_on = facts.closed_on if facts.closed else None
    return [rules.Due(Kind.SCHOOL_START, due, met_on, 0, False, rule.warning_days)]


# --- the move -----------------------------------------------------------------------------------


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def earliest_move(birth_date: date) -> date:
    """The first day a move may be registered: 1 January of the year the child turns five (a
    year before the ordinary school start: tidleg skolestart, opplæringslova chapter 2)."""
    return date(case_kinds.school_start_year(birth_date) - 1, 1, 1)


def move_refusal(referral: Referral, decision: Decision | None) -> str | None:
    """Why this case cannot move to school (None: it can): a § 31 case whose vedtak of help is
    in force (``decision``: its current vedtak), not under appeal."""
    if referral.kind != case_kinds.CaseKind.BHL_31:
        return _(
            "Bare en sak om spesialpedagogisk hjelp (barnehageloven § 31) overføres til "
            "skolen. Denne saken gjelder «%(k)s»."
        ) % {"k": referral.get_kind_display()}
    if referral.status == Referral.Status.APPEALED:
        # Forvaltningsloven §§ 32–33: the appeal is decided first (as case_close says).
        return _(
            "Saken har en klage til behandling. Registrer utfallet av klagen før barnet "
            "overføres til skolen (forvaltningsloven §§ 32–33)."
        )
    if (
        decision is None
        or decision.superseded
        or decision.outcome not in GRANTING
        or not states.allowed("close", referral.status)
    ):
        return _(
            "Saken har ikke et vedtak om spesialpedagogisk hjelp som løper (saken er "
            "«%(s)s»). Overgangen til skolen gjøres fra en sak med et løpende vedtak."
        ) % {"s": referral.get_status_display()}
    return None


def _running_vedtak(referral: Referral) -> Decision:
    """The § 31 case's vedtak granting help that is in force, locked."""
    decision = referral.decisions.select_for_update().filter(superseded=False).first()
    if message := move_refusal(referral, decision):
        raise TransitionError(message)
    return decision


def _check_place(referral: Referral, school: Unit, school_class: SchoolClass | None) -> None:
    if school is None or school.kind != Unit.Kind.SCHOOL:
        raise CaseError(_("Velg en skole."), field="school")
    if school.municipality_id != referral.municipality_id:
        raise CaseError(_("Skolen hører til en annen kommune enn saken."), field="school")
    if school_class is not None and school_class.unit_id != school.pk:
        raise CaseError(
            _("Klassen %(c)s hører til en annen skole enn %(s)s.")
            % {"c": school_class.name, "s": school.name},
            field="school_class",
        )


def _check_on(referral: Referral, decision: Decision, on: date) -> None:
    date_check(on, field="on")
    if on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="on")
    if on < decision.decided_on:
        raise CaseError(
            _("Overgangen kan ikke være før vedtaket ble fattet (%(d)s).")
            % {"d": _day(decision.decided_on)},
            field="on",
        )
    earliest = earliest_move(referral.child.birth_date)
    if on < earliest:
        raise CaseError(
            _(
                "Barnet begynner på skolen i %(y)s (opplæringslova § 2-1: det kalenderåret "
                "barnet fyller seks år). Overgangen kan registreres tidligst %(d)s."
            )
            % {"y": school_start_day(referral.child.birth_date).year, "d": _day(earliest)},
            field="on",
        )


def _check_consent(child: Child, consent_guardian_id, consent_on: date | None) -> None:
    """Opplæringslova § 11-7 third paragraph: the consent to the school case is new; when the
    move registers it, both who gave it and when."""
    if consent_guardian_id is None and consent_on is None:
        return
    if consent_on is None:
        raise CaseError(_("Oppgi datoen foreldrene samtykket."), field="consent_on")
    if consent_guardian_id is None:
        raise CaseError(_("Velg hvem som samtykket."), field="consent_guardian")
    if not child.guardians.filter(pk=consent_guardian_id).exists():
        raise CaseError(_("Ukjent foresatt for dette barnet."), field="consent_guardian")
    date_check(consent_on, field="consent_on", earliest=child.birth_date)
    if consent_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="consent_on")


def _refuse_done_move(referral: Referral) -> None:
    """A second click on a move already made: the school case it made, named."""
    if referral.closed_reason != Referral.ClosedReason.STARTED_SCHOOL:
        return
    made = referral.next_cases.filter(previous_link=Referral.PreviousLink.TRANSITION).first()
    if made is not None:
        raise TransitionError(
            _("Barnet er allerede overført til skolen: skolesaken er %(ref)s.")
            % {"ref": made.reference}
        )


@dataclass(frozen=True)
class Moved:
    old: Referral
    new: Referral


@transaction.atomic
def case_transition_to_school(
    *,
    referral_id: int,
    school: Unit,
    school_class: SchoolClass | None,
    kind: str,
    actor,
    on: date,
    version: int,
    consent_guardian_id: int | None = None,
    consent_on: date | None = None,
) -> Moved:
    """The child starts school: the § 31 case closes (started school) and a school case of
    ``kind`` (opplæringslova § 11-6 by default, or §§ 11-4/11-5) opens from it at ``school``,
    received ``on``, linked to it (previous, TRANSITION); the child moves to the school and
    class. The school case waits for the parents' consent (§ 11-7 third paragraph) unless it
    is registered here. All or nothing; the case is locked and must be at ``version`` (an edit
    started before someone else's is refused); a second click makes no second school case."""
    referral = referral_lock(referral_id)
    _refuse_done_move(referral)
    if referral.version != version:
        raise CaseError(
            _("Saken er endret av noen andre mens du fylte ut skjemaet. Se over og prøv igjen.")
        )
    decision = _running_vedtak(referral)
    if kind not in SCHOOL_KINDS:
        raise CaseError(_("Velg hva slags skolesak som opprettes."), field="kind")
    _check_place(referral, school, school_class)
    # The child's row, locked: two moves (or a move and a new referral) cannot both pass the
    # one-open-case rule (refuse_second_open_referral).
    child = Child.objects.select_for_update().get(pk=referral.child_id)
    referral.child = child
    _check_on(referral, decision, on)
    _check_consent(child, consent_guardian_id, consent_on)
    where = school.name if school_class is None else f"{school.name}, {school_class.name}"
    old = case_life.case_close(
        referral_id=referral.pk,
        actor=actor,
        closed_on=on,
        reason=Referral.ClosedReason.STARTED_SCHOOL,
        note=_("Begynner på %(where)s.") % {"where": where},
    )
    try:
        refuse_second_open_referral(child)
    except CaseError as exc:
        raise CaseError(str(exc), field="school") from exc
    new = _school_case(old, school=school, kind=kind, actor=actor, on=on)
    child_update(
        child_id=child.pk,
        version=child.version,
        actor=actor,
        unit=school,
        school_class=school_class,
    )
    if consent_on is not None:
        rule = case_kinds.rule(kind)
        purpose = (
            Consent.Purpose.ASSESSMENT
            if rule.consent_before_assessment
            else Consent.Purpose.DECISION
        )
        consent_register(
            referral_id=new.pk,
            guardian_id=consent_guardian_id,
            purpose=purpose,
            given_on=consent_on,
            actor=actor,
        )
        new.refresh_from_db()
    return Moved(old=old, new=new)


def _school_case(old: Referral, *, school: Unit, kind: str, actor, on: date) -> Referral:
    """The school case: the same child and advisor, at the school, received ``on``, linked to
    the § 31 case (whose assessment and history stay there, one click away)."""
    rule = case_kinds.rule(kind)
    new = Referral.objects.create(
        child_id=old.child_id,
        unit=school,
        municipality_id=school.municipality_id,
        advisor_id=old.advisor_id or actor.pk,
        kind=kind,
        source=Referral.Source.PPT,
        status=Referral.Status.AWAITING_CONSENT,
        services=[Referral.Service.ASSESSMENT] if rule.assessment_required else [],
        concern=_(
            "Overgang fra barnehage til skole: barnet hadde spesialpedagogisk hjelp etter "
            "barnehageloven § 31 (sak %(ref)s). Retten etter opplæringslova kapittel 11 "
            "vurderes på nytt (%(basis)s)."
        )
        % {"ref": old.reference, "basis": rule.legal_basis},
        is_repeat=True,
        received_on=on,
        previous=old,
        previous_link=Referral.PreviousLink.TRANSITION,
        created_by=actor,
    )
    event = case_event_record(
        referral=new,
        actor=actor,
        action="referral.created",
        to_status=new.status,
        detail={"previous": old.reference, "link": Referral.PreviousLink.TRANSITION},
    )
    # The journal's first event and the case carry the same moment (as referral_create's do).
    Referral.objects.filter(pk=new.pk).update(created_at=event.at)
    return new


# --- what the pages show ------------------------------------------------------------------------


def may_move_to_school(referral: Referral, decision: Decision | None) -> bool:
    """Whether the case page offers the move (move_refusal says why not)."""
    return move_refusal(referral, decision) is None


def school_choices(referral: Referral):
    """The schools of the case's municipality, by name (the form's choice)."""
    return Unit.objects.filter(
        municipality_id=referral.municipality_id, kind=Unit.Kind.SCHOOL
    ).order_by("name")


def class_choices(referral: Referral):
    """The classes of the municipality's schools, with their school (one query with the form)."""
    return (
        SchoolClass.objects.filter(
            unit__municipality_id=referral.municipality_id, unit__kind=Unit.Kind.SCHOOL
        )
        .select_related("unit")
        .order_by("unit__name", "trinn", "name")
    )
