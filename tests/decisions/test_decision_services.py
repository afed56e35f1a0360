"""Decisions, provisional replies, appeals and help start through the services; the clock
follows every step."""

from datetime import date
from decimal import Decimal

import pytest

from decisions import services
from decisions.models import Decision
from referrals.models import Referral
from referrals.services import (
    CaseError,
    TransitionError,
    consent_register,
)
from tests.builders import case_at, decision_consent
from tests.factories import GuardianFactory

pytestmark = pytest.mark.django_db


def deadlines(case):
    return {d.kind: d for d in case.deadlines.all()}


def decide(case, world, consent=True, **kw):
    if consent and kw.get("outcome", "granted") != "refused":
        decided_on = kw.get("decided_on", date(2026, 11, 24))
        decision_consent(case.pk, world.advisor, given_on=min(decided_on, date(2026, 11, 24)))
    values = dict(
        reason="Følger tilrådingen.",
        referral_id=case.pk,
        actor=world.office,
        decided_on=date(2026, 11, 24),
        outcome="granted",
        hours_per_week=Decimal("5.0"),
        organisation="group",
        competence="special_educator",
    )
    values.update(kw)
    return services.decision_register(**values)


def test_a_provisional_reply_meets_its_deadline(world):
    case = case_at("received", world=world)
    services.provisional_reply_register(
        referral_id=case.pk,
        sent_on=date(2026, 11, 24),
        reason="Utredning pågår.",
        expected_decision_on=date(2027, 1, 20),
        actor=world.office,
    )
    assert deadlines(case)["provisional_reply"].met_on == date(2026, 11, 24)
    case.refresh_from_db()
    assert case.next_deadline_kind == "assessment"


def test_a_decision_needs_a_completed_assessment(world):
    case = case_at("received", world=world)
    with pytest.raises(TransitionError):
        decide(case, world)
    assert not Decision.objects.exists()


def test_a_decision_following_the_assessment_moves_the_case_and_meets_the_decision_deadline(world):
    case = case_at("assessed", world=world)
    decision = decide(case, world)
    case.refresh_from_db()
    assert case.status == Referral.Status.DECIDED
    # Issue 18: an empty start date stays empty (it used to become the decision day, so the
    # two-week help-start rule never applied); the help-start deadline is two weeks later.
    assert decision.starts_on is None
    assert decision.ends_on == date(2027, 11, 23)  # one year by default
    d = deadlines(case)
    assert d["decision"].met_on == date(2026, 11, 24)
    assert d["provisional_reply"].met_on == date(2026, 11, 24)
    assert d["help_start"].due_on == date(2026, 12, 8)
    assert d["renewal"].due_on == date(2027, 8, 23)
    assert case.events.filter(action="decision.registered").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"hours_per_week": Decimal("3.0")},
        {"organisation": "individual"},
        {"competence": "pedagogue"},
    ],
)
def test_a_decision_that_deviates_from_the_assessment_demands_a_reason(world, change):
    case = case_at("assessed", world=world)
    with pytest.raises(CaseError) as exc:
        decide(case, world, **change)
    assert exc.value.field == "deviation_reason"
    assert not Decision.objects.exists()
    decide(
        case, world, deviation_reason="Kommunen vurderer at færre timer i gruppe er nok.", **change
    )
    assert Decision.objects.count() == 1


def test_a_refusal_needs_no_hours_and_has_no_help_deadlines(world):
    case = case_at("assessed", world=world)
    # Issue 18 (barnehageloven § 35): refusing the help the assessment recommends is a
    # departure that needs its reason.
    decide(case, world, outcome="refused", hours_per_week=None, deviation_reason="Begrunnet.")
    assert "help_start" not in deadlines(case)


def test_help_can_start_only_with_consent_from_everyone_with_parental_responsibility(world):
    # Issue 18 (barnehageloven § 32): the consent is checked at the vedtak, not first at help
    # start; this test registered the vedtak without it (the bug) and now shows it refused.
    case = case_at("assessed", world=world)
    second = GuardianFactory(child=case.child, relation="father", lives_with_child=False)
    first = case.child.guardians.exclude(pk=second.pk).get()
    consent_register(
        referral_id=case.pk,
        guardian_id=first.pk,
        purpose="decision",
        given_on=date(2026, 11, 24),
        actor=world.advisor,
    )
    with pytest.raises(CaseError, match="Alle med foreldreansvar"):
        decide(case, world, consent=False)
    consent_register(
        referral_id=case.pk,
        guardian_id=second.pk,
        purpose="decision",
        given_on=date(2026, 11, 24),
        actor=world.advisor,
    )
    decide(case, world, consent=False)
    services.help_start_register(
        referral_id=case.pk, started_on=date(2026, 11, 25), actor=world.office
    )
    case.refresh_from_db()
    assert case.status == Referral.Status.HELP_STARTED
    d = deadlines(case)
    assert d["help_start"].met_on == date(2026, 11, 25)
    assert d["annual_report"].due_on == date(2027, 11, 25)


def test_an_appeal_is_registered_sent_on_and_upheld(world):
    case = case_at("assessed", world=world)
    decision = decide(case, world)
    assert services.appeal_deadline(decision) == date(2026, 12, 15)
    appeal = services.appeal_register(
        referral_id=case.pk, received_on=date(2026, 11, 25), actor=world.office
    )
    case.refresh_from_db()
    assert case.status == Referral.Status.APPEALED
    services.appeal_update(
        appeal_id=appeal.pk, outcome="sent", sent_on=date(2026, 11, 25), actor=world.office
    )
    services.appeal_update(
        appeal_id=appeal.pk, outcome="upheld", outcome_on=date(2026, 11, 25), actor=world.office
    )
    case.refresh_from_db()
    assert case.status == Referral.Status.DECIDED


def test_a_new_decision_after_an_appeal_supersedes_the_old_one(world):
    case = case_at("assessed", world=world)
    first = decide(case, world)
    services.appeal_register(
        referral_id=case.pk, received_on=date(2026, 11, 25), actor=world.office
    )
    second = decide(
        case, world, hours_per_week=Decimal("8.0"), deviation_reason="Klagen tatt til følge."
    )
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    case.refresh_from_db()
    assert case.status == Referral.Status.DECIDED


def test_a_future_decision_date_is_refused(world):
    case = case_at("assessed", world=world)
    with pytest.raises(CaseError) as exc:
        decide(case, world, decided_on=date(2099, 1, 1))
    assert exc.value.field == "decided_on"


def test_policy_rows_override_the_defaults_per_municipality(world):
    from decisions.models import DeadlinePolicy

    services.deadline_policy_ensure_defaults(world.municipality)
    # one per kind: the appeal's own deadline (forvaltningsloven § 33) is the seventh, the
    # spring flag before school start (issue 19, decisions/transition.py) the eighth
    assert DeadlinePolicy.objects.filter(municipality=world.municipality).count() == 8
    DeadlinePolicy.objects.filter(municipality=world.municipality, kind="decision").update(months=2)
    case = case_at("received", world=world)
    assert deadlines(case)["decision"].due_on == date(2026, 12, 28)


def test_the_admin_lists_and_edits_deadline_policies(client, world):
    from decisions.models import DeadlinePolicy

    services.deadline_policy_ensure_defaults(world.municipality)
    services.deadline_policy_ensure_defaults(world.other_municipality)
    admin_user = world.admin
    admin_user.is_staff = True  # a systemansvarlig, not a superuser (issue 16)
    admin_user.save()
    client.force_login(admin_user)
    response = client.get("/admin/decisions/deadlinepolicy/")
    assert response.status_code == 200
    assert "Forvaltningsloven § 11 a" in response.text
    assert DeadlinePolicy.objects.count() == 16
    # Only their own municipality's eight rules are listed.
    assert {p.municipality_id for p in response.context["cl"].result_list} == {
        world.municipality.pk
    }
