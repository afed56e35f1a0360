"""Only GET, HEAD and POST reach a page (issue 16, deliverable 8): OPTIONS, TRACE and any other
method get an empty 405 with an Allow header, signed in or not, with the headers every answer
has (core.middleware.AllowedMethodsMiddleware)."""

import pytest
from django.urls import reverse

from referrals.models import Referral
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

REFUSED = ["OPTIONS", "TRACE", "PUT", "PATCH", "DELETE", "PROPFIND", "CONNECT"]


@pytest.fixture
def case(world):
    return ReferralFactory(
        child=ChildFactory(unit=world.unit_a),
        unit=world.unit_a,
        created_by=world.advisor,
        status=Referral.Status.DRAFT,
    )


def _urls(case):
    return [
        "/",
        reverse("referrals:caseload"),
        reverse("referrals:case_detail", args=[case.pk]),
        "/admin/",
        "/helse/",
        reverse("health_ready"),
        "/finnes-ikke/",
    ]


@pytest.mark.parametrize("method", REFUSED)
def test_other_methods_get_an_empty_405_with_allow(client, world, case, method):
    client.force_login(world.advisor)
    for url in _urls(case):
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD, POST"
        assert response.content == b""
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_signed_out_options_is_405_not_a_login_redirect(client, case):
    for url in _urls(case):
        assert client.options(url).status_code == 405, url


def test_get_head_and_post_still_reach_the_pages(client, world, case):
    client.force_login(world.advisor)
    detail = reverse("referrals:case_detail", args=[case.pk])
    assert client.get(detail).status_code == 200
    head = client.head(detail)
    assert head.status_code == 200 and head.content == b""
    assert client.head("/helse/").status_code == 200
    assert client.get(reverse("health_ready")).status_code in (200, 503)
    assert client.post(reverse("logout")).status_code == 302  # a POST reaches its view
