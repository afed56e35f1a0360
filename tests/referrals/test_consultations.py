"""Named consultations: only with the guardians' consent, read through referrals.scoping and
written to the access log, and a referral started from one carries over what was discussed."""

from datetime import date

import pytest
from django.urls import reverse

from referrals.access_log import AccessLogEntry
from referrals.consultations import (
    consultation_consent_register,
    consultation_consent_withdraw,
    consultation_named_create,
)
from referrals.models import CaseEvent, ConsultationConsent, NamedConsultation, Referral
from referrals.scoping import visible_consultations
from referrals.services import CaseError
from teams.ressursteam_models import Meeting
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    return Meeting.objects.create(
        unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor
    )


@pytest.fixture
def child(world):
    child = ChildFactory(unit=world.unit_a, first_name="Ola", last_name="Nordmann")
    GuardianFactory(child=child, name="Nina Nordmann")
    return child


def consent(world, child):
    return consultation_consent_register(
        child_id=child.pk,
        guardian_id=child.guardians.get().pk,
        given_on=date(2026, 11, 1),
        actor=world.advisor,
    )


def data(meeting, **overrides):
    return {
        "meeting": meeting.pk,
        "question": "Lite språk og samspill",
        "tried": "Språkgruppe",
        "advice": "Henvis til PPT",
        "follow_up": "Rådgiver sender skjema",
        "bti_level": "2",
        **overrides,
    }


def test_a_named_consultation_without_consent_is_refused(client, world, meeting, child):
    client.force_login(world.advisor)
    url = reverse("referrals:consultation_new", args=[child.pk])
    page = client.get(f"{url}?mote={meeting.pk}")
    assert "Det er ikke registrert samtykke" in page.content.decode()
    response = client.post(url, data(meeting))
    assert response.status_code == 422
    errors = response.context["form"].non_field_errors()
    assert "uten et registrert samtykke fra foresatte" in errors[0]
    assert not NamedConsultation.objects.exists()
    with pytest.raises(CaseError):
        consultation_named_create(
            child_id=child.pk, meeting=meeting, actor=world.advisor, question="x"
        )


def test_a_withdrawn_consent_does_not_count(world, meeting, child):
    given = consent(world, child)
    ConsultationConsent.objects.filter(pk=given.pk).update(withdrawn_on=date(2026, 11, 5))
    with pytest.raises(CaseError):
        consultation_named_create(
            child_id=child.pk, meeting=meeting, actor=world.advisor, question="x"
        )


def test_with_consent_it_is_saved_and_its_page_is_access_logged(client, world, meeting, child):
    client.force_login(world.advisor)
    response = client.post(
        reverse("referrals:consultation_consent_new", args=[child.pk]) + f"?mote={meeting.pk}",
        {"guardian": child.guardians.get().pk, "given_on": "2026-11-01"},
    )
    assert response["Location"].endswith(f"?mote={meeting.pk}")
    response = client.post(reverse("referrals:consultation_new", args=[child.pk]), data(meeting))
    consultation = NamedConsultation.objects.get()
    assert response["Location"] == reverse("referrals:consultation_detail", args=[consultation.pk])
    assert (consultation.bti_level, consultation.consent.guardian.name) == (2, "Nina Nordmann")
    client.get(response["Location"])
    entry = AccessLogEntry.objects.filter(object_type="consultation").get()
    assert (entry.user, entry.object_id, entry.child_id) == (
        world.advisor,
        consultation.pk,
        child.pk,
    )


def test_scoping_follows_the_child(world, meeting, child):
    consent(world, child)
    consultation_named_create(child_id=child.pk, meeting=meeting, actor=world.advisor, question="x")
    seen = {
        p: visible_consultations(getattr(world, p)).count()
        for p in (
            "advisor",
            "styrer_a",
            "office",
            "styrer_b",
            "advisor_south",
            "director",
            "outsider",
        )
    }
    assert seen == {
        "advisor": 1,
        "styrer_a": 1,
        "office": 1,
        "styrer_b": 0,
        "advisor_south": 0,
        "director": 0,
        "outsider": 0,
    }


def test_the_meeting_list_logs_each_named_consultation_shown(
    client, world, meeting, child, django_assert_num_queries
):
    consent(world, child)
    for i in range(3):
        consultation_named_create(
            child_id=child.pk, meeting=meeting, actor=world.advisor, question=f"q{i}"
        )
    client.force_login(world.styrer_a)
    client.get(reverse("home"))
    # session, user, roles, meeting, consultations, one INSERT of the log rows
    with django_assert_num_queries(6):
        response = client.get(reverse("referrals:meeting_named", args=[meeting.pk]))
    assert response.status_code == 200 and "Ola Nordmann" in response.content.decode()
    assert (
        AccessLogEntry.objects.filter(object_type="consultation", user=world.styrer_a).count() == 3
    )
    assert response.context["form"] is None  # the styrer reads; the advisor registers


def test_a_referral_started_from_a_consultation_carries_it_over(client, world, meeting, child):
    consent(world, child)
    consultation = consultation_named_create(
        child_id=child.pk,
        meeting=meeting,
        actor=world.advisor,
        question="Lite språk og samspill",
        tried="Språkgruppe",
        advice="Henvis til PPT",
        bti_level=2,
    )
    client.force_login(world.advisor)
    url = reverse("referrals:consultation_referral", args=[consultation.pk])
    form = client.get(url).context["form"]
    assert form.initial["concern"] == "Lite språk og samspill"
    assert form.initial["tried"].startswith("Språkgruppe")
    assert "Henvis til PPT" in form.initial["tried"]
    assert form.initial["unit"] == world.unit_a.pk
    response = client.post(
        url,
        {
            "unit": world.unit_a.pk,
            "services": ["assessment"],
            "concern": form.initial["concern"],
            "tried": form.initial["tried"],
            "priority": "normal",
        },
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:case_detail", args=[referral.pk])
    consultation.refresh_from_db()
    assert consultation.referral == referral
    assert CaseEvent.objects.filter(referral=referral, action="referral.from_consultation").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Drøftet i ressursteamet før henvisningen" in page
    # a second start goes to the case instead of making another
    assert client.get(url)["Location"] == reverse("referrals:case_detail", args=[referral.pk])


def test_only_the_advisor_writes_named_consultations(client, world, meeting, child):
    for persona, status in (
        ("styrer_a", 403),
        ("office", 403),
        ("styrer_b", 404),
        ("director", 404),
    ):
        client.force_login(getattr(world, persona))
        response = client.post(
            reverse("referrals:consultation_new", args=[child.pk]), data(meeting)
        )
        assert response.status_code == status, persona
    assert AccessLogEntry.objects.filter(action="denied", child_id=child.pk).count() == 4


# --- withdrawing the consent to a named discussion -------------------------------------------


def withdraw_url(child, given):
    return reverse("referrals:consultation_consent_withdraw", args=[child.pk, given.pk])


def test_a_guardian_withdraws_the_consent_from_the_childs_page(client, world, meeting, child):
    given = consent(world, child)
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:child_detail", args=[child.pk])).content.decode()
    assert "Nina Nordmann, gitt 01.11.2026" in page and withdraw_url(child, given) in page
    form = client.get(withdraw_url(child, given))
    assert form.status_code == 200
    assert "Nina Nordmann ga 01.11.2026 samtykke" in form.content.decode()
    assert AccessLogEntry.objects.filter(child_id=child.pk, path=withdraw_url(child, given))
    response = client.post(withdraw_url(child, given), {"withdrawn_on": "20.11.2026"})
    assert response["Location"] == reverse("referrals:child_detail", args=[child.pk])
    given.refresh_from_db()
    assert given.withdrawn_on == date(2026, 11, 20)
    page = client.get(response["Location"]).content.decode()
    assert "Samtykket til drøfting er trukket." in page
    assert "Trukket 20.11.2026" in page and withdraw_url(child, given) not in page
    # From then on the child is not discussed by name on it.
    response = client.post(reverse("referrals:consultation_new", args=[child.pk]), data(meeting))
    assert response.status_code == 422
    assert not NamedConsultation.objects.exists()


def test_a_consultation_held_before_the_withdrawal_stays(world, meeting, child):
    given = consent(world, child)
    held = consultation_named_create(
        child_id=child.pk, meeting=meeting, actor=world.advisor, question="Språk"
    )
    consultation_consent_withdraw(
        consent_id=given.pk, withdrawn_on=date(2026, 11, 20), actor=world.advisor
    )
    assert NamedConsultation.objects.get() == held
    assert held.consent_id == given.pk


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.10.2026", "Samtykket kan ikke trekkes før det ble gitt."),
        ("01.01.2099", "Datoen kan ikke være i fremtiden."),
        ("", "Feltet er påkrevet."),
        ("32.13.2026", "Oppgi en gyldig dato."),
    ],
)
def test_a_bad_withdrawal_date_is_refused_next_to_the_field(client, world, child, value, message):
    given = consent(world, child)
    client.force_login(world.advisor)
    response = client.post(withdraw_url(child, given), {"withdrawn_on": value})
    assert response.status_code == 422
    assert message in response.context["form"].errors["withdrawn_on"][0]
    given.refresh_from_db()
    assert given.withdrawn_on is None


def test_withdrawing_twice_says_so_and_changes_nothing(client, world, child):
    given = consent(world, child)
    client.force_login(world.advisor)
    client.post(withdraw_url(child, given), {"withdrawn_on": "20.11.2026"})
    again = client.post(withdraw_url(child, given), {"withdrawn_on": "21.11.2026"})
    assert again.status_code == 422
    assert "Samtykket er allerede trukket." in again.context["form"].non_field_errors()[0]
    given.refresh_from_db()
    assert given.withdrawn_on == date(2026, 11, 20)
    assert client.get(withdraw_url(child, given))["Location"] == reverse(
        "referrals:child_detail", args=[child.pk]
    )


def test_another_childs_consent_is_not_found_through_this_child(client, world, child):
    other = ChildFactory(unit=world.unit_a)
    GuardianFactory(child=other)
    given = consent(world, other)
    client.force_login(world.advisor)
    assert client.get(withdraw_url(child, given)).status_code == 404
    assert (
        client.post(withdraw_url(child, given), {"withdrawn_on": "20.11.2026"}).status_code == 404
    )
    given.refresh_from_db()
    assert given.withdrawn_on is None


def test_another_guardians_standing_consent_still_counts(world, meeting, child):
    first = consent(world, child)
    second_guardian = GuardianFactory(child=child, name="Per Nordmann")
    consultation_consent_register(
        child_id=child.pk, guardian_id=second_guardian.pk, given_on=date(2026, 11, 2),
        actor=world.advisor,
    )  # fmt: skip
    consultation_consent_withdraw(
        consent_id=first.pk, withdrawn_on=date(2026, 11, 20), actor=world.advisor
    )
    held = consultation_named_create(
        child_id=child.pk, meeting=meeting, actor=world.advisor, question="Språk"
    )
    assert held.consent.guardian == second_guardian


def test_a_referral_from_a_consultation_already_started_elsewhere_makes_no_draft(
    world, meeting, child
):
    """Draft and link in one service: a second tab's start is refused and leaves nothing."""
    from referrals.consultations import consultation_referral_create

    consent(world, child)
    consultation = consultation_named_create(
        child_id=child.pk, meeting=meeting, actor=world.advisor, question="x"
    )
    values = {"unit": world.unit_a, "services": ["assessment"], "concern": "x", "tried": "y"}
    first = consultation_referral_create(
        consultation_id=consultation.pk, actor=world.advisor, **values
    )
    first.status = Referral.Status.WITHDRAWN  # not the one-open-referral rule that refuses
    first.save(update_fields=["status"])
    with pytest.raises(CaseError, match="allerede startet en henvisning"):
        consultation_referral_create(consultation_id=consultation.pk, actor=world.advisor, **values)
    assert Referral.objects.filter(child=child).count() == 1
