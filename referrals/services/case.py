"""The case's work: assigning an advisor, the assessment, withdrawing the case."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import states
from referrals.models import (
    Assessment,
    Referral,
)
from referrals.services.base import (
    CaseError,
    TransitionError,
    _announce,
    _edit,
    _events_since,
    _lock_referral,
    _move,
    _require,
    case_event_record,
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
