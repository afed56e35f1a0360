"""The API's writes go through the pages' services (a week of help, acknowledging a flag), with
the page's checks as JSON 400s; the documents (final only, the PDF); the statistics with the
dashboard's suppression."""

import hashlib
from datetime import date

import pytest
from django.utils import timezone

from api.models import Scope
from decisions import dashboard
from decisions.delivery_models import DeliveryWeek
from documents.models import Document
from referrals.access_log import AccessLogEntry
from referrals.models import CaseEvent
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.support.factories_decisions import DeadlineFlagFactory

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 20)  # help started Fri 27.11.2026 (case_at), 5 h a week


@pytest.fixture
def decision(world):
    with frozen_today(TODAY):
        return case_at("help_started", world=world).decisions.get(superseded=False)


def weeks_url(decision):
    return f"/api/v1/decisions/{decision.pk}/delivery-weeks/"


def test_a_week_is_registered_through_the_service(make_api, world, decision):
    api = make_api([Scope.DELIVERY_WRITE, Scope.CASES_READ])
    with frozen_today(TODAY):
        body = {"week_start": "2026-12-02", "hours_given": 4.5, "given_by": "Sara"}
        response = api.post(weeks_url(decision), body)
    assert response.status_code == 201, response.json()
    week = DeliveryWeek.objects.get()
    assert (week.week_start, week.hours_given) == (date(2026, 11, 30), week.hours_given)
    assert str(week.hours_given) == "4.5"
    assert week.registered_by == api.api_client.actor
    assert response.json()["week"] == "2026-W49"
    event = CaseEvent.objects.filter(action="delivery.week_registered").get()
    assert event.actor == api.api_client.actor
    listed = api.get(weeks_url(decision)).json()
    assert [w["id"] for w in listed] == [week.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"week_start": "2026-12-02", "hours_given": "mange", "given_by": "Sara"}, "hours_given"),
        ({"week_start": "2026-12-02", "hours_given": 99, "given_by": "Sara"}, "hours_given"),
        ({"week_start": "2026-12-02", "hours_given": -1, "given_by": "Sara"}, "hours_given"),
        ({"week_start": "2026-13-02", "hours_given": 2, "given_by": "Sara"}, "week_start"),
        ({"week_start": "2026-11-16", "hours_given": 2, "given_by": "Sara"}, "week_start"),
        ({"week_start": "2027-03-01", "hours_given": 2, "given_by": "Sara"}, "week_start"),
        ({"week_start": "2026-12-02", "hours_given": 2, "given_by": ""}, "given_by"),
        (
            {"week_start": "2026-12-02", "hours_given": 2, "given_by": "S", "hours_missed": 2},
            "missed_reason",
        ),
        ({"week_start": "2026-12-02", "hours_given": 2}, "given_by"),
    ],
)
def test_bad_weeks_are_400s_with_the_pages_messages(make_api, decision, body, field):
    api = make_api([Scope.DELIVERY_WRITE])
    with frozen_today(TODAY):
        response = api.post(weeks_url(decision), body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not DeliveryWeek.objects.exists()


def test_the_same_week_twice_is_refused(make_api, decision):
    api = make_api([Scope.DELIVERY_WRITE])
    body = {"week_start": "2026-12-02", "hours_given": 2, "given_by": "Sara"}
    with frozen_today(TODAY):
        assert api.post(weeks_url(decision), body).status_code == 201
        again = api.post(weeks_url(decision), body)
    assert again.status_code == 400
    assert "allerede registrert" in again.json()["errors"]["week_start"][0]
    assert DeliveryWeek.objects.count() == 1


def test_writing_needs_delivery_write_and_the_municipality(make_api, world, decision):
    body = {"week_start": "2026-12-02", "hours_given": 2, "given_by": "Sara"}
    assert make_api([Scope.CASES_READ]).post(weeks_url(decision), body).status_code == 403
    bergtun = make_api([Scope.DELIVERY_WRITE], municipality=world.other_municipality)
    assert bergtun.post(weeks_url(decision), body).status_code == 404
    assert not DeliveryWeek.objects.exists()


def test_a_flag_is_acknowledged_through_the_worklists_service(make_api, world):
    case = case_at("received", world=world)
    flag = DeadlineFlagFactory(deadline=case.deadlines.order_by("pk").first())
    api = make_api([Scope.FLAGS_WRITE, Scope.CASES_READ])
    url = f"/api/v1/flags/{flag.pk}/acknowledge/"
    assert api.post(url, {"comment": ""}).status_code == 400
    response = api.post(url, {"comment": "Utredning i gang"})
    assert response.status_code == 200
    flag.refresh_from_db()
    assert flag.acknowledged_by == api.api_client.actor and flag.comment == "Utredning i gang"
    assert api.get(f"/api/v1/cases/{case.pk}/flags/").json()[0]["comment"] == "Utredning i gang"
    bergtun = make_api([Scope.FLAGS_WRITE], municipality=world.other_municipality)
    assert bergtun.post(url, {"comment": "x"}).status_code == 404


def _document(case, status="final"):
    pdf = b"%PDF-1.4 test"
    return Document.objects.create(
        referral=case,
        kind="decision",
        status=status,
        title="Vedtak om spesialpedagogisk hjelp",
        pdf=pdf if status == "final" else None,
        sha256=hashlib.sha256(pdf).hexdigest() if status == "final" else "",
        size=len(pdf),
        document_date=date(2026, 11, 24),
    )


def test_final_documents_and_their_pdf(make_api, world):
    case = case_at("received", world=world)
    final, draft = _document(case), _document(case, status="draft")
    api = make_api([Scope.DOCUMENTS_READ])
    listed = api.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert [d["id"] for d in listed] == [final.pk]
    assert api.get(f"/api/v1/documents/{draft.pk}/").status_code == 404
    meta = api.get(f"/api/v1/documents/{final.pk}/").json()
    assert meta["sha256"] == final.sha256 and meta["pdf_url"].endswith(f"/{final.pk}/pdf/")
    pdf = api.get(f"/api/v1/documents/{final.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == b"%PDF-1.4 test"
    assert (
        api.get(f"/api/v1/documents/{final.pk}/pdf/", HTTP_IF_NONE_MATCH=pdf["ETag"]).status_code
        == 304
    )
    rows = AccessLogEntry.objects.filter(api_client_id=api.api_client.pk, object_type="document")
    assert {r.action for r in rows} == {"view", "download", "denied"}  # denied: the draft
    assert {r.child_id for r in rows if r.action != "denied"} == {case.child_id}
    bergtun = make_api([Scope.DOCUMENTS_READ], municipality=world.other_municipality)
    assert bergtun.get(f"/api/v1/documents/{final.pk}/pdf/").status_code == 404


def test_the_statistics_are_the_dashboards_tables_with_small_counts_hidden(make_api, world):
    for _ in range(3):
        case_at("received", world=world)
    api = make_api([Scope.STATISTICS_READ])
    start, end = date(2026, 1, 1), date(2026, 12, 1)
    data = api.get("/api/v1/statistics/", {"start": start, "end": end}).json()
    units = list(
        world.municipality.units.select_related("area", "municipality").order_by("name", "pk")
    )
    period = dashboard.Period(start, end)
    figures = dashboard.dashboard_figures(units=units, period=period, today=timezone.localdate())
    expected = dashboard.dashboard_tables(figures)
    tables = {t["slug"]: t for t in data["tables"]}
    phases = tables["faser"]
    cells = [c for row in phases["rows"] for c in row["cells"]]
    hidden = [c for c in cells if c["hidden"]]
    assert hidden and all(c["value"] is None and c["text"] in ("<5", "⋯") for c in hidden)
    assert [[c.hidden for c in r.cells] for r in expected["faser"].rows] == [
        [c["hidden"] for c in r["cells"]] for r in phases["rows"]
    ]
    assert "identity_number" not in str(data) and "3" not in [c["text"] for c in cells]


@pytest.mark.parametrize(
    "params", [{"start": "2026-12-01", "end": "2026-01-01"}, {"start": "1999-01-01"}, {"end": "x"}]
)
def test_a_bad_period_is_a_400(make_api, params):
    response = make_api([Scope.STATISTICS_READ]).get("/api/v1/statistics/", params)
    assert response.status_code == 400 and response.json()["errors"]
