"""``Authorization: Bearer <prefix>.<secret>``: the only way into the API. No session
authentication: a person signed in through the browser gets a 401 here, whatever cookie their
browser sends."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api import keys
from api.models import ApiClient
from api.services import api_client_touch


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None  # NotAuthenticated: 401 with WWW-Authenticate
        if header[0].decode("latin-1").lower() != self.keyword.lower() or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Bruk «Authorization: Bearer <nøkkel>» med nøkkelen fra administrasjonen.")
            )
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            presented = ""
        parts = keys.split_key(presented)
        if parts is None:
            raise exceptions.AuthenticationFailed(_("Ukjent API-nøkkel."))
        prefix, secret = parts
        client = (
            ApiClient.objects.select_related("municipality", "actor").filter(prefix=prefix).first()
        )
        if client is None or not keys.secret_matches(secret, client.secret_hash):
            raise exceptions.AuthenticationFailed(_("Ukjent API-nøkkel."))
        now = timezone.now()
        if refusal := client.refusal(now):
            # A known client refused: the access log names it (api/errors.py).
            request._request.api_client_refused = client
            raise exceptions.AuthenticationFailed(refusal)
        api_client_touch(client, now)
        return ApiPrincipal(client), client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiPrincipal:
    """request.user for a request made with a key: the client, never a person (no roles, so
    the person-scoping functions give it nothing)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, client: ApiClient):
        self.client = client
        self.pk = None

    def __str__(self) -> str:
        return str(self.client)
