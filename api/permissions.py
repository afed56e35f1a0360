"""Scopes per view: a view names ``required_scopes`` (all needed) per HTTP method or for all;
a view without them is closed (deny by default)."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from api.models import ApiClient


def client_of(request) -> ApiClient | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None


def required_scopes(view, method: str) -> tuple[str, ...] | None:
    scopes = getattr(view, "required_scopes", None)
    if isinstance(scopes, dict):
        scopes = scopes.get(method, scopes.get("GET") if method == "HEAD" else None)
    return tuple(scopes) if scopes is not None else None


class HasScopes(BasePermission):
    message = _("Nøkkelen har ikke tilgangen som trengs.")

    def has_permission(self, request, view) -> bool:
        client = client_of(request)
        if client is None:
            return False
        scopes = required_scopes(view, request.method)
        if scopes is None:
            return False
        missing = [s for s in scopes if not client.has_scope(s)]
        if missing:
            self.message = _("Nøkkelen mangler tilgangen %(s)s.") % {"s": ", ".join(missing)}
            return False
        return True
