"""API clients for the personas' municipalities (tests/conftest.py world): a key per scope set,
and a request helper that sends it as ``Authorization: Bearer``."""

import pytest

from api.models import Scope
from api.services import api_client_create

ALL_SCOPES = [s.value for s in Scope]
READ = [Scope.CASES_READ]


class Api:
    def __init__(self, client, key):
        self.client, self.key = client, key

    def headers(self, extra=None):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}", **(extra or {})}

    def get(self, url, data=None, **extra):
        return self.client.get(url, data, **self.headers(extra))

    def post(self, url, data=None, **extra):
        return self.client.post(url, data, content_type="application/json", **self.headers(extra))


@pytest.fixture
def make_api(client, world):
    def make(scopes=READ, municipality=None, **kwargs):
        api_client, key = api_client_create(
            municipality=municipality or world.municipality,
            name="Arkivet",
            scopes=list(scopes),
            actor=world.admin,
            **kwargs,
        )
        api = Api(client, key)
        api.api_client = api_client
        return api

    return make


@pytest.fixture
def api(make_api):
    """Solvik's client with every scope."""
    return make_api(ALL_SCOPES)
