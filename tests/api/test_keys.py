"""Keys for systems, not people: hashed, shown once, refused when revoked, expired or unknown,
never a session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import keys
from api.models import ApiClient
from api.services import api_client_revoke
from referrals.access_log import AccessLogEntry
from tests.builders import case_at

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def test_the_secret_is_stored_only_as_its_keyed_hash(api):
    prefix, secret = api.key.split(".", 1)
    row = ApiClient.objects.get(pk=api.api_client.pk)
    assert row.prefix == prefix
    assert row.secret_hash == keys.secret_hash(secret) != secret
    assert secret not in str(ApiClient.objects.filter(pk=row.pk).values().get())
    assert not row.actor.is_active and not row.actor.has_usable_password()


def test_a_key_opens_the_api(api):
    response = api.get(CASES)
    assert response.status_code == 200
    assert response.json() == {"next": None, "results": []}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nope",
        "Bearer 0123456789ab.wrong-secret",
        "Token abc.def",
        "Bearer",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_an_unknown_or_malformed_key_is_a_json_401(client, api, header):
    response = client.get(CASES, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_wrong_secret_of_a_real_prefix_is_refused(client, api):
    prefix = api.key.split(".")[0]
    response = client.get(CASES, HTTP_AUTHORIZATION=f"Bearer {prefix}.not-the-secret")
    assert response.status_code == 401


def test_a_revoked_key_is_refused_and_the_refusal_logged(api, world):
    case = case_at("received", world=world)
    api_client_revoke(client_id=api.api_client.pk)
    response = api.get(f"{CASES}{case.pk}/")
    assert response.status_code == 401
    assert "trukket tilbake" in response.json()["detail"]
    row = AccessLogEntry.objects.get(api_client_id=api.api_client.pk)
    assert (row.action, row.object_id, row.child_id, row.status) == (
        "denied",
        case.pk,
        case.child_id,
        401,
    )


def test_an_expired_key_is_refused(make_api):
    api = make_api(expires_at=timezone.now() - timedelta(minutes=1))
    response = api.get(CASES)
    assert response.status_code == 401
    assert "utløpt" in response.json()["detail"]


def test_a_signed_in_person_does_not_get_the_api_with_their_session(client, world):
    case_at("received", world=world)
    client.force_login(world.advisor)
    assert client.get(reverse("referrals:caseload")).status_code == 200  # the session works
    response = client.get(CASES)
    assert response.status_code == 401
    assert "results" not in response.json()


def test_last_used_is_written_at_most_once_a_minute(api, django_assert_num_queries):
    api.get(CASES)
    used = ApiClient.objects.get(pk=api.api_client.pk).last_used_at
    assert used is not None
    api.get(CASES)
    assert ApiClient.objects.get(pk=api.api_client.pk).last_used_at == used
