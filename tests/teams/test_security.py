"""Login hardening, session limits, the Content Security Policy and the other security headers,
and the production profile passing Django's deployment check."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from teams import sessions
from teams.models import User, UserSession
from tests.conftest import PASSWORD
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

ADDRESS_X = "10.1.1.10"
ADDRESS_Y = "10.2.2.20"


def log_in(client, email, password, address):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def make_case(world):
    child = ChildFactory(unit=world.unit_a)
    return ReferralFactory(child=child, created_by=world.advisor, advisor=world.advisor)


# --- login hardening (django-axes) ------------------------------------------------------------


def fail_five_times(client, email, address):
    for _ in range(5):
        response = log_in(client, email, "feil-passord-123", address)
    return response


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, world):
    fail_five_times(client, "alice@test.no", ADDRESS_X)
    response = log_in(client, "alice@test.no", PASSWORD, ADDRESS_X)
    assert response.status_code == 429
    assert "Innlogging midlertidig sperret" in response.text
    assert "30 minutter" in response.text
    assert not signed_in(client)


def test_the_lock_holds_for_that_user_from_that_address_only(client, world):
    fail_five_times(client, "alice@test.no", ADDRESS_X)
    # The same user from another address (her own PC at the PPT office) gets in ...
    response = log_in(client, "alice@test.no", PASSWORD, ADDRESS_Y)
    assert response.status_code == 302 and signed_in(client)
    client.logout()
    # ... and so does a colleague behind the same address (the kindergarten's one router).
    response = log_in(client, "bob@test.no", PASSWORD, ADDRESS_X)
    assert response.status_code == 302 and signed_in(client)


def test_another_spelling_of_the_address_is_the_same_user(client, world):
    for email in [
        "alice@test.no",
        "ALICE@test.no",
        " Alice@Test.no",
        "alice@TEST.NO",
        "aLice@test.no",
    ]:
        log_in(client, email, "feil-passord-123", ADDRESS_X)
    assert log_in(client, "alice@test.no", PASSWORD, ADDRESS_X).status_code == 429


def test_the_lock_ends_after_the_cool_off(client, world):
    fail_five_times(client, "alice@test.no", ADDRESS_X)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = log_in(client, "alice@test.no", PASSWORD, ADDRESS_X)
    assert response.status_code == 302 and signed_in(client)


def test_a_successful_login_clears_the_count(client, world):
    for _ in range(4):
        log_in(client, "alice@test.no", "feil-passord-123", ADDRESS_X)
    assert log_in(client, "alice@test.no", PASSWORD, ADDRESS_X).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "alice@test.no", "feil-passord-123", ADDRESS_X)
    assert log_in(client, "alice@test.no", PASSWORD, ADDRESS_X).status_code == 302


def test_passwords_shorter_than_12_characters_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Kort-pass1!")
    validate_password("en-lang-og-god-setning")


# --- session limits ---------------------------------------------------------------------------


def set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_an_idle_session_ends_after_30_minutes(client, world):
    client.force_login(world.advisor)
    set_session(client, **{sessions.SEEN_AT: sessions.now() - 31 * 60})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    followed = client.get(response["Location"])
    assert "logget ut etter 30 minutter uten aktivitet" in followed.text


def test_a_session_29_minutes_idle_goes_on(client, world):
    client.force_login(world.advisor)
    set_session(client, **{sessions.SEEN_AT: sessions.now() - 29 * 60})
    assert client.get(reverse("home")).status_code == 200
    assert client.session[sessions.SEEN_AT] >= sessions.now() - 5


def test_a_session_ends_10_hours_after_login_however_active(client, world):
    client.force_login(world.advisor)
    now = sessions.now()
    set_session(client, **{sessions.LOGIN_AT: now - 10 * 3600 - 1, sessions.SEEN_AT: now - 10})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert not signed_in(client)


def test_a_session_without_a_login_time_is_ended(client, world):
    client.force_login(world.advisor)
    session = client.session
    del session[sessions.LOGIN_AT]
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_activity_is_written_at_most_once_a_minute(client, world, django_assert_num_queries):
    client.force_login(world.advisor)
    seen = sessions.now() - 30
    set_session(client, **{sessions.SEEN_AT: seen})
    client.get(reverse("home"))
    assert client.session[sessions.SEEN_AT] == seen  # not written: under a minute ago
    set_session(client, **{sessions.SEEN_AT: seen - 60})
    client.get(reverse("home"))
    assert client.session[sessions.SEEN_AT] > seen


def test_an_htmx_request_after_expiry_reloads_the_login_page(client, world):
    client.force_login(world.advisor)
    set_session(client, **{sessions.SEEN_AT: sessions.now() - 31 * 60})
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == reverse("login")


def test_the_session_limits_are_the_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    assert timedelta(minutes=30) == settings.SESSION_IDLE_TIMEOUT
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# --- deactivation ends every session ----------------------------------------------------------


def two_sessions(client_class, user):
    clients = [client_class(), client_class()]
    for c in clients:
        c.force_login(user)
        assert c.get(reverse("home")).status_code == 200
    return clients


def test_login_notes_the_session_under_the_user(client, world):
    client.force_login(world.advisor)
    assert UserSession.objects.filter(user=world.advisor).count() == 1


def test_deactivating_a_user_with_save_ends_all_their_sessions(client, world):
    clients = two_sessions(client.__class__, world.advisor)
    colleague = client.__class__()
    colleague.force_login(world.office)
    world.advisor.is_active = False
    world.advisor.save()
    assert not Session.objects.filter(
        session_key__in=[c.session.session_key for c in clients]
    ).exists()
    assert not UserSession.objects.filter(user=world.advisor).exists()
    for c in clients:
        assert c.get(reverse("home")).status_code == 302
    assert colleague.get(reverse("home")).status_code == 200


def test_deactivating_with_a_queryset_update_ends_the_sessions_too(client, world):
    clients = two_sessions(client.__class__, world.advisor)
    User.objects.filter(pk=world.advisor.pk).update(is_active=False)
    for c in clients:
        assert c.get(reverse("home")).status_code == 302


def test_deactivating_in_the_admin_ends_the_sessions(client, world):
    victim = two_sessions(client.__class__, world.advisor)
    admin = world.admin  # the municipality's system administrator (issue 16: not a superuser)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    response = client.post(
        reverse("admin:teams_user_change", args=[world.advisor.pk]),
        {
            "email": world.advisor.email,
            "full_name": world.advisor.full_name,
            "is_active": "",
            "date_joined_0": "01.01.2026",
            "date_joined_1": "08:00",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": world.advisor.roles.get().pk,
            "roles-0-kind": "advisor",
            "roles-0-ppt_office": world.office_ppt.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert victim[0].get(reverse("home")).status_code == 302


def test_logging_out_removes_the_session(client, world):
    client.force_login(world.advisor)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_id=key).exists()


# --- caching: logout the back button cannot undo -----------------------------------------------


def test_pages_for_signed_in_users_are_never_stored(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    for url in [reverse("home"), reverse("referrals:case_detail", args=[referral.pk])]:
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_after_logout_the_case_page_is_the_login_page(client, world):
    referral = make_case(world)
    url = reverse("referrals:case_detail", args=[referral.pk])
    client.force_login(world.advisor)
    assert client.get(url).status_code == 200
    client.post(reverse("logout"))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Content Security Policy and the other headers ---------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b[^>]*>", re.IGNORECASE)
NONCE_ATTR = re.compile(r'\snonce="([^"]+)"')


def assert_csp_with_matching_nonces(response):
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert directives["script-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    body = response.content.decode()
    tags = SCRIPT_TAG.findall(body) + STYLE_TAG.findall(body)
    assert tags, "the page has scripts"
    for tag in tags:
        found = NONCE_ATTR.search(tag)
        assert found and found.group(1) == nonce, tag
    # Inline style attributes would need 'unsafe-inline': there must be none.
    assert " style=" not in body
    assert "Content-Security-Policy-Report-Only" not in response


def test_the_login_page_carries_the_policy(client, world):
    assert_csp_with_matching_nonces(client.get(reverse("login")))


def test_the_lockout_page_carries_the_policy(client, world):
    fail_five_times(client, "alice@test.no", ADDRESS_X)
    assert_csp_with_matching_nonces(log_in(client, "alice@test.no", PASSWORD, ADDRESS_X))


def test_signed_in_pages_carry_the_policy(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    for url in [
        reverse("home"),
        reverse("referrals:caseload"),
        reverse("referrals:case_detail", args=[referral.pk]),
        reverse("referrals:case_history", args=[referral.pk]),
        "/finnes-ikke/",
    ]:
        assert_csp_with_matching_nonces(client.get(url))


def test_the_admin_carries_the_policy(client, world):
    admin = world.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    assert_csp_with_matching_nonces(client.get(reverse("admin:login")))
    client.force_login(admin)
    for url in [
        reverse("admin:index"),
        reverse("admin:teams_user_changelist"),
        reverse("admin:teams_user_change", args=[world.advisor.pk]),
    ]:
        assert_csp_with_matching_nonces(client.get(url))


def test_every_page_is_refused_framing_and_sniffing(client, world):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- the production profile ---------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "q7Vd-2mX9rL4tB8wZ1nK6pH3sJ0cF5gY-eA7uR2iO9vN4xM1bT8kW3zQ6",
    "ALLOWED_HOSTS": "rimelig.kommune.no",
    "DATABASE_URL": "postgres://rimelig@127.0.0.1:5432/rimelig",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def test_the_production_profile_passes_the_deployment_check():
    root = Path(__file__).resolve().parents[2]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"EMAIL_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_http_only(monkeypatch):
    from tests.teams.test_settings import load

    s = load(monkeypatch)
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["LANGUAGE_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_PRELOAD"] is False
    assert s["SECURE_CSP"]["script-src"] == ["'self'", "<CSP_NONCE_SENTINEL>"]
