"""Single sign-on end to end: the test client is the browser on Rimelig's side, `requests`
follows the redirect to a real mock OpenID provider on 127.0.0.1 (tests/support/oidc_provider.py),
and the callback is called with the code and state the provider sent back."""

import logging
import time
from urllib.parse import urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.support.oidc_provider import MockProvider, new_key
from tests.teams.test_settings import load

pytestmark = pytest.mark.django_db
User = get_user_model()

BUTTON = "Logg inn med kommunens pålogging"
REFUSED = "Du ble ikke logget inn med kommunens pålogging"
UNAVAILABLE = "Kommunens pålogging svarer ikke akkurat nå"


@pytest.fixture(scope="module")
def key():
    return new_key()


@pytest.fixture
def provider(key, settings):
    provider = MockProvider(key).start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "teams.oidc.MunicipalOIDCBackend",
    ]
    yield provider
    provider.stop()


@pytest.fixture
def kari():
    return UserFactory(email="kari.nordmann@test.no")


def authorize(client, provider, next_url=""):
    """The browser's trip to the provider and back: the callback path with code and state."""
    start = client.get(reverse("oidc_authentication_init") + next_url)
    assert start.status_code == 302
    assert start["Location"].startswith(provider.url("/authorize?"))
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return f"{callback.path}?{callback.query}"


def sign_in(client, provider, next_url=""):
    return client.get(authorize(client, provider, next_url), follow=True)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_verified_email_signs_in_the_existing_user_whatever_the_case(client, provider, kari):
    provider.claims.update(email="Kari.Nordmann@TEST.no", email_verified=True)
    users_before = User.objects.count()

    response = sign_in(client, provider)

    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert response.status_code == 200
    assert response.context["user"] == kari
    assert signed_in_as(client) == str(kari.pk)
    assert client.session["_auth_user_backend"] == "teams.oidc.MunicipalOIDCBackend"
    assert User.objects.count() == users_before
    # The session holds on the next request (the backend finds the user again).
    assert client.get(reverse("home")).status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, provider, kari):
    provider.claims.update(email=kari.email)
    response = sign_in(client, provider, "?next=" + reverse("decisions:inbox"))
    assert response.redirect_chain[-1] == (reverse("decisions:inbox"), 302)
    assert signed_in_as(client) == str(kari.pk)


@pytest.mark.parametrize("verified", [False, "false", None])
def test_unverified_email_is_not_signed_in(client, provider, kari, verified):
    provider.claims.update(email=kari.email, email_verified=verified)
    if verified is None:
        del provider.claims["email_verified"]

    response = sign_in(client, provider)

    assert response.redirect_chain[-1] == (reverse("login"), 302)
    assert REFUSED in response.text
    assert signed_in_as(client) is None


def test_unknown_email_is_not_signed_in_and_no_user_is_made(client, provider, kari, caplog):
    caplog.set_level(logging.DEBUG)
    provider.claims.update(email="ukjent@test.no")
    users_before = User.objects.count()

    response = sign_in(client, provider)

    assert REFUSED in response.text
    assert signed_in_as(client) is None
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="ukjent@test.no").exists()
    assert "ukjent" not in caplog.text  # nothing personal in the log


def test_inactive_user_is_not_signed_in(client, provider, kari):
    kari.is_active = False
    kari.save()
    provider.claims.update(email=kari.email)

    response = sign_in(client, provider)

    assert REFUSED in response.text
    assert signed_in_as(client) is None


def test_user_deactivated_after_signing_in_is_signed_out(client, provider, kari):
    provider.claims.update(email=kari.email)
    sign_in(client, provider)
    assert signed_in_as(client) == str(kari.pk)

    User.objects.filter(pk=kari.pk).update(is_active=False)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_token_signed_with_another_key_is_refused(client, provider, kari, caplog):
    provider.claims.update(email=kari.email)
    provider.signing_key = new_key()  # /jwks still publishes the real key

    response = sign_in(client, provider)

    assert REFUSED in response.text
    assert "JWS token verification failed" in caplog.text
    assert signed_in_as(client) is None


def test_a_replayed_callback_is_refused(client, provider, kari):
    provider.claims.update(email=kari.email)
    callback = authorize(client, provider)
    client.get(callback)
    client.logout()

    response = client.get(callback, follow=True)

    assert response.status_code == 200
    assert REFUSED in response.text
    assert signed_in_as(client) is None


def test_provider_that_is_down_gives_a_norwegian_message_not_a_500(client, provider, kari, caplog):
    provider.claims.update(email=kari.email)
    callback = authorize(client, provider)
    provider.stop()

    started = time.monotonic()
    response = client.get(callback, follow=True)

    assert time.monotonic() - started < 2  # OIDC_TIMEOUT
    assert response.redirect_chain[-1] == (reverse("login"), 302)
    assert response.status_code == 200
    assert UNAVAILABLE in response.text
    assert signed_in_as(client) is None
    assert "provider unavailable (ConnectionError)" in caplog.text


def test_provider_that_hangs_is_given_up_after_the_timeout(
    client, provider, kari, settings, caplog
):
    settings.OIDC_TIMEOUT = 1
    provider.claims.update(email=kari.email)
    provider.delay = 4
    callback = authorize(client, provider)

    started = time.monotonic()
    response = client.get(callback, follow=True)

    assert time.monotonic() - started < 3
    assert UNAVAILABLE in response.text
    assert signed_in_as(client) is None
    assert "provider unavailable (ReadTimeout)" in caplog.text


def test_failed_sso_logins_do_not_lock_out_the_address(client, provider, kari, settings):
    # Axes counts wrong passwords; a refused SSO login is not one, or five refusals would
    # lock SSO for everyone behind the same address.
    provider.claims.update(email=kari.email, email_verified=False)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, provider)
    assert AccessAttempt.objects.count() == 0

    provider.claims.update(email_verified=True)
    response = sign_in(client, provider)

    assert response.status_code == 200
    assert signed_in_as(client) == str(kari.pk)


def test_password_login_still_works_beside_sso(client, provider, world):
    response = client.post(
        reverse("login"), {"username": "bob@test.no", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert signed_in_as(client) == str(world.styrer_a.pk)


def test_wrong_passwords_still_lock_out_beside_sso(client, provider, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bob@test.no", "password": "feil"})
    response = client.post(reverse("login"), {"username": "bob@test.no", "password": PASSWORD})
    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_login_page_offers_sso_only_when_configured(client, settings):
    assert BUTTON not in client.get(reverse("login")).text

    settings.OIDC_RP_CLIENT_ID = "rimelig"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.kommune.no/authorize"
    response = client.get(reverse("login") + "?next=/saker/")

    assert BUTTON in response.text
    assert reverse("oidc_authentication_init") + "?next=/saker/" in response.text


def test_sso_urls_are_404_when_not_configured(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "rimelig",
    "OIDC_RP_CLIENT_SECRET": "hemmelig",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.kommune.no/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.kommune.no/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.kommune.no/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.kommune.no/jwks",
}


def test_settings_switch_sso_on_after_the_password_backends(monkeypatch):
    s = load(monkeypatch, **OIDC_ENV)
    assert s["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "teams.oidc.MunicipalOIDCBackend",
    ]
    assert s["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert s["OIDC_TIMEOUT"] == 10
    assert s["OIDC_CREATE_USER"] is False
    assert s["LOGIN_REDIRECT_URL"] == "home"


def test_settings_without_sso_keep_the_password_backends_only(monkeypatch):
    s = load(monkeypatch, **dict.fromkeys(OIDC_ENV))
    assert "teams.oidc.MunicipalOIDCBackend" not in s["AUTHENTICATION_BACKENDS"]


@pytest.mark.parametrize("missing", sorted(set(OIDC_ENV) - {"OIDC_RP_CLIENT_ID"}))
def test_settings_fail_loudly_when_an_sso_value_is_missing(monkeypatch, missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        load(monkeypatch, **{**OIDC_ENV, missing: None})


def test_settings_refuse_plain_http_endpoints_in_production(monkeypatch):
    env = {**OIDC_ENV, "OIDC_OP_TOKEN_ENDPOINT": "http://login.kommune.no/token"}
    with pytest.raises(ImproperlyConfigured, match="OIDC_OP_TOKEN_ENDPOINT"):
        load(monkeypatch, **env)
