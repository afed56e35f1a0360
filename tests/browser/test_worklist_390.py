"""The office's worklist and the PP-leder's intake on a phone (390 CSS px): one row per case
whose badges and buttons wrap, no sideways scrolling of the page (WCAG 1.4.10), axe clean;
a filter changed with htmx swaps the rows; the PP-leder assigns a case from the list."""

from datetime import date, timedelta

import pytest

from decisions import flagging
from referrals.models import Referral
from teams.models import Role
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.decisions.conftest import received_case
from tests.factories import RoleFactory, UserFactory

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


PHONE = {"viewport": {"width": 390, "height": 844}}


def scroll_width(j) -> int:
    return j.page.evaluate("() => document.documentElement.scrollWidth")


def test_the_worklist_at_390_px_has_no_sideways_scroll(world, new_journey):
    today = TODAY
    late = received_case(world, received_on=today - timedelta(days=70))  # three flags
    received_case(world, unit=world.unit_b, received_on=today - timedelta(days=20))
    ready = case_at("assessed", world=world, on=today - timedelta(days=30))
    flagging.detect(today)

    office = new_journey("worklist-390", **PHONE)
    office.login(world.office.email)
    office.goto("/arbeidsliste/", "worklist-first")
    assert scroll_width(office) <= 390
    rows = office.page.locator("li.worklist-case")
    assert rows.count() == 3  # one row per case
    assert office.page.locator("li.worklist-case .badge", has_text="Klar for vedtak").is_visible()
    # every button inside the screen
    for right in office.page.locator("li.worklist-case .btn").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert right <= 390

    # a filter: the rows are swapped by htmx, the page still fits
    office.page.select_option("#id_frist", "klar")
    office.page.wait_for_function(
        "() => document.querySelectorAll('li.worklist-case').length === 1"
    )
    office.step("worklist-ready")
    assert ready.reference in office.page.inner_text("#worklist-rows")
    assert late.reference not in office.page.inner_text("#worklist-rows")
    assert scroll_width(office) <= 390

    # the whole list again, checked by axe
    office.goto("/arbeidsliste/", "worklist")
    assert scroll_width(office) <= 390

    # a bad value in the address: the filter's message, the page still fits
    office.goto("/arbeidsliste/?enhet=abc", "worklist-bad-filter")
    assert "Velg en enhet fra listen." in office.page.inner_text("main")
    assert scroll_width(office) <= 390


def test_the_pp_leder_assigns_from_the_intake_at_390_px(world, new_journey):
    leader = UserFactory(email="lise@test.no", full_name="Lise Leder")
    RoleFactory(user=leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    today = TODAY
    case = received_case(world, received_on=today - timedelta(days=10))
    Referral.objects.filter(pk=case.pk).update(advisor=None)

    j = new_journey("intake-390", **PHONE)
    j.login(leader.email)
    j.goto("/saker/inntak/", "intake")
    assert scroll_width(j) <= 390
    j.page.select_option(f"#advisor-{case.pk}", str(world.advisor_south.pk))
    j.page.get_by_role("button", name="Tildel").click()
    j.page.wait_for_load_state()
    j.step("intake-assigned")
    assert "er tildelt" in j.page.inner_text("main")
    case.refresh_from_db()
    assert case.advisor == world.advisor_south
