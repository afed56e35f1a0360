"""A request id for every request, and one log line per request (core/logging.py)."""

import logging
import re
import time
import uuid

from django.http import JsonResponse

from core import logging as log_context

log = logging.getLogger("rimelig.request")

HEADER = "X-Request-ID"
LIVENESS_PATH = "/helse/"
# An incoming id (from the proxy) is kept only if it is a short, plain token: a header is
# attacker-controlled and ends up in every log line.
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def incoming_or_new(value: str | None) -> str:
    if value and SAFE_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: sets the id before anything logs, answers it in X-Request-ID and
    logs the request once when the response is ready (method, path without query, status,
    milliseconds, the user's id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVENESS_PATH and request.method in ("GET", "HEAD"):
            # Liveness before anything else: a probe from a container runtime or load balancer
            # uses whatever Host it likes (ALLOWED_HOSTS) over plain HTTP (SSL redirect), and
            # the answer must not depend on a session or the database.
            return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})
        rid = incoming_or_new(request.headers.get(HEADER))
        request.request_id = rid
        rid_token = log_context.request_id.set(rid)
        user_token = log_context.user_id.set(None)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            # Only an already-loaded user: never a database query here (it may be down).
            cached = getattr(request, "_cached_user", None)
            if user is not None and cached is not None and cached.is_authenticated:
                log_context.user_id.set(cached.pk)
            response[HEADER] = rid
            log.log(
                logging.WARNING if response.status_code >= 500 else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            log_context.request_id.reset(rid_token)
            log_context.user_id.reset(user_token)
