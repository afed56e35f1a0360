"""The admin: a municipality's system administrator creates a client for their municipality;
the key is on the page after saving, once, and works; a client is revoked, not deleted."""

import re

import pytest
from django.urls import reverse

from api.models import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def solvik_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


def test_the_key_is_shown_once_after_saving_and_works(client, world, solvik_admin):
    client.force_login(solvik_admin)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {
            "municipality": world.municipality.pk,
            "name": "Arkivsystemet",
            "scopes": ["cases:read", "documents:read"],
            "active": "on",
        },
    )
    assert response.status_code == 200
    key = re.search(r'<code id="api-key">([^<]+)</code>', response.text).group(1)
    api_client = ApiClient.objects.get()
    assert api_client.scopes == ["cases:read", "documents:read"]
    assert api_client.created_by == solvik_admin
    assert key.split(".")[1] not in str(ApiClient.objects.values().get())
    change = client.get(reverse("admin:api_apiclient_change", args=[api_client.pk]))
    assert key not in change.text and key.split(".")[1] not in change.text
    client.logout()
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.force_login(solvik_admin)
    client.post(
        reverse("admin:api_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [api_client.pk]},
    )
    client.logout()
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_another_municipality_is_no_choice(client, world, solvik_admin):
    client.force_login(solvik_admin)
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {"municipality": world.other_municipality.pk, "name": "X", "scopes": ["cases:read"]},
    )
    assert response.status_code == 200 and "api-key" not in response.text
    assert not ApiClient.objects.exists()
