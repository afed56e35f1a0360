"""Referrals written by the kindergarten or school itself, PPT's receiving of them, and the
parents' own request (issue 19, item 4).

- The styrer or rektor writes the referral (a draft of their unit, Source.UNIT), records the
  parents' consent (referrals.services.consent_register) and sends it: the draft gets its
  ``sent_on`` and arrives in PPT's list (referrals.unit_referral_selectors.arrived_referrals).
- PPT receives it (unit_referral_receive): referrals.services.referral_submit with the day PPT
  receives it, which starts the clock when consent is in (T0, the later of the two: DESIGN).
- The parents may ask PPT themselves, at any time and without writing (barnehageloven § 33,
  opplæringslova § 11-7 first paragraph): PPT registers the request with its date
  (parents_request_register), and the case is received on that day.

Each function locks the case row (or the child's, for a new case), checks its state and, for
an edit, the version it started from (optimistic locking), and journals what it did.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals import case_kinds, states
from referrals.models import Child, Referral
from referrals.services.base import (
    CaseError,
    StaleEdit,
    TransitionError,
    _announce,
    _edit,
    _events_since,
    _lock_referral,
    case_event_record,
    date_check,
)
from referrals.services.consent import assessment_consent_given, referral_submit
from referrals.services.registration import referral_kind_check, refuse_second_open_referral

# The fields the unit writes: the concern, what has been tried, the pedagogisk rapport, the
# parents' and the child's or pupil's views (referrals/unit_referral_forms.py).
UNIT_FIELDS = (
    "kind",
    "concern",
    "tried",
    "report_play",
    "report_subjects",
    "report_adapted",
    "report_social",
    "report_language",
    "report_motor",
    "report_attention",
    "report_frame",
    "report_measures",
    "guardian_views",
    "child_views",
)

# Barnehageloven § 32 first paragraph and opplæringslova § 11-7 third paragraph: PPT may
# assess only with consent; the unit therefore refers with the parents' consent recorded.
# The source named is the kind's consent rule in referrals/case_kinds.py.
CONSENT_REQUIRED = gettext_lazy(
    "Foreldrenes samtykke må være registrert før henvisningen sendes. Hjemmel: %(source)s."
)
CONCERN_REQUIRED = gettext_lazy("Skriv bekymringen før henvisningen sendes.")


def _unit_values(values: dict) -> dict:
    unknown = set(values) - set(UNIT_FIELDS)
    if unknown:  # a programming error, not input
        raise TypeError(f"not a unit referral field: {sorted(unknown)}")
    return values


@transaction.atomic
def unit_referral_create(*, actor, child_id: int, **values) -> Referral:
    """A draft referral from the child's own unit (the styrer's or rektor's). The caller has
    checked the child is at one of the actor's units (unit_referral_selectors)."""
    values = _unit_values(values)
    child = Child.objects.select_for_update(of=("self",)).select_related("unit").get(pk=child_id)
    if child.unit_id is None:
        raise CaseError(_("Barnet er ikke registrert ved en barnehage eller skole."))
    # The kind belongs to the unit's kind, and one open case per child and kind: the same rules
    # as the advisor's registration (referrals/services/registration.py), under the lock.
    referral_kind_check(values.get("kind", ""), child.unit)
    refuse_second_open_referral(child, kind=values["kind"])
    referral = Referral.objects.create(
        child=child,
        unit=child.unit,
        municipality_id=child.unit.municipality_id,
        source=Referral.Source.UNIT,
        created_by=actor,
        **values,
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.created",
        to_status=states.Status.DRAFT,
        detail={"source": Referral.Source.UNIT.value},
    )
    _announce(referral, "referral.created")
    return referral


def _lock_unit_draft(referral_id: int) -> Referral:
    referral = _lock_referral(referral_id)
    if referral.source != Referral.Source.UNIT or referral.status != states.Status.DRAFT:
        raise TransitionError(_("Henvisningen er mottatt av PPT og kan ikke endres her."))
    return referral


@transaction.atomic
def unit_referral_update(*, referral_id: int, version: int, actor, **values) -> Referral:
    """Edit the unit's draft, from the version the writer started from (a stale edit raises
    StaleEdit with the changes made meanwhile). Once sent it is PPT's: no more edits here."""
    values = _unit_values(values)
    referral = _lock_unit_draft(referral_id)
    if referral.sent_on is not None:
        # What PPT has is what was sent: the unit adds to it through PPT, not by rewriting it.
        raise TransitionError(_("Henvisningen er sendt til PPT og kan ikke endres her."))
    if "kind" in values:
        referral_kind_check(values["kind"], referral.unit)
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


@transaction.atomic
def unit_referral_send(*, referral_id: int, version: int, actor) -> Referral:
    """Send the unit's referral to PPT: refused without the parents' consent to the assessment
    or without the concern. A second click finds it sent and changes nothing."""
    referral = _lock_unit_draft(referral_id)
    if referral.sent_on is not None:
        return referral  # a double click: sent once
    if referral.version != version:
        raise StaleEdit(
            current=referral, events=list(_events_since("referral", referral.pk)(version))
        )
    if not assessment_consent_given(referral):
        source = case_kinds.rule(referral.kind).consent_source
        raise CaseError(str(CONSENT_REQUIRED) % {"source": source}, field="consent")
    if not referral.concern.strip():
        raise CaseError(str(CONCERN_REQUIRED), field="concern")
    referral.sent_on = timezone.localdate()
    referral.version += 1
    referral.save(update_fields=["sent_on", "version", "updated_at"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.sent",
        detail={"sent_on": referral.sent_on.strftime("%d.%m.%Y")},
    )
    _announce(referral, "referral.sent")
    return referral


@transaction.atomic
def unit_referral_receive(*, referral_id: int, actor) -> Referral:
    """PPT receives a referral a unit sent, today: referral_submit moves it on and starts the
    clock when the consent is in (T0 = the later of received and consent). A second click
    finds it received and is refused."""
    referral = _lock_referral(referral_id)
    if referral.source != Referral.Source.UNIT or referral.sent_on is None:
        raise TransitionError(_("Henvisningen er ikke sendt fra barnehagen eller skolen."))
    if referral.status != states.Status.DRAFT:
        raise TransitionError(_("Henvisningen er allerede mottatt."))
    return referral_submit(referral_id=referral.pk, actor=actor, received_on=timezone.localdate())


@transaction.atomic
def parents_request_register(
    *, actor, child_id: int, unit, kind: str, requested_on: date, concern: str = ""
) -> Referral:
    """The parents' own request for an assessment, registered by PPT (they need not write:
    barnehageloven § 33, opplæringslova § 11-7 first paragraph). The case is received on the
    day they asked; the clock starts once their consent is registered too."""
    child = Child.objects.select_for_update().get(pk=child_id)
    if child.municipality_id != unit.municipality_id:
        raise CaseError(_("Enheten hører til en annen kommune enn barnet."), field="unit")
    referral_kind_check(kind, unit)
    date_check(requested_on, field="requested_on", earliest=child.birth_date)
    if requested_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="requested_on")
    refuse_second_open_referral(child, kind=kind)
    referral = Referral.objects.create(
        child=child,
        unit=unit,
        municipality_id=unit.municipality_id,
        kind=kind,
        source=Referral.Source.PARENTS,
        requested_on=requested_on,
        concern=concern,
        created_by=actor,
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.created",
        to_status=states.Status.DRAFT,
        detail={
            "source": Referral.Source.PARENTS.value,
            "requested_on": requested_on.strftime("%d.%m.%Y"),
        },
    )
    # Received on the day the parents asked: the request reached PPT then.
    return referral_submit(referral_id=referral.pk, actor=actor, received_on=requested_on)
