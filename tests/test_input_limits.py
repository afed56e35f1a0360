"""Hostile input gets a 404, the nearest sensible page or a Norwegian message next to the
field, never a 500 (issue 16: the eleven 500s, each with its own test)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import Decision
from referrals.models import Referral
from teams.ressursteam_models import Meeting
from tests.conftest import frozen_today
from tests.decisions.test_decision_services import assessed_case
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
HUGE = "99999999999999999999"  # past bigint: OFFSET or a pk of this size fails in PostgreSQL


@pytest.fixture
def client():
    # The 500s under test must come back as responses, not as exceptions in the test.
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


# --- the 500s ------------------------------------------------------------------------------


def test_a_nul_byte_in_the_caseload_search_is_no_500(client, world):
    ReferralFactory(child=ChildFactory(unit=world.unit_a, first_name="Ola"))
    client.force_login(world.advisor)
    response = client.post(reverse("referrals:caseload"), {"q": "Ola\x00"})
    assert response.status_code == 200


def test_a_huge_page_number_on_the_caseload_is_no_500(client, world):
    ReferralFactory(child=ChildFactory(unit=world.unit_a))
    client.force_login(world.advisor)
    response = client.get(reverse("referrals:caseload"), {"side": HUGE})
    assert response.status_code == 200
    assert response.context["page"].number == 1  # the last page there is


def test_a_huge_page_number_on_the_unit_caseload_is_no_500(client, world):
    ReferralFactory(child=ChildFactory(unit=world.unit_a))
    client.force_login(world.styrer_a)
    response = client.get(reverse("referrals:unit_caseload"), {"side": HUGE})
    assert response.status_code == 200


def test_a_huge_page_number_on_the_worklist_is_no_500(client, world):
    client.force_login(world.office)
    response = client.get(reverse("decisions:worklist"), {"side": HUGE})
    assert response.status_code == 200


def test_a_superscript_digit_in_mote_is_no_500(client, world):
    child = ChildFactory(unit=world.unit_a)
    Meeting.objects.create(unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor)
    client.force_login(world.advisor)
    for name in ("consultation_new", "consultation_consent_new"):
        response = client.get(reverse(f"referrals:{name}", args=[child.pk]), {"mote": "²"})
        assert response.status_code == 200, name


def test_a_superscript_digit_in_enhet_is_no_500(client, world):
    client.force_login(world.advisor)
    response = client.get(reverse("teams:system_work_new"), {"enhet": "²"})
    assert response.status_code == 200


def test_a_superscript_digit_in_the_access_log_search_is_no_500(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("referrals:access_log_search"), {"find": "child", "child-case_or_id": "²"}
    )
    assert response.status_code == 422
    assert "Fant ingen sak" in response.text


def _decision_data(**overrides):
    return {
        "decided_on": "2026-11-24",
        "outcome": "granted",
        "hours_per_week": "5",
        "organisation": "group",
        "competence": "special_educator",
        **overrides,
    }


def test_a_provider_name_over_150_characters_on_the_vedtak_form_is_no_500(client, world):
    case = assessed_case(world)
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    response = client.post(url, _decision_data(provider_name="x" * 151))
    assert response.status_code == 422
    assert "provider_name" in response.context["form"].errors
    assert not Decision.objects.exists()


@pytest.mark.parametrize("field", ["decided_on", "starts_on", "ends_on"])
def test_the_date_0001_01_01_on_the_vedtak_form_is_no_500(client, world, field):
    case = assessed_case(world)
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    response = client.post(url, _decision_data(**{field: "0001-01-01"}))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Referral.objects.get(pk=case.pk).status == case.status


@pytest.mark.parametrize("field", ["decided_on", "starts_on", "ends_on"])
def test_the_date_9999_12_31_on_the_vedtak_form_is_no_500(client, world, field):
    case = assessed_case(world)
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    response = client.post(url, _decision_data(**{field: "9999-12-31"}))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Referral.objects.get(pk=case.pk).status == case.status
