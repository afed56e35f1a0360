"""Registering children, guardians, referrals and consent through the web pages: validation
next to the field, nothing half-saved, stale edits refused with the other person's change,
and who may see (404) or act (403)."""

import random
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from stdnum.no import fodselsnummer as stdnum_fnr

from referrals import services
from referrals.idnumber import generate_synthetic
from referrals.models import CaseEvent, Child, Consent, ConsultationConsent, Guardian, Referral
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

pytestmark = pytest.mark.django_db

STALE_TEXT = "Saken ble endret av noen andre mens du redigerte. Ingenting er lagret."


def synthetic(birth_date: date) -> str:
    return generate_synthetic(birth_date, random.Random(1))


def with_check_digits(first_nine: str) -> str:
    """A number whose check digits are right whatever the first nine say (e.g. 31.02)."""
    for individual in range(500, 1000):
        base = first_nine[:6] + f"{individual:03d}"
        k1 = stdnum_fnr.calc_check_digit1(base)
        k2 = stdnum_fnr.calc_check_digit2(base + k1) if len(k1) == 1 else "10"
        if len(k1) == 1 and len(k2) == 1:
            return base + k1 + k2
    raise AssertionError("no individual number fits")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def child_post(unit, id_number, **extra):
    return {
        "unit": unit.pk,
        "id_number": id_number,
        "first_name": "Mina",
        "last_name": "Nordmann",
        "sex": "female",
        "mother_tongue": "norsk",
        **extra,
    }


def guardian_post(**extra):
    return {
        "name": "Kari Nordmann",
        "relation": "mother",
        "phone": "99887766",
        "email": "kari@example.no",
        "address": "Storgata 1",
        "parental_responsibility": "True",
        "lives_with_child": "True",
        "language": "",
        **extra,
    }


def referral_post(unit, **extra):
    return {
        "unit": unit.pk,
        "services": ["assessment"],
        "concern": "Snakker lite, trekker seg unna lek.",
        "tried": "Språkgruppe to ganger i uka.",
        "report_language": "Korte setninger.",
        "priority": "normal",
        "advisor": "",
        **extra,
    }


def form_values(referral: Referral) -> dict:
    return referral_post(
        referral.unit,
        services=referral.services,
        concern=referral.concern,
        version=referral.version,
    )


@pytest.fixture
def child(world):
    return ChildFactory(unit=world.unit_a, first_name="Mina", last_name="Nordmann")


@pytest.fixture
def guardian(child):
    return GuardianFactory(child=child, name="Kari Nordmann")


@pytest.fixture
def referral(world, child, guardian):
    return ReferralFactory(child=child, created_by=world.advisor)


@pytest.fixture
def advisor_client(client, world):
    client.force_login(world.advisor)
    return client


# --- registering a child ----------------------------------------------------------------------


def test_advisor_registers_a_child_and_lands_on_its_page(advisor_client, world):
    number = synthetic(date(2022, 3, 14))
    response = advisor_client.post(reverse("referrals:child_new"), child_post(world.unit_a, number))
    child = Child.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:child_detail", args=[child.pk])
    assert number not in response["Location"]
    assert (child.id_number, child.birth_date, child.unit) == (
        number,
        date(2022, 3, 14),
        world.unit_a,
    )
    assert child.municipality == world.municipality


def test_a_pasted_number_with_spaces_is_accepted(advisor_client, world):
    number = synthetic(date(2022, 3, 14))
    spaced = f"{number[:6]} {number[6:]}"
    advisor_client.post(reverse("referrals:child_new"), child_post(world.unit_a, spaced))
    assert Child.objects.get().id_number == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        pytest.param("wrong_check_digit", "Kontrollsifferet stemmer ikke", id="check-digit"),
        pytest.param(with_check_digits("310220500"), "Ugyldig dato", id="31-february"),
        pytest.param("future", "Fødselsdatoen kan ikke være i fremtiden", id="future"),
        pytest.param("1234567890", "Fødselsnummeret må ha 11 siffer", id="ten-digits"),
        pytest.param("1234567890a", "Fødselsnummeret kan bare inneholde siffer", id="letters"),
    ],
)
def test_a_bad_identity_number_is_refused_next_to_the_field(advisor_client, world, number, message):
    if number == "wrong_check_digit":
        valid = synthetic(date(2022, 3, 14))
        number = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    elif number == "future":
        number = synthetic(timezone.localdate() + timedelta(days=40))
    response = advisor_client.post(reverse("referrals:child_new"), child_post(world.unit_a, number))
    assert response.status_code == 422  # refused: issue 17's one form behaviour
    assert response.context["form"].errors["id_number"] == [message]
    assert 'id="error_1_id_id_number"' in response.text  # crispy ties it to the input
    assert not Child.objects.exists()


def test_an_already_registered_child_is_found_not_duplicated(advisor_client, world, child):
    response = advisor_client.post(
        reverse("referrals:child_new"), child_post(world.unit_a, child.id_number, first_name="X")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:child_detail", args=[child.pk])
    assert child.id_number not in response["Location"]
    assert Child.objects.count() == 1
    assert "Barnet er allerede registrert i kommunen" in messages_of(response)[0]


def test_a_registered_child_outside_the_advisors_areas_is_not_shown(client, world, child):
    # child is in unit A (area north); advisor_south serves only the south.
    client.force_login(world.advisor_south)
    response = client.post(
        reverse("referrals:child_new"),
        child_post(world.unit_b, child.id_number, first_name="Ukjent", last_name="Navn"),
    )
    assert response.status_code == 200
    # issue 16: confirms nothing (see tests/referrals/test_registration_lookup.py)
    assert "Barnet kan ikke registreres herfra." in response.text
    assert "registrert i kommunen" not in response.text
    assert "Mina" not in response.text and "Nordmann" not in response.text
    assert Child.objects.count() == 1


def test_units_offered_are_those_the_advisor_serves(client, world):
    client.force_login(world.advisor_south)
    units = set(client.get(reverse("referrals:child_new")).context["form"].fields["unit"].queryset)
    assert world.unit_b in units
    assert world.unit_a not in units and world.other_unit not in units


def test_a_unit_outside_the_advisors_areas_is_refused(client, world):
    client.force_login(world.advisor_south)
    response = client.post(
        reverse("referrals:child_new"), child_post(world.unit_a, synthetic(date(2022, 1, 1)))
    )
    assert "unit" in response.context["form"].errors
    assert not Child.objects.exists()


def test_only_advisors_may_register_a_child(client, world):
    for user in (world.styrer_a, world.office, world.director, world.no_roles):
        client.force_login(user)
        assert client.get(reverse("referrals:child_new")).status_code == 403, user
        response = client.post(
            reverse("referrals:child_new"), child_post(world.unit_a, synthetic(date(2022, 1, 1)))
        )
        assert response.status_code == 403, user
    assert not Child.objects.exists()


# --- the child's page -------------------------------------------------------------------------


def test_child_page_shows_the_full_number_guardians_and_cases(
    advisor_client, child, guardian, referral
):
    response = advisor_client.get(reverse("referrals:child_detail", args=[child.pk]))
    assert response.status_code == 200
    text = response.text
    assert child.id_number in text
    assert child.birth_date.strftime("%d.%m.%Y") in text
    assert guardian.name in text and guardian.phone in text
    assert referral.reference in text
    assert reverse("referrals:case_detail", args=[referral.pk]) in text
    assert reverse("referrals:referral_new", args=[child.pk]) in text


def test_styrer_of_the_childs_unit_sees_the_page_read_only(client, world, child, guardian):
    client.force_login(world.styrer_a)
    response = client.get(reverse("referrals:child_detail", args=[child.pk]))
    assert response.status_code == 200
    assert guardian.name in response.text
    assert reverse("referrals:child_edit", args=[child.pk]) not in response.text
    assert reverse("referrals:guardian_new", args=[child.pk]) not in response.text


@pytest.mark.parametrize("persona", ["styrer_b", "director", "outsider", "no_roles", "admin"])
def test_child_page_is_404_for_those_who_may_not_see_it(client, world, child, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("referrals:child_detail", args=[child.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_child_page_query_count_does_not_grow_with_rows(
    client, world, rows, django_assert_num_queries
):
    child = ChildFactory(unit=world.unit_a)
    guardians = GuardianFactory.create_batch(rows, child=child)
    ConsultationConsent.objects.bulk_create(
        ConsultationConsent(
            child=child, guardian=g, given_on=date(2026, 11, 1), registered_by=world.advisor
        )
        for g in guardians
    )
    ReferralFactory.create_batch(rows, child=child, created_by=world.advisor, advisor=world.advisor)
    client.force_login(world.advisor)
    # session, user; roles (one query); the child through visible_children; the access-log
    # INSERT; its unit; guardians; referrals with unit and advisor; consents to a named
    # discussion with their guardians
    with django_assert_num_queries(9):
        response = client.get(reverse("referrals:child_detail", args=[child.pk]))
    assert response.status_code == 200


# --- editing a child --------------------------------------------------------------------------


def child_edit_post(child, **extra):
    return {
        "unit": child.unit_id,
        "id_number": child.id_number,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "sex": child.sex,
        "mother_tongue": child.mother_tongue,
        "version": child.version,
        **extra,
    }


def test_advisor_edits_a_child(advisor_client, child):
    response = advisor_client.post(
        reverse("referrals:child_edit", args=[child.pk]),
        child_edit_post(child, mother_tongue="somali", needs_interpreter="on"),
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.mother_tongue, child.needs_interpreter, child.version) == ("somali", True, 2)


def test_a_stale_child_edit_shows_the_other_change_and_saves_nothing(
    advisor_client, world, child, referral
):
    form = child_edit_post(child, first_name="Minna")
    services.child_update(
        child_id=child.pk, version=1, actor=world.advisor_south, mother_tongue="arabisk"
    )
    response = advisor_client.post(reverse("referrals:child_edit", args=[child.pk]), form)
    assert response.status_code == 409  # a stale edit is refused as a conflict
    assert STALE_TEXT in response.text
    assert "Arne" in response.text and "arabisk" in response.text
    assert 'name="version" value="2"' in response.text
    assert 'value="Minna"' in response.text  # the user's input is kept
    child.refresh_from_db()
    assert (child.first_name, child.mother_tongue, child.version) == ("Mina", "arabisk", 2)


def test_a_stale_edit_of_a_child_without_cases_shows_what_is_saved_now(
    advisor_client, world, child
):
    form = child_edit_post(child, first_name="Minna")
    services.child_update(child_id=child.pk, version=1, actor=world.advisor_south, last_name="Berg")
    response = advisor_client.post(reverse("referrals:child_edit", args=[child.pk]), form)
    assert STALE_TEXT in response.text
    assert "Lagret nå" in response.text and "Berg" in response.text
    child.refresh_from_db()
    assert child.first_name == "Mina"


def test_resubmitting_after_a_stale_edit_saves(advisor_client, world, child):
    services.child_update(child_id=child.pk, version=1, actor=world.advisor_south, last_name="Berg")
    url = reverse("referrals:child_edit", args=[child.pk])
    response = advisor_client.post(url, child_edit_post(child, first_name="Minna"))
    version = response.context["form"]["version"].value()
    response = advisor_client.post(
        url, child_edit_post(child, first_name="Minna", last_name="Berg", version=version)
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.first_name, child.last_name) == ("Minna", "Berg")


# --- guardians --------------------------------------------------------------------------------


def test_advisor_adds_a_guardian(advisor_client, child):
    response = advisor_client.post(
        reverse("referrals:guardian_new", args=[child.pk]), guardian_post(name="Ola Nordmann")
    )
    assert response["Location"] == reverse("referrals:child_detail", args=[child.pk])
    guardian = Guardian.objects.get(child=child)
    assert (guardian.name, guardian.parental_responsibility, guardian.lives_with_child) == (
        "Ola Nordmann",
        True,
        True,
    )


def test_a_guardian_who_needs_an_interpreter_needs_a_language(advisor_client, child):
    response = advisor_client.post(
        reverse("referrals:guardian_new", args=[child.pk]), guardian_post(needs_interpreter="on")
    )
    assert response.context["form"].errors["language"]
    assert not Guardian.objects.exists()


def test_advisor_edits_a_guardian(advisor_client, guardian):
    response = advisor_client.post(
        reverse("referrals:guardian_edit", args=[guardian.pk]),
        guardian_post(version=1, lives_with_child="False", phone="12345678"),
    )
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert (guardian.lives_with_child, guardian.phone, guardian.version) == (False, "12345678", 2)


def test_a_stale_guardian_edit_shows_the_other_change_and_saves_nothing(
    advisor_client, world, guardian, referral
):
    services.guardian_update(
        guardian_id=guardian.pk, version=1, actor=world.advisor_south, phone="11223344"
    )
    response = advisor_client.post(
        reverse("referrals:guardian_edit", args=[guardian.pk]),
        guardian_post(version=1, address="Lillegata 2"),
    )
    assert response.status_code == 409  # a stale edit is refused as a conflict
    assert STALE_TEXT in response.text
    assert "Arne" in response.text and "11223344" in response.text
    guardian.refresh_from_db()
    assert (guardian.address, guardian.phone, guardian.version) == ("", "11223344", 2)


# --- referrals --------------------------------------------------------------------------------


def test_advisor_creates_a_referral_as_a_draft_with_a_journal_event(advisor_client, world, child):
    response = advisor_client.post(
        reverse("referrals:referral_new", args=[child.pk]),
        referral_post(
            world.unit_a,
            services=["assessment", "speech"],
            advisor=world.advisor.pk,
            report_play="Leker mest alene.",
        ),
    )
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:case_detail", args=[referral.pk])
    assert referral.status == Referral.Status.DRAFT
    assert (referral.services, referral.advisor, referral.report_play) == (
        ["assessment", "speech"],
        world.advisor,
        "Leker mest alene.",
    )
    assert CaseEvent.objects.filter(referral=referral, action="referral.created").exists()


def test_referral_form_groups_the_pedagogical_report_and_masks_the_number(advisor_client, child):
    response = advisor_client.get(reverse("referrals:referral_new", args=[child.pk]))
    assert "<legend>Pedagogisk rapport</legend>" in response.text
    assert child.masked_id_number in response.text
    assert child.id_number not in response.text


def test_other_needs_a_description(advisor_client, world, child):
    response = advisor_client.post(
        reverse("referrals:referral_new", args=[child.pk]),
        referral_post(world.unit_a, services=["other"]),
    )
    assert response.context["form"].errors["services_other"]
    assert not Referral.objects.exists()


def test_the_concern_is_required(advisor_client, world, child):
    response = advisor_client.post(
        reverse("referrals:referral_new", args=[child.pk]), referral_post(world.unit_a, concern="")
    )
    assert response.context["form"].errors["concern"]
    assert not Referral.objects.exists()


def test_advisors_offered_are_those_serving_the_municipality(advisor_client, world, child):
    response = advisor_client.get(reverse("referrals:referral_new", args=[child.pk]))
    advisors = set(response.context["form"].fields["advisor"].queryset)
    assert advisors == {world.advisor, world.advisor_south}


def test_advisor_edits_a_referral(advisor_client, referral):
    response = advisor_client.post(
        reverse("referrals:referral_edit", args=[referral.pk]),
        {**form_values(referral), "priority": "high", "report_social": "Trygg på voksne."},
    )
    assert response["Location"] == reverse("referrals:case_detail", args=[referral.pk])
    referral.refresh_from_db()
    assert (referral.priority, referral.report_social, referral.version) == (
        "high",
        "Trygg på voksne.",
        2,
    )
    assert CaseEvent.objects.filter(referral=referral, action="referral.updated").exists()


def test_a_stale_referral_edit_shows_the_other_change_and_saves_nothing(
    advisor_client, world, referral
):
    form = {**form_values(referral), "priority": "high"}
    services.referral_update(
        referral_id=referral.pk, version=1, actor=world.advisor_south, concern="Ny bekymring."
    )
    response = advisor_client.post(reverse("referrals:referral_edit", args=[referral.pk]), form)
    assert response.status_code == 409  # a stale edit is refused as a conflict
    assert STALE_TEXT in response.text
    assert "Arne" in response.text and "Ny bekymring." in response.text
    assert 'name="version" value="2"' in response.text
    referral.refresh_from_db()
    assert (referral.priority, referral.concern, referral.version) == ("normal", "Ny bekymring.", 2)


def test_a_withdrawn_case_cannot_be_edited(advisor_client, world, referral):
    services.referral_withdraw(referral_id=referral.pk, reason="Flyttet.", actor=world.advisor)
    referral.refresh_from_db()
    response = advisor_client.post(
        reverse("referrals:referral_edit", args=[referral.pk]),
        {**form_values(referral), "priority": "high"},
    )
    assert response.status_code == 422  # refused: issue 17's one form behaviour
    assert "En avsluttet eller trukket sak kan ikke endres." in response.text


# --- consent ----------------------------------------------------------------------------------


@pytest.fixture
def submitted(world, referral):
    received = timezone.localdate() - timedelta(days=5)
    return services.referral_submit(
        referral_id=referral.pk, actor=world.advisor, received_on=received
    )


def consent_post(guardian, days_ago=1, purpose="assessment"):
    given_on = timezone.localdate() - timedelta(days=days_ago)
    return {"guardian": guardian.pk, "purpose": purpose, "given_on": given_on.isoformat()}


def test_consent_page_explains_who_must_consent(advisor_client, referral):
    response = advisor_client.get(reverse("referrals:consent_new", args=[referral.pk]))
    assert (
        "Sakkyndig vurdering: én med foreldreansvar som barnet bor hos. "
        "Vedtak om hjelp: alle med foreldreansvar." in response.text
    )


def test_consent_to_a_submitted_referral_starts_the_clock(advisor_client, guardian, submitted):
    response = advisor_client.post(
        reverse("referrals:consent_new", args=[submitted.pk]), consent_post(guardian, days_ago=1)
    )
    assert response["Location"] == reverse("referrals:case_detail", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == Referral.Status.RECEIVED
    assert submitted.t0 == timezone.localdate() - timedelta(days=1)
    assert "fristene løper fra" in messages_of(response)[0]


def test_consent_in_the_future_is_refused_next_to_the_date(advisor_client, guardian, submitted):
    response = advisor_client.post(
        reverse("referrals:consent_new", args=[submitted.pk]), consent_post(guardian, days_ago=-1)
    )
    assert response.status_code == 422  # refused: issue 17's one form behaviour
    assert response.context["form"].errors["given_on"] == ["Datoen kan ikke være i fremtiden."]
    assert not Consent.objects.exists()


def test_consent_from_someone_without_parental_responsibility_is_refused(
    advisor_client, submitted, child
):
    other = GuardianFactory(child=child, parental_responsibility=False)
    response = advisor_client.post(
        reverse("referrals:consent_new", args=[submitted.pk]), consent_post(other)
    )
    assert response.context["form"].errors["guardian"]
    assert not Consent.objects.exists()


def test_a_guardian_of_another_child_cannot_be_chosen(advisor_client, submitted):
    stranger = GuardianFactory()
    response = advisor_client.post(
        reverse("referrals:consent_new", args=[submitted.pk]), consent_post(stranger)
    )
    assert response.context["form"].errors["guardian"]
    assert not Consent.objects.exists()


def test_withdrawing_the_only_consent_stops_the_case(advisor_client, world, guardian, submitted):
    consent = services.consent_register(
        referral_id=submitted.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=timezone.localdate() - timedelta(days=2),
        actor=world.advisor,
    )
    url = reverse("referrals:consent_withdraw", args=[submitted.pk, consent.pk])
    page = advisor_client.get(url)
    assert page.status_code == 200 and 'type="date"' in page.text
    response = advisor_client.post(url, {"withdrawn_on": timezone.localdate().isoformat()})
    assert response["Location"] == reverse("referrals:case_detail", args=[submitted.pk])
    submitted.refresh_from_db()
    consent.refresh_from_db()
    assert submitted.status == Referral.Status.WITHDRAWN
    assert consent.withdrawn_on == timezone.localdate()
    assert "Saken er stoppet" in messages_of(response)[0]


def test_a_withdrawal_dated_in_the_future_is_refused(advisor_client, world, guardian, submitted):
    consent = services.consent_register(
        referral_id=submitted.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=timezone.localdate(),
        actor=world.advisor,
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = advisor_client.post(
        reverse("referrals:consent_withdraw", args=[submitted.pk, consent.pk]),
        {"withdrawn_on": tomorrow.isoformat()},
    )
    assert response.context["form"].errors["withdrawn_on"]
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_consent_of_another_case_is_404(advisor_client, world, guardian, submitted):
    other = ReferralFactory(child=guardian.child, created_by=world.advisor)
    consent = services.consent_register(
        referral_id=other.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=timezone.localdate(),
        actor=world.advisor,
    )
    url = reverse("referrals:consent_withdraw", args=[submitted.pk, consent.pk])
    assert advisor_client.get(url).status_code == 404


# --- who may act ------------------------------------------------------------------------------


@pytest.fixture
def write_urls(world, child, guardian, referral):
    consent = services.consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose="decision",
        given_on=timezone.localdate(),
        actor=world.advisor,
    )
    return [
        reverse("referrals:child_edit", args=[child.pk]),
        reverse("referrals:guardian_new", args=[child.pk]),
        reverse("referrals:guardian_edit", args=[guardian.pk]),
        reverse("referrals:referral_new", args=[child.pk]),
        reverse("referrals:referral_edit", args=[referral.pk]),
        reverse("referrals:consent_new", args=[referral.pk]),
        reverse("referrals:consent_withdraw", args=[referral.pk, consent.pk]),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("styrer_a", 403),
        ("office", 403),
        ("styrer_b", 404),
        ("director", 404),
        ("admin", 404),
        ("outsider", 404),
        ("no_roles", 404),
    ],
)
def test_write_views_refuse_everyone_but_advisors(client, world, write_urls, persona, status):
    client.force_login(getattr(world, persona))
    for url in write_urls:
        assert client.get(url).status_code == status, url
        assert client.post(url, {}).status_code == status, url


def test_advisor_can_open_every_write_view(advisor_client, write_urls):
    for url in write_urls:
        assert advisor_client.get(url).status_code == 200, url


def test_write_views_need_a_login(client, write_urls):
    for url in [*write_urls, reverse("referrals:child_new")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/logg-inn/")


def test_the_identity_number_never_appears_in_a_redirect(advisor_client, world, child, guardian):
    number = synthetic(date(2021, 6, 1))
    posts = [
        (reverse("referrals:child_new"), child_post(world.unit_a, number)),
        (reverse("referrals:child_new"), child_post(world.unit_a, child.id_number)),
        (reverse("referrals:child_edit", args=[child.pk]), child_edit_post(child)),
        (reverse("referrals:guardian_new", args=[child.pk]), guardian_post()),
        (reverse("referrals:guardian_edit", args=[guardian.pk]), guardian_post(version=1)),
        (reverse("referrals:referral_new", args=[child.pk]), referral_post(world.unit_a)),
    ]
    for url, data in posts:
        response = advisor_client.post(url, data)
        assert response.status_code == 302, url
        for secret in (number, child.id_number, child.id_number[:6]):
            assert secret not in response["Location"], url


def test_parental_responsibility_and_living_with_must_be_answered_not_pre_ticked(client, world):
    from referrals.models import Guardian
    from tests.factories import ChildFactory

    child = ChildFactory(unit=world.unit_a)
    client.force_login(world.advisor)
    url = reverse("referrals:guardian_new", args=[child.pk])
    form = client.get(url).text
    assert 'value="True" checked' not in form
    response = client.post(url, {"name": "Per Far", "relation": "father", "phone": "99999999"})
    assert response.status_code == 422  # refused: issue 17's one form behaviour
    assert not Guardian.objects.filter(child=child).exists()
