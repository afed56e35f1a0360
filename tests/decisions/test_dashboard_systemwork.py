"""The dashboard's system work figure (decisions/dashboard/systemwork.py): hours of system work
against individual cases worked on, per month and per area, with small case counts hidden."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.dashboard import Period
from decisions.dashboard.systemwork import SYSTEMWORK_SLUGS, systemwork_figures, systemwork_tables
from referrals.models import CaseEvent
from teams.ressursteam_models import SystemWork
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2026, 9, 1), date(2026, 11, 25))


def worked(world, unit, day: date, n: int = 1, *, actor="advisor"):
    """n cases of the unit, each with one journal event on ``day`` by a person."""
    at = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())
    for _i in range(n):
        case = ReferralFactory(child=ChildFactory(unit=unit), created_by=world.advisor)
        CaseEvent.objects.create(
            referral=case, actor=getattr(world, actor) if actor else None, action="x", at=at
        )
    return case


def hours(world, unit, day: date, h: str):
    SystemWork.objects.create(
        unit=unit, advisor=world.advisor, worked_on=day, hours=Decimal(h), topic="guidance"
    )


@pytest.fixture
def data(world):
    hours(world, world.unit_a, date(2026, 9, 3), "2.5")
    hours(world, world.unit_a, date(2026, 9, 20), "1")
    hours(world, world.unit_b, date(2026, 10, 2), "4")
    hours(world, world.unit_b, date(2026, 8, 30), "9")  # before the period
    worked(world, world.unit_a, date(2026, 9, 10), 6)
    worked(world, world.unit_b, date(2026, 10, 10), 2)
    worked(world, world.unit_b, date(2026, 10, 11), 1, actor=None)  # the clock: not work
    case = worked(world, world.unit_a, date(2026, 9, 12), 1)
    CaseEvent.objects.create(
        referral=case,
        actor=world.advisor,
        action="y",
        at=datetime(2026, 10, 1, 9, tzinfo=timezone.get_current_timezone()),
    )


def test_it_counts_hours_and_distinct_cases_worked_per_month_and_area(world, data):
    units = [world.unit_a, world.unit_b]
    fig = systemwork_figures(units=units, period=PERIOD)
    assert [(m["month"].month, m["hours"], m["cases"]) for m in fig["months"]] == [
        (9, 3.5, 7),
        (10, 4.0, 3),
        (11, 0.0, 0),
    ]
    assert [(a["name"], a["hours"], a["cases"]) for a in fig["areas"]] == [
        ("Nord", 3.5, 7),
        ("Sør", 4.0, 2),
    ]
    assert fig["total"] == {"hours": 7.5, "cases": 9}


def test_small_case_counts_are_hidden_and_cannot_be_worked_out(world, data):
    months, areas = systemwork_tables(
        systemwork_figures(units=[world.unit_a, world.unit_b], period=PERIOD)
    )
    assert [[c.text for c in r.cells] for r in months.rows] == [
        ["3,5", "7"],
        ["4", "<5"],
        ["0", "0"],
    ]
    # Sør's 2 is hidden; with the total shown, Nord would give it away: Nord is hidden too.
    assert [[c.text for c in r.cells] for r in areas.rows] == [
        ["3,5", "⋯"],
        ["4", "<5"],
        ["7,5", "9"],
    ]


def test_the_director_sees_the_figure_with_an_accessible_chart(client, world, data):
    client.force_login(world.director)
    response = client.get(
        reverse("decisions:dashboard"), {"fra": "2026-09-01", "til": "2026-11-25"}
    )
    html = response.content.decode()
    assert 'id="systemarbeid-heading"' in html
    assert 'id="chart-systemarbeid"' in html and 'role="img"' in html
    assert "timer systemarbeid som søyler" in html
    assert response.context["systemwork"]["months"]["chart"]["spec"]["datasets"][1]["data"] == [
        7,
        None,
        0,
    ]


def test_the_system_work_tables_are_exported_as_csv(client, world):
    """Both system-work tables download as CSV like the rest of the dashboard's tables."""
    client.force_login(world.director)
    for slug in SYSTEMWORK_SLUGS:
        response = client.get(f"/oversikt/eksport/{slug}.csv")
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert "Timer systemarbeid" in text
