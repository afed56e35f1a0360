"""Help delivered in a real browser (issue 18): the spesialpedagog registers a week from "Mine
vedtak"; the morning's delivery check flags the vedtak to the office, which sees it on its
worklist and records etterlevering of the owed hours."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from decisions import delivery, flagging
from decisions.models import Deadline, DeliveryWeek, Makeup
from referrals.models import DeadlineKind
from tests.builders import case_at
from tests.conftest import frozen_today

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

# A Wednesday: the journey's dates are the same whatever day the suite runs (the live server
# runs in this process, so the frozen clock is its clock too).
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _frozen_day():
    with frozen_today(TODAY):
        yield


def field(scope, label: str):
    """A form control by its label, which carries crispy's "*" when the field is required."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_the_special_educator_registers_a_week_and_the_office_makes_up_the_hours(
    world, new_journey
):
    today = TODAY
    # Received ten weeks ago: help started about six weeks ago, 5 hours a week.
    case = case_at("help_started", world=world, on=today - timedelta(days=70))
    decision = case.decisions.get(superseded=False)
    first, last = delivery.window(today)
    for week in (first, first + timedelta(days=7), first + timedelta(days=14)):
        delivery.delivery_week_register(
            decision_id=decision.pk,
            actor=world.special_educator,
            week_start=week,
            hours_given=Decimal(3),
            given_by="Sara",
            hours_missed=Decimal(2),
            missed_reason="staff_absent",
        )

    j = new_journey("special_educator")
    page = j.page
    j.login(world.special_educator.email)
    page.get_by_role("link", name="Mine vedtak").first.click()
    page.get_by_role("link", name=case.child.full_name).click()
    j.step("the vedtak's delivery page")
    week = last - timedelta(days=6)  # the Monday of the last complete week
    field(page, "Uke").fill(week.isoformat())
    field(page, "Timer gitt").fill("2,5")
    field(page, "Gitt av").fill("Sara Spesialpedagog")
    field(page, "Timer som falt bort").fill("2,5")
    field(page, "Hvorfor timene falt bort").select_option(label="Personalet var borte")
    page.get_by_role("button", name="Registrer uken").click()
    page.get_by_text("Uken er registrert.").wait_for()
    j.step("the week registered")
    registered = DeliveryWeek.objects.get(decision=decision, week_start=week)
    assert registered.hours_given == Decimal("2.5")

    # The morning job: the delivery check, then the flags (11 of 20 hours: 55 % < 90 %).
    delivery.delivery_check(today)
    flagging.detect(today)
    assert Deadline.objects.filter(
        referral=case, kind=DeadlineKind.DELIVERY, met_on__isnull=True
    ).exists()

    office = new_journey("office")
    page = office.page
    office.login(world.office.email)
    page.get_by_role("link", name="Arbeidsliste").first.click()
    # one item per case on the worklist (its most urgent deadline first, the others beside it)
    row = page.get_by_role("listitem").filter(has_text=case.reference)
    row.wait_for()
    assert "Levert hjelp under terskel" in row.inner_text()
    office.step("the worklist with the delivery flag")
    office.goto(f"/saker/{case.pk}/frister/", "the case's decided against delivered")
    page.get_by_role("link", name="Uker, skyldige timer og etterlevering").click()
    office.step("the delivery page, read-only for the office")
    assert page.get_by_role("button", name="Registrer uken").count() == 0
    page.get_by_label("Etterlevert", exact=True).check()
    field(page, "Timer").fill("4")
    field(page, "Gitt fra").fill((today - timedelta(days=2)).isoformat())
    field(page, "Gitt til").fill((today - timedelta(days=1)).isoformat())
    field(page, "Gitt av").fill("Sara Spesialpedagog")
    page.get_by_role("button", name="Registrer etterlevering").click()
    page.get_by_text("Etterleveringen er registrert.").wait_for()
    office.step("etterlevering recorded")
    assert Makeup.objects.get(decision=decision).hours == Decimal(4)
