"""The pause ledger: pausing the clock with a reason from the municipality's list, resuming it,
and the municipality's default reasons (issue 18).

Rules (each with its test in tests/referrals/test_pause_ledger.py):
- a pause's reason is one of the case's municipality's reasons that may be chosen (the legacy
  reason of old free-text pauses may not);
- no reason is about capacity (Sivilombudet: a lack of capacity does not stop "rimelig tid",
  forvaltningsloven § 11 a; referrals.models.about_capacity), checked here too, whatever
  the admin let through;
- pauses of a case never overlap (a day paused twice would be counted twice); at most one is
  open;
- a pause may be registered after the fact with its end date.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from referrals import states
from referrals.models import CAPACITY_REFUSED, Pause, PauseReason, about_capacity
from referrals.pause_reasons import DEFAULT_PAUSE_REASONS
from referrals.services.base import (
    CaseError,
    TransitionError,
    _announce,
    _lock_referral,
    _require,
    case_event_record,
    date_check,
)

_ONE_DAY = timedelta(days=1)


def pause_reasons_ensure_defaults(municipality_id: int) -> None:
    """Give the municipality the default reasons it lacks (by code); an edited one is kept."""
    for position, data in enumerate(DEFAULT_PAUSE_REASONS):
        PauseReason.objects.get_or_create(
            municipality_id=municipality_id,
            code=data["code"],
            defaults={
                "label": data["label"],
                "stops": [str(k) for k in data["stops"]],
                "legal_basis": data["legal_basis"],
                "position": position,
            },
        )


def _ddmmyyyy(day: date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _reason_for(referral, reason) -> PauseReason:
    """The reason, if it may be chosen for this case (else a CaseError at the field: another
    municipality's id says the same as an id that does not exist)."""
    reason_id = reason.pk if isinstance(reason, PauseReason) else reason
    found = PauseReason.objects.choosable(referral.municipality_id).filter(pk=reason_id).first()
    if found is None:
        raise CaseError(_("Velg en av kommunens grunner til pause."), field="reason")
    if about_capacity(found.code) or about_capacity(found.label):
        raise CaseError(CAPACITY_REFUSED, field="reason")
    return found


def _refuse_overlap(referral, started_on: date, ended_on: date | None, today: date) -> None:
    """A pause covers [started_on, ended_on) (an open one until today); two never share a day."""
    end = ended_on or today
    for other in referral.pauses.select_for_update().order_by("started_on"):
        other_end = other.ended_on or today
        if started_on < other_end and other.started_on < max(end, started_on + _ONE_DAY):
            until = _ddmmyyyy(other.ended_on) if other.ended_on else _("nå (pausen pågår)")
            raise CaseError(
                _(
                    "Pausen overlapper en annen pause i saken, fra %(from)s til %(to)s. "
                    "Velg datoer utenfor den, eller avslutt den andre pausen først."
                )
                % {"from": _ddmmyyyy(other.started_on), "to": until},
                field="started_on",
            )


@transaction.atomic
def referral_pause(
    *,
    referral_id: int,
    started_on: date,
    reason,
    actor,
    note: str = "",
    ended_on: date | None = None,
) -> Pause:
    """Pause the case from ``started_on`` with ``reason`` (a PauseReason or its id), open or,
    registered after the fact, ending on ``ended_on``."""
    referral = _lock_referral(referral_id)
    _require(referral, "pause")
    today = timezone.localdate()
    if ended_on is None and referral.pauses.filter(ended_on__isnull=True).exists():
        raise TransitionError(_("Saken står allerede på pause."))
    date_check(started_on, field="started_on")
    if started_on > today:
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="started_on")
    if referral.t0 and started_on < referral.t0:
        raise CaseError(
            _("En pause kan ikke starte før fristene begynte å løpe."), field="started_on"
        )
    if ended_on is not None:
        date_check(ended_on, field="ended_on")
        if ended_on <= started_on or ended_on > today:
            raise CaseError(
                _("Sluttdatoen må være etter pausens start og senest i dag."), field="ended_on"
            )
    found = _reason_for(referral, reason)
    _refuse_overlap(referral, started_on, ended_on, today)
    pause = Pause.objects.create(
        referral=referral,
        started_on=started_on,
        ended_on=ended_on,
        reason=found,
        note=note,
        created_by=actor,
    )
    detail = {"reason": found.label, "from": _ddmmyyyy(started_on), "stops": list(found.stops)}
    if note:
        detail["comment"] = note
    case_event_record(referral=referral, actor=actor, action="referral.paused", detail=detail)
    actions = ["referral.paused"]
    if ended_on is not None:
        case_event_record(
            referral=referral,
            actor=actor,
            action="referral.resumed",
            detail={"reason": found.label, "to": _ddmmyyyy(ended_on), "days": pause.days(today)},
        )
        actions.append("referral.resumed")
    _announce(referral, *actions)
    return pause


@transaction.atomic
def referral_resume(*, referral_id: int, ended_on: date, actor) -> Pause:
    referral = _lock_referral(referral_id)
    if not states.allowed("resume", referral.status):
        raise TransitionError(_("Saken er avsluttet eller trukket."))
    pause = (
        referral.pauses.select_for_update()
        .select_related("reason")
        .filter(ended_on__isnull=True)
        .first()
    )
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
        detail={
            "reason": pause.reason.label,
            "to": _ddmmyyyy(ended_on),
            "days": pause.days(ended_on),
        },
    )
    _announce(referral, "referral.resumed")
    return pause


@transaction.atomic
def pause_correct_end(*, referral_id: int, pause_id: int, ended_on: date, actor) -> Pause:
    """Correct the end date of an ended pause (a typing error, a later-known date). The old
    date stays in the pause's history (PauseHistory) and the journal names both."""
    referral = _lock_referral(referral_id)
    _require(referral, "pause")
    pause = (
        referral.pauses.select_for_update()
        .select_related("reason")
        .filter(pk=pause_id, ended_on__isnull=False)
        .first()
    )
    if pause is None:
        raise CaseError(_("Velg en avsluttet pause i saken."), field="pause")
    today = timezone.localdate()
    date_check(ended_on, field="ended_on")
    if ended_on <= pause.started_on or ended_on > today:
        raise CaseError(
            _("Sluttdatoen må være etter pausens start og senest i dag."), field="ended_on"
        )
    others = referral.pauses.exclude(pk=pause.pk)
    for other in others.select_for_update():
        other_end = other.ended_on or today
        if pause.started_on < other_end and other.started_on < ended_on:
            until = _ddmmyyyy(other.ended_on) if other.ended_on else _("nå (pausen pågår)")
            raise CaseError(
                _(
                    "Pausen ville overlappe en annen pause i saken, fra %(from)s til %(to)s. "
                    "Velg en tidligere sluttdato."
                )
                % {"from": _ddmmyyyy(other.started_on), "to": until},
                field="ended_on",
            )
    was = pause.ended_on
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.pause_corrected",
        detail={
            "reason": pause.reason.label,
            "from": _ddmmyyyy(pause.started_on),
            "to": _ddmmyyyy(ended_on),
            "was": _ddmmyyyy(was),
            "days": pause.days(today),
        },
    )
    _announce(referral, "referral.pause_corrected")
    return pause
