"""Rimelig's own middleware: the language, caching for a signed-in user, the methods a
page takes, and the security policy on error pages.(The session limits are teams/middleware.py: they read teams/sessions.py.)
"""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponseNotAllowed
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user picked another language with the switch in the footer.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show a
    Norwegian municipality's case workers English pages on an English-language PC.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store, private`` on every response to a signed-in user, so that after
    logging out the back button asks the server again (and gets the login page) instead of
    showing a child's case from the browser's cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class PolicyOnErrorPagesMiddleware:
    """Every error answer carries the Content Security Policy and the security headers.

    Django's DEBUG pages (the traceback, the technical 404) opt out of the CSP with
    ``csp_override({})`` because they carry an inline ``<style>`` and ``<script>``. Under
    ``make run`` those pages show whatever a request sent, so they get the policy every page
    has: the opt-out is dropped, and the page's own ``<style>`` and ``<script>`` (the first of
    each, in its head, before any data) get the request's nonce so the page keeps its layout.
    Its ``onclick`` toggles stay blocked.

    SecurityMiddleware raises for an unknown Host when it redirects to HTTPS, so that 400 is
    made above it and would miss its headers: they are added here to any error answer (its
    process_response only adds what is missing).

    Just below the CSP middleware and above SecurityMiddleware in MIDDLEWARE: the CSP
    middleware writes its header after this one has run. Only error answers: a view's own
    choice for a normal page stays its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.security = SecurityMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400:
            return response
        if getattr(response, "_csp_config", None) == {}:
            del response._csp_config
            if getattr(response, "_csp_ro_config", None) == {}:
                del response._csp_ro_config
            self._nonce_inline_tags(request, response)
        return self.security.process_response(request, response)

    @staticmethod
    def _nonce_inline_tags(request, response) -> None:
        nonce = getattr(request, "_csp_nonce", None)
        html = response.get("Content-Type", "").startswith("text/html")
        if nonce is None or not html or response.streaming:
            return
        content = response.content
        for tag in (b"<style>", b"<script>"):
            content = content.replace(tag, tag[:-1] + b' nonce="%s">' % str(nonce).encode(), 1)
        response.content = content


class AllowedMethodsMiddleware:
    """GET, HEAD and POST only: every other method (OPTIONS, TRACE, PUT, DELETE, WebDAV's)
    gets an empty 405 with an Allow header here, before a session, a user or a view is
    touched. Function views without a method decorator would otherwise answer OPTIONS or
    DELETE with the whole page. Nothing in Rimelig takes another method (no CORS, no API);
    the liveness probe (GET/HEAD) is answered above this one, in RequestIdMiddleware.

    Below the security, CSP and X-Frame-Options middleware, so the 405 carries their headers.
    """

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


class ControlCharactersInQueryMiddleware:
    """An admin query string (names or values) with NUL or another control character is a 400
    (Rimelig's own page) before the admin sees it: Django's list filters pass
    ``?kind__exact=a%00b`` straight to PostgreSQL, which cannot compare a text with NUL (three
    500s the hostile-data crawl found). Rimelig's own pages parse their parameters themselves
    (core/forms.py, core/limits.py) and answer with a message next to the field."""

    FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix):
            for key, values in request.GET.lists():
                if self.FORBIDDEN.search(key) or any(self.FORBIDDEN.search(v) for v in values):
                    raise BadRequest("control character in the admin's query string")
        return self.get_response(request)
