"""The office's, the styrer's and the director's main paths in a real browser, each from a case
made through the services, each ending with logout and the back button."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from decisions.models import DeadlineFlag, Decision
from referrals.models import Assessment, Referral
from referrals.services import (
    assessment_save,
    consent_register,
    referral_start_assessment,
)
from tests.decisions.conftest import received_case

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def field(scope, label: str):
    """A form control by its label, which carries crispy's "*" when the field is required."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def assessed_case(world, received_on) -> Referral:
    """Received four weeks ago (the provisional reply is due soon), consented for the
    assessment and the decision, assessed today: 5 hours a week in a group."""
    case = received_case(world, received_on=received_on)
    guardian = case.child.guardians.get()
    consent_register(
        referral_id=case.pk,
        guardian_id=guardian.pk,
        purpose="decision",
        given_on=received_on,
        actor=world.advisor,
    )
    referral_start_assessment(referral_id=case.pk, actor=world.advisor)
    assessment = Assessment.objects.get(referral=case)
    assessment_save(
        referral_id=case.pk,
        version=assessment.version,
        actor=world.advisor,
        complete=True,
        development="Forsinket språkutvikling.",
        goals="Utvide ordforrådet.",
        kind_of_help="Språkstimulering i liten gruppe.",
        guardian_views="Foreldrene ønsker hjelp i barnehagen.",
        conclusion=Assessment.Conclusion.NEEDS_HELP,
        organisation="group",
        recommended_hours=5,
        competence="special_educator",
    )
    return Referral.objects.select_related("child").get(pk=case.pk)


def test_office_works_a_flagged_case_from_the_worklist_to_help_started(
    world, new_journey, celery_worker
):
    today = timezone.localdate()
    case = assessed_case(world, received_on=today - timedelta(days=28))
    celery_worker.run_flag_deadlines(today.isoformat())  # the morning job, in the worker
    assert DeadlineFlag.objects.filter(deadline__referral=case).exists()

    j = new_journey("office")
    page = j.page
    j.login(world.office.email)
    page.get_by_role("link", name="Arbeidsliste").first.click()
    row = page.locator("li.worklist-case").filter(has_text=case.reference)  # one row per case
    row.wait_for()
    j.step("worklist with the flagged case")

    row.get_by_role("link", name="Foreløpig svar").click()
    j.step("provisional reply form")
    field(page, "Hvorfor saken tar tid").fill("Vi venter på samtykke til vedtaket fra far.")
    field(page, "Forventet vedtaksdato").fill((today + timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Lagre").click()
    j.step("provisional reply registered")

    j.goto(f"/saker/{case.pk}/vedtak/", "decision form")
    field(page, "Timer per uke").fill("3")  # the assessment recommends 5
    # forvaltningsloven §§ 24–25: every vedtak gives its reasons (a required field, issue 18)
    field(page, "Begrunnelse for vedtaket").fill("Barnet trenger språkstimulering i gruppe.")
    j.expected_statuses.add(422)  # an invalid form is answered 422 Unprocessable Content
    page.get_by_role("button", name="Registrer vedtaket").click()
    j.step("decision refused without a reason for the deviation")
    j.expected_statuses.discard(422)
    reason = field(page, "Begrunnelse for avvik fra sakkyndig vurdering")
    described = (reason.get_attribute("aria-describedby") or "").split()
    tied = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described)
    assert "Begrunn avviket" in tied, "the error must be tied to its field (aria-describedby)"
    assert reason.evaluate("el => el === document.activeElement"), (
        "the field in error gets the focus, so its error is announced"
    )
    reason.fill("Tre timer er nok sammen med tiltak i barnehagen.")
    page.get_by_role("button", name="Registrer vedtaket").click()
    j.step("decision registered")
    decision = Decision.objects.get(referral=case)
    assert decision.hours_per_week == 3 and decision.deviation_reason

    j.goto(f"/saker/{case.pk}/hjelp-startet/", "help started form")
    page.get_by_role("button", name="Lagre").click()
    j.step("help started")
    case.refresh_from_db()
    assert case.status == Referral.Status.HELP_STARTED
    j.logout_and_go_back(secret=case.child.last_name)


def test_styrer_sees_the_new_case_with_its_next_deadline_and_not_another_units(world, new_journey):
    today = timezone.localdate()
    own = received_case(world, received_on=today - timedelta(days=3), unit=world.unit_a)
    other = received_case(world, received_on=today - timedelta(days=3), unit=world.unit_b)
    own.refresh_from_db()

    j = new_journey("styrer")
    page = j.page
    j.login(world.styrer_a.email)
    page.get_by_role("link", name="Min enhet").first.click()
    row = page.get_by_role("row").filter(has_text=own.child.full_name)
    row.wait_for()
    j.step("own unit's caseload")
    assert own.next_deadline_on is not None
    assert own.next_deadline_on.strftime("%d.%m.%Y") in row.inner_text()
    assert other.child.full_name not in page.content()

    j.expected_statuses.add(404)
    response = j.goto(f"/saker/{other.pk}/", "another unit's case")
    assert response.status == 404
    assert other.child.full_name not in page.content()
    j.goto(f"/saker/{own.pk}/", "own unit's case")
    j.logout_and_go_back(secret=own.child.full_name)


def test_director_filters_the_dashboard_by_area_and_downloads_the_excel_export(world, new_journey):
    today = timezone.localdate()
    for unit in (world.unit_a, world.unit_a, world.unit_b):
        received_case(world, received_on=today - timedelta(days=40), unit=unit)

    j = new_journey("director", accept_downloads=True)
    page = j.page
    j.login(world.director.email)
    page.get_by_role("link", name="Oversikt").first.click()
    j.step("dashboard")
    page.get_by_label("Område", exact=True).select_option(label=world.north.name)
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url(re.compile(r"omr"))
    j.step("dashboard filtered by area")

    with page.expect_download() as info:
        page.get_by_role("link", name="Last ned alt (Excel)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    assert workbook.sheetnames
    assert any(ws.max_row > 1 for ws in workbook.worksheets)
    j.step("after the download")
    j.logout_and_go_back(secret=world.north.name)
