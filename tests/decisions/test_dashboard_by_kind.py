"""The director's dashboard by case kind and school level (issue 19, item 6): the tables "Etter
sakstype" and "Elever etter skoletrinn" with the same small-count suppression as every other
table, totals that agree with the rest of the page, the filter by case kind on every figure,
and a fixed number of queries."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from decisions import dashboard
from decisions.dashboard import Period
from referrals.models import Referral
from tests.conftest import frozen_today
from tests.factories import ChildFactory, ReferralFactory
from tests.support.factories_decisions import DeadlineFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
TODAY = date(2026, 11, 25)
PERIOD = Period(date(2026, 9, 1), TODAY)


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


def case(world, unit, kind, *, school_class=None, birth=date(2021, 5, 1), t0=date(2026, 10, 1)):
    child = ChildFactory(unit=unit, school_class=school_class, birth_date=birth)
    return ReferralFactory(
        child=child,
        unit=unit,
        kind=kind,
        created_by=world.advisor,
        status=S.RECEIVED,
        received_on=t0,
        consent_on=t0,
        t0=t0,
    )


@pytest.fixture
def cases(world):
    """Kindergarten: 7 § 31 cases, 5 of them overdue. School S: 6 § 11-6 cases in class 5A
    (5.–7. trinn) and 3 § 11-4 cases of pupils without a class born in 2018 (received in
    October 2026, school year 2026/27: 3rd trinn, 1.–4.)."""
    made = {"bhl_31": [], "oppl_11_6": [], "oppl_11_4": []}
    for i in range(7):
        c = case(world, world.unit_a, "bhl_31")
        made["bhl_31"].append(c)
        if i < 5:
            DeadlineFactory(referral=c, kind="provisional_reply", due_on=date(2026, 11, 1))
    for _ in range(6):
        made["oppl_11_6"].append(
            case(
                world,
                world.school,
                "oppl_11_6",
                school_class=world.class_5a,
                birth=date(2016, 1, 1),
            )
        )
    for _ in range(3):
        made["oppl_11_4"].append(case(world, world.school, "oppl_11_4", birth=date(2018, 3, 1)))
    return made


def tables_for(world, kinds=()):
    units = list(dashboard.dashboard_units(world.director).select_related("area", "municipality"))
    fig = dashboard.dashboard_figures(units=units, period=PERIOD, today=TODAY, kinds=kinds)
    return fig, dashboard.dashboard_tables(fig)


def row(table, label):
    return next(r for r in table.rows if r.label.startswith(label))


def test_the_figures_split_by_kind_and_level_add_up_to_the_page(world, cases):
    fig, tables = tables_for(world)
    by_kind = tables["sakstype"]
    # The kinds of the director's units: kindergarten and school, in the table's order.
    assert [r.label for r in by_kind.rows][:3] == [
        "Spesialpedagogisk hjelp (barnehageloven § 31)",
        "Tilrettelegging for barn med nedsatt funksjonsevne (barnehageloven § 37)",
        "Tegnspråkopplæring (barnehageloven § 38)",
    ]
    bhl = row(by_kind, "Spesialpedagogisk")
    assert [c.value for c in bhl.cells[:3]] == [7, 5, 7]  # open, overdue, received
    total = by_kind.rows[-1]
    assert total.total and total.cells[0].value == 16
    # The kind table's total is the phase table's.
    assert total.cells[0].value == tables["faser"].rows[-1].cells[0].value
    assert row(by_kind, "Individuelt").cells[0].value == 6
    # § 11-4: three cases, hidden; and so one more in its column (secondary).
    assistance = row(by_kind, "Personleg assistanse").cells[0]
    assert assistance.hidden and assistance.mark == "<5"
    assert sum(r.cells[0].hidden for r in by_kind.rows) >= 2

    levels = tables["skoletrinn"]
    assert [r.label for r in levels.rows] == [
        "1.–4. trinn",
        "5.–7. trinn",
        "8.–10. trinn",
        "Alle elevsaker",
    ]
    low, middle, high, pupils = levels.rows
    # A level with 1–4 cases is hidden ("<5"), and the total would give it away: a second
    # cell of the column is hidden too.
    assert low.cells[0].hidden and low.cells[0].text == "<5"
    assert sum(c.hidden for c in (middle.cells[0], high.cells[0], pupils.cells[0])) >= 1
    assert high.cells[0].value == 0 and not high.cells[0].hidden
    # The values behind the marks are consistent: the levels add up to the pupils' cases,
    # which are the school kinds' cases.
    assert low.cells[0].value + middle.cells[0].value + high.cells[0].value == 9
    assert pupils.cells[0].value == 9
    assert fig.has_pupils
    # The page's other figures are unchanged by the split.
    assert tables["maned"].rows[-1].cells[0].value == 16


def test_the_filter_by_case_kind_narrows_every_figure(world, cases):
    _fig, tables = tables_for(world, kinds=("oppl_11_6",))
    assert tables["faser"].rows[-1].cells[0].value == 6
    assert tables["maned"].rows[-1].cells[0].value == 6
    assert [r.label for r in tables["sakstype"].rows] == [
        "Individuelt tilrettelagd opplæring (opplæringslova § 11-6)",
        "Alle saker",
    ]
    assert row(tables["skoletrinn"], "5.–7.").cells[0].value == 6


def test_the_page_and_its_exports_carry_the_split_and_the_filter(client, world, cases):
    client.force_login(world.director)
    url = reverse("decisions:dashboard")
    response = client.get(url, {"sakstype": "bhl_31"})
    assert response.status_code == 200
    assert "Etter sakstype" in response.text
    assert response.context["figures"].phases["awaiting_assessment"]["open"] == 7
    assert "sakstype=bhl_31" in response.text  # the export links carry the filter
    # Not a kind: the message at the field, the default figures, never a 500.
    response = client.get(url, {"sakstype": "oppl_99"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert response.context["figures"].phases["awaiting_assessment"]["open"] == 16
    # The exports: the same suppression as the page.
    export = reverse("decisions:dashboard_export", args=["skoletrinn", "csv"])
    body = client.get(export).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[1][0] == "1.–4. trinn" and rows[1][1] == "<5"
    export = reverse("decisions:dashboard_export", args=["sakstype", "csv"])
    assert client.get(export, {"sakstype": "oppl_99"}).status_code == 400


def test_the_filtered_dashboard_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    def load(n):
        for i in range(n):
            day = timedelta(days=i)
            case(
                world,
                world.school,
                "oppl_11_6",
                birth=date(2016, 1, 1) + timedelta(days=40 * n) + day,
                t0=date(2026, 9, 1) + day,
            )
        client.force_login(world.director)
        # As test_dashboard's fixed count: the split and the filter add no query.
        with django_assert_num_queries(15):
            response = client.get(reverse("decisions:dashboard"), {"sakstype": "oppl_11_6"})
            assert response.status_code == 200

    load(1)
    load(29)
