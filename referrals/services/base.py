"""The shared steps of every case service: the domain errors, the journal, the state-table check
under the row lock, optimistic-locked edits, and the steps decisions/ drives."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from core.errors import DomainError as CaseError  # noqa: F401 (the one domain error)
from core.limits import date_bound_error
from referrals import case_kinds, states
from referrals.models import (
    CaseEvent,
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
    decisions' own services, which recompute their clock directly). ``to`` None: an action
    whose status stays (the state table's ``moves_to`` None) keeps it, journalled the same."""
    before = referral.status
    if to is None:
        to = before
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
    """The state table's rule for ``action`` in a case of the referral's kind
    (states.allowed_for), under the caller's row lock."""
    facts = covering_facts(referral) if action == "decide" else {}
    if not states.allowed_for(action, referral.status, referral.kind, **facts):
        if refused := states.refusal(
            action, referral.status, referral.kind, covering_case=facts.get("covering_case", False)
        ):
            raise TransitionError(refused)
        raise TransitionError(
            _("Dette kan ikke gjøres når saken har status «%(status)s».")
            % {"status": referral.get_status_display()}
        )


def covering_facts(referral: Referral) -> dict[str, bool]:
    """For a case whose kind another kind's assessment covers (opplæringslova §§ 11-4, 11-5 by
    § 11-6, § 11-7 first paragraph): does the pupil have such a case (not withdrawn), and is
    its sakkyndig vurdering completed? The keywords of states.allowed_for. One query, only for
    those kinds."""
    kinds = case_kinds.rule(referral.kind).covered_by_assessment_of
    if not kinds:
        return {"covering_case": False, "covering_assessed": False}
    others = list(
        Referral.objects.filter(child_id=referral.child_id, kind__in=kinds)
        .exclude(pk=referral.pk)
        .exclude(status=states.Status.WITHDRAWN)
        .values_list("assessment__completed_on", flat=True)
    )
    return {
        "covering_case": bool(others),
        "covering_assessed": any(done is not None for done in others),
    }


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


# --- the part of the state machine that decisions/ drives ----------------------------------------


def referral_lock(referral_id: int) -> Referral:
    """Lock a case row for a decisions/ service (call inside its transaction)."""
    return _lock_referral(referral_id)


def referral_move(
    *, referral: Referral, step: str, actor, action: str, detail=None, fields=()
) -> Referral:
    """Move a case locked with referral_lock by the state table's ``step`` (vedtak, klage,
    hjelp startet, avsluttet); journalled as every other move. ``fields``: other fields of the
    case the caller set on the locked row, saved with the move. No case_changed: decisions'
    services recompute their case's clock themselves, with the row they locked."""
    _require(referral, step)
    return _move(
        referral,
        states.moves_to(step),
        actor=actor,
        action=action,
        detail=detail,
        fields=fields,
        announce=False,
    )


def referral_set_next_deadline(*, referral_id: int, kind: str, due_on, warn_on) -> None:
    """Store the next unmet deadline on the case (derived data for lists; no journal event)."""
    Referral.objects.filter(pk=referral_id).update(
        next_deadline_kind=kind or "", next_deadline_on=due_on, next_deadline_warn_on=warn_on
    )
