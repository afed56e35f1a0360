"""Settings fail loudly on a bad value: the operator learns at start-up, not in production."""

import os
import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

GOOD = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "rimelig.kommune.no",
    "DATABASE_URL": "postgres://rimelig@db.kommune.no:5432/rimelig",
    "REDIS_URL": "redis://redis.kommune.no:6379/0",
    "EMAIL_URL": "smtp://mail.kommune.no:25",
}


def load(monkeypatch, **overrides):
    for key in list(os.environ):
        if key in GOOD or key in {"CELERY_BROKER_URL", "CONN_MAX_AGE"}:
            monkeypatch.delenv(key)
    for key, value in {**GOOD, **overrides}.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return runpy.run_module("config.settings")


def test_a_complete_production_environment_loads(monkeypatch):
    s = load(monkeypatch)
    assert s["DEBUG"] is False
    assert s["DATABASES"]["default"]["HOST"] == "db.kommune.no"
    assert s["CELERY_BROKER_URL"] == "redis://redis.kommune.no:6379/0"
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["ALLOW_SYNTHETIC_ID_NUMBERS"] is False
    assert s["TIME_ZONE"] == "Europe/Oslo" and s["LANGUAGE_CODE"] == "nb"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEBUG", "kanskje", "DEBUG"),
        ("DATABASE_URL", "mysql://root@localhost/rimelig", "DATABASE_URL"),
        ("DATABASE_URL", "postgres://localhost:5432", "DATABASE_URL"),
        ("REDIS_URL", "http://redis:6379", "REDIS_URL"),
        ("CELERY_BROKER_URL", "amqp://guest@localhost", "CELERY_BROKER_URL"),
        ("EMAIL_URL", "smtpp://mail", "EMAIL_URL"),
        ("CONN_MAX_AGE", "lenge", "CONN_MAX_AGE"),
        ("ALLOWED_HOSTS", ",", "ALLOWED_HOSTS"),
        ("SECRET_KEY", None, "SECRET_KEY"),
        ("SECRET_KEY", "short", "SECRET_KEY"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(monkeypatch, variable, value, expected):
    with pytest.raises(ImproperlyConfigured, match=expected):
        load(monkeypatch, **{variable: value})


def test_debug_mode_has_demo_defaults(monkeypatch):
    s = load(monkeypatch, DEBUG="1", SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert s["ALLOW_SYNTHETIC_ID_NUMBERS"] is True


def test_email_url_becomes_the_default_mailer(monkeypatch):
    s = load(monkeypatch, EMAIL_URL="smtp+tls://rimelig:hemmelig@mail.kommune.no:587")
    mailer = s["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"]["host"] == "mail.kommune.no"
    assert mailer["OPTIONS"]["port"] == 587
    assert mailer["OPTIONS"]["use_tls"] is True
    assert mailer["OPTIONS"]["password"] == "hemmelig"


def test_filemail_writes_under_the_project_or_an_absolute_path(monkeypatch):
    s = load(monkeypatch, EMAIL_URL="filemail://var/mail")
    assert s["MAILERS"]["default"]["OPTIONS"]["file_path"].endswith("/var/mail")
    s = load(monkeypatch, EMAIL_URL="filemail:///srv/rimelig/mail")
    assert s["MAILERS"]["default"]["OPTIONS"]["file_path"] == "/srv/rimelig/mail"
