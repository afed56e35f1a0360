"""The PP-leder's intake (referrals/views/intake.py): the received cases without an advisor of
the municipalities their PPT office serves; they open a case and assign it to an advisor of
their office. Another office's PP-leder gets 404; a double click assigns once; a case
assigned meanwhile is refused."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from referrals.access_log_models import AccessLogEntry
from referrals.models import CaseEvent, Referral
from teams.models import Role
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.factories import PPTOfficeFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


@pytest.fixture
def leader(world):
    user = UserFactory(email="lise@test.no", full_name="Lise Leder")
    RoleFactory(user=user, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    return user


@pytest.fixture
def other_leader(world):
    user = UserFactory(email="per@test.no", full_name="Per Annen")
    office = PPTOfficeFactory(name="PPT Fjern", municipalities=[world.other_municipality])
    RoleFactory(user=user, kind=Role.Kind.PPT_LEADER, ppt_office=office)
    return user


def _unassigned(world, **kwargs) -> Referral:
    case = case_at("received", world=world, **kwargs)
    Referral.objects.filter(pk=case.pk).update(advisor=None)
    return Referral.objects.get(pk=case.pk)


def test_the_pp_leder_sees_the_unassigned_received_cases(client, world, leader):
    waiting = _unassigned(world)
    south = _unassigned(world, unit=world.unit_b)
    assigned = case_at("received", world=world)
    elsewhere = _unassigned(world, unit=world.other_unit)
    client.force_login(leader)
    html = client.get(reverse("referrals:ppt_intake")).text
    assert waiting.reference in html and south.reference in html
    assert assigned.reference not in html and elsewhere.reference not in html
    # the office's advisors to choose from, not another office's
    assert world.advisor.full_name in html and world.outsider.full_name not in html
    assert 'href="/saker/inntak/"' in html or reverse("referrals:ppt_intake") in html  # nav


def test_a_case_waiting_for_consent_is_in_the_intake_a_decided_one_is_not(client, world, leader):
    waiting = case_at("awaiting_consent", world=world)
    Referral.objects.filter(pk=waiting.pk).update(advisor=None)
    draft = case_at("draft", world=world)  # not sent to PPT yet
    Referral.objects.filter(pk=draft.pk).update(advisor=None)
    assessed = case_at("assessed", world=world)
    Referral.objects.filter(pk=assessed.pk).update(advisor=None)
    client.force_login(leader)
    html = client.get(reverse("referrals:ppt_intake")).text
    assert waiting.reference in html
    assert draft.reference not in html and assessed.reference not in html


def test_the_pp_leder_opens_a_case_of_the_office_s_municipality_and_it_is_logged(
    client, world, leader
):
    case = _unassigned(world)
    client.force_login(leader)
    assert client.get(reverse("referrals:case_detail", args=[case.pk])).status_code == 200
    assert AccessLogEntry.objects.filter(user=leader, child_id=case.child_id, status=200).exists()


def test_another_office_s_pp_leder_gets_404(client, world, other_leader):
    case = _unassigned(world)
    client.force_login(other_leader)
    assert client.get(reverse("referrals:case_detail", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("referrals:ppt_intake_assign", args=[case.pk]),
        {"advisor": world.advisor.pk, "version": case.version},
    )
    assert response.status_code == 404
    listed = client.get(reverse("referrals:ppt_intake")).text
    assert reverse("referrals:case_detail", args=[case.pk]) not in listed


def test_others_may_not_use_the_intake(client, world):
    case = _unassigned(world)
    for user in (world.advisor, world.office, world.director):
        client.force_login(user)
        assert client.get(reverse("referrals:ppt_intake")).status_code == 403
        url = reverse("referrals:ppt_intake_assign", args=[case.pk])
        assert client.post(url, {"advisor": world.advisor.pk}).status_code == 403


def test_the_pp_leder_reads_cases_but_does_not_work_on_them(client, world, leader):
    case = _unassigned(world)
    client.force_login(leader)
    url = reverse("referrals:assessment_edit", args=[case.pk])
    assert client.get(url).status_code == 403


def _assign(client, case, advisor, once=None):
    # a fresh one-time token unless the test repeats one (the tokens live in Redis)
    once = once or uuid.uuid4().hex
    return client.post(
        reverse("referrals:ppt_intake_assign", args=[case.pk]),
        {"advisor": advisor.pk, "version": case.version, "once": once},
    )


def test_assigning_a_case_moves_it_to_the_advisor(client, world, leader):
    case = _unassigned(world)
    client.force_login(leader)
    response = _assign(client, case, world.advisor_south)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.advisor == world.advisor_south
    assert CaseEvent.objects.filter(
        referral=case, action="referral.assigned", actor=leader
    ).exists()
    listed = client.get(reverse("referrals:ppt_intake")).text
    assert reverse("referrals:case_detail", args=[case.pk]) not in listed


def test_a_double_click_assigns_once(client, world, leader):
    case = _unassigned(world)
    client.force_login(leader)
    token = uuid.uuid4().hex
    assert _assign(client, case, world.advisor, once=token).status_code == 302
    again = _assign(client, case, world.advisor, once=token)  # the same form, the same token
    assert again.status_code == 302
    assert CaseEvent.objects.filter(referral=case, action="referral.assigned").count() == 1


def test_a_case_assigned_meanwhile_is_refused(client, world, leader):
    case = _unassigned(world)
    client.force_login(leader)
    assert _assign(client, case, world.advisor, once=uuid.uuid4().hex).status_code == 302
    stale = _assign(client, case, world.advisor_south, once=uuid.uuid4().hex)  # the old version
    assert stale.status_code == 422
    assert "Saken er endret siden du åpnet listen" in stale.text
    case.refresh_from_db()
    assert case.advisor == world.advisor


def test_an_advisor_of_another_office_cannot_be_chosen(client, world, leader):
    case = _unassigned(world)
    client.force_login(leader)
    response = _assign(client, case, world.outsider)
    assert response.status_code == 422
    assert "Velg en rådgiver ved kontoret." in response.text
    case.refresh_from_db()
    assert case.advisor is None


@pytest.mark.parametrize("data", [{}, {"advisor": "x", "version": "y"}, {"version": "-1"}])
def test_bad_input_is_a_message_not_an_error(client, world, leader, data):
    case = _unassigned(world)
    client.force_login(leader)
    response = client.post(reverse("referrals:ppt_intake_assign", args=[case.pk]), data)
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.advisor is None


def test_the_intake_runs_a_fixed_number_of_queries(
    client, world, leader, django_assert_num_queries
):
    client.force_login(leader)

    def load(n):
        for _ in range(n):
            _unassigned(world)
        # session, user, roles, the page's keys with the count, the cases (child, unit, area,
        # municipality), the office's advisors
        with django_assert_num_queries(6):
            assert client.get(reverse("referrals:ppt_intake")).status_code == 200

    load(1)
    load(20)
