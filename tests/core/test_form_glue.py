"""core/views.py run_form and core/forms.py VersionedModelForm: the same behaviour for every
form (issue 17, deliverable 4): a stale edit keeps the other person's changes on a second
"Lagre", a double submit makes one row, and a child has one open referral at a time."""

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from referrals import services
from referrals.models import Guardian, Referral
from tests.factories import ChildFactory, ReferralFactory
from tests.referrals.test_registration_views import form_values, guardian_post, referral_post


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.text)
    assert match, f"no hidden {name} in the form"
    return html.unescape(match.group(1))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the one-time tokens live in Redis; each test starts without any


@pytest.fixture
def child(world):
    return ChildFactory(unit=world.unit_a, first_name="Mina", last_name="Nordmann")


@pytest.fixture
def advisor_client(client, world):
    client.force_login(world.advisor)
    return client


def test_a_second_save_after_a_stale_edit_keeps_the_other_persons_change(
    advisor_client, world, child
):
    referral = ReferralFactory(child=child, created_by=world.advisor, priority="normal")
    url = reverse("referrals:referral_edit", args=[referral.pk])
    page = advisor_client.get(url)  # user B opens the form at version 1
    typed = {**form_values(referral), "rendered": hidden(page, "rendered")}
    typed["concern"] = "Bs nye bekymring."
    # Meanwhile user A raises the priority.
    services.referral_update(
        referral_id=referral.pk, version=1, actor=world.advisor_south, priority="high"
    )
    refused = advisor_client.post(url, typed)
    assert refused.status_code == 409 and 'id="stale-edit"' in refused.text
    form = refused.context["form"]
    assert form.data["priority"] == "high"  # what is saved now, in the field B left alone
    assert form.data["concern"] == "Bs nye bekymring."  # what B typed, kept
    # B presses "Lagre" again with the form as shown.
    again = advisor_client.post(url, form.data)
    assert again.status_code == 302
    referral.refresh_from_db()
    assert (referral.priority, referral.concern) == ("high", "Bs nye bekymring.")


def test_a_forged_rendered_field_counts_every_field_as_typed(advisor_client, world, child):
    referral = ReferralFactory(child=child, created_by=world.advisor, priority="normal")
    url = reverse("referrals:referral_edit", args=[referral.pk])
    services.referral_update(
        referral_id=referral.pk, version=1, actor=world.advisor_south, priority="high"
    )
    refused = advisor_client.post(url, {**form_values(referral), "rendered": "forged:abc"})
    assert refused.context["form"].data["priority"] == "normal"  # the user's input, as before


def test_a_double_click_on_legg_til_makes_one_guardian(advisor_client, child):
    url = reverse("referrals:guardian_new", args=[child.pk])
    token = hidden(advisor_client.get(url), "once")
    first = advisor_client.post(url, guardian_post(once=token))
    second = advisor_client.post(url, guardian_post(once=token))
    assert Guardian.objects.filter(child=child).count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def test_each_rendered_form_has_its_own_token(advisor_client, child):
    url = reverse("referrals:guardian_new", args=[child.pk])
    advisor_client.post(url, guardian_post(once=hidden(advisor_client.get(url), "once")))
    advisor_client.post(url, guardian_post(once=hidden(advisor_client.get(url), "once")))
    assert Guardian.objects.filter(child=child).count() == 2  # two deliberate additions


def test_two_quick_posts_of_the_referral_form_make_one_draft(advisor_client, world, child):
    url = reverse("referrals:referral_new", args=[child.pk])
    token = hidden(advisor_client.get(url), "once")
    first = advisor_client.post(url, referral_post(world.unit_a, once=token))
    second = advisor_client.post(url, referral_post(world.unit_a, once=token))
    assert Referral.objects.filter(child=child).count() == 1
    case_url = reverse("referrals:case_detail", args=[Referral.objects.get(child=child).pk])
    assert first["Location"] == second["Location"] == case_url


def test_a_second_open_referral_is_refused_with_a_link_to_the_open_one(
    advisor_client, world, child
):
    open_one = ReferralFactory(child=child, created_by=world.advisor)
    response = advisor_client.post(
        reverse("referrals:referral_new", args=[child.pk]), referral_post(world.unit_a)
    )
    assert response.status_code == 422
    assert "Barnet har allerede en åpen henvisning" in response.text
    assert f'href="{reverse("referrals:case_detail", args=[open_one.pk])}"' in response.text
    assert Referral.objects.filter(child=child).count() == 1


def test_a_closed_referral_does_not_stop_a_new_one(advisor_client, world, child):
    ReferralFactory(child=child, created_by=world.advisor, status=Referral.Status.WITHDRAWN)
    response = advisor_client.post(
        reverse("referrals:referral_new", args=[child.pk]), referral_post(world.unit_a)
    )
    assert response.status_code == 302
    assert Referral.objects.filter(child=child).count() == 2


def test_a_refused_post_frees_its_token(advisor_client, child):
    url = reverse("referrals:guardian_new", args=[child.pk])
    token = hidden(advisor_client.get(url), "once")
    refused = advisor_client.post(url, guardian_post(once=token, name=""))
    assert refused.status_code == 422 and not Guardian.objects.exists()
    fixed = advisor_client.post(url, guardian_post(once=token))
    assert fixed.status_code == 302 and Guardian.objects.count() == 1


# --- every create and action form: one token, one row; a refusal is a 422 at the field ------


def test_a_double_click_on_registrer_samtykke_makes_one_consent(advisor_client, world, child):
    from referrals.models import Consent
    from tests.factories import GuardianFactory
    from tests.referrals.test_registration_views import consent_post

    guardian = GuardianFactory(child=child)
    referral = ReferralFactory(child=child, created_by=world.advisor)
    url = reverse("referrals:consent_new", args=[referral.pk])
    token = hidden(advisor_client.get(url), "once")
    first = advisor_client.post(url, {**consent_post(guardian), "once": token})
    second = advisor_client.post(url, {**consent_post(guardian), "once": token})
    assert first.status_code == second.status_code == 302
    assert Consent.objects.filter(referral=referral).count() == 1


def test_a_double_click_on_a_case_action_acts_once_without_an_error(client, world):
    from tests.referrals.test_case_page import action_url, days_ago, detail_url, make_case

    referral = make_case(world)
    client.force_login(world.advisor)
    token = hidden(client.get(detail_url(referral)), "once")  # the first: "Registrer mottatt"
    post = {"received_on": days_ago(3).isoformat(), "once": token}
    first = client.post(action_url(referral, "submit"), post)
    second = client.post(action_url(referral, "submit"), post)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == detail_url(referral)
    assert referral.events.filter(action="referral.submitted").count() == 1


def test_a_case_action_the_case_has_moved_past_is_refused_at_the_form_with_422(client, world):
    from tests.referrals.test_case_page import action_url, days_ago, make_case

    referral = make_case(world, stage="received")  # submitted already, in another tab
    client.force_login(world.advisor)
    response = client.post(action_url(referral, "submit"), {"received_on": days_ago(1).isoformat()})
    assert response.status_code == 422
    assert "Dette kan ikke gjøres når saken har status «Mottatt»." in str(
        response.context["form"].errors
    )


def test_a_double_click_on_a_decision_action_makes_one_row(client, world):
    from datetime import date

    from decisions.models import ProvisionalReply
    from tests.conftest import frozen_today
    from tests.decisions.conftest import received_case

    post = {"sent_on": "2026-11-25", "reason": "Vi venter.", "expected_decision_on": "2027-01-20"}
    with frozen_today(date(2026, 11, 25)):
        case = received_case(world)
        client.force_login(world.office)
        url = reverse("decisions:provisional_reply_new", args=[case.pk])
        post["once"] = hidden(client.get(url), "once")
        first = client.post(url, post)
        second = client.post(url, post)
    assert first.status_code == second.status_code == 302
    assert ProvisionalReply.objects.filter(referral=case).count() == 1
