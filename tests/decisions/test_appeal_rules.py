"""Appeals (forvaltningsloven §§ 28–29, 33–34): an appeal decided by Statsforvalteren carries
the date it was sent and the date it was decided, in order, none in the future; and the office's
handling of an appeal has a deadline of its own (the municipality's policy: three weeks from the
appeal's arrival to its forwarding or the office's own reversal)."""

from datetime import date

import pytest
from django.urls import reverse

from decisions import services
from decisions.forms import AppealUpdateForm
from decisions.models import Appeal, DeadlinePolicy
from referrals.models import Referral
from referrals.services import CaseError
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.decisions.test_decision_services import decide

pytestmark = pytest.mark.django_db

RECEIVED_ON = date(2026, 11, 25)
TODAY = date(2026, 12, 20)


@pytest.fixture
def appeal(world):
    case = case_at("assessed", world=world)
    decide(case, world)
    with frozen_today(RECEIVED_ON):
        return services.appeal_register(
            referral_id=case.pk, received_on=RECEIVED_ON, actor=world.office
        )


def _update(appeal, world, **values):
    with frozen_today(TODAY):
        return services.appeal_update(appeal_id=appeal.pk, actor=world.office, **values)


@pytest.mark.parametrize("outcome", ["upheld", "changed", "remanded"])
def test_statsforvalterens_outcome_needs_the_date_sent(world, appeal, outcome):
    with pytest.raises(CaseError) as error:
        _update(appeal, world, outcome=outcome, outcome_on=date(2026, 12, 18))
    assert error.value.field == "sent_on"
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.PENDING  # nothing saved


@pytest.mark.parametrize("outcome", ["upheld", "changed", "remanded"])
def test_statsforvalterens_outcome_needs_the_date_decided(world, appeal, outcome):
    with pytest.raises(CaseError) as error:
        _update(appeal, world, outcome=outcome, sent_on=date(2026, 12, 1))
    assert error.value.field == "outcome_on"


@pytest.mark.parametrize(
    ("outcome", "sent_on", "outcome_on", "field"),
    [
        ("upheld", date(2026, 11, 20), date(2026, 12, 18), "sent_on"),  # before it came in
        ("upheld", date(2026, 12, 10), date(2026, 12, 5), "outcome_on"),  # before it was sent
        ("upheld", date(2026, 12, 10), date(2026, 12, 21), "outcome_on"),  # tomorrow
        ("sent", date(2026, 12, 21), None, "sent_on"),  # sent tomorrow
        ("reversed", None, date(2026, 11, 24), "outcome_on"),  # before it came in
    ],
)
def test_the_dates_follow_the_appeals_path(world, appeal, outcome, sent_on, outcome_on, field):
    with pytest.raises(CaseError) as error:
        _update(appeal, world, outcome=outcome, sent_on=sent_on, outcome_on=outcome_on)
    assert error.value.field == field


def test_upheld_with_both_dates_in_order_puts_the_case_back_to_decided(world, appeal):
    _update(appeal, world, outcome="sent", sent_on=date(2026, 12, 1))
    # the date sent registered earlier stands
    _update(appeal, world, outcome="upheld", outcome_on=date(2026, 12, 18))
    appeal.refresh_from_db()
    assert (appeal.sent_on, appeal.outcome_on) == (date(2026, 12, 1), date(2026, 12, 18))
    assert appeal.decision.referral.status == Referral.Status.DECIDED


def test_a_reversal_by_the_office_needs_its_date(world, appeal):
    with pytest.raises(CaseError) as error:
        _update(appeal, world, outcome="reversed")
    assert error.value.field == "outcome_on"
    _update(appeal, world, outcome="reversed", outcome_on=date(2026, 12, 2))


def test_the_form_says_which_date_is_missing_at_the_field():
    form = AppealUpdateForm({"outcome": "upheld"})
    assert not form.is_valid()
    assert set(form.errors) == {"sent_on", "outcome_on"}
    form = AppealUpdateForm(
        {"outcome": "upheld", "sent_on": "2026-11-10", "outcome_on": "2026-11-05"}
    )
    assert not form.is_valid()
    assert "før den ble sendt" in form.errors["outcome_on"][0]


def test_the_update_page_answers_422_with_the_message_at_the_field(client, world, appeal):
    with frozen_today(TODAY):
        client.force_login(world.office)
        response = client.post(
            reverse("decisions:appeal_update", args=[appeal.pk]), {"outcome": "upheld"}
        )
    assert response.status_code == 422
    assert "Oppgi datoen klagen ble sendt til Statsforvalteren." in response.text
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.PENDING


# --- the appeal's own deadline (forvaltningsloven § 33) ------------------------------------


def _appeal_deadline(appeal):
    return appeal.decision.referral.deadlines.get(kind="appeal")


def test_a_received_appeal_is_due_three_weeks_later(world, appeal):
    deadline = _appeal_deadline(appeal)
    assert deadline.due_on == date(2026, 12, 16)  # 25.11 + 21 days, a Wednesday
    assert deadline.met_on is None


def test_sending_the_appeal_to_statsforvalteren_meets_it(world, appeal):
    _update(appeal, world, outcome="sent", sent_on=date(2026, 12, 18))
    deadline = _appeal_deadline(appeal)
    assert deadline.met_on == date(2026, 12, 18)  # two days late


def test_the_offices_own_reversal_meets_it(world, appeal):
    _update(appeal, world, outcome="reversed", outcome_on=date(2026, 12, 2))
    assert _appeal_deadline(appeal).met_on == date(2026, 12, 2)


def test_the_policy_carries_the_legal_reference_and_its_days(world):
    services.deadline_policy_ensure_defaults(world.municipality)
    policy = DeadlinePolicy.objects.get(municipality=world.municipality, kind="appeal")
    assert (policy.months, policy.days) == (0, 21)
    assert "Forvaltningsloven § 33" in policy.legal_reference
    assert "så snart saken er tilrettelagt" in policy.legal_reference


def test_a_municipalitys_own_appeal_days_are_used(world):
    services.deadline_policy_ensure_defaults(world.municipality)
    DeadlinePolicy.objects.filter(municipality=world.municipality, kind="appeal").update(days=14)
    case = case_at("assessed", world=world)
    decide(case, world)
    with frozen_today(RECEIVED_ON):
        services.appeal_register(referral_id=case.pk, received_on=RECEIVED_ON, actor=world.office)
    assert case.deadlines.get(kind="appeal").due_on == date(2026, 12, 9)
