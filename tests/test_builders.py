"""tests.builders.case_at builds every stage through the services: the status each stage
names, the clock the services start, and the rows a later stage needs."""

from datetime import date

import pytest

from decisions.models import Appeal
from referrals.models import Referral
from tests.builders import STAGES, case_at

S = Referral.Status
STATUS = {
    "draft": S.DRAFT,
    "awaiting_consent": S.AWAITING_CONSENT,
    "received": S.RECEIVED,
    "assessing": S.ASSESSING,
    "assessed": S.ASSESSED,
    "decided": S.DECIDED,
    "help_started": S.HELP_STARTED,
    "appealed": S.APPEALED,
    "withdrawn": S.WITHDRAWN,
    "paused": S.RECEIVED,
}


@pytest.mark.parametrize("stage", STAGES)
def test_case_at_builds_each_stage_through_the_services(world, stage):
    case = case_at(stage, world=world)
    assert case.status == STATUS[stage]
    assert case.unit == world.unit_a and case.advisor == world.advisor
    clock_runs = stage not in {"draft", "awaiting_consent"}
    assert (case.t0 == date(2026, 10, 28)) is clock_runs
    assert case.pauses.filter(ended_on__isnull=True).exists() is (stage == "paused")
    if stage in {"decided", "help_started", "appealed"}:
        decision = case.decisions.get()
        assert decision.decided_on == date(2026, 11, 24)
        assert (decision.help_started_on is not None) is (stage == "help_started")
    assert Appeal.objects.filter(decision__referral=case).exists() is (stage == "appealed")


def test_case_at_takes_the_unit_the_child_and_the_day(world):
    first = case_at("withdrawn", world=world, unit=world.unit_b, on=date(2026, 9, 1))
    again = case_at("received", world=world, child=first.child, on=date(2026, 9, 20))
    assert first.unit == world.unit_b and again.child == first.child
    assert again.t0 == date(2026, 9, 20) and first.child.guardians.count() == 1


def test_an_unknown_stage_is_refused(world):
    with pytest.raises(ValueError, match="unknown stage"):
        case_at("closed", world=world)


def test_the_decisions_and_ressursteam_factories_make_consistent_rows(db):
    from tests.support import factories_decisions as d
    from tests.support import factories_ressursteam as r

    flag = d.DeadlineFlagFactory()
    appeal = d.AppealFactory()
    reply = d.ProvisionalReplyFactory()
    flag.deadline.refresh_from_db()  # the case's scope is copied by a trigger (case_scope_fields)
    appeal.refresh_from_db()
    assert flag.deadline.unit == flag.deadline.referral.unit
    assert appeal.received_on > appeal.decision.decided_on
    assert appeal.municipality == appeal.decision.referral.municipality
    assert reply.expected_decision_on > reply.sent_on
    consultation = r.AnonymousConsultationFactory()
    follow_up = r.FollowUpFactory(meeting=consultation.meeting)
    assert follow_up.due_on > consultation.meeting.held_on
    assert r.TeamMemberFactory().unit and r.SystemWorkFactory().hours
    assert r.ServiceFactory().municipality
