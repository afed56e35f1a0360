"""Need-to-know after a move (issue 16, deliverable 4): a styrer sees a child only while the
child is at one of their units; after a move, only the cases of their unit that are still
open, without the new unit, the full identity number or the guardians' contact details."""

import pytest
from django.urls import reverse

from referrals.models import Referral
from referrals.scoping import sees_child_in_full, visible_children, visible_referrals
from referrals.services import child_update, guardian_update
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory, RoleFactory

NEW_PHONE = "41234567"
NEW_ADDRESS = "Nyveien 7, 9999 Bergtun"


@pytest.fixture
def moved(world):
    """A child of unit A with a closed and an open case from unit A, who then moved to unit B
    (the move and the guardian's new address and phone entered by the advisor)."""
    child = ChildFactory(unit=world.unit_a, first_name="Mia", last_name="Flytter")
    guardian = GuardianFactory(child=child, name="Mor Flytter", phone="90000000")
    closed = ReferralFactory(child=child, status=Referral.Status.CLOSED, created_by=world.advisor)
    open_case = ReferralFactory(
        child=child, status=Referral.Status.RECEIVED, created_by=world.advisor
    )
    child_update(child_id=child.pk, version=child.version, actor=world.advisor, unit=world.unit_b)
    guardian.refresh_from_db()
    guardian_update(
        guardian_id=guardian.pk,
        version=guardian.version,
        actor=world.advisor,
        phone=NEW_PHONE,
        address=NEW_ADDRESS,
    )
    child.refresh_from_db()
    return child, closed, open_case


def _page(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(name, args=[pk]))


def test_closed_case_of_a_moved_child_is_404_for_the_old_styrer(client, world, moved):
    child, closed, _open = moved
    assert _page(client, world.styrer_a, "referrals:case_detail", closed.pk).status_code == 404
    assert _page(client, world.styrer_a, "referrals:case_history", closed.pk).status_code == 404
    assert _page(client, world.styrer_a, "decisions:case_clock", closed.pk).status_code == 404


def test_open_case_of_a_moved_child_is_shown_without_new_unit_id_or_contact(client, world, moved):
    child, _closed, open_case = moved
    response = _page(client, world.styrer_a, "referrals:case_detail", open_case.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert child.full_name in page
    assert child.id_number not in page
    assert child.masked_id_number in page
    assert world.unit_b.name not in page
    assert NEW_PHONE not in page and NEW_ADDRESS not in page
    assert "Barnet går ikke lenger ved din enhet" in page
    assert response.context["limited"] is True


def test_history_tab_of_the_limited_case_hides_the_move_and_contact(client, world, moved):
    _child, _closed, open_case = moved
    response = _page(client, world.styrer_a, "referrals:case_history", open_case.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert world.unit_b.name not in page
    assert NEW_PHONE not in page and NEW_ADDRESS not in page


def test_child_page_of_a_moved_child_is_limited_while_a_case_is_open(client, world, moved):
    child, _closed, open_case = moved
    response = _page(client, world.styrer_a, "referrals:child_detail", child.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert child.id_number not in page
    assert world.unit_b.name not in page
    assert NEW_PHONE not in page and NEW_ADDRESS not in page
    # only the open case of the styrer's unit is listed
    assert [r.pk for r in response.context["referrals"]] == [open_case.pk]


def test_once_the_last_case_closes_the_moved_child_is_404_for_the_old_styrer(client, world, moved):
    child, _closed, open_case = moved
    Referral.objects.filter(pk=open_case.pk).update(status=Referral.Status.CLOSED)
    assert _page(client, world.styrer_a, "referrals:child_detail", child.pk).status_code == 404
    assert _page(client, world.styrer_a, "referrals:case_detail", open_case.pk).status_code == 404
    assert not visible_children(world.styrer_a).filter(pk=child.pk).exists()


def test_the_new_styrer_sees_the_child_in_full_but_not_the_old_units_cases(client, world, moved):
    child, closed, open_case = moved
    response = _page(client, world.styrer_b, "referrals:child_detail", child.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert child.id_number in page and world.unit_b.name in page and NEW_PHONE in page
    assert response.context["referrals"] == []
    assert _page(client, world.styrer_b, "referrals:case_detail", open_case.pk).status_code == 404


def test_advisor_and_office_see_the_moved_child_in_full(client, world, moved):
    child, closed, open_case = moved
    for persona in (world.advisor, world.office):
        assert _page(client, persona, "referrals:case_detail", closed.pk).status_code == 200
        response = _page(client, persona, "referrals:case_detail", open_case.pk)
        assert response.context["limited"] is False
        assert world.unit_b.name in response.content.decode()


def test_a_styrer_whose_child_stays_sees_closed_cases_in_full(client, world):
    child = ChildFactory(unit=world.unit_a)
    GuardianFactory(child=child, phone=NEW_PHONE)
    closed = ReferralFactory(child=child, status=Referral.Status.CLOSED, created_by=world.advisor)
    response = _page(client, world.styrer_a, "referrals:case_detail", closed.pk)
    assert response.status_code == 200 and response.context["limited"] is False
    response = _page(client, world.styrer_a, "referrals:child_detail", child.pk)
    assert child.id_number in response.content.decode()


def test_lists_leave_out_the_closed_cases_of_a_moved_child(client, world, moved):
    child, closed, open_case = moved
    ids = set(visible_referrals(world.styrer_a).values_list("pk", flat=True))
    assert ids == {open_case.pk}
    client.force_login(world.styrer_a)
    response = client.get(reverse("referrals:caseload"), {"tilstand": "alle"})
    shown = {row.pk for row in response.context["page"]}
    assert closed.pk not in shown and open_case.pk in shown
    response = client.get(reverse("referrals:unit_caseload"))
    assert [row.pk for row in response.context["page"]] == [open_case.pk]


def test_a_styrer_who_is_also_the_advisor_of_the_new_unit_sees_in_full(world, moved):
    child, closed, _open = moved
    RoleFactory(user=world.styrer_a, kind="advisor", ppt_office=world.office_ppt)
    world.styrer_a._rimelig_roles = None  # the roles changed: read them again
    assert sees_child_in_full(world.styrer_a, child)
    assert visible_referrals(world.styrer_a).filter(pk=closed.pk).exists()
    assert not sees_child_in_full(world.styrer_b, ChildFactory(unit=world.unit_a))
