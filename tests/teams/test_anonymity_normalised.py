"""The anonymity check of anonymous consultations compares normalised text (issue 16): a
zero-width character, a Cyrillic or Greek look-alike letter, full-width letters or digits, or
separators inside an identity number do not get a child's identity past it."""

from datetime import date

import pytest
from django.urls import reverse

from teams import anonymity
from teams.ressursteam_models import AnonymousConsultation, Meeting
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ola(world):
    return ChildFactory(unit=world.unit_a, first_name="Ola", last_name="Nordmann")


def refused(world, text) -> bool:
    errors = anonymity.anonymity_errors({"question": text}, unit_id=world.unit_a.pk)
    return "question" in errors


@pytest.mark.parametrize(
    "text",
    [
        "No\u200brdmann, Ola er urolig",  # zero-width space inside the last name
        "Ola\u200d Nord\u2060mann\ufeff er urolig",  # joiner, word joiner, BOM
        "Ola \u202eNordmann\u202c er urolig",  # a direction override around the name
        "Оla Nоrdmаnn er urolig",  # Cyrillic О, о and а
        "OLA NΟRDΜΑΝΝ ER UROLIG",  # Greek capital Omicron, Mu, Alpha, Nu
        "Ola Nоrdmаnn",  # Cyrillic о, а
        "Ｏｌａ Ｎｏｒｄｍａｎｎ er urolig",  # full-width letters (NFKC)
        "ola  \u00a0nordmann",  # a no-break space between the names
    ],
)
def test_a_disguised_full_name_is_refused(world, ola, text):
    assert refused(world, text)


@pytest.mark.parametrize(
    "number",
    [
        "238 822 83283",
        "238.822-83283",
        "23 88 22 83 283",
        "2-3-8-8-2-2-8-3-2-8-3",
        "238\u200b82283283",  # a zero-width space between the digits
        "２３８８２２８３２８３",  # full-width digits (NFKC)
        "238 822 83283 1",  # a digit after it does not hide it
    ],
)
def test_an_identity_number_with_any_separators_is_refused(world, number):
    assert anonymity.contains_id_number(f"Gjelder {number}, se notat.")


@pytest.mark.parametrize(
    "text",
    [
        "tlf 33 00 20 00, 4 timer, 2026",
        "møter 10.11.2026 - 12.11.2026 kl. 08.30-11.00",
        "ring +47 900 12 345",
        "150765005651",  # twelve digits in one: not an identity number
    ],
)
def test_ordinary_numbers_are_not_taken_for_an_identity_number(text):
    assert not anonymity.contains_id_number(text)


def test_ordinary_text_with_the_first_name_alone_passes(world, ola):
    assert not refused(world, "Оla leker mye alene")  # the first name alone, even disguised


def test_the_form_refuses_a_name_with_look_alike_letters_next_to_the_field(client, world, ola):
    meeting = Meeting.objects.create(
        unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor
    )
    client.force_login(world.advisor)
    response = client.post(
        reverse("teams:consultation_new", args=[meeting.pk]),
        {"question": "Оla Nоrdmаnn snakker lite", "advice": "238 822 83283", "bti_level": "1"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "for- og etternavnet" in errors["question"][0]
    assert "fødselsnummer" in errors["advice"][0]
    assert not AnonymousConsultation.objects.exists()
