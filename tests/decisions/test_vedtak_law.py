"""The law of the vedtak (issue 18, deliverable 1): each rule with its source.

- barnehageloven § 32: consent of everyone with parental responsibility before a vedtak of help;
- forvaltningsloven §§ 24–25: every vedtak gives its reasons;
- barnehageloven § 35: every departure from the sakkyndig vurdering is reasoned;
- forvaltningsloven § 42: a pending appeal does not stop help unless execution is deferred;
- the help-start rule: no start date on the vedtak means two weeks from the decision;
- forvaltningsloven § 29: the appeal period runs from when the parents got the vedtak.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Appeal, Decision
from referrals.models import Consent, Referral
from referrals.services import CaseError, consent_register
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.factories import GuardianFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)
DECIDED = date(2026, 11, 24)  # a Tuesday


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


def consent(case, world, on=DECIDED):
    given = set(
        case.consents.filter(purpose=Consent.Purpose.DECISION).values_list("guardian", flat=True)
    )
    for guardian in case.child.guardians.filter(parental_responsibility=True).exclude(pk__in=given):
        consent_register(
            referral_id=case.pk,
            guardian_id=guardian.pk,
            purpose=Consent.Purpose.DECISION,
            given_on=on,
            actor=world.advisor,
        )


def decide(case, world, **kw):
    values = dict(
        referral_id=case.pk,
        actor=world.office,
        decided_on=DECIDED,
        outcome="granted",
        hours_per_week=Decimal("5.0"),
        organisation="group",
        competence="special_educator",
        reason="Barnet trenger språkstimulering.",
    )
    values.update(kw)
    return services.decision_register(**values)


def assessed(world):
    return case_at("assessed", world=world)


# --- barnehageloven § 32 ---------------------------------------------------------------------


def test_a_vedtak_of_help_needs_every_parents_consent(world):
    case = assessed(world)
    with pytest.raises(CaseError) as error:
        decide(case, world)
    assert "§ 32" in str(error.value)
    assert not Decision.objects.filter(referral=case).exists()
    case.refresh_from_db()
    assert case.status == Referral.Status.ASSESSED


def test_a_vedtak_of_help_needs_the_second_parent_too(world):
    case = assessed(world)
    consent(case, world)
    GuardianFactory(child=case.child, parental_responsibility=True)
    with pytest.raises(CaseError):
        decide(case, world, outcome="partly")
    consent(case, world)
    assert decide(case, world, outcome="partly").outcome == "partly"


def test_a_refusal_needs_no_consent(world):
    case = assessed(world)
    decide(case, world, outcome="refused", deviation_reason="Behovet dekkes i barnehagen.")
    assert Decision.objects.get(referral=case).outcome == "refused"


def test_the_form_says_consent_is_missing(client, world):
    case = assessed(world)
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:decision_new", args=[case.pk]),
        {
            "decided_on": DECIDED.isoformat(),
            "outcome": "granted",
            "hours_per_week": "5",
            "organisation": "group",
            "competence": "special_educator",
            "reason": "Følger tilrådingen.",
        },
    )
    assert response.status_code == 422
    assert "barnehageloven § 32" in response.content.decode()
    assert not Decision.objects.filter(referral=case).exists()


# --- forvaltningsloven §§ 24–25, barnehageloven § 35 ------------------------------------------


def test_every_vedtak_gives_its_reasons(world):
    case = assessed(world)
    consent(case, world)
    with pytest.raises(CaseError) as error:
        decide(case, world, reason="  ")
    assert error.value.field == "reason"
    assert not Decision.objects.filter(referral=case).exists()


def test_the_form_requires_the_begrunnelse(client, world):
    case = assessed(world)
    consent(case, world)
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:decision_new", args=[case.pk]),
        {"decided_on": DECIDED.isoformat(), "outcome": "refused", "deviation_reason": "x"},
    )
    assert response.status_code == 422
    assert not Decision.objects.filter(referral=case).exists()


def test_a_refusal_where_help_is_recommended_needs_its_reason(world):
    case = assessed(world)
    with pytest.raises(CaseError) as error:
        decide(case, world, outcome="refused")
    assert error.value.field == "deviation_reason"
    decide(case, world, outcome="refused", deviation_reason="Behovet dekkes av tiltak i gruppa.")


@pytest.mark.parametrize(
    "change",
    [
        {"hours_per_week": Decimal("3.0")},
        {"organisation": "individual"},
        {"organisation": ""},
        {"competence": ""},
        {"competence": "assistant"},
    ],
)
def test_any_departure_from_the_assessment_needs_its_reason(world, change):
    case = assessed(world)
    consent(case, world)
    with pytest.raises(CaseError) as error:
        decide(case, world, **change)
    assert error.value.field == "deviation_reason"
    assert not Decision.objects.filter(referral=case).exists()
    decide(case, world, deviation_reason="Begrunnet avvik.", **change)


def test_a_missing_assistant_is_a_departure(world):
    case = assessed(world)
    case.assessment.__class__.objects.filter(referral=case).update(assistant_needed=True)
    consent(case, world)
    with pytest.raises(CaseError) as error:
        decide(case, world, assistant=False)
    assert error.value.field == "deviation_reason"
    decide(case, world, assistant=True)


def test_a_vedtak_that_follows_the_assessment_needs_no_deviation_reason(world):
    case = assessed(world)
    consent(case, world)
    assert decide(case, world).deviation_reason == ""


# --- forvaltningsloven § 42 --------------------------------------------------------------------


def appealed(world, *, deferred: bool):
    case = assessed(world)
    consent(case, world)
    decide(case, world)
    services.appeal_register(
        referral_id=case.pk,
        received_on=DECIDED + timedelta(days=3),
        actor=world.office,
        execution_deferred=deferred,
    )
    return case


def test_help_can_start_while_an_appeal_is_pending(world):
    case = appealed(world, deferred=False)
    services.help_start_register(referral_id=case.pk, started_on=TODAY, actor=world.office)
    case.refresh_from_db()
    assert case.status == Referral.Status.APPEALED  # until the appeal is decided
    assert case.decisions.get(superseded=False).help_started_on == TODAY
    appeal = Appeal.objects.get(decision__referral=case)
    services.appeal_update(
        appeal_id=appeal.pk,
        outcome="upheld",
        actor=world.office,
        sent_on=TODAY,
        outcome_on=TODAY,
    )
    case.refresh_from_db()
    assert case.status == Referral.Status.HELP_STARTED


def test_a_deferred_execution_blocks_help_start(world):
    case = appealed(world, deferred=True)
    with pytest.raises(CaseError) as error:
        services.help_start_register(referral_id=case.pk, started_on=TODAY, actor=world.office)
    assert "§ 42" in str(error.value)
    assert case.decisions.get(superseded=False).help_started_on is None


def test_the_appeal_form_records_a_deferral(client, world):
    case = assessed(world)
    consent(case, world)
    decide(case, world)
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:appeal_new", args=[case.pk]),
        {"received_on": TODAY.isoformat(), "execution_deferred": "on"},
    )
    assert response.status_code == 302
    assert Appeal.objects.get(decision__referral=case).execution_deferred


# --- the two-week help-start rule --------------------------------------------------------------


def test_an_empty_start_date_means_two_weeks_from_the_decision(world):
    case = assessed(world)
    consent(case, world)
    decision = decide(case, world, starts_on=None)
    assert decision.starts_on is None
    assert decision.ends_on == date(2027, 11, 23)  # a year from the decision
    due = case.deadlines.get(kind="help_start").due_on
    assert due == DECIDED + timedelta(days=14)


def test_a_start_date_on_the_vedtak_is_the_help_start_deadline(world):
    case = assessed(world)
    consent(case, world)
    decide(case, world, starts_on=date(2027, 1, 11))
    assert case.deadlines.get(kind="help_start").due_on == date(2027, 1, 11)


# --- forvaltningsloven § 29 --------------------------------------------------------------------


def test_the_appeal_period_runs_from_the_parents_notification(world):
    case = assessed(world)
    consent(case, world)
    decision = decide(case, world)
    assert services.appeal_deadline(decision) == DECIDED + timedelta(weeks=3)
    services.decision_notified_register(
        referral_id=case.pk, notified_on=date(2026, 11, 30), actor=world.office
    )
    decision.refresh_from_db()
    assert services.appeal_deadline(decision) == date(2026, 12, 21)
    assert case.events.filter(action="decision.notified").count() == 1


def test_the_notification_date_can_be_given_at_registration(world):
    case = assessed(world)
    consent(case, world)
    decision = decide(case, world, notified_on=date(2026, 11, 26))
    assert services.appeal_deadline(decision) == date(2026, 12, 17)


def test_a_notification_before_the_decision_is_refused(client, world):
    case = assessed(world)
    consent(case, world)
    decide(case, world)
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:decision_notified", args=[case.pk]),
        {"notified_on": (DECIDED - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 422
    assert "mellom vedtaksdatoen og i dag" in response.content.decode()
    assert case.decisions.get().notified_on is None
