"""The 500 handler, which answers 503 "try again shortly" when the database is unreachable.

While PostgreSQL restarts (or a failover runs) every request that needs it fails at once
(connect_timeout bounds the wait); the user gets a clear page with Retry-After instead of
"something went wrong", and nothing half-saved: each request's writes are one transaction.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

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
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return default_server_error(request)
