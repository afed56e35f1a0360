"""Every refusal as JSON: ``{"detail": "…"}``, and for bad input ``{"detail": "…", "errors":
{field: [messages]}}`` with 400. Refusals of an authenticated client (403, 404) and of a known
client whose key no longer works (401) are written to the access log as DENIED, as a page's are
(referrals.access_log.AccessLogDeniedMiddleware: a 403/404 on a URL with an id, a 403 on a
list)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.permissions import client_of
from referrals.access_log import AccessLogEntry, access_log_client_record


def _errors(detail) -> dict:
    if isinstance(detail, dict):
        return {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a 500: Django's handler (logged with the request id)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("Ugyldig forespørsel."), "errors": _errors(exc.detail)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    _log_refusal(context, response.status_code)
    return response


def _log_refusal(context, status_code: int) -> None:
    request, view = context.get("request"), context.get("view")
    object_type = getattr(view, "log_object_type", None)
    if request is None or object_type is None:
        return
    client = client_of(request) or getattr(request._request, "api_client_refused", None)
    if client is None:
        return
    object_id = (context.get("kwargs") or {}).get(getattr(view, "log_kwarg", "pk"))
    if status_code == status.HTTP_401_UNAUTHORIZED or status_code == status.HTTP_403_FORBIDDEN:
        pass
    elif status_code != status.HTTP_404_NOT_FOUND or object_id is None:
        return
    access_log_client_record(
        request,
        api_client_id=client.pk,
        action=AccessLogEntry.Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        status=status_code,
    )


def error_response(message: str, *, errors: dict | None = None, status_code: int = 400):
    data = {"detail": message}
    if errors is not None:
        data["errors"] = errors
    return Response(data, status=status_code)
