"""The API clients' writes: create a client (its key, shown once) and revoke it."""

from django.db import transaction
from django.utils import timezone

from api import keys
from api.models import ApiClient, Scope
from teams.models import User

ACTOR_DOMAIN = "api.rimelig.invalid"  # .invalid: never an address anyone can receive mail at


@transaction.atomic
def api_client_create(
    *, municipality, name: str, scopes: list[str], actor, expires_at=None
) -> tuple[ApiClient, str]:
    """A client of ``municipality`` with ``scopes``; returns it and its key, which is shown
    once and never stored (only its secret's keyed hash). The client's own user (``actor`` on
    the client) is made inactive, without a password or roles: it only names the system in the
    case journal when the client registers something."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    prefix, secret, key = keys.new_key()
    user = User(
        email=f"api-{prefix}@{ACTOR_DOMAIN}",
        full_name=f"API: {name}"[:150],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    client = ApiClient.objects.create(
        municipality=municipality,
        name=name,
        scopes=sorted(set(scopes)),
        prefix=prefix,
        secret_hash=keys.secret_hash(secret),
        actor=user,
        expires_at=expires_at,
        created_by=actor,
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, client_id: int, actor=None) -> ApiClient:
    """The key stops working at once (the next request is a 401); the client stays for the
    access log's sake."""
    client = ApiClient.objects.select_for_update().get(pk=client_id)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.active = False
        client.save(update_fields=["revoked_at", "active"])
    return client


def api_client_touch(client: ApiClient, now) -> None:
    """last_used_at, written at most once a minute per client (not a write per request)."""
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() >= 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
