"""Login, logout and the home page per role, in Norwegian."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_norwegian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Logg inn i Rimelig" in response.text
    assert 'lang="nb"' in response.text


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_email_and_password_shows_the_home_page(client, world):
    response = client.post(
        reverse("login"), {"username": "BOB@test.no", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Styrer/rektor" in response.text
    assert "Barnehage A" in response.text
    assert "Barnehage B" not in response.text


def test_wrong_password_gets_a_norwegian_message_and_no_session(client, world):
    response = client.post(reverse("login"), {"username": "bob@test.no", "password": "feil"})
    assert response.status_code == 200
    assert "Feil e-post eller passord" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, world):
    client.force_login(world.office)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_each_role_sees_its_role_on_the_home_page(client, world):
    expected = {
        world.advisor: "PP-rådgiver",
        world.styrer_a: "Styrer/rektor",
        world.office: "Barnehagekontoret",
        world.director: "Kommunalsjef",
        world.admin: "Systemansvarlig",
        world.special_educator: "Spesialpedagog",
    }
    for user, text in expected.items():
        client.force_login(user)
        response = client.get(reverse("home"))
        assert text in response.text, user
        assert "Bergtun barnehage" not in response.text


def test_user_without_roles_is_told_to_ask_for_access(client, world):
    client.force_login(world.no_roles)
    assert "Du har ingen roller" in client.get(reverse("home")).text


def test_unknown_page_is_a_404_in_the_layout(client, world):
    client.force_login(world.office)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.text


def test_language_can_be_switched_to_english(client, world):
    client.force_login(world.office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert 'lang="en"' in response.text
    assert "Log out" in response.text


def test_dates_are_shown_as_day_month_year(settings):
    from datetime import date

    from django.utils import formats, translation

    for language in ("nb", "en"):
        with translation.override(language):
            assert formats.date_format(date(2026, 11, 25), "SHORT_DATE_FORMAT") == "25.11.2026"
            assert formats.date_format(date(2026, 11, 25)) == "25.11.2026"


def test_an_english_browser_still_gets_norwegian_until_the_user_switches(client, world):
    client.force_login(world.office)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="nb"' in response.text


def test_logging_out_says_so_on_the_login_page(client, world):
    client.force_login(world.office)
    response = client.post(reverse("logout"), follow=True)
    assert "Du er logget ut." in response.text
