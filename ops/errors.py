"""The 500 handler, which answers 503 "try again shortly" when the database is unreachable,
and the middleware that shows Rimelig's own error pages under DEBUG too.

While PostgreSQL restarts (or a failover runs) every request that needs it fails at once
(connect_timeout bounds the wait); the user gets a clear page with Retry-After instead of
"something went wrong", and nothing half-saved: each request's writes are one transaction.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.urls import get_resolver, get_urlconf

from teams.errors import server_error as default_server_error

log = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)


def _database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        if isinstance(exc, DatabaseError):
            return False
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request):
    # Under DEBUG, OwnErrorPagesMiddleware calls this after Django has handled the exception.
    failed = sys.exc_info()[1] or getattr(request, "_rimelig_exception", None)
    if _database_unavailable(failed):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return default_server_error(request)


class OwnErrorPagesMiddleware:
    """Under DEBUG (``make run``), Rimelig's own 404 and 500 pages instead of Django's
    technical ones, which list every URL pattern, the traceback and the settings, in English.
    ``DEBUG_ERROR_PAGES=1`` brings Django's pages back for a developer who wants them; the
    traceback is in the log either way.

    Django decides between the two inside its handler (``response_for_exception`` calls
    ``technical_404_response`` whenever DEBUG is on, for a view's Http404 and for an unknown
    URL alike), so no error handler can choose. This middleware lets Django log and signal the
    exception as usual, then swaps the body: a technical page is the only error answer made
    with ``csp_override({})``. The exception is kept from ``process_exception`` so the 500
    handler can still answer 503 when the database is down.

    Below PolicyOnErrorPagesMiddleware and XFrameOptionsMiddleware, which add their headers
    to the page made here.
    """

    OWN = (404, 500)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not settings.DEBUG_ERROR_PAGES
            and response.status_code in self.OWN
            and getattr(response, "_csp_config", None) == {}
        ):
            return self._own_page(request, response.status_code)
        return response

    def process_exception(self, request, exception):
        request._rimelig_exception = exception

    @staticmethod
    def _own_page(request, status: int):
        handler = get_resolver(get_urlconf()).resolve_error_handler(status)
        if status == 404:
            return handler(request, Http404())
        return handler(request)
