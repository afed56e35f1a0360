"""The case resources: scoped to the key's municipality (another's is a 404), scopes per view,
the identity number only with its scope, cursor pages stable under inserts, changed_since,
ETags, a constant number of queries, bad input as JSON 400s, the access log, the rate limit."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import Scope
from referrals.access_log import AccessLogEntry
from referrals.models import Referral
from tests.api.conftest import ALL_SCOPES
from tests.builders import case_at
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def _cases(world, n, unit=None):
    unit = unit or world.unit_a
    return [
        ReferralFactory(child=ChildFactory(unit=unit), created_by=world.advisor) for _ in range(n)
    ]


def test_a_key_sees_exactly_its_municipalitys_cases(make_api, world):
    ours = case_at("received", world=world)
    theirs = ReferralFactory(child=ChildFactory(unit=world.other_unit), created_by=world.outsider)
    api = make_api([Scope.CASES_READ])
    ids = [c["id"] for c in api.get(CASES).json()["results"]]
    assert ids == [ours.pk]
    assert api.get(f"{CASES}{theirs.pk}/").status_code == 404
    bergtun = make_api(
        [Scope.CASES_READ, Scope.DOCUMENTS_READ], municipality=world.other_municipality
    )
    assert [c["id"] for c in bergtun.get(CASES).json()["results"]] == [theirs.pk]
    response = bergtun.get(f"{CASES}{ours.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}
    denied = AccessLogEntry.objects.get(api_client_id=bergtun.api_client.pk, action="denied")
    assert (denied.object_id, denied.child_id, denied.status) == (ours.pk, ours.child_id, 404)
    for sub in ("deadlines", "flags", "decisions", "documents"):
        assert bergtun.get(f"{CASES}{ours.pk}/{sub}/").status_code == 404


def test_the_case_shows_its_phases_and_next_deadline(api, world):
    case = case_at("decided", world=world)
    data = api.get(f"{CASES}{case.pk}/").json()
    assert data["status"] == "decided" and data["kind"] == "kindergarten"
    assert data["unit"] == {"id": world.unit_a.pk, "name": world.unit_a.name}
    assert data["area"]["id"] == world.north.pk
    assert data["advisor"]["id"] == world.advisor.pk
    assert data["dates"]["received_on"] == "2026-10-28"
    assert data["dates"]["decided_on"] == "2026-11-24"
    assert data["next_deadline"]["kind"] == "help_start"


def test_the_identity_number_only_with_its_scope(make_api, world):
    case = case_at("received", world=world)
    plain = make_api([Scope.CASES_READ])
    assert "identity_number" not in plain.get(f"{CASES}{case.pk}/").json()
    assert "identity_number" not in plain.get(CASES).json()["results"][0]
    full = make_api([Scope.CASES_READ, Scope.CASES_READ_IDENTITY])
    assert full.get(f"{CASES}{case.pk}/").json()["identity_number"] == case.child.id_number
    assert full.get(CASES).json()["results"][0]["identity_number"] == case.child.id_number


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        (CASES, Scope.CASES_READ),
        ("/api/v1/statistics/", Scope.STATISTICS_READ),
        ("/api/v1/documents/1/", Scope.DOCUMENTS_READ),
    ],
)
def test_each_view_needs_its_scope(make_api, url, scope):
    others = [s for s in ALL_SCOPES if s != scope]
    response = make_api(others).get(url)
    assert response.status_code == 403
    assert scope in response.json()["detail"]
    assert make_api([scope]).get(url).status_code in (200, 404)


def test_every_read_is_logged_with_the_client_as_actor(api, world):
    cases = _cases(world, 3)
    api.get(CASES)
    api.get(f"{CASES}{cases[0].pk}/")
    rows = AccessLogEntry.objects.filter(api_client_id=api.api_client.pk).order_by("pk")
    assert [(r.action, r.object_id, r.child_id, r.user_id) for r in rows] == [
        ("view", c.pk, c.child_id, None) for c in sorted(cases, key=lambda c: c.updated_at)
    ] + [("view", cases[0].pk, cases[0].child_id, None)]


def test_a_missing_scope_on_a_list_is_logged_as_denied(make_api):
    api = make_api([Scope.STATISTICS_READ])
    assert api.get(CASES).status_code == 403
    row = AccessLogEntry.objects.get(api_client_id=api.api_client.pk)
    assert (row.action, row.status) == ("denied", 403)


def test_pages_by_cursor_are_stable_under_inserts_and_changes(api, world):
    first = _cases(world, 5)
    page = api.get(CASES, {"page_size": 2}).json()
    seen = [c["id"] for c in page["results"]]
    new = _cases(world, 1)[0]  # a case registered while the system pages through
    Referral.objects.filter(pk=first[0].pk).update(updated_at=timezone.now())  # one read changes
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [c["id"] for c in page["results"]]
    unread = [c.pk for c in first[2:]]
    assert seen[:2] == [first[0].pk, first[1].pk]
    assert seen[2:5] == unread  # nothing skipped, nothing twice among what was unread
    assert set(seen[5:]) == {new.pk, first[0].pk}  # the new and the changed come last


def test_changed_since(api, world):
    old = _cases(world, 2)
    since = timezone.now()
    recent = _cases(world, 1)
    Referral.objects.filter(pk=old[0].pk).update(updated_at=since + timedelta(seconds=1))
    ids = [c["id"] for c in api.get(CASES, {"changed_since": since.isoformat()}).json()["results"]]
    assert ids == [recent[0].pk, old[0].pk]


def test_filters(api, world):
    a, b = _cases(world, 1)[0], _cases(world, 1, unit=world.unit_b)[0]
    school = _cases(world, 1, unit=world.school)[0]
    assert [c["id"] for c in api.get(CASES, {"unit": world.unit_b.pk}).json()["results"]] == [b.pk]
    north = api.get(CASES, {"area": world.north.pk}).json()["results"]
    assert {c["id"] for c in north} == {a.pk, school.pk}
    assert [c["id"] for c in api.get(CASES, {"kind": "school"}).json()["results"]] == [school.pk]
    assert api.get(CASES, {"status": "closed"}).json()["results"] == []


def test_the_case_kind_is_a_field_and_a_filter(api, world):
    """Issue 19: the case's kind (referrals/case_kinds.py) beside the unit's ``kind``."""
    kindergarten = _cases(world, 1)[0]
    pupil = _cases(world, 1, unit=world.school)[0]
    Referral.objects.filter(pk=pupil.pk).update(kind="oppl_11_4")
    data = api.get(f"{CASES}{pupil.pk}/").json()
    assert (data["kind"], data["case_kind"]) == ("school", "oppl_11_4")
    assert data["case_kind_label"] == "Personleg assistanse (opplæringslova § 11-4)"
    by_kind = api.get(CASES, {"case_kind": "oppl_11_4"}).json()["results"]
    assert [c["id"] for c in by_kind] == [pupil.pk]
    by_kind = api.get(CASES, {"case_kind": "bhl_31"}).json()["results"]
    assert [c["id"] for c in by_kind] == [kindergarten.pk]
    assert api.get(CASES, {"case_kind": "bhl_31", "kind": "school"}).json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"2026-01-01|x").decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"2026-01-01T00:00:00|1").decode()}, "cursor"),
        ({"page_size": "1000000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ti"}, "page_size"),
        ({"area": "nord"}, "area"),
        ({"unit": str(2**70)}, "unit"),
        ({"kind": "hospital"}, "kind"),
        ({"case_kind": "oppl_99"}, "case_kind"),
        ({"case_kind": "oppl_11_6" * 40}, "case_kind"),
        ({"status": "lost"}, "status"),
        ({"changed_since": "i går"}, "changed_since"),
    ],
)
def test_bad_input_is_a_json_400_at_its_field(api, world, params, field):
    _cases(world, 1)
    response = api.get(CASES, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_id_too_large_for_the_database_is_a_404(api):
    assert api.get(f"{CASES}{2**70}/").status_code == 404


def test_etag_and_if_none_match(api, world):
    case = _cases(world, 1)[0]
    first = api.get(f"{CASES}{case.pk}/")
    etag = first["ETag"]
    again = api.get(f"{CASES}{case.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    Referral.objects.filter(pk=case.pk).update(priority="urgent", updated_at=timezone.now())
    changed = api.get(f"{CASES}{case.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("n", [1, 50])
def test_the_case_list_costs_the_same_queries_for_1_and_50_cases(
    make_api, world, n, django_assert_num_queries
):
    _cases(world, n)
    api = make_api([Scope.CASES_READ, Scope.CASES_READ_IDENTITY])
    api.get(CASES)  # last_used_at written: at most once a minute
    # the client by its key prefix; the page of cases (unit, area, advisor, child and the
    # decision dates in one query); the access log's rows (one INSERT)
    with django_assert_num_queries(3):
        response = api.get(CASES)
    assert len(response.json()["results"]) == n


def test_the_rate_limit_is_a_429_with_retry_after(make_api, settings):
    settings.API_RATE_PER_MINUTE = 3
    api = make_api()
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, 15, tzinfo=UTC), tick=False):
        assert [api.get(CASES).status_code for _ in range(3)] == [200, 200, 200]
        response = api.get(CASES)
        assert response.status_code == 429
        assert response["Retry-After"] == "45"
        assert response.json()["detail"]
    with time_machine.travel(datetime(2026, 12, 1, 10, 1, 1, tzinfo=UTC), tick=False):
        assert api.get(CASES).status_code == 200  # a new minute
