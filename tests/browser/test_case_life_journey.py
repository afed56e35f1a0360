"""The case's life after the vedtak in a real browser (decisions/case_life_views.py): the styrer
writes and submits an annual report; the office starts a renewal and closes a case. Each page
passes the axe check."""

import re
from datetime import date

import pytest

from referrals.models import Referral
from tests.builders import case_at
from tests.conftest import frozen_today

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

# A Wednesday: the journey's dates are the same whatever day the suite runs (the live server
# runs in this process, so the frozen clock is its clock too).
TODAY = date(2027, 1, 20)


@pytest.fixture(autouse=True)
def _frozen_day():
    with frozen_today(TODAY):
        yield


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_styrer_writes_an_annual_report_and_the_office_renews_and_closes(world, new_journey):
    today = TODAY.isoformat()
    running = case_at("help_started", world=world)
    other = case_at("help_started", world=world)

    j = new_journey("styrer")
    page = j.page
    j.login(world.styrer_a.email)
    j.goto(f"/saker/{running.pk}/frister/", "case clock (styrer)")
    page.get_by_role("link", name="Skriv årsrapport").click()
    j.step("annual report form")
    field(page, "Perioden fra").fill("2026-11-27")
    field(page, "Perioden til").fill(today)
    field(page, "Hjelpen som er gitt").fill("Språkgruppe to ganger i uken.")
    field(page, "Barnets utvikling").fill("Bruker flere ord og leker mer med andre.")
    page.get_by_role("button", name="Send inn").click()
    page.get_by_role("heading", name="Årsrapporter").wait_for()
    assert page.get_by_text("Sendt inn").first.is_visible()
    j.step("annual report submitted")

    o = new_journey("office")
    page = o.page
    o.login(world.office.email)
    o.goto(f"/saker/{running.pk}/frister/", "case clock (office)")
    page.get_by_text("Språkgruppe to ganger i uken.").first.wait_for(state="attached")
    page.get_by_role("link", name="Start fornyelse").click()
    o.step("renewal form")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Fornyelsen er startet som en ny sak.").wait_for()
    renewal = Referral.objects.get(previous=running)
    o.goto(f"/saker/{running.pk}/frister/", "case clock with its renewal")
    assert page.get_by_role("link", name=renewal.reference).is_visible()

    o.goto(f"/saker/{other.pk}/frister/", "case clock before closing")
    page.get_by_role("link", name="Avslutt saken").click()
    o.step("close form")
    o.expected_statuses.add(422)  # a closing without its reason is refused at the field
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Velg hvorfor saken avsluttes.").wait_for()
    o.step("close form with a missing reason")
    o.expected_statuses.discard(422)
    page.get_by_label("Hvorfor saken avsluttes").select_option(value="started_school")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Saken er avsluttet.").wait_for()
    other.refresh_from_db()
    assert other.status == Referral.Status.CLOSED
    o.goto(f"/saker/{other.pk}/frister/", "closed case clock")
    assert page.get_by_role("link", name="Gjenåpne som ny sak").is_visible()
