"""`make run` (DEBUG=1) shows Rimelig's own Norwegian 404 and 500 pages; Django's technical
pages (every URL listed, the traceback) only when asked for with DEBUG_ERROR_PAGES=1
(ops.errors.OwnErrorPagesMiddleware)."""

import pytest
from django.db import OperationalError
from django.http import Http404
from django.test import Client
from django.urls import path

from config import urls as project_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _raises(exc):
    def view(request):
        raise exc

    return view


urlpatterns = [
    path("test-feil/500/", _raises(RuntimeError("hemmelig detalj"))),
    path("test-feil/503/", _raises(OperationalError("the database is down"))),
    path("test-feil/404/", _raises(Http404("hemmelig detalj"))),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = False
    return settings


@pytest.mark.parametrize("url", ["/finnes-ikke/", "/test-feil/404/"])
def test_a_missing_page_under_debug_is_rimeligs_404(debug, url):
    response = Client().get(url)
    assert response.status_code == 404
    assert "Fant ikke siden" in response.text and 'lang="nb"' in response.text
    # Django's technical 404 lists the URL patterns and the exception's text.
    assert "URLconf" not in response.text and "logg-inn/" not in response.text
    assert "hemmelig detalj" not in response.text


def test_an_exception_under_debug_is_rimeligs_500(debug, caplog):
    response = Client(raise_request_exception=False).get("/test-feil/500/")
    assert response.status_code == 500
    assert "Noe gikk galt" in response.text
    assert "Traceback" not in response.text and "hemmelig detalj" not in response.text
    # The developer still gets the traceback, in the log.
    assert any(r.exc_info and "hemmelig detalj" in str(r.exc_info[1]) for r in caplog.records)


def test_an_unreachable_database_under_debug_is_the_503_page(debug):
    response = Client(raise_request_exception=False).get("/test-feil/503/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


def test_djangos_technical_pages_when_asked_for(debug):
    debug.DEBUG_ERROR_PAGES = True
    missing = Client().get("/finnes-ikke/")
    assert missing.status_code == 404 and "URLconf" in missing.text
    failed = Client(raise_request_exception=False).get("/test-feil/500/")
    assert failed.status_code == 500 and "hemmelig detalj" in failed.text


def test_the_setting_is_off_unless_the_environment_turns_it_on(monkeypatch):
    from tests.teams.test_settings import load

    monkeypatch.delenv("DEBUG_ERROR_PAGES", raising=False)
    assert load(monkeypatch, DEBUG="1")["DEBUG_ERROR_PAGES"] is False
    assert load(monkeypatch, DEBUG="1", DEBUG_ERROR_PAGES="1")["DEBUG_ERROR_PAGES"] is True
