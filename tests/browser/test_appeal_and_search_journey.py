"""The office records Statsforvalteren's decision on an appeal (both dates asked for at their
fields), and the advisor finds a running vedtak by the child's identity number while the
caseload is filtered to other statuses (issue 18)."""

import re
from datetime import date, timedelta

import pytest

from decisions.models import Appeal
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
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _frozen_day():
    with frozen_today(TODAY):
        yield


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_office_records_statsforvalterens_decision_with_both_dates(world, new_journey):
    today = TODAY
    case = case_at("appealed", world=world, on=today - timedelta(days=80))
    appeal = Appeal.objects.get(decision__referral=case)

    j = new_journey("office")
    page = j.page
    j.login(world.office.email)
    j.goto(f"/klager/{appeal.pk}/", "appeal update form")
    field(page, "Status").select_option(label="Stadfestet av Statsforvalteren")
    j.expected_statuses.add(422)
    page.get_by_role("button").filter(has_text=re.compile("Lagre|Oppdater")).first.click()
    j.step("upheld without dates is refused at the fields")
    j.expected_statuses.discard(422)
    assert page.get_by_text("Oppgi datoen klagen ble sendt til Statsforvalteren.").is_visible()
    assert page.get_by_text("Oppgi datoen klagen ble avgjort.").is_visible()
    field(page, "Sendt til Statsforvalteren").fill((today - timedelta(days=10)).isoformat())
    field(page, "Avgjort dato").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button").filter(has_text=re.compile("Lagre|Oppdater")).first.click()
    j.step("appeal upheld")
    case.refresh_from_db()
    assert case.status == Referral.Status.DECIDED
    deadline = case.deadlines.get(kind="appeal")
    assert deadline.met_on == today - timedelta(days=10)
    j.logout_and_go_back(secret=case.child.last_name)


def test_advisor_finds_a_running_vedtak_by_identity_number_whatever_the_filter(world, new_journey):
    today = TODAY
    case = case_at("help_started", world=world, on=today - timedelta(days=90))
    assert case.status == Referral.Status.HELP_STARTED

    j = new_journey("advisor")
    page = j.page
    j.login(world.advisor.email)
    j.goto("/saker/", "caseload")
    assert page.get_by_role("link", name=case.reference).is_visible()  # in the default list
    j.goto("/saker/?status=received", "caseload filtered to received")
    page.get_by_label("Søk etter barn").fill(case.child.id_number)
    page.get_by_role("button", name="Søk").click()
    page.get_by_role("link", name=case.reference).wait_for()
    j.step("found by identity number despite the filter")
    assert case.child.id_number not in page.url
    j.logout_and_go_back(secret=case.child.last_name)
