"""The case's work: assigning an advisor, the assessment, withdrawing the case."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import case_kinds, states
from referrals.models import (
    Assessment,
    Referral,
)
from referrals.services.base import (  # noqa: F401 (covering_facts re-exported)
    CaseError,
    TransitionError,
    _announce,
    _edit,
    _events_since,
    _lock_referral,
    _move,
    _require,
    case_event_record,
    covering_facts,
    date_check,
)


@transaction.atomic
def referral_assign(*, referral_id: int, advisor, actor, version: int | None = None) -> Referral:
    """Assign (or change) the case's advisor. ``version``, when given (the PP-leder's intake
    list), is the case as the user saw it: a case changed since (assigned by someone else in
    another tab) is refused."""
    referral = _lock_referral(referral_id)
    if not states.allowed("assign", referral.status):
        raise TransitionError(_("Saken er avsluttet eller trukket."))
    if version is not None and version != referral.version:
        raise TransitionError(
            _("Saken er endret siden du åpnet listen (den kan være tildelt allerede). Se på nytt.")
        )
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


def assessment_elements(kind: str) -> tuple[case_kinds.Element, ...]:
    """The elements an assessment of a case of ``kind`` holds (referrals/case_kinds.py): the
    kind's own content; for a kind that needs no assessment of its own (opplæringslova
    §§ 11-4, 11-5) written anyway, the content of the kind whose assessment covers it (§ 11-7
    first paragraph: one holistic assessment, that of § 11-6); for barnehageloven § 37 the
    plain content of ASSESSMENT_REQUIRED."""
    rule = case_kinds.rule(kind)
    if rule.assessment_content:
        return rule.assessment_content
    for other in rule.covered_by_assessment_of:
        return case_kinds.rule(other).assessment_content
    return ()


def assessment_required_fields(kind: str, conclusion: str) -> list[str]:
    """The fields a completed assessment of ``kind`` must hold, in the table's order, then the
    conclusion. Hours, organisation and competence only where the assessment finds a need for
    help (a "no need" assessment has no help to organise; barnehageloven § 34, opplæringslova
    § 11-8 d: Udir, the recommendation states scope, organisation and competence). The
    kindergarten child's own views (barnehageloven § 3) are heard by age and maturity: not a
    field the assessment of a one-year-old is refused without; the pupil's (opplæringslova
    § 10-2) are required."""
    elements = assessment_elements(kind)
    if not elements:
        fields = list(ASSESSMENT_REQUIRED)
    else:
        school = case_kinds.rule(kind).is_school
        fields = [e.field for e in elements if school or e.field != "child_views"] + ["conclusion"]
    fields = [f for f in fields if f not in ASSESSMENT_REQUIRED_FOR_HELP]
    if conclusion == Assessment.Conclusion.NEEDS_HELP:
        fields += ASSESSMENT_REQUIRED_FOR_HELP
    return list(dict.fromkeys(fields))


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
    # The kind's required content (referrals/case_kinds.py: barnehageloven § 34, opplæringslova
    # § 11-8 a–e and § 10-2).
    required = assessment_required_fields(referral.kind, assessment.conclusion)
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
