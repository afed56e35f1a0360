"""The pause ledger in a real browser (issue 18): the PP-rådgiver pauses a case with one of the
municipality's reasons, is told at the field when the dates overlap an earlier pause, and
sees the ledger with each pause's reason, the deadlines it stopped and the days per deadline.
axe-core checks every step."""

from datetime import date

import pytest

from referrals import services
from referrals.models import Pause
from tests.builders import case_at, pause_reason

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_advisor_pauses_a_case_and_reads_the_ledger(world, new_journey):
    case = case_at("received", world=world)  # received 28.10.2026
    services.referral_pause(
        referral_id=case.pk,
        started_on=date(2026, 11, 2),
        ended_on=date(2026, 11, 10),
        reason=pause_reason(case, "venter-pa-dokumenter"),
        actor=world.advisor,
    )
    j = new_journey("advisor")
    j.expected_statuses.add(422)
    page = j.page
    j.login(world.advisor.email)
    j.goto(f"/saker/{case.pk}/", "case page with an earlier pause")

    page.get_by_text("Sett saken på pause", exact=True).click()
    form = page.locator("form[action$='/pause/']")
    form.get_by_label("Grunn til pausen").select_option(
        label="Barnet er ikke tilgjengelig (sykdom, reise)"
    )
    form.get_by_label("Pause fra").fill("2026-11-05")
    form.get_by_role("button", name="Sett på pause").click()
    page.get_by_text("Pausen overlapper en annen pause i saken").wait_for()
    assert "02.11.2026" in page.content()
    j.step("overlap refused at the field")

    form = page.locator("form[action$='/pause/']")
    form.get_by_label("Pause fra").fill("2026-11-20")
    form.get_by_label("Grunn til pausen").select_option(
        label="Barnet er ikke tilgjengelig (sykdom, reise)"
    )
    form.get_by_label("Merknad").fill("Innlagt på sykehus")
    form.get_by_role("button", name="Sett på pause").click()
    page.get_by_text("Saken står nå på pause.").wait_for()
    j.step("paused")

    ledger = page.locator("#pauser")
    assert "Venter på dokumenter fra foresatte eller barnehagen" in ledger.inner_text()
    assert "Innlagt på sykehus" in ledger.inner_text()
    assert "Pausedager per frist" in ledger.inner_text()
    assert Pause.objects.filter(referral=case).count() == 2
    j.assert_no_problems("ledger")
