"""Single sign-on with the municipality's OpenID Connect provider, beside the local login.

Switched on by OIDC_RP_CLIENT_ID (config/settings.py). The provider only vouches for an
e-mail address: a user signs in when exactly one active Rimelig user has that address and
the provider says the address is verified. Nothing here creates a user or gives a role;
the municipality's admin still does both in Rimelig.

Nothing personal is logged: no e-mail address, no claims, no token, and no exception text
(a token endpoint's error text may echo what it was sent).
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)

UNAVAILABLE = "unavailable"
REFUSED = "refused"


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def _failure_message(reason: str) -> str:
    if reason == UNAVAILABLE:
        return _(
            "Kommunens pålogging svarer ikke akkurat nå. Prøv igjen om litt, "
            "eller logg inn med e-post og passord."
        )
    return _(
        "Du ble ikke logget inn med kommunens pålogging. Rimelig godtar bare en bekreftet "
        "e-postadresse som tilhører en aktiv bruker her. Kontakt den som administrerer "
        "Rimelig hos dere."
    )


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, narrowed to signing in users who already exist."""

    def authenticate(self, request, **kwargs):
        # A provider that is down, slow (OIDC_TIMEOUT) or answers nonsense, or a token that
        # fails its checks, is a refused login with a message, never a 500.
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            logger.warning("OIDC login failed: provider unavailable (%s)", type(exc).__name__)
            reason = UNAVAILABLE
        except SuspiciousOperation as exc:
            # The library's own fixed texts ("JWS token verification failed." and the like).
            logger.warning("OIDC login refused: %s", exc)
            reason = REFUSED
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            logger.warning("OIDC login refused: invalid response (%s)", type(exc).__name__)
            reason = REFUSED
        if request is not None:
            request.oidc_failure = reason
        return None

    def verify_claims(self, claims):
        # Some providers send the flag as the string "true".
        return bool(claims.get("email")) and claims.get("email_verified") in (True, "true")

    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email or claims.get("email_verified") not in (True, "true"):
            return self.UserModel.objects.none()
        # The user manager stores addresses in lower case (teams/models.py).
        return self.UserModel.objects.filter(email=email.strip().lower(), is_active=True)

    def create_user(self, claims):
        # Users and their roles are made by the municipality's admin, never by a login.
        return None

    def describe_user_by_claims(self, claims):
        # The library logs this at DEBUG; keep the address out of the log.
        return "the e-mail address given by the provider"

    def get_user(self, user_id):
        # ModelBackend's: a user deactivated after signing in is signed out on the next request.
        return ModelBackend.get_user(self, user_id)


class OIDCStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; 404 while single sign-on is off."""

    def __init__(self, **kwargs):
        # The library reads the settings here and fails when they are missing; read them in
        # get() instead, so that switching SSO off is a 404.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here; a failure goes to the login page with a
    Norwegian message."""

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation:
            # An unknown state: a replayed or stale callback, or another browser's.
            logger.warning("OIDC login refused: unknown state")
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, "oidc_failure", REFUSED)
        messages.error(self.request, _failure_message(reason))
        return redirect(settings.LOGIN_URL)


class LoginView(auth_views.LoginView):
    """Django's login page, with the single sign-on button when it is switched on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        return context


def not_a_password_attempt(request, credentials) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: a failed single sign-on is not a password guess.

    Without it, axes would count each failed SSO callback (no username, so "" + the client
    address) and after AXES_FAILURE_LIMIT lock single sign-on for everyone behind that
    address. The provider guards its own login; the code in the callback cannot be guessed.
    """
    return request is not None and request.path == reverse("oidc_authentication_callback")
