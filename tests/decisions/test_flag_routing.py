"""Flags go to the deadline's owner (decisions.flagging.FLAG_OWNERS): PPT's sakkyndig vurdering
(barnehageloven § 34) to the case's advisor, or without one to the PP-leder of the PPT office
serving the municipality; the municipality's kinds (§ 35: it decides and sees the help given)
to the office. An acknowledged flag stays out of the next digests until its deadline reaches
a new level."""

from datetime import date, timedelta

import pytest
from django.core import mail

from decisions import flagging
from decisions.flagging import FLAG_OWNERS, Owner, flag_owner
from decisions.models import Deadline, DeadlineFlag, Notification
from decisions.tasks import flag_deadlines, send_notification
from referrals.clock import DeadlineKind
from referrals.models import Referral
from teams.models import Role
from tests.builders import case_at
from tests.factories import PPTOfficeFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)

EXPECTED = {
    DeadlineKind.ASSESSMENT: Owner.PPT,
    DeadlineKind.PROVISIONAL_REPLY: Owner.OFFICE,
    DeadlineKind.DECISION: Owner.OFFICE,
    DeadlineKind.HELP_START: Owner.OFFICE,
    DeadlineKind.RENEWAL: Owner.OFFICE,
    DeadlineKind.ANNUAL_REPORT: Owner.OFFICE,
    DeadlineKind.APPEAL: Owner.OFFICE,
    DeadlineKind.DELIVERY: Owner.OFFICE,
    # Issue 19: PPT prepares the school case (opplæringslova § 11-7).
    DeadlineKind.SCHOOL_START: Owner.PPT,
}


def test_every_kind_of_the_clock_has_its_expected_owner():
    assert set(EXPECTED) == set(DeadlineKind), "a new kind: add its owner to EXPECTED"


@pytest.mark.parametrize("kind", sorted(DeadlineKind))
def test_each_kind_names_its_owner_and_its_legal_source(kind):
    assert flag_owner(kind) == EXPECTED[kind]
    assert "§" in FLAG_OWNERS[kind].source


def test_a_kind_the_table_does_not_know_is_the_office_s():
    # referrals.clock may gain kinds (the delivery check): the municipality owns the help.
    assert flag_owner("a_future_kind") == Owner.OFFICE
    assert "§ 35" in flagging.DEFAULT_OWNERSHIP.source


def test_the_assessment_is_ppt_s_by_barnehageloven_34():
    assert FLAG_OWNERS[DeadlineKind.ASSESSMENT].source.startswith("barnehageloven § 34")


@pytest.fixture
def leaders(world):
    leader = UserFactory(email="lise@test.no", full_name="Lise Leder")
    RoleFactory(user=leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    other = UserFactory(email="per@test.no", full_name="Per Annen")
    RoleFactory(
        user=other,
        kind=Role.Kind.PPT_LEADER,
        ppt_office=PPTOfficeFactory(name="PPT Fjern", municipalities=[world.other_municipality]),
    )
    return leader, other


def _only_due(case, kind: str, *, due_on: date = TODAY + timedelta(days=5)) -> Deadline:
    """The case's clock with one deadline of ``kind`` in its warning window, the rest met."""
    Deadline.objects.filter(referral=case).update(met_on=TODAY - timedelta(days=1))
    deadline, _created = Deadline.objects.update_or_create(
        referral=case,
        kind=kind,
        defaults={"due_on": due_on, "warn_on": due_on - timedelta(days=14), "met_on": None},
    )
    return deadline


def _told() -> dict:
    return {
        n.recipient.email: sorted(f.deadline.kind for f in n.flags.all())
        for n in Notification.objects.select_related("recipient").prefetch_related(
            "flags__deadline"
        )
    }


@pytest.mark.parametrize("kind", [*sorted(DeadlineKind), "delivery"])
def test_the_morning_job_tells_the_owner_of_each_kind(world, leaders, kind):
    case = case_at("received", world=world)
    _only_due(case, kind)
    flagging.detect(TODAY)
    if flag_owner(kind) == Owner.PPT:
        assert _told() == {world.advisor.email: [kind]}
    else:
        assert _told() == {world.office.email: [kind]}


def test_an_assessment_without_an_advisor_goes_to_the_office_s_pp_leder(world, leaders):
    leader, other_leader = leaders
    case = case_at("received", world=world)
    Referral.objects.filter(pk=case.pk).update(advisor=None)
    _only_due(case, DeadlineKind.ASSESSMENT)
    flagging.detect(TODAY)
    assert _told() == {leader.email: ["assessment"]}  # not the other office's PP-leder


def test_an_assessment_whose_advisor_has_left_goes_to_the_pp_leder(world, leaders):
    leader, _other = leaders
    case = case_at("received", world=world)
    world.advisor.is_active = False
    world.advisor.save(update_fields=["is_active"])
    _only_due(case, DeadlineKind.ASSESSMENT)
    flagging.detect(TODAY)
    assert _told() == {leader.email: ["assessment"]}


def test_a_day_with_both_kinds_splits_the_digests(world, leaders):
    case_at("received", world=world)  # 28.10: reply due 30.11, assessment 28.12
    flagging.detect(date(2026, 12, 20))
    assert _told() == {
        world.advisor.email: ["assessment"],
        world.office.email: ["provisional_reply"],
    }


def _acknowledge(kind: str) -> None:
    flag = DeadlineFlag.objects.filter(deadline__kind=kind).order_by("-pk").first()
    flag.acknowledged_by = flag.deadline.referral.advisor
    flag.acknowledged_at = flag.created_at
    flag.comment = "Ringt foreldrene."
    flag.save()


def _morning(day: date) -> list[str]:
    """One morning against PostgreSQL and the Celery tasks (run in place): the flag job,
    then each queued digest sent. Returns the recipients mailed."""
    mail.outbox.clear()
    result = flag_deadlines.apply(kwargs={"day": day.isoformat()}).get()
    for note_id in result["notifications"]:
        send_notification.apply(args=[note_id])
    return sorted(to for message in mail.outbox for to in message.to)


def test_an_acknowledged_flag_stays_out_of_the_next_digest_until_it_is_overdue(world):
    case = case_at("received", world=world)
    _only_due(case, DeadlineKind.ASSESSMENT, due_on=date(2026, 12, 1))
    assert _morning(TODAY) == [world.advisor.email]
    _acknowledge("assessment")
    # the next morning: the same (acknowledged) approaching flag, no digest
    assert _morning(TODAY + timedelta(days=1)) == []
    assert not Notification.objects.filter(day=TODAY + timedelta(days=1)).exists()
    # overdue: a new flag, not acknowledged, in the digest again
    assert _morning(date(2026, 12, 2)) == [world.advisor.email]
    assert "overdue" in DeadlineFlag.objects.filter(
        notifications__day=date(2026, 12, 2)
    ).values_list("level", flat=True)


def test_a_flag_acknowledged_between_detect_and_send_is_not_mailed(world):
    case = case_at("received", world=world)
    _only_due(case, DeadlineKind.DECISION)
    note_id = flagging.detect(TODAY).notification_ids[0]
    _acknowledge("decision")
    assert flagging.deliver(note_id) is False
    assert Notification.objects.get().status == Notification.Status.CANCELLED


def test_the_advisor_s_digest_links_to_their_caseload(world):
    case = case_at("received", world=world)
    _only_due(case, DeadlineKind.ASSESSMENT)
    note_id = flagging.detect(TODAY).notification_ids[0]
    assert flagging.deliver(note_id) is True
    assert "/saker/" in mail.outbox[0].body and "saksoversikten" in mail.outbox[0].body.lower()


def test_the_pp_leder_s_digest_links_to_the_intake(world, leaders):
    leader, _other = leaders
    case = case_at("received", world=world)
    Referral.objects.filter(pk=case.pk).update(advisor=None)
    _only_due(case, DeadlineKind.ASSESSMENT)
    note_id = flagging.detect(TODAY).notification_ids[0]
    assert flagging.deliver(note_id) is True
    (message,) = mail.outbox
    assert message.to == [leader.email]
    assert "/saker/inntak/" in message.body and case.reference in message.body


def test_the_advisor_opens_their_digest_in_rimelig(client, world):
    from django.urls import reverse

    case = case_at("received", world=world)
    _only_due(case, DeadlineKind.ASSESSMENT)
    note_id = flagging.detect(TODAY).notification_ids[0]
    client.force_login(world.advisor)
    response = client.get(reverse("decisions:notification_detail", args=[note_id]))
    assert response.status_code == 200
    assert case.reference in response.text
    client.force_login(world.office)  # not theirs
    assert client.get(reverse("decisions:notification_detail", args=[note_id])).status_code == 404
