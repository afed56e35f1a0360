"""Named consultations: services and the read helpers teams needs (teams.hooks).

A child is discussed by name in the ressursteam only with a standing consent from a guardian
(ConsultationConsent); without one the service refuses with a message that says what to do.
A referral may be started from a named consultation, carrying over the question and what
has been tried; the consultation then points at the referral and shows on its case page.
"""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.models import (
    CaseEvent,
    Child,
    ConsultationConsent,
    Guardian,
    NamedConsultation,
    Referral,
)
from referrals.services import (
    CaseError,
    case_event_record,
    consent_withdrawal_check,
    date_check,
    referral_create,
)

NO_CONSENT = gettext_lazy(
    "Barnet kan ikke drøftes med navn uten et registrert samtykke fra foresatte. Registrer "
    "samtykket til drøfting først, eller drøft saken anonymt i ressursteamet."
)


def standing_consent(child_id: int) -> ConsultationConsent | None:
    return (
        ConsultationConsent.objects.filter(child_id=child_id, withdrawn_on__isnull=True)
        .select_related("guardian")
        .order_by("given_on", "pk")
        .first()
    )


@transaction.atomic
def consultation_consent_register(
    *, child_id: int, guardian_id: int, given_on: date, actor
) -> ConsultationConsent:
    child = Child.objects.select_for_update().get(pk=child_id)
    guardian = Guardian.objects.filter(pk=guardian_id, child=child).first()
    if guardian is None:
        raise CaseError(_("Ukjent foresatt for dette barnet."), field="guardian")
    if not guardian.parental_responsibility:
        raise CaseError(
            _("Samtykke til drøfting må gis av en med foreldreansvar."), field="guardian"
        )
    date_check(given_on, field="given_on")
    if given_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="given_on")
    try:
        with transaction.atomic():
            return ConsultationConsent.objects.create(
                child=child, guardian=guardian, given_on=given_on, registered_by=actor
            )
    except IntegrityError:  # a second click: the consent already stands
        return ConsultationConsent.objects.get(
            child=child, guardian=guardian, withdrawn_on__isnull=True
        )


@transaction.atomic
def consultation_consent_withdraw(*, consent_id: int, withdrawn_on: date, actor) -> None:
    """A guardian withdraws the consent to a named discussion: from that day the child is not
    discussed by name on it (another guardian's standing consent still counts). Consultations
    already held stay, with the consent they were held under. The change is in the history
    (core.history) with the user who made it."""
    child_id = ConsultationConsent.objects.values_list("child_id", flat=True).get(pk=consent_id)
    Child.objects.select_for_update().get(pk=child_id)  # one change to a child's consents at a time
    consent = ConsultationConsent.objects.select_for_update().get(pk=consent_id)
    consent_withdrawal_check(consent, withdrawn_on)
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])


@transaction.atomic
def consultation_named_create(*, child_id: int, meeting, actor, **values) -> NamedConsultation:
    """Refused without a standing consent; the meeting must be at a unit in the child's
    municipality."""
    child = Child.objects.select_for_update().get(pk=child_id)
    if meeting.unit.municipality_id != child.municipality_id:
        raise CaseError(_("Møtet hører til en annen kommune enn barnet."), field="meeting")
    consent = standing_consent(child.pk)
    if consent is None:
        raise CaseError(str(NO_CONSENT))
    return NamedConsultation.objects.create(
        child=child, meeting=meeting, consent=consent, created_by=actor, **values
    )


@transaction.atomic
def consultation_start_referral(*, consultation_id: int, referral_id: int, actor) -> None:
    """Link a consultation to the referral started from it and note it in the case journal."""
    consultation = NamedConsultation.objects.select_for_update().get(pk=consultation_id)
    referral = Referral.objects.get(pk=referral_id)
    if referral.child_id != consultation.child_id:
        raise CaseError(_("Henvisningen gjelder et annet barn."))
    consultation.referral = referral
    consultation.save(update_fields=["referral"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="referral.from_consultation",
        detail={
            "consultation": consultation.pk,
            "meeting": consultation.meeting.held_on.strftime("%d.%m.%Y"),
        },
    )


@transaction.atomic
def consultation_referral_create(*, consultation_id: int, actor, **values) -> Referral:
    """Start a referral from a named consultation: the draft and the link to it in one
    transaction, so a refused link leaves no draft behind."""
    consultation = NamedConsultation.objects.select_for_update().get(pk=consultation_id)
    if consultation.referral_id:  # a second tab started one meanwhile
        raise CaseError(_("Det er allerede startet en henvisning fra denne drøftingen."))
    referral = referral_create(actor=actor, child_id=consultation.child_id, **values)
    consultation_start_referral(
        consultation_id=consultation.pk, referral_id=referral.pk, actor=actor
    )
    return referral


# --- what teams asks for (teams.hooks), registered by ReferralsConfig.ready() ---------------------


def unit_child_names(unit_id: int) -> list[tuple[str, str]]:
    """The names of the children registered at a unit, for the anonymity check (one query).
    Unscoped on purpose: the check must know every name, and it shows none of them."""
    return list(Child.objects.filter(unit_id=unit_id).values_list("first_name", "last_name"))


def cases_worked(unit_ids, advisor_id, start: date, end: date) -> dict[date, int]:
    """Individual cases worked on per month: distinct cases with at least one journal event
    by a person (not the clock) in the month, of the given units and/or by the given advisor
    (one query, grouped in the database)."""
    tz = timezone.get_current_timezone()
    q = Q(
        at__gte=datetime.combine(start, time.min, tzinfo=tz),
        at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
        actor__isnull=False,
    )
    if unit_ids is not None:
        q &= Q(referral__unit_id__in=list(unit_ids))
    if advisor_id is not None:
        q &= Q(actor_id=advisor_id)
    rows = (
        CaseEvent.objects.filter(q)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(n=Count("referral_id", distinct=True))
        .values_list("month", "n")
    )
    return {month.date() if hasattr(month, "date") else month: n for month, n in rows}


def register_team_hooks() -> None:
    from teams import hooks

    hooks.register(unit_child_names=unit_child_names, cases_worked=cases_worked)
