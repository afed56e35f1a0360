"""Who is trying to log in, and from where: the two halves of django-axes' lockout key."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def login_username(request, credentials: dict | None) -> str:
    """The e-mail address as the user manager stores it (lower case, no spaces).

    Without this, "Bob@x.no" and "bob@x.no" would count as two users, and an attacker could
    try five passwords per spelling.
    """
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return (raw or "").strip().lower()


def client_ip(request) -> str | None:
    """The client's address (for lockouts and the access log): REMOTE_ADDR, or behind
    TRUSTED_PROXY_COUNT proxies the entry that many places from the right of X-Forwarded-For
    (each proxy appends what it saw; anything further left was written by the client and may
    be forged). Only a valid IP address is returned, else None."""
    candidates = []
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            candidates.append(forwarded[-count])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def lockout_response(request, original_response=None, credentials=None):
    """The page axes shows instead of the login form once the limit is reached."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked.html", context, status=429)
