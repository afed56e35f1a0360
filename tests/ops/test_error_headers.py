"""Error answers carry the same Content Security Policy and security headers as every page,
with DEBUG on and off (issue 16, deliverable 8; core.middleware.PolicyOnErrorPagesMiddleware).

Django's own DEBUG pages (the traceback, the technical 404) opt out of the CSP; under
`make run` they echo whatever a request sent, so they must not."""

import re

import pytest
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404
from django.test import Client
from django.urls import path
from django.views.decorators.http import require_POST

from config import urls as project_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _raises(exc):
    def view(request):
        raise exc

    return view


@require_POST
def _post_only(request):
    raise AssertionError("not reached on GET")


urlpatterns = [
    path("test-feil/500/", _raises(RuntimeError("<script>alert(1)</script>"))),
    path("test-feil/503/", _raises(OperationalError("the database is down"))),
    path("test-feil/403/", _raises(PermissionDenied())),
    path("test-feil/400/", _raises(BadRequest())),
    path("test-feil/400-suspicious/", _raises(SuspiciousOperation())),
    path("test-feil/404/", _raises(Http404())),
    path("test-feil/405/", _post_only),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

ERRORS = {
    "/test-feil/500/": 500,
    "/test-feil/503/": 503,
    "/test-feil/403/": 403,
    "/test-feil/400/": 400,
    "/test-feil/400-suspicious/": 400,
    "/test-feil/404/": 404,
    "/finnes-ikke/<b>/": 404,
    "/test-feil/405/": 405,
}
NONCE = re.compile(r"'nonce-[^']+'")


def _policy(response) -> str:
    """The policy without its nonce: a page that never asked for the nonce (the static 500
    page, an empty 405) gets the policy without it, which only allows less."""
    return NONCE.sub("", response["Content-Security-Policy"]).replace(" ;", ";")


def _headers(response) -> dict:
    return {
        name: response.get(name)
        for name in (
            "X-Content-Type-Options",
            "Referrer-Policy",
            "X-Frame-Options",
            "Cross-Origin-Opener-Policy",
        )
    }


@pytest.mark.parametrize(
    ("debug", "debug_pages"),
    [(False, False), (True, False), (True, True)],
    ids=["debug-off", "debug-own-pages", "debug-on"],
)
@pytest.mark.parametrize("url", list(ERRORS))
def test_an_error_answer_has_the_pages_policy_and_headers(settings, url, debug, debug_pages):
    settings.DEBUG = debug
    settings.DEBUG_ERROR_PAGES = debug_pages
    client = Client(raise_request_exception=False)
    page = client.get("/logg-inn/")
    assert page.status_code == 200
    response = client.get(url)
    # With Django's DEBUG pages the 503 is its traceback page (a 500), like any other error.
    expected = 500 if debug_pages and ERRORS[url] == 503 else ERRORS[url]
    assert response.status_code == expected
    assert _policy(response) == _policy(page)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert _headers(response) == _headers(page)
    assert _headers(response) == {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def test_the_debug_traceback_keeps_its_layout_under_the_policy(settings):
    """Its own <style> and <script> carry the request's nonce; data in it stays escaped."""
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = True
    response = Client(raise_request_exception=False).get("/test-feil/500/")
    nonce = NONCE.search(response["Content-Security-Policy"]).group(0)[7:-1]
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html and f'<script nonce="{nonce}">' in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert html.count(f'nonce="{nonce}"') == 2


def test_a_bad_request_gets_rimeligs_own_page_in_norwegian():
    response = Client(raise_request_exception=False).get("/test-feil/400/")
    assert response.status_code == 400
    assert "Ugyldig forespørsel" in response.text and 'lang="nb"' in response.text


def test_the_debug_404_keeps_its_layout_and_escapes_the_path(settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = True
    response = Client().get("/finnes-ikke/<b>/")
    assert response.status_code == 404
    nonce = NONCE.search(response["Content-Security-Policy"]).group(0)[7:-1]
    assert f'<style nonce="{nonce}">' in response.text
    assert "<b>" not in response.text


def test_a_request_for_an_unknown_host_gets_the_headers_too(settings):
    """With the HTTPS redirect on, SecurityMiddleware reads the Host first and raises for an
    unknown one: the 400 is made above it, and must still carry every header."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    page = Client().get("/logg-inn/", secure=True)
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _policy(response) == _policy(page)
    assert _headers(response) == _headers(page)
