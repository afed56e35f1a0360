"""Strict reading of the environment on top of django-environ.

django-environ is lenient: ``Env.bool`` turns "ja" into False and ``Env.db`` accepts any
scheme. A municipality's operator who mistypes a value must be told at start-up, not find
out when DEBUG is silently off or the database engine is "posgres", so every reader here
raises ImproperlyConfigured with the variable's name and what it accepts.
"""

from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}
DB_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}
BROKER_SCHEMES = {"redis", "rediss", "filesystem", "sentinel"}
EMAIL_SCHEMES = {
    "smtp",
    "smtps",
    "smtp+tls",
    "smtp+ssl",
    "consolemail",
    "filemail",
    "memorymail",
    "dummymail",
}


def _bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not valid: expected {expected}.")


def read_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise _bad(name, raw, "one of 1/0, true/false, yes/no, on/off")


def read_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, raw, "a whole number") from None
    if not minimum <= value <= maximum:
        raise _bad(name, raw, f"a number from {minimum} to {maximum}")
    return value


def read_url(name: str, schemes: set[str], default: str | None = None) -> str | None:
    raw = env.str(name, default=None)
    if raw is None or raw == "":
        return default
    scheme = urlsplit(raw).scheme
    if scheme not in schemes:
        raise _bad(
            name, raw, "a URL starting with " + ", ".join(f"{s}://" for s in sorted(schemes))
        )
    return raw


def read_database(name: str = "DATABASE_URL") -> dict | None:
    url = read_url(name, DB_SCHEMES)
    if url is None:
        return None
    config = env.db_url_config(url)
    if not config.get("NAME"):
        raise _bad(name, url, "a URL that names a database, e.g. postgres://user@host:5432/rimelig")
    return config


def read_list(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise _bad(name, raw, "a comma-separated list with at least one entry")
    return items


def read_email(name: str, default: str) -> dict:
    url = read_url(name, EMAIL_SCHEMES, default)
    return env.email_url_config(url)
