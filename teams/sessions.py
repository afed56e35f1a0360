"""How long a login lasts: 30 minutes without activity, 10 hours at most (settings), and not a
moment after the account is deactivated.

The times live in the session itself (epoch seconds, JSON-serialisable); the middleware in
core/middleware.py asks ``expiry_reason`` on every request and calls ``touch``.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils.translation import gettext as _

LOGIN_AT = "rimelig_login_at"
SEEN_AT = "rimelig_seen_at"
# Recording activity writes the session row; once a minute is enough for a 30-minute limit and
# spares the database a write per request.
TOUCH_EVERY = 60

IDLE = "idle"
TOO_OLD = "too_old"


def now() -> int:
    return int(time.time())


def expiry_reason(session, at: int) -> str | None:
    """Why this signed-in session must end now, or None while it may go on."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # Not made by our login (or from before these limits): its age is unknown.
        return TOO_OLD
    if at - login_at >= settings.SESSION_COOKIE_AGE:
        return TOO_OLD
    if at - seen_at >= settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return IDLE
    return None


def touch(session, at: int) -> None:
    if at - session[SEEN_AT] >= TOUCH_EVERY:
        session[SEEN_AT] = at


@receiver(user_logged_in, dispatch_uid="teams.sessions.stamp_login")
def stamp_login(sender, request, user, **kwargs):
    """Start both clocks, and note the session under the user so deactivation can end it."""
    from teams.models import UserSession

    at = now()
    request.session[LOGIN_AT] = at
    request.session[SEEN_AT] = at
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_id=request.session.session_key, defaults={"user": user}
    )


@receiver(user_logged_out, dispatch_uid="teams.sessions.say_logged_out")
def _say_logged_out(sender, request, user, **kwargs):
    """Tell the person on the login page that they are out (the session is already flushed;
    the message travels in the fresh one)."""
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, _("Du er logget ut."))
