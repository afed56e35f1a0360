"""Pausing the clock and resuming it."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import states
from referrals.models import (
    Pause,
)
from referrals.services.base import (
    CaseError,
    TransitionError,
    _announce,
    _lock_referral,
    _require,
    case_event_record,
    date_check,
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
