"""The kommunalsjef's dashboard (decisions/dashboard/): every figure
against a small hand-built data set whose answers are worked out below, a fixed number of
queries, suppression on the page and in the exports, and no child's name anywhere."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions import dashboard
from decisions.dashboard import Period
from decisions.dashboard.delivery import DELIVERY_SLUGS
from decisions.dashboard.systemwork import SYSTEMWORK_SLUGS
from decisions.models import Appeal, ProvisionalReply
from referrals.models import CaseEvent, Referral
from tests.conftest import frozen_today
from tests.factories import ChildFactory, ReferralFactory
from tests.support.factories_decisions import DeadlineFactory, DecisionFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
TODAY = date(2026, 11, 25)
PERIOD = Period(date(2026, 9, 1), TODAY)  # September, October, November (to the 25th)


@pytest.fixture(autouse=True)
def _today_is_fixed():
    """Pages here are built from today's date and compared with dates written in the tests."""
    with frozen_today(TODAY):
        yield


def make_case(world, unit, status, *, t0=None, received=None, assessed=None, child=None):
    child = child or ChildFactory(unit=unit)
    return ReferralFactory(
        child=child,
        unit=unit,
        created_by=world.advisor,
        status=status,
        received_on=received or t0,
        consent_on=t0,
        t0=t0,
        assessed_on=assessed,
    )


def deadline(referral, kind, due, met=None, *, paused=False):
    """A deadline warned 14 days ahead, written directly: the figures are worked out by hand."""
    return DeadlineFactory(referral=referral, kind=kind, due_on=due, met_on=met, paused=paused)


def decide(world, referral, on, *, outcome="granted", superseded=False, help_on=None):
    """A vedtak without hours or organisation (no figure here reads them)."""
    return DecisionFactory(
        referral=referral,
        decided_on=on,
        decided_by=world.office,
        outcome=outcome,
        hours_per_week=None,
        organisation="",
        competence="",
        superseded=superseded,
        help_started_on=help_on,
    )


def d(month, day):
    return date(2026, month, day)


@pytest.fixture
def cases(world):
    """Thirteen cases with dates chosen so every figure can be worked out by hand (see the
    expectations in test_every_figure_matches_the_hand_count)."""
    a, b, school = world.unit_a, world.unit_b, world.school  # a, school: Nord; b: Sør
    c = {}
    c[1] = make_case(world, a, S.AWAITING_CONSENT, received=d(11, 20))
    c[2] = make_case(world, a, S.RECEIVED, t0=d(9, 10))
    deadline(c[2], "provisional_reply", d(10, 12))  # overdue
    deadline(c[2], "assessment", d(11, 10))  # overdue
    deadline(c[2], "decision", d(12, 10))  # warned from 26.11: not yet
    c[3] = make_case(world, b, S.RECEIVED, t0=d(11, 2))
    deadline(c[3], "provisional_reply", d(12, 2))  # warned from 18.11: approaching
    c[4] = make_case(world, school, S.ASSESSING, t0=d(10, 20), received=d(10, 15))
    deadline(c[4], "provisional_reply", d(11, 20), d(11, 10))
    deadline(c[4], "assessment", d(12, 21))  # on track
    ProvisionalReply.objects.create(
        referral=c[4],
        sent_on=d(11, 10),
        reason="Venter på observasjon.",
        expected_decision_on=d(12, 20),
        registered_by=world.office,
    )
    c[5] = make_case(world, b, S.ASSESSED, t0=d(8, 3), assessed=d(10, 5))
    deadline(c[5], "provisional_reply", d(9, 3), d(9, 1))
    deadline(c[5], "assessment", d(10, 5), d(10, 5))
    deadline(c[5], "decision", d(11, 3))  # overdue
    c[6] = make_case(world, a, S.DECIDED, t0=d(7, 1), assessed=d(8, 14))
    decide(world, c[6], d(9, 15))
    deadline(c[6], "provisional_reply", d(8, 3), d(8, 1))
    deadline(c[6], "decision", d(10, 1), d(9, 15))
    deadline(c[6], "help_start", d(9, 29))  # overdue
    c[7] = make_case(world, b, S.DECIDED, t0=d(6, 1), assessed=d(7, 20))
    refusal = decide(world, c[7], d(9, 1), outcome="refused")
    deadline(c[7], "provisional_reply", d(7, 1), d(7, 10))
    deadline(c[7], "decision", d(9, 1), d(9, 1))
    c[8] = make_case(world, a, S.HELP_STARTED, t0=d(6, 15), assessed=d(8, 3))
    decide(world, c[8], d(8, 31), help_on=d(9, 7))
    deadline(c[8], "provisional_reply", d(7, 15), d(7, 20))
    deadline(c[8], "decision", d(9, 15), d(8, 31))
    deadline(c[8], "help_start", d(9, 14), d(9, 7))
    c[9] = make_case(world, b, S.WITHDRAWN, t0=d(8, 10))
    CaseEvent.objects.create(
        referral=c[9],
        action="referral.withdrawn",
        from_status=S.RECEIVED,
        to_status=S.WITHDRAWN,
        at=timezone.make_aware(datetime(2026, 10, 15, 10, 0)),
    )
    c[10] = make_case(world, a, S.CLOSED, t0=d(5, 4), assessed=d(6, 22))
    first = decide(world, c[10], d(7, 20), superseded=True)
    Appeal.objects.create(
        decision=first,
        received_on=d(7, 30),
        sent_on=d(8, 10),
        outcome="changed",
        outcome_on=d(9, 20),
        registered_by=world.office,
    )
    decide(world, c[10], d(10, 1), help_on=d(10, 14))
    deadline(c[10], "decision", d(8, 4), d(7, 20))
    deadline(c[10], "help_start", d(10, 15), d(10, 14))
    c[11] = make_case(world, b, S.APPEALED, t0=d(9, 1), assessed=d(10, 1))
    appealed = decide(world, c[11], d(10, 20))
    Appeal.objects.create(decision=appealed, received_on=d(10, 28), registered_by=world.office)
    deadline(c[11], "provisional_reply", d(10, 1), d(9, 25))
    deadline(c[11], "decision", d(12, 1), d(10, 20))
    deadline(c[11], "help_start", d(11, 3))  # overdue
    Appeal.objects.create(
        decision=refusal,
        received_on=d(9, 10),
        sent_on=d(9, 20),
        outcome="sent",
        registered_by=world.office,
    )
    c[13] = make_case(world, a, S.DECIDED, t0=d(9, 7), assessed=d(9, 20))
    decide(world, c[13], d(9, 28), outcome="refused")
    deadline(c[13], "provisional_reply", d(10, 7), d(9, 28))  # met by the decision
    deadline(c[13], "decision", d(12, 7), d(9, 28))
    # Another municipality's case: never counted.
    c[12] = make_case(world, world.other_unit, S.RECEIVED, t0=d(9, 1))
    deadline(c[12], "provisional_reply", d(10, 1))
    return c


def figures_for(user, period=PERIOD, **filters):
    units = list(dashboard.dashboard_units(user).select_related("area"))
    units = [u for u in units if all(getattr(u, k) == v for k, v in filters.items())]
    return dashboard.dashboard_figures(units=units, period=period, today=TODAY)


def test_every_figure_matches_the_hand_count(world, cases):
    fig = figures_for(world.director)

    # Open now: 1 awaiting consent; received 2 and 3; assessing 4; assessed 5; decided 6
    # (7 and 13 are refusals: nothing to start); appealed 11. Flags: 2 overdue (reply and
    # assessment passed), 3 approaching (reply due 02.12, warned from 18.11), 5 overdue
    # (decision 03.11), 6 overdue (help 29.09), 11 overdue (help 03.11); 4 is on track.
    assert fig.phases == {
        "awaiting_consent": {"open": 1, "approaching": 0, "overdue": 0},
        "awaiting_assessment": {"open": 2, "approaching": 1, "overdue": 1},
        "assessing": {"open": 1, "approaching": 0, "overdue": 0},
        "awaiting_decision": {"open": 1, "approaching": 0, "overdue": 1},
        "awaiting_help": {"open": 1, "approaching": 0, "overdue": 1},
        "appealed": {"open": 1, "approaching": 0, "overdue": 1},
    }

    # Deadlines due 01.09–25.11, met or passed:
    # decision: 5 (03.11, unmet: late), 6 (01.10 met 15.09), 7 (01.09 met 01.09), 8 (15.09
    #   met 31.08) -> 3 of 4; 11 (01.12) and 13 (07.12) fall due later, 10 (04.08) earlier.
    # provisional reply where needed: 2 (12.10, none: late), 4 (20.11 met 10.11), 5 (03.09
    #   met 01.09), 11 (01.10 met 25.09, decision 20.10 came later) -> 3 of 4; 13's was met
    #   by its decision on 28.09, before 07.10: not needed.
    # help start: 6 (29.09 unmet), 8 (14.09 met 07.09), 10 (15.10 met 14.10), 11 (03.11
    #   unmet) -> 2 of 4.
    assert fig.shares == {
        "decision": {"total": 4, "on_time": 3},
        "provisional_reply": {"total": 4, "on_time": 3},
        "help_start": {"total": 4, "on_time": 2},
    }

    # T0 -> assessment, assessed in the period: 13 (20.09 − 07.09 = 13), 11 (01.10 − 01.09 =
    # 30), 5 (05.10 − 03.08 = 63). Median 30; 90th percentile at rank 0.9 × 2 = 1.8:
    # 30 + 0.8 × (63 − 30) = 56.4.
    assert fig.waits["assessment"] == {"n": 3, "median": 30.0, "p90": pytest.approx(56.4)}
    # T0 -> first decision, decided in the period: 13 (21), 11 (20.10 − 01.09 = 49), 6 (15.09
    # − 01.07 = 76), 7 (01.09 − 01.06 = 92); 10's decision of 01.10 is not its first.
    # Median (49 + 76) / 2 = 62.5; 90th at rank 2.7: 76 + 0.7 × 16 = 87.2.
    assert fig.waits["decision"] == {"n": 4, "median": 62.5, "p90": pytest.approx(87.2)}
    # Decision -> help started in the period: 8 (07.09 − 31.08 = 7), 10 (14.10 − 01.10 = 13).
    # Median 10; 90th at rank 0.9: 7 + 0.9 × 6 = 12.4.
    assert fig.waits["help"] == {"n": 2, "median": 10.0, "p90": pytest.approx(12.4)}

    # Received: Sep 2, 11, 13; Oct 4 (15.10); Nov 1, 3. Decided: Sep 7 (01.09), 6 (15.09),
    # 13 (28.09); Oct 10 (01.10), 11 (20.10). Open at 30.09: 2, 5, 9 (withdrawn 15.10), 11
    # (decided 20.10); at 31.10: 2, 4, 5; at 25.11: 2, 3, 4, 5.
    assert [(m["received"], m["decided"], m["open"]) for m in fig.months] == [
        (3, 3, 4),
        (1, 2, 3),
        (2, 0, 4),
    ]

    # Flagged open cases now: unit A 2 (overdue), 6 (overdue); unit B 3 (approaching),
    # 5 and 11 (overdue). Nord = unit A + the school; Sør = unit B.
    units = {u["name"]: (u["overdue"], u["approaching"]) for u in fig.units}
    assert units == {"Barnehage A": (2, 0), "Barnehage B": (2, 1)}
    areas = {a["name"]: (a["overdue"], a["approaching"]) for a in fig.areas}
    assert areas == {"Nord": (2, 0), "Sør": (2, 1)}

    # Appeals received in the period: 7's (10.09, sent on) and 11's (28.10, pending);
    # 10's came in July.
    assert fig.appeals == {
        "received": 2,
        "pending": 1,
        "reversed": 0,
        "sent": 1,
        "awaiting": 1,
        "upheld": 0,
        "changed": 0,
        "remanded": 0,
    }


def test_the_office_counts_only_its_kind_of_unit(world, cases):
    # charlie@ is barnehagekontoret: kindergartens only, so case 4 (the school) is left out.
    fig = figures_for(world.office)
    assert fig.phases["assessing"]["open"] == 0
    assert fig.phases["awaiting_assessment"]["open"] == 2
    assert [m["received"] for m in fig.months] == [3, 0, 2]


def test_an_area_filter_counts_only_that_area(world, cases):
    fig = figures_for(world.director, area_id=world.south.pk)
    # Sør is unit B: 3 (received), 5 (assessed), 11 (appealed).
    opened = {k: v["open"] for k, v in fig.phases.items() if v["open"]}
    assert opened == {"awaiting_assessment": 1, "awaiting_decision": 1, "appealed": 1}
    assert [a["name"] for a in fig.areas] == ["Sør"]


def test_small_counts_are_hidden_in_the_tables_and_their_totals_do_not_give_them_away(world, cases):
    tables = dashboard.dashboard_tables(figures_for(world.director))
    phases = tables["faser"]
    texts = {r.label: [c.text for c in r.cells] for r in phases.rows}
    # The overdue column's four 1s add up to a total under five: its zeros are hidden too,
    # marked as protecting cells (⋯), never as "<5".
    assert texts["Venter på samtykke"] == ["<5", "<5", "0", "⋯"]
    assert texts["Alle åpne saker"][0] == "7"  # 7 open cases: not small, shown
    # The 7 is shown, so at least two of the phases' counts must be hidden (they are all 1–2).
    column = [r.cells[0] for r in phases.rows if not r.total]
    assert sum(c.hidden for c in column) != 1
    # The share of 3 of 4 would give away the counts: hidden with them.
    shares = tables["frister"].rows[0]
    assert [c.text for c in shares.cells] == ["<5", "<5", "<5", "⋯"]  # a share is never "<5"
    # Fewer than five cases: no median.
    assert [c.text for c in tables["ventetid"].rows[0].cells] == ["<5", "–", "–"]


@pytest.fixture
def director_client(client, world):
    client.force_login(world.director)
    return client


def test_the_director_sees_the_dashboard_with_charts_and_tables(director_client, world, cases):
    response = director_client.get(reverse("decisions:dashboard"))
    assert response.status_code == 200
    text = response.text
    for heading in ("Åpne saker etter fase", "Inn og ut per måned", "Klager"):
        assert heading in text
    assert 'role="img"' in text and "aria-label=" in text
    assert 'type="application/json"' in text
    assert "chart.umd.min.js" in text and "js/dashboard.js" in text
    # No inline code: every <script> either loads a file or holds JSON.
    for chunk in text.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<caption" in text


def test_a_filter_narrows_the_figures_and_keeps_itself_in_the_export_links(
    director_client, world, cases
):
    url = reverse("decisions:dashboard")
    response = director_client.get(url, {"omrade": world.south.pk})
    assert response.status_code == 200
    assert f"omrade={world.south.pk}" in response.text  # the export links carry the filter
    figures = response.context["figures"]
    assert [a["name"] for a in figures.areas] == ["Sør"]


def test_a_wrong_period_is_explained_next_to_the_field(director_client):
    url = reverse("decisions:dashboard")
    response = director_client.get(url, {"fra": "2026-11-01", "til": "2026-10-01"})
    assert response.status_code == 200
    assert "Fra-datoen må være før til-datoen." in response.text
    assert 'aria-invalid="true"' in response.text
    response = director_client.get(url, {"fra": "2020-01-01", "til": "2026-10-01"})
    assert "høyst 24 måneder" in response.text
    response = director_client.get(url, {"omrade": "x"})
    assert response.status_code == 200


def test_the_dashboard_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    def load(n):
        for i in range(n):
            case = make_case(world, world.unit_a, S.RECEIVED, t0=d(9, 1) + timedelta(days=i))
            deadline(case, "provisional_reply", d(10, 1) + timedelta(days=i))
            decide(world, make_case(world, world.unit_b, S.DECIDED, t0=d(8, 1)), d(10, 5))
        client.force_login(world.director)
        # session, user, roles (with the ids of their areas and units); the units the director
        # oversees (with area and municipality); then, in one transaction (a savepoint here,
        # BEGIN/COMMIT in production) with JIT off, from the case facts: open cases per phase
        # and unit with the flagged ones (summed per phase, unit and area in Python), the
        # period's shares and waiting times, received and open per month (one GROUPING SETS
        # query); decisions per month, appeals; and the system work figure
        # (decisions/dashboard/systemwork.py): hours per area and month, cases worked per
        # month, per area and in all (one GROUPING SETS query); the share of decided hours
        # delivered per unit and month (decisions/dashboard/delivery.py, one GROUPING SETS query).
        with django_assert_num_queries(15):
            assert client.get(reverse("decisions:dashboard")).status_code == 200

    load(1)
    load(29)


def _export(client, table, fmt, **params):
    return client.get(reverse("decisions:dashboard_export", args=[table, fmt]), params)


def test_every_table_exports_as_csv_for_norwegian_excel(director_client, cases):
    for slug in dashboard.TABLE_SLUGS:
        response = _export(director_client, slug, "csv")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        today = timezone.localdate()
        assert (
            f'filename="rimelig-oversikt-{slug}-{today:%Y-%m-%d}.csv"'
            in (response["Content-Disposition"])
        )
        body = response.content.decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
        assert len(rows[0]) >= 2


def test_the_csv_carries_the_pages_suppression(director_client, world, cases):
    params = {"fra": "2026-09-01", "til": "2026-11-25"}
    response = _export(director_client, "faser", "csv", **params)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert rows[0] == ["Fase", "Åpne saker", "Innen fristen", "Nærmer seg frist", "Over fristen"]
    phases = dict((r[0], r[1:]) for r in rows[1:] if len(r) > 1)
    assert phases["Venter på samtykke"] == ["<5", "<5", "0", "⋯"]
    # the marks explained under the table, as on the page
    assert [r[0][:2] for r in rows if len(r) == 1] == ["<5", "⋯:"]


def test_the_excel_workbook_opens_with_every_table_and_the_same_suppression(director_client, cases):
    response = _export(director_client, "alle", "xlsx", fra="2026-09-01", til="2026-11-25")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [*dashboard.TABLE_SLUGS, *SYSTEMWORK_SLUGS, *DELIVERY_SLUGS]
    sheet = book["faser"]
    assert sheet["A1"].value == "Åpne saker etter fase nå"
    assert sheet["A2"].value == "Periode: 01.09.2026–25.11.2026"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    consent = next(r for r in values if r[0] == "Venter på samtykke")
    assert consent[1:5] == ["<5", "<5", 0, "⋯"]
    assert any(r[0] and str(r[0]).startswith("⋯:") for r in values)
    total = next(r for r in values if r[0] == "Alle åpne saker")
    assert total[1] == 7


def test_a_single_table_downloads_as_excel_and_an_unknown_one_is_404(director_client):
    assert _export(director_client, "klager", "xlsx").status_code == 200
    assert _export(director_client, "navn", "xlsx").status_code == 404
    assert _export(director_client, "faser", "pdf").status_code == 404
    assert _export(director_client, "alle", "csv").status_code == 404
    assert _export(director_client, "faser", "csv", til="2099-01-01").status_code == 400


def _all_text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxml"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            return "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    return response.content.decode("utf-8")


def test_no_childs_name_or_identity_number_appears_on_the_page_or_in_any_export(client, world):
    named = [
        ChildFactory(unit=world.unit_a, first_name="Sigrunn", last_name="Vesaasdatter"),
        ChildFactory(unit=world.unit_b, first_name="Torbjørn", last_name="Kvalheimsen"),
        ChildFactory(unit=world.school, first_name="Amalie", last_name="Brønnbakken"),
    ]
    for i, child in enumerate(named):
        case = make_case(
            world, child.unit, S.ASSESSED, t0=d(8, 1 + i), assessed=d(10, 1), child=child
        )
        deadline(case, "decision", d(11, 1 + i))
        decide(world, make_case(world, child.unit, S.DECIDED, t0=d(7, 1)), d(9, 1 + i))
    secrets = [s for c in named for s in (c.first_name, c.last_name, c.id_number)]
    client.force_login(world.director)
    responses = [client.get(reverse("decisions:dashboard"))]
    for slug in dashboard.TABLE_SLUGS:
        for fmt in ("csv", "xlsx"):
            responses.append(_export(client, slug, fmt))
    responses.append(_export(client, "alle", "xlsx"))
    for response in responses:
        assert response.status_code == 200
        text = _all_text(response)
        for secret in secrets:
            assert secret not in text, (response.request["PATH_INFO"], secret)


def test_period_default_is_this_month_and_the_eleven_before():
    period = Period.default(date(2026, 11, 25))
    assert (period.start, period.end) == (date(2025, 12, 1), date(2026, 11, 25))
    assert [m[0] for m in period.months()][:2] == [date(2025, 12, 1), date(2026, 1, 1)]
    assert len(period.months()) == 12
    # A period starting mid-month counts from its first day.
    first = Period(date(2026, 9, 15), date(2026, 10, 10)).months()
    assert first == [
        (date(2026, 9, 1), date(2026, 9, 15), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 1), date(2026, 10, 10)),
    ]


def test_the_scope_of_the_queries_is_dashboard_referrals(world, cases):
    for user in (world.director, world.office):
        units = list(dashboard.dashboard_units(user))
        by_ids = Referral.objects.filter(dashboard.Scope.of(units).q())
        assert set(by_ids) == set(dashboard.dashboard_referrals(user))
    # The director sees every unit of Solvik, never Bergtun's case.
    assert cases[12] not in dashboard.dashboard_referrals(world.director)
    assert cases[4] not in dashboard.dashboard_referrals(world.office)  # a school


def test_a_filter_that_leaves_no_unit_shows_zeros_not_an_error(director_client, world):
    response = director_client.get(
        reverse("decisions:dashboard"), {"type": "school", "eierform": "private"}
    )
    assert response.status_code == 200
    assert response.context["figures"].phases["assessing"]["open"] == 0


def test_the_ranking_does_not_give_away_a_hidden_count():
    # Area X: A 9, B 3 (hidden: small), C 7 (hidden: with B shown, 19 − 9 − 7 would give it
    # away). Ranked by the true counts C would come before B and tell that it is the larger;
    # hidden counts are ranked together, by name.
    fig = dashboard.Figures(period=PERIOD, today=TODAY)
    fig.areas = [{"id": 1, "name": "X", "overdue": 19, "approaching": 0}]
    fig.units = [
        {"id": i, "name": name, "area_id": 1, "overdue": n, "approaching": 0}
        for i, (name, n) in enumerate([("A", 9), ("C", 7), ("B", 3)])
    ]
    _areas, units = dashboard._place_tables(fig)
    assert [(r.label, r.cells[1].text) for r in units.rows] == [
        ("A", "9"),
        ("B", "<5"),
        ("C", "⋯"),
        ("Alle", "19"),
    ]


def test_the_demo_story_gives_one_area_a_growing_queue_and_one_kindergarten_many_overdue(
    settings,
):
    import random
    from io import StringIO

    from django.core.management import call_command

    from demo.caseload import FEATURED
    from demo.decisions import STORY_AREA, STORY_OVERDUE, STORY_UNIT, seed_dashboard_story
    from teams.models import Municipality, Unit

    settings.DEBUG = True
    call_command("seed_demo", "--children", "900", "--referrals", "500", stdout=StringIO())
    municipalities = list(Municipality.objects.order_by("number"))
    featured_before = sorted(
        Referral.objects.filter(unit__name__in=FEATURED).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    # seed_demo may already tell the story (once it calls seed_dashboard_story); either way a
    # second telling changes nothing.
    moved = seed_dashboard_story(random.Random(1), today, municipalities)
    assert moved == {"skipped": True} or moved["overdue"] == STORY_OVERDUE
    assert seed_dashboard_story(random.Random(1), today, municipalities) == {"skipped": True}
    story = Unit.objects.get(name=STORY_UNIT)
    overdue = Referral.objects.filter(
        unit=story, status__in=[S.RECEIVED, S.ASSESSING, S.ASSESSED], next_deadline_on__lt=today
    )
    assert overdue.count() >= STORY_OVERDUE
    # A case moves with its child; the styrere's own units keep their cases. (A § 31 case closed
    # because the child started school stays the kindergarten's: issue 19's move to school.)
    assert not (
        Referral.objects.exclude(child__unit=models.F("unit"))
        .exclude(closed_reason=Referral.ClosedReason.STARTED_SCHOOL)
        .exists()
    )
    assert (
        sorted(Referral.objects.filter(unit__name__in=FEATURED).values_list("pk", flat=True))
        == featured_before
    )
    # The story area's open caseload grows faster than the rest of the municipality's.
    solvik = municipalities[0]
    units = list(Unit.objects.filter(municipality=solvik).select_related("area"))
    east = [u for u in units if u.area.name == STORY_AREA]
    rest = [u for u in units if u.area.name != STORY_AREA]
    period = Period.default(today)

    def growth(chosen):
        months = dashboard.dashboard_figures(units=chosen, period=period, today=today).months
        return months[-1]["open"] / max(1, months[-4]["open"])

    assert growth(east) > growth(rest)


# --- per advisor, for PPT leadership only --------------------------------------------------------


@pytest.fixture
def leader(world):
    """Lise, PP-leder of the office that serves Solvik (not a persona of the shared world: the
    role exists for this page only)."""
    from teams.models import Role
    from tests.factories import RoleFactory, UserFactory

    user = UserFactory(email="lise@test.no", full_name="Lise Leder")
    RoleFactory(user=user, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    return user


def assigned(case, advisor):
    Referral.objects.filter(pk=case.pk).update(advisor=advisor)
    return case


@pytest.fixture
def workload(world):
    """Alice: six open cases, three overdue (one of them also approaching: counted once, as
    overdue), one approaching, two on track (one only because its passed deadline is paused);
    her closed case and her refusal are not open. Arne: one overdue. Unassigned: one awaiting
    consent, one approaching. Alice's case in Bergtun is outside the office's municipalities."""
    alice, arne, a, b = world.advisor, world.advisor_south, world.unit_a, world.unit_b
    for i in range(3):
        case = assigned(make_case(world, a, S.RECEIVED, t0=d(9, 1 + i)), alice)
        deadline(case, "provisional_reply", d(10, 1 + i))  # overdue
    deadline(case, "assessment", d(12, 1))  # warned from 17.11: approaching, but overdue wins
    case = assigned(make_case(world, b, S.RECEIVED, t0=d(11, 2)), alice)
    deadline(case, "provisional_reply", d(12, 2))  # warned from 18.11: approaching
    case = assigned(make_case(world, a, S.RECEIVED, t0=d(11, 20)), alice)
    deadline(case, "provisional_reply", d(12, 20))  # warned from 06.12: on track
    case = assigned(make_case(world, a, S.RECEIVED, t0=d(9, 20)), alice)
    deadline(case, "provisional_reply", d(10, 20), paused=True)  # paused: on track
    closed = assigned(make_case(world, a, S.CLOSED, t0=d(5, 1)), alice)
    deadline(closed, "decision", d(8, 1))  # unmet, but the case is closed
    refused = assigned(make_case(world, a, S.DECIDED, t0=d(7, 1)), alice)
    decide(world, refused, d(9, 1), outcome="refused")
    case = assigned(make_case(world, b, S.ASSESSED, t0=d(8, 3)), arne)
    deadline(case, "decision", d(11, 3))  # overdue
    make_case(world, a, S.AWAITING_CONSENT, received=d(11, 20))
    case = make_case(world, b, S.RECEIVED, t0=d(11, 1))
    deadline(case, "provisional_reply", d(12, 1))  # warned from 17.11: approaching
    elsewhere = assigned(make_case(world, world.other_unit, S.RECEIVED, t0=d(9, 1)), alice)
    deadline(elsewhere, "provisional_reply", d(10, 1))


def test_a_ppt_leader_sees_open_approaching_and_overdue_cases_per_advisor(world, leader, workload):
    fig = dashboard.dashboard_figures(
        units=list(dashboard.dashboard_units(leader).select_related("area")),
        period=PERIOD,
        today=TODAY,
        advisor_municipalities=dashboard.advisor_municipality_ids(leader),
    )
    by_name = {a["name"]: (a["open"], a["approaching"], a["overdue"]) for a in fig.advisors}
    assert by_name == {"Alice": (6, 1, 3), "Arne": (1, 0, 1), None: (2, 1, 0)}
    # The leader's dashboard counts the same cases as the director's.
    assert set(dashboard.dashboard_referrals(leader)) == set(
        dashboard.dashboard_referrals(world.director)
    )
    # On the page: most overdue first, the unassigned last; 1–4 hidden, the 6 and 9 shown,
    # and no row gives a hidden count away (every row and column has two hidden or none).
    table = dashboard.dashboard_tables(fig)["radgivere"]
    texts = [(r.label, [c.text for c in r.cells]) for r in table.rows]
    assert texts == [
        ("Alice", ["6", "<5", "<5", "<5"]),
        ("Arne", ["<5", "0", "0", "<5"]),
        ("Ikke tildelt rådgiver", ["<5", "<5", "<5", "0"]),
        ("Alle", ["9", "<5", "<5", "<5"]),
    ]


def test_the_director_and_the_office_get_no_per_advisor_figures(world, workload):
    for user in (world.director, world.office):
        assert dashboard.advisor_municipality_ids(user) == set()
        assert "radgivere" not in dashboard.table_slugs(user)


def test_the_leaders_page_has_the_per_advisor_section_and_the_directors_not(
    client, world, leader, workload
):
    client.force_login(leader)
    response = client.get(reverse("decisions:dashboard"))
    assert response.status_code == 200
    text = response.text
    assert "Per rådgiver" in text and 'id="table-radgivere"' in text
    assert 'id="chart-radgivere"' in text and "Alice" in text
    assert reverse("decisions:dashboard") in text.split("<main", 1)[0]  # "Oversikt" in the nav
    for user in (world.director, world.office):
        client.force_login(user)
        text = client.get(reverse("decisions:dashboard")).text
        assert "Per rådgiver" not in text and "radgivere" not in text
        assert _export(client, "radgivere", "csv").status_code == 404
        assert _export(client, "radgivere", "xlsx").status_code == 404


def test_the_per_advisor_export_carries_the_suppression(client, world, leader, workload):
    client.force_login(leader)
    response = _export(client, "radgivere", "csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert rows[0] == [
        "Rådgiver",
        "Åpne saker",
        "Innen fristen",
        "Nærmer seg frist",
        "Over fristen",
    ]
    assert rows[1] == ["Alice", "6", "<5", "<5", "<5"]
    assert next(r for r in rows if r[0] == "Alle") == ["Alle", "9", "<5", "<5", "<5"]
    book = load_workbook(io.BytesIO(_export(client, "alle", "xlsx").content))
    assert book.sheetnames == [
        *dashboard.TABLE_SLUGS,
        "radgivere",
        *SYSTEMWORK_SLUGS,
        *DELIVERY_SLUGS,
    ]
    values = [[c.value for c in row] for row in book["radgivere"].iter_rows()]
    assert next(r for r in values if r[0] == "Arne")[1:5] == ["<5", 0, 0, "<5"]


def test_no_childs_name_appears_on_the_leaders_page_or_exports(client, world, leader):
    child = ChildFactory(unit=world.unit_a, first_name="Sigrunn", last_name="Vesaasdatter")
    case = assigned(
        make_case(world, world.unit_a, S.RECEIVED, t0=d(9, 1), child=child), world.advisor
    )
    deadline(case, "provisional_reply", d(10, 1))
    client.force_login(leader)
    responses = [client.get(reverse("decisions:dashboard")), _export(client, "alle", "xlsx")]
    responses.append(_export(client, "radgivere", "csv"))
    for response in responses:
        assert response.status_code == 200
        text = _all_text(response)
        for secret in (child.first_name, child.last_name, child.id_number):
            assert secret not in text


def test_the_leaders_page_runs_a_fixed_number_of_queries(
    client, world, leader, django_assert_num_queries
):
    advisors = [world.advisor, world.advisor_south, None]

    def load(n):
        for i in range(n):
            case = make_case(world, world.unit_a, S.RECEIVED, t0=d(9, 1) + timedelta(days=i))
            assigned(case, advisors[i % 3])
            deadline(case, "provisional_reply", d(10, 1) + timedelta(days=i))
        client.force_login(leader)
        # The director's 15 (decisions/test_dashboard: session, user, roles, the units
        # overseen, then the aggregates in one transaction, the system work figure) and: open
        # and flagged cases per advisor.
        with django_assert_num_queries(16):
            assert client.get(reverse("decisions:dashboard")).status_code == 200

    load(1)
    load(29)


# --- one rounding on the page and in the exports ---------------------------------------------


def test_rounding_is_half_up_to_one_decimal_through_the_shortest_decimal():
    from decimal import Decimal

    from decisions.dashboard.tables import Cell, rounded

    # 175.85 is 175.8499… as a float: round() and a float format said 175.8
    assert round(175.85, 1) == 175.8
    assert rounded(175.85) == Decimal("175.9")
    assert rounded(0.05) == Decimal("0.1") and rounded(2.25) == Decimal("2.3")
    assert rounded(12.0) == 12 and isinstance(rounded(12.0), int)
    assert rounded(70.8333) == Decimal("70.8")
    with frozen_today(TODAY):
        days = Cell(175.85, kind="days")
        assert (days.text, days.export) == ("175,9", 175.9)
        share = Cell(100 * 17 / 24, kind="share")
        assert (share.text, share.export) == ("70,8 %", 70.8)
        assert Cell(12.0, kind="days").export == 12


def _page_cells(html: str, slug: str) -> list[list[str]]:
    import re

    table = re.search(rf'id="table-{slug}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr.*?</tr>", table, re.S)
    from html import unescape

    strip = lambda cell: unescape(re.sub(r"<[^>]+>", "", cell)).strip()  # noqa: E731
    return [[strip(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def test_the_page_the_csv_and_the_workbook_show_the_same_figures(
    director_client, world, cases, monkeypatch
):
    real = dashboard.dashboard_figures

    def figures(**kwargs):
        fig = real(**kwargs)
        fig.waits["decision"] = {"n": 20, "median": 12.25, "p90": 175.85}
        fig.shares["decision"] = {"on_time": 17, "total": 24}
        return fig

    monkeypatch.setattr(dashboard, "dashboard_figures", figures)
    params = {"fra": "2026-09-01", "til": "2026-11-25"}
    html = director_client.get(reverse("decisions:dashboard"), params).text
    book = load_workbook(io.BytesIO(_export(director_client, "alle", "xlsx", **params).content))
    for slug in ("ventetid", "frister", "faser"):
        page = _page_cells(html, slug)
        body = _export(director_client, slug, "csv", **params).content.decode("utf-8")[1:]
        csv_rows = [r for r in csv.reader(io.StringIO(body), delimiter=";") if len(r) > 1][1:]
        sheet = [[c.value for c in r] for r in book[slug].iter_rows()]
        assert len(page) == len(csv_rows)
        for shown, exported in zip(page, csv_rows, strict=True):
            # the page's "70,8 %" is the CSV's 70,8 (a share's unit is in the header); a figure
            # the page shows as "–" (none) is an empty cell
            page_values = [t.removesuffix(" %").replace("\xa0", "") for t in shown]
            assert [("" if t == "–" else t) for t in page_values] == exported
            in_book = next(r for r in sheet if r[0] == exported[0])
            for text, value in zip(exported[1:], in_book[1:], strict=False):
                if text in ("<5", "⋯", ""):
                    assert value == (text or None)
                else:  # a number, not text, with the same value
                    assert isinstance(value, int | float), (slug, exported, value)
                    assert value == float(text.replace(",", "."))
    assert ["Fra T0 til vedtak", "20", "12,3", "175,9"] in _page_cells(html, "ventetid")
