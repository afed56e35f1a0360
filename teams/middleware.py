"""The limits on a signed-in session (teams/sessions.py keeps both times in the session)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from teams import sessions


def _expired_message(reason: str) -> str:
    if reason == sessions.IDLE:
        minutes = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
        return _(
            "Du ble logget ut etter %(minutes)s minutter uten aktivitet. Logg inn på nytt."
        ) % {"minutes": minutes}
    return _("Økten din er utløpt. Logg inn på nytt.")


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT without a request, or
    SESSION_COOKIE_AGE after login (teams/sessions.py keeps both times in the session).

    The user lands on the login page with a message; an htmx request is sent there with a full
    page load rather than swapping the login form into a fragment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            at = sessions.now()
            reason = sessions.expiry_reason(request.session, at)
            if reason:
                logout(request)
                messages.info(request, _expired_message(reason))
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
                return redirect_to_login(request.get_full_path())
            sessions.touch(request.session, at)
        return self.get_response(request)
