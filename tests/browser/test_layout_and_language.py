"""WCAG 1.4.10 reflow and 1.4.4 resize text: the main pages at 320 CSS px (a phone) and at
200 % zoom (1280 px shown at twice the size is 640 CSS px) without a horizontal scrollbar on
the page itself (wide tables scroll inside their own box); and 3.1.1: the page's language is
set, nb, or en once switched."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.decisions.conftest import received_case

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def assert_no_page_scroll(j, what: str) -> None:
    overflow = j.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize(
    ("label", "options"),
    [
        ("320px", {"viewport": {"width": 320, "height": 640}}),
        ("zoom200", {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}),
    ],
)
def test_main_pages_reflow_without_sideways_scrolling(world, new_journey, label, options):
    today = timezone.localdate()
    case = received_case(world, received_on=today - timedelta(days=20))
    advisor = new_journey(f"advisor-{label}", **options)
    advisor.goto("/logg-inn/", "login")
    assert_no_page_scroll(advisor, "login")
    advisor.login(world.advisor.email)
    for path, name in (("/saker/", "caseload"), (f"/saker/{case.pk}/", "case")):
        advisor.goto(path, name)
        assert_no_page_scroll(advisor, name)
    office = new_journey(f"office-{label}", **options)
    office.login(world.office.email)
    for path, name in (("/arbeidsliste/", "worklist"), ("/oversikt/", "dashboard")):
        office.goto(path, name)
        assert_no_page_scroll(office, name)


def test_the_page_language_is_nb_and_en_once_switched(world, new_journey):
    j = new_journey("language")
    j.login(world.advisor.email)
    assert j.page.locator("html").get_attribute("lang") == "nb"
    j.page.get_by_label("Språk").select_option("en")
    j.page.get_by_role("button", name="Bytt").click()
    j.page.wait_for_function("() => document.documentElement.lang === 'en'")
    j.step("switched to English")
