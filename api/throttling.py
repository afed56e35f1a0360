"""A fixed window per client in Redis (the project's cache): at most
settings.API_RATE_PER_MINUTE requests in each calendar minute, then 429 with Retry-After (the
seconds to the next minute). ``cache.add`` + ``cache.incr`` are atomic in Redis, so two workers
never both take the last request; one key per client and minute, expiring after it."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from api.permissions import client_of

WINDOW = 60


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        client = client_of(request)
        if client is None:
            return True  # refused before (401) or an open page (the schema, the docs)
        now = time.time()
        window = int(now // WINDOW)
        key = f"api-rate:{client.prefix}:{window}"
        cache.add(key, 0, WINDOW + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW + 5)
            count = 1
        self._wait = (window + 1) * WINDOW - now
        return count <= settings.API_RATE_PER_MINUTE

    def wait(self) -> float:
        return max(1, int(self._wait + 0.999))
