"""Who is trying to log in, and from where: the two halves of django-axes' lockout key."""

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
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address
    the outermost trusted proxy saw (X-Forwarded-For, counted from the right, since a client
    can put anything at its left end)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page axes shows instead of the login form once the limit is reached."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked.html", context, status=429)
