"""Registering a child by identity number (issue 16, deliverable 4): a number of a child
outside the advisor's areas confirms nothing, is logged and goes to the PPT leaders; every
user's identity-number lookups are limited per hour."""

import random
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from referrals.access_log import AccessLogEntry
from referrals.idnumber import generate_synthetic
from referrals.models import Child
from referrals.registration_requests import LOOKUPS_PER_HOUR, registration_request_notify
from teams.models import Role
from tests.factories import ChildFactory, ReferralFactory, RoleFactory, UserFactory

_rng = random.Random(16)


def _new_number() -> str:
    return generate_synthetic(date(2021, 3, 1) + timedelta(days=_rng.randrange(900)), _rng)


def _post(client, unit, id_number, first_name="Ukjent"):
    return client.post(
        reverse("referrals:child_new"),
        {
            "unit": unit.pk,
            "id_number": id_number,
            "first_name": first_name,
            "last_name": "Navnesen",
            "sex": "female",
            "mother_tongue": "norsk",
        },
    )


@pytest.fixture
def north_child(world):
    """A PPT client in unit A (area north), which advisor_south may not see."""
    child = ChildFactory(unit=world.unit_a, first_name="Hemmelig", last_name="Klient")
    ReferralFactory(child=child, created_by=world.advisor)
    return child


def _without_token(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_a_known_number_outside_the_areas_confirms_nothing(client, world, north_child):
    client.force_login(world.advisor_south)
    response = _post(client, world.unit_b, north_child.id_number)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Barnet kan ikke registreres herfra." in page
    for secret in ("Hemmelig", "Klient", north_child.id_number, "registrert i kommunen"):
        assert secret not in page
    assert "PPT-klient" not in page and world.unit_a.name not in page
    assert Child.objects.count() == 1
    # The page does not depend on which child it was: no trace of the child in it.
    other = ChildFactory(unit=world.unit_a, first_name="Annen", last_name="Klient")
    again = _post(client, world.unit_b, other.id_number)
    assert _without_token(again.content.decode()) == _without_token(page)


def test_the_attempt_is_a_denied_row_under_the_child(client, world, north_child):
    client.force_login(world.advisor_south)
    _post(client, world.unit_b, north_child.id_number)

    [row] = AccessLogEntry.objects.all()
    assert (row.user, row.action, row.object_type, row.object_id, row.child_id) == (
        world.advisor_south,
        "denied",
        "child",
        north_child.pk,
        north_child.pk,
    )
    assert row.path == reverse("referrals:child_new")


def test_the_request_goes_to_the_ppt_leaders_without_the_childs_name(
    client, world, north_child, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    leader = UserFactory(email="leder@test.no", full_name="Lena Leder")
    RoleFactory(user=leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    queued = []
    monkeypatch.setattr(registration_request_notify, "delay", lambda *a: queued.append(a))
    client.force_login(world.advisor_south)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world.unit_b, north_child.id_number)

    [args] = queued
    assert registration_request_notify(*args) == 1
    [mail] = mailoutbox
    assert mail.to == ["leder@test.no"]
    row = AccessLogEntry.objects.get()
    assert f"rad {row.pk}" in mail.body and world.advisor_south.email in mail.body
    for secret in ("Hemmelig", "Klient", north_child.id_number):
        assert secret not in mail.body and secret not in mail.subject


def test_a_known_number_the_advisor_may_see_still_opens_the_childs_page(client, world, north_child):
    client.force_login(world.advisor)
    response = _post(client, world.unit_a, north_child.id_number)
    assert response["Location"] == reverse("referrals:child_detail", args=[north_child.pk])
    assert not AccessLogEntry.objects.filter(action="denied").exists()


def test_identity_number_lookups_are_limited_per_user_and_hour(client, world):
    client.force_login(world.advisor)
    with time_machine.travel("2026-11-25 09:00 +01:00", tick=False) as traveller:
        for _ in range(LOOKUPS_PER_HOUR):
            assert _post(client, world.unit_a, _new_number()).status_code == 302
        refused_number = _new_number()
        response = _post(client, world.unit_a, refused_number)

        assert response.status_code == 429
        assert "Du har slått opp mange fødselsnumre" in response.content.decode()
        assert not Child.objects.filter(id_number=refused_number).exists()  # no lookup made
        row = AccessLogEntry.objects.get(action="denied")
        assert (row.object_type, row.status, row.user) == ("child", 429, world.advisor)
        # another user is not held back by this one
        client.force_login(world.advisor_south)
        assert _post(client, world.unit_b, _new_number()).status_code == 302
        # the next hour the advisor may look up again
        traveller.shift(timedelta(hours=1))
        client.force_login(world.advisor)
        assert _post(client, world.unit_a, refused_number).status_code == 302


def test_changing_a_childs_identity_number_counts_as_a_lookup(client, world):
    """The edit refuses a number another child has, so it is a lookup too: limited alike."""
    child = ChildFactory(unit=world.unit_a)
    client.force_login(world.advisor)
    url = reverse("referrals:child_edit", args=[child.pk])
    with time_machine.travel("2026-11-25 09:00 +01:00", tick=False):
        for _ in range(LOOKUPS_PER_HOUR):
            assert _post(client, world.unit_a, _new_number()).status_code == 302
        child.refresh_from_db()
        data = {
            "version": child.version,
            "unit": world.unit_a.pk,
            "id_number": _new_number(),
            "first_name": child.first_name,
            "last_name": child.last_name,
            "sex": child.sex,
            "mother_tongue": "norsk",
        }
        response = client.post(url, data)
        assert response.status_code == 429
        assert Child.objects.get(pk=child.pk).id_number == child.id_number
        # an edit that keeps the number is no lookup
        data["id_number"] = child.id_number
        data["first_name"] = "Nytt"
        assert client.post(url, data).status_code == 302
