"""API keys: ``<prefix>.<secret>``. The prefix is the client's public id; the secret is 32 random
bytes, shown once and stored as HMAC-SHA256(pepper, secret).

A keyed hash, not a password hash (PBKDF2): the secret is random and long, so there is nothing
to guess, and a key is checked on every request (PBKDF2's 600,000 rounds would cost ~300 ms a
request). The pepper (settings.API_KEY_PEPPER, by default SECRET_KEY) keeps a stolen database
dump from being enough to check a key offline."""

import hashlib
import hmac
import secrets

from django.conf import settings

PREFIX_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32
SEPARATOR = "."
MAX_KEY_LENGTH = 200


def _pepper() -> bytes:
    return (getattr(settings, "API_KEY_PEPPER", "") or settings.SECRET_KEY).encode()


def secret_hash(secret: str) -> str:
    return hmac.new(_pepper(), secret.encode(), hashlib.sha256).hexdigest()


def new_key() -> tuple[str, str, str]:
    """(prefix, secret, the full key to hand out once)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return prefix, secret, f"{prefix}{SEPARATOR}{secret}"


def split_key(key: str) -> tuple[str, str] | None:
    """(prefix, secret) of a presented key, None when it is not shaped like one."""
    if not key or len(key) > MAX_KEY_LENGTH or SEPARATOR not in key:
        return None
    prefix, secret = key.split(SEPARATOR, 1)
    if len(prefix) != PREFIX_BYTES * 2 or not secret:
        return None
    return prefix, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)
