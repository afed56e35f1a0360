"""Submitting a referral and the guardians' consent: the clock (T0) starts when both are in."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import case_kinds, states
from referrals.models import (
    Consent,
    Guardian,
    Referral,
)
from referrals.services.base import (
    CaseError,
    TransitionError,
    _announce,
    _lock_referral,
    _move,
    _require,
    case_event_record,
    date_check,
)


def pupil_may_consent(referral: Referral) -> bool:
    """Opplæringslova § 11-7 third paragraph: "eleven eller foreldra" consent (a school kind);
    barnehageloven § 32 first paragraph: the parents only (a kindergarten kind)."""
    return case_kinds.rule(referral.kind).consent_by == case_kinds.ConsentBy.PUPIL_OR_PARENTS


def _clock_purposes(referral: Referral) -> tuple[str, ...]:
    """The consents that start the clock: to the assessment where the kind's rule asks consent
    before it (consent_before_assessment: barnehageloven § 31, opplæringslova § 11-6); for a
    kind decided without an assessment (barnehageloven § 37, opplæringslova §§ 11-4, 11-5),
    also the consent to the vedtak, the first one that kind asks for."""
    if case_kinds.rule(referral.kind).consent_before_assessment:
        return (Consent.Purpose.ASSESSMENT,)
    return (Consent.Purpose.ASSESSMENT, Consent.Purpose.DECISION)


def _counts_for_clock(referral: Referral, consent: Consent) -> bool:
    """A standing consent the work may rest on: from a guardian with parental responsibility
    whom the child lives with (barnehageloven § 32; Udir: the parent the child lives with may
    consent), or from the pupil where the kind lets the pupil consent (opplæringslova § 11-7
    third paragraph)."""
    if consent.withdrawn_on is not None or consent.purpose not in _clock_purposes(referral):
        return False
    if consent.given_by_pupil:
        return pupil_may_consent(referral)
    return consent.guardian.parental_responsibility and consent.guardian.lives_with_child


def assessment_consent_given(referral: Referral) -> bool:
    """The consent the work rests on is in (_counts_for_clock): one guardian with parental
    responsibility whom the child lives with, or the pupil of a school kind."""
    # a page's prefetch (consents__guardian) serves this
    return any(_counts_for_clock(referral, c) for c in referral.consents.all())


def decision_consent_given(referral: Referral) -> bool:
    """Consent to a vedtak that starts help: every guardian with parental responsibility (Udir:
    both parents, also when they live apart; barnehageloven § 32); for a school kind the pupil's
    own consent also suffices (opplæringslova § 11-7 third paragraph: "eleven eller foreldra")."""
    standing = [
        c
        for c in referral.consents.all()
        if c.purpose == Consent.Purpose.DECISION and c.withdrawn_on is None
    ]
    if pupil_may_consent(referral) and any(c.given_by_pupil for c in standing):
        return True
    responsible = {g.pk for g in referral.child.guardians.all() if g.parental_responsibility}
    consented = {c.guardian_id for c in standing if not c.given_by_pupil}
    return bool(responsible) and responsible <= consented


def _start_clock_if_ready(referral: Referral, *, actor) -> tuple[str, ...]:
    """awaiting_consent → received once the referral is in and consent is given; T0 is the
    later of the two dates (DESIGN: the start of the clock). The caller announces (the journal
    action returned, if any)."""
    if not states.allowed("receive", referral.status) or not assessment_consent_given(referral):
        return ()
    dates = [c.given_on for c in referral.consents.all() if _counts_for_clock(referral, c)]
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
    # Issue 19: a referral the kindergarten or school writes is theirs until they send it
    # (with the parents' consent recorded: referrals/services/unit_referral.py).
    if referral.source == Referral.Source.UNIT and referral.sent_on is None:
        raise TransitionError(_("Barnehagen eller skolen har ikke sendt henvisningen ennå."))
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
    *,
    referral_id: int,
    guardian_id: int | None = None,
    purpose: str,
    given_on: date,
    actor,
    given_by_pupil: bool = False,
) -> Consent:
    """A guardian's consent, or the pupil's own (``given_by_pupil``, no guardian) where the
    case's kind lets the pupil consent (opplæringslova § 11-7 third paragraph); a kindergarten
    kind takes the parents' only (barnehageloven § 32 first paragraph)."""
    referral = _lock_referral(referral_id)
    if not states.allowed("consent", referral.status):
        raise TransitionError(_("Saken er avsluttet eller trukket."))
    if purpose not in Consent.Purpose.values:
        raise CaseError(_("Velg hva samtykket gjelder."), field="purpose")
    rule = case_kinds.rule(referral.kind)
    guardian = None
    if given_by_pupil:
        if not pupil_may_consent(referral):
            raise CaseError(
                _("I en sak etter %(basis)s samtykker foreldrene, ikke barnet (%(source)s).")
                % {"basis": rule.legal_basis, "source": rule.consent_source},
                field="guardian",
            )
    else:
        guardian = Guardian.objects.filter(pk=guardian_id, child_id=referral.child_id).first()
        if guardian is None:
            raise CaseError(_("Ukjent foresatt for dette barnet."), field="guardian")
    date_check(given_on, field="given_on")
    if given_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="given_on")
    if (
        guardian is not None
        and purpose == Consent.Purpose.ASSESSMENT
        and not guardian.parental_responsibility
    ):
        raise CaseError(
            _("Samtykke til sakkyndig vurdering må gis av en med foreldreansvar."), field="guardian"
        )
    standing = referral.consents.filter(purpose=purpose, withdrawn_on__isnull=True)
    if guardian is None and standing.filter(given_by_pupil=True).exists():
        raise CaseError(_("Eleven har allerede gitt dette samtykket."), field="guardian")
    if guardian is not None and standing.filter(guardian=guardian).exists():
        raise CaseError(_("Denne foresatte har allerede gitt dette samtykket."), field="guardian")
    consent = Consent.objects.create(
        referral=referral,
        guardian=guardian,
        given_by_pupil=given_by_pupil,
        purpose=purpose,
        given_on=given_on,
        registered_by=actor,
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="consent.registered",
        detail={
            "guardian": guardian.name if guardian else str(_("Eleven")),
            "given_by_pupil": given_by_pupil,
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
        detail={
            "guardian": consent.guardian.name if consent.guardian else str(_("Eleven")),
            "purpose": consent.purpose,
        },
    )
    # The case stops only when this withdrawal takes away the consent the work rests on (a
    # consent that never counted, e.g. from a parent the child does not live with, does not).
    stops = (
        consent.purpose in _clock_purposes(referral)
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
