"""Every change to a child or a case: one small transactional function per action.

Each locks what it reads, checks the state, saves with update_fields, writes a journal event
and sends ``case_changed`` (decisions recomputes the clock). Edits use optimistic locking: the
caller names the version it started from, and a stale edit raises StaleEdit with the changes
made in between, so nothing is silently overwritten. Errors are domain exceptions with a
Norwegian message; views show them next to the form.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError as CaseError  # noqa: F401 (the one domain error)
from core.limits import date_bound_error
from referrals import states
from referrals.idnumber import IdNumberError, parse_id_number
from referrals.models import (
    Assessment,
    CaseEvent,
    Child,
    Consent,
    Guardian,
    Pause,
    Referral,
)
from referrals.signals import case_changed

S = Referral.Status


class TransitionError(CaseError):
    pass


def date_check(value: date | None, *, field: str, earliest=None, latest=None) -> None:
    """The bound of core.limits (2000-01-01 .. tomorrow by default) as a domain error, so
    it holds for every caller, not only the forms (a year 1 date made deadlines 740,000 days
    overdue; one in year 9999 overflowed the deadline arithmetic)."""
    if message := date_bound_error(value, earliest=earliest, latest=latest):
        raise CaseError(message, field=field)


@dataclass
class StaleEdit(Exception):
    """Someone saved the object after the form was opened; ``events`` say who changed what."""

    current: object
    events: list

    def __str__(self) -> str:
        return _("Endret av noen andre mens du redigerte.")


# --- journal -------------------------------------------------------------------------------


def case_event_record(*, referral, actor, action, from_status="", to_status="", detail=None):
    return CaseEvent.objects.create(
        referral=referral,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )


def _announce(referral: Referral, *actions: str) -> None:
    """Tell decisions once, at the end of a service: ``action`` is the last journal action,
    ``actions`` every one the service wrote (a submit may also start the clock)."""
    case_changed.send(sender=Referral, referral=referral, action=actions[-1], actions=actions)


def _move(
    referral: Referral,
    to: str,
    *,
    actor,
    action: str,
    fields=(),
    detail=None,
    announce: bool = True,
) -> Referral:
    """Move a locked referral to ``to`` and journal it; tell decisions unless the caller
    announces once at its own end (``announce=False``: a service that moves twice, or
    decisions' own services, which recompute their clock directly)."""
    before = referral.status
    referral.status = to
    referral.version += 1
    referral.save(update_fields=["status", "version", "updated_at", *fields])
    case_event_record(
        referral=referral,
        actor=actor,
        action=action,
        from_status=before,
        to_status=to,
        detail=detail,
    )
    if announce:
        _announce(referral, action)
    return referral


def _require(referral: Referral, action: str) -> None:
    """The state table's rule for ``action``, under the caller's row lock."""
    if not states.allowed(action, referral.status):
        raise TransitionError(
            _("Dette kan ikke gjøres når saken har status «%(status)s».")
            % {"status": referral.get_status_display()}
        )


def _lock_referral(referral_id: int) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral_id)


def _changes(obj, values: dict) -> dict:
    """{field: [old, new]} for the values that differ, as text for the journal."""
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_text(old), _text(new)]
    return changed


def _text(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list | bool | int | str) or value is None:
        return value
    return str(value)


def _edit(
    obj, *, version: int, values: dict, referral: Referral | None, actor, action: str, stale_events
) -> dict:
    """Apply an optimistic-locked edit to a locked ``obj``; returns the changes."""
    if obj.version != version:
        raise StaleEdit(current=obj, events=list(stale_events(version)))
    changes = _changes(obj, values)
    if not changes:
        return {}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save(update_fields=[*changes, "version", "updated_at"])
    if referral is not None:
        case_event_record(
            referral=referral,
            actor=actor,
            action=action,
            detail={
                "changes": changes,
                "version": obj.version,
                "object": obj._meta.model_name,
                "object_id": obj.pk,
            },
        )
    return changes


def _events_since(model_name: str, object_id: int):
    def since(version: int):
        return (
            CaseEvent.objects.filter(
                detail__object=model_name, detail__object_id=object_id, detail__version__gt=version
            )
            .select_related("actor")
            .order_by("at", "pk")
        )

    return since


# --- children and guardians ----------------------------------------------------------------


def parse_child_id_number(value: str):
    """Validate an identity number as the municipality's settings allow (raises CaseError)."""
    try:
        return parse_id_number(value, allow_synthetic=settings.ALLOW_SYNTHETIC_ID_NUMBERS)
    except IdNumberError as exc:
        raise CaseError(str(exc.message), field="id_number") from None


def child_find(*, municipality, id_number: str) -> Child | None:
    parsed = parse_child_id_number(id_number)
    return Child.objects.filter(municipality=municipality, id_number=parsed.number).first()


def child_find_or_register(
    *,
    actor,
    unit,
    id_number: str,
    first_name: str,
    last_name: str,
    sex: str,
    mother_tongue: str = "norsk",
    needs_interpreter: bool = False,
) -> tuple[Child, bool]:
    """A child already registered in the municipality is found, not registered twice."""
    parsed = parse_child_id_number(id_number)
    existing = Child.objects.filter(
        municipality=unit.municipality_id, id_number=parsed.number
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            child = Child.objects.create(
                municipality_id=unit.municipality_id,
                unit=unit,
                id_number=parsed.number,
                birth_date=parsed.birth_date,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                sex=sex,
                mother_tongue=mother_tongue or "norsk",
                needs_interpreter=needs_interpreter,
            )
    except IntegrityError:  # registered by someone else a moment ago
        return Child.objects.get(municipality=unit.municipality_id, id_number=parsed.number), False
    return child, True


@transaction.atomic
def child_update(*, child_id: int, version: int, actor, **values) -> Child:
    child = Child.objects.select_for_update().get(pk=child_id)
    if "id_number" in values:
        parsed = parse_child_id_number(values["id_number"])
        values["id_number"], values["birth_date"] = parsed.number, parsed.birth_date
        clash = Child.objects.filter(municipality=child.municipality_id, id_number=parsed.number)
        if clash.exclude(pk=child.pk).exists():
            raise CaseError(
                _("Et annet barn i kommunen har dette fødselsnummeret."), field="id_number"
            )
    changes = _edit(
        child,
        version=version,
        values=values,
        referral=None,
        actor=actor,
        action="child.updated",
        stale_events=_events_since("child", child.pk),
    )
    if changes:
        # The journal never holds an identity number: note only that it changed.
        safe = {
            k: (["…", "…"] if k in {"id_number", "birth_date"} else v) for k, v in changes.items()
        }
        for ref in child.referrals.all():
            case_event_record(
                referral=ref,
                actor=actor,
                action="child.updated",
                detail={
                    "changes": safe,
                    "version": child.version,
                    "object": "child",
                    "object_id": child.pk,
                },
            )
    return child


@transaction.atomic
def guardian_add(*, child_id: int, actor, **values) -> Guardian:
    child = Child.objects.select_for_update().get(pk=child_id)
    guardian = Guardian.objects.create(child=child, **values)
    for ref in child.referrals.all():
        case_event_record(
            referral=ref, actor=actor, action="guardian.added", detail={"guardian": guardian.name}
        )
    return guardian


@transaction.atomic
def guardian_update(*, guardian_id: int, version: int, actor, **values) -> Guardian:
    guardian = Guardian.objects.select_for_update().get(pk=guardian_id)
    changes = _edit(
        guardian,
        version=version,
        values=values,
        referral=None,
        actor=actor,
        action="guardian.updated",
        stale_events=_events_since("guardian", guardian.pk),
    )
    if changes:
        for ref in guardian.child.referrals.all():
            case_event_record(
                referral=ref,
                actor=actor,
                action="guardian.updated",
                detail={
                    "changes": changes,
                    "version": guardian.version,
                    "object": "guardian",
                    "object_id": guardian.pk,
                },
            )
            _announce(ref, "guardian.updated")
    return guardian


# --- the referral ----------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, actor, child_id: int, unit, **values) -> Referral:
    child = Child.objects.select_for_update().get(pk=child_id)
    if child.municipality_id != unit.municipality_id:
        raise CaseError(_("Enheten hører til en annen kommune enn barnet."), field="unit")
    refuse_second_open_referral(child)
    referral = Referral.objects.create(
        child=child, unit=unit, municipality_id=unit.municipality_id, created_by=actor, **values
    )
    case_event_record(referral=referral, actor=actor, action="referral.created", to_status=S.DRAFT)
    _announce(referral, "referral.created")
    return referral


class OpenReferralExists(CaseError):
    """The child already has an open case: a second one would split its history and clocks."""

    def __init__(self, referral: Referral):
        super().__init__(_("Barnet har allerede en åpen henvisning. Fortsett i den."))
        self.referral = referral


def refuse_second_open_referral(child: Child) -> None:
    """One open case per child. The caller holds the child's row lock, so two quick posts
    cannot both pass this check."""
    open_referral = child.referrals.filter(status__in=Referral.OPEN_STATUSES).first()
    if open_referral is not None:
        raise OpenReferralExists(open_referral)


@transaction.atomic
def referral_update(*, referral_id: int, version: int, actor, **values) -> Referral:
    referral = _lock_referral(referral_id)
    if not states.allowed("update_referral", referral.status):
        raise TransitionError(_("En avsluttet eller trukket sak kan ikke endres."))
    if "unit" in values and values["unit"].municipality_id != referral.municipality_id:
        raise CaseError(_("Enheten hører til en annen kommune enn saken."), field="unit")
    changes = _edit(
        referral,
        version=version,
        values=values,
        referral=referral,
        actor=actor,
        action="referral.updated",
        stale_events=_events_since("referral", referral.pk),
    )
    if changes:
        _announce(referral, "referral.updated")
    return referral


def assessment_consent_given(referral: Referral) -> bool:
    """One guardian with parental responsibility whom the child lives with has consented to
    the assessment (barnehageloven § 32; Udir: the parent the child lives with may consent)."""
    return any(
        c.purpose == Consent.Purpose.ASSESSMENT
        and c.withdrawn_on is None
        and c.guardian.parental_responsibility
        and c.guardian.lives_with_child
        for c in referral.consents.all()  # a page's prefetch (consents__guardian) serves this
    )


def decision_consent_given(referral: Referral) -> bool:
    """Every guardian with parental responsibility has consented to a decision that starts
    help (Udir: both parents, also when they live apart)."""
    responsible = {g.pk for g in referral.child.guardians.all() if g.parental_responsibility}
    consented = {
        c.guardian_id
        for c in referral.consents.all()
        if c.purpose == Consent.Purpose.DECISION and c.withdrawn_on is None
    }
    return bool(responsible) and responsible <= consented


def _start_clock_if_ready(referral: Referral, *, actor) -> tuple[str, ...]:
    """awaiting_consent → received once the referral is in and consent is given; T0 is the
    later of the two dates (DESIGN: the start of the clock). The caller announces (the journal
    action returned, if any)."""
    if not states.allowed("receive", referral.status) or not assessment_consent_given(referral):
        return ()
    dates = [
        c.given_on
        for c in referral.consents.all()
        if c.purpose == Consent.Purpose.ASSESSMENT
        and c.withdrawn_on is None
        and c.guardian.parental_responsibility
        and c.guardian.lives_with_child
    ]
    referral.consent_on = min(dates)
    referral.t0 = max(referral.received_on, referral.consent_on)
    _move(
        referral,
        states.moves_to("receive"),
        actor=actor,
        action="referral.received",
        fields=["consent_on", "t0"],
        detail={"t0": referral.t0.strftime("%d.%m.%Y")},
        announce=False,
    )
    return ("referral.received",)


@transaction.atomic
def referral_submit(*, referral_id: int, actor, received_on: date) -> Referral:
    """The referral is complete and received by PPT: draft → awaiting_consent (→ received)."""
    referral = _lock_referral(referral_id)
    _require(referral, "submit")
    # Nothing about a child is received before the child was born.
    date_check(received_on, field="received_on", earliest=referral.child.birth_date)
    if received_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="received_on")
    referral.received_on = received_on
    _move(
        referral,
        states.moves_to("submit"),
        actor=actor,
        action="referral.submitted",
        fields=["received_on"],
        announce=False,
    )
    started = _start_clock_if_ready(referral, actor=actor)
    _announce(referral, "referral.submitted", *started)  # once, at the end
    return referral


@transaction.atomic
def consent_register(
    *, referral_id: int, guardian_id: int, purpose: str, given_on: date, actor
) -> Consent:
    referral = _lock_referral(referral_id)
    if not states.allowed("consent", referral.status):
        raise TransitionError(_("Saken er avsluttet eller trukket."))
    guardian = Guardian.objects.filter(pk=guardian_id, child_id=referral.child_id).first()
    if guardian is None:
        raise CaseError(_("Ukjent foresatt for dette barnet."), field="guardian")
    date_check(given_on, field="given_on")
    if given_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="given_on")
    if purpose == Consent.Purpose.ASSESSMENT and not guardian.parental_responsibility:
        raise CaseError(
            _("Samtykke til sakkyndig vurdering må gis av en med foreldreansvar."), field="guardian"
        )
    if referral.consents.filter(
        guardian=guardian, purpose=purpose, withdrawn_on__isnull=True
    ).exists():
        raise CaseError(_("Denne foresatte har allerede gitt dette samtykket."), field="guardian")
    consent = Consent.objects.create(
        referral=referral,
        guardian=guardian,
        purpose=purpose,
        given_on=given_on,
        registered_by=actor,
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="consent.registered",
        detail={
            "guardian": guardian.name,
            "purpose": purpose,
            "given_on": given_on.strftime("%d.%m.%Y"),
        },
    )
    started = _start_clock_if_ready(referral, actor=actor)
    _announce(referral, "consent.registered", *started)  # once, at the end
    return consent


def consent_withdrawal_check(consent, withdrawn_on: date) -> None:
    """What every withdrawal of a consent (a referral's Consent, or a ConsultationConsent)
    must pass: not withdrawn already, not in the future, not before it was given."""
    if consent.withdrawn_on is not None:
        raise TransitionError(_("Samtykket er allerede trukket."))
    date_check(withdrawn_on, field="withdrawn_on")
    if withdrawn_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="withdrawn_on")
    if withdrawn_on < consent.given_on:
        raise CaseError(_("Samtykket kan ikke trekkes før det ble gitt."), field="withdrawn_on")


@transaction.atomic
def consent_withdraw(*, consent_id: int, withdrawn_on: date, actor) -> Consent:
    """Withdrawing consent stops the case when what is left no longer allows the work."""
    consent = Consent.objects.select_related("guardian").get(pk=consent_id)
    referral = _lock_referral(consent.referral_id)
    consent = Consent.objects.select_for_update().get(pk=consent_id)
    consent_withdrawal_check(consent, withdrawn_on)
    had_consent = assessment_consent_given(referral)
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="consent.withdrawn",
        detail={"guardian": consent.guardian.name, "purpose": consent.purpose},
    )
    # The case stops only when this withdrawal takes away the consent the work rests on (a
    # consent that never counted, e.g. from a parent the child does not live with, does not).
    stops = (
        consent.purpose == Consent.Purpose.ASSESSMENT
        and had_consent
        and states.allowed("stop_without_consent", referral.status)
        and not assessment_consent_given(referral)
    )
    if stops:
        referral.withdrawn_reason = _("Samtykket er trukket.")
        _move(
            referral,
            states.moves_to("stop_without_consent"),
            actor=actor,
            action="referral.withdrawn",
            fields=["withdrawn_reason"],
            detail={"reason": "consent_withdrawn"},
        )
    else:
        _announce(referral, "consent.withdrawn")
    return consent


@transaction.atomic
def referral_assign(*, referral_id: int, advisor, actor) -> Referral:
    referral = _lock_referral(referral_id)
    if not states.allowed("assign", referral.status):
        raise TransitionError(_("Saken er avsluttet eller trukket."))
    before = str(referral.advisor or "–")
    referral.advisor = advisor
    referral.version += 1
    referral.save(update_fields=["advisor", "version", "updated_at"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.assigned",
        detail={"changes": {"advisor": [before, str(advisor or "–")]}},
    )
    _announce(referral, "referral.assigned")
    return referral


@transaction.atomic
def referral_start_assessment(*, referral_id: int, actor) -> Referral:
    referral = _lock_referral(referral_id)
    _require(referral, "start_assessment")
    if referral.open_pause:
        raise TransitionError(_("Saken står på pause."))
    Assessment.objects.get_or_create(referral=referral, defaults={"author": actor})
    if referral.advisor_id is None:
        referral.advisor = actor
    return _move(
        referral,
        states.moves_to("start_assessment"),
        actor=actor,
        action="referral.assessment_started",
        fields=["advisor"],
    )


ASSESSMENT_REQUIRED = ["development", "goals", "kind_of_help", "guardian_views", "conclusion"]
ASSESSMENT_REQUIRED_FOR_HELP = ["organisation", "recommended_hours", "competence"]


@transaction.atomic
def assessment_save(
    *,
    referral_id: int,
    version: int,
    actor,
    complete: bool = False,
    completed_on: date | None = None,
    **values,
) -> Assessment:
    """Save the sakkyndig vurdering as a draft, or complete it: assessing → assessed."""
    referral = _lock_referral(referral_id)
    _require(referral, "edit_assessment")
    assessment = Assessment.objects.select_for_update().get(referral=referral)
    _edit(
        assessment,
        version=version,
        values=values,
        referral=referral,
        actor=actor,
        action="assessment.saved",
        stale_events=_events_since("assessment", assessment.pk),
    )
    if not complete:
        _announce(referral, "assessment.saved")
        return assessment
    required = list(ASSESSMENT_REQUIRED)
    if assessment.conclusion == Assessment.Conclusion.NEEDS_HELP:
        required += ASSESSMENT_REQUIRED_FOR_HELP
    missing = [f for f in required if getattr(assessment, f) in ("", None)]
    if missing:
        # Roll back the draft save too: completing is one step, all or nothing.
        transaction.set_rollback(True)
        labels = ", ".join(str(Assessment._meta.get_field(f).verbose_name) for f in missing)
        raise CaseError(
            _("Fyll ut før vurderingen kan ferdigstilles: %(fields)s.") % {"fields": labels},
            fields=missing,
        )
    completed_on = completed_on or timezone.localdate()
    date_check(completed_on, field="completed_on")
    if completed_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="completed_on")
    assessment.completed_on = completed_on
    assessment.save(update_fields=["completed_on"])
    referral.assessed_on = completed_on
    _move(
        referral,
        states.moves_to("assess"),
        actor=actor,
        action="referral.assessed",
        fields=["assessed_on"],
    )
    return assessment


@transaction.atomic
def referral_withdraw(*, referral_id: int, reason: str, actor) -> Referral:
    referral = _lock_referral(referral_id)
    _require(referral, "withdraw")
    # A withdrawn case is not paused: close an open pause so its days stop counting.
    referral.pauses.filter(ended_on__isnull=True).update(ended_on=timezone.localdate())
    referral.withdrawn_reason = reason[:300]
    return _move(
        referral,
        states.moves_to("withdraw"),
        actor=actor,
        action="referral.withdrawn",
        fields=["withdrawn_reason"],
        detail={"reason": reason[:300]},
    )


@transaction.atomic
def referral_pause(*, referral_id: int, started_on: date, reason: str, actor) -> Pause:
    referral = _lock_referral(referral_id)
    _require(referral, "pause")
    if referral.pauses.filter(ended_on__isnull=True).exists():
        raise TransitionError(_("Saken står allerede på pause."))
    date_check(started_on, field="started_on")
    if started_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="started_on")
    if referral.t0 and started_on < referral.t0:
        raise CaseError(
            _("En pause kan ikke starte før fristene begynte å løpe."), field="started_on"
        )
    pause = Pause.objects.create(
        referral=referral, started_on=started_on, reason=reason, created_by=actor
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.paused",
        detail={"reason": reason, "from": started_on.strftime("%d.%m.%Y")},
    )
    _announce(referral, "referral.paused")
    return pause


@transaction.atomic
def referral_resume(*, referral_id: int, ended_on: date, actor) -> Pause:
    referral = _lock_referral(referral_id)
    if not states.allowed("resume", referral.status):
        raise TransitionError(_("Saken er avsluttet eller trukket."))
    pause = referral.pauses.select_for_update().filter(ended_on__isnull=True).first()
    if pause is None:
        raise TransitionError(_("Saken står ikke på pause."))
    date_check(ended_on, field="ended_on")
    if ended_on < pause.started_on or ended_on > timezone.localdate():
        raise CaseError(_("Sluttdatoen må være mellom pausens start og i dag."), field="ended_on")
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.resumed",
        detail={"days": pause.days(ended_on)},
    )
    _announce(referral, "referral.resumed")
    return pause


# --- the part of the state machine that decisions/ drives ----------------------------------------


def referral_lock(referral_id: int) -> Referral:
    """Lock a case row for a decisions/ service (call inside its transaction)."""
    return _lock_referral(referral_id)


def referral_move(*, referral: Referral, step: str, actor, action: str, detail=None) -> Referral:
    """Move a case locked with referral_lock by the state table's ``step`` (vedtak, klage,
    hjelp startet); journalled as every other move. No case_changed: decisions' services
    recompute their case's clock themselves, with the row they locked."""
    _require(referral, step)
    return _move(
        referral, states.moves_to(step), actor=actor, action=action, detail=detail, announce=False
    )


def referral_set_next_deadline(*, referral_id: int, kind: str, due_on, warn_on) -> None:
    """Store the next unmet deadline on the case (derived data for lists; no journal event)."""
    Referral.objects.filter(pk=referral_id).update(
        next_deadline_kind=kind or "", next_deadline_on=due_on, next_deadline_warn_on=warn_on
    )
