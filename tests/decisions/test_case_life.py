"""The case's life after the vedtak (decisions/case_life.py): the annual report (barnehageloven
§ 32 third paragraph), renewal (Sivilombudet: reassess before the vedtak runs out), the
endringsvedtak (forvaltningsloven §§ 24–25, barnehageloven §§ 32, 35), closing (not during an
appeal: forvaltningsloven §§ 32–33) and reopening as a new linked case."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from decisions import case_life
from decisions import deadlines as rules
from decisions.models import AnnualReport, Decision
from referrals import services as referrals
from referrals import states
from referrals.models import Referral
from referrals.services import CaseError, StaleEdit, TransitionError
from tests.builders import case_at
from tests.conftest import frozen_today

pytestmark = pytest.mark.django_db

TODAY = date(2027, 6, 1)
S = Referral.Status


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


@pytest.fixture
def running(world):
    """Help started 27.11.2026 under a vedtak of 24.11.2026 (5 t/uke, until 23.11.2027)."""
    return case_at("help_started", world=world)


def _report(case, actor, *, submit=True, **kw):
    values = dict(
        period_from=date(2026, 11, 27),
        period_to=date(2027, 5, 31),
        help_given="To økter i uken med spesialpedagog.",
        development="Flere ord, leker mer med andre.",
    )
    values.update(kw)
    return case_life.annual_report_save(referral_id=case.pk, actor=actor, submit=submit, **values)


def _deadline(case, kind):
    return case.deadlines.get(kind=kind)


# --- the annual report ----------------------------------------------------------------------


def test_a_submitted_annual_report_meets_the_annual_report_deadline(world, running):
    """Barnehageloven § 32 third paragraph: the report is the source of the deadline."""
    assert _deadline(running, "annual_report").met_on is None
    draft = _report(running, world.styrer_a, submit=False)
    assert _deadline(running, "annual_report").met_on is None
    report = _report(running, world.styrer_a, report_id=draft.pk, report_version=draft.version)
    assert report.status == AnnualReport.Status.SUBMITTED
    assert _deadline(running, "annual_report").met_on == TODAY


def test_after_a_report_the_next_is_due_a_year_later_while_the_vedtak_runs():
    """Barnehageloven § 32 third paragraph: once a year, as long as the help is given."""
    policy = dict(rules.DEFAULT_RULES)
    facts = dict(t0=date(2026, 1, 5), decided_on=date(2026, 2, 2), help_started_on=date(2026, 2, 9))
    long = rules.CaseFacts(
        **facts, help_until=date(2028, 2, 1), annual_reports=(date(2027, 1, 20),)
    )
    due = {d.kind: d for d in rules.compute_deadlines(long, policy, TODAY)}
    assert due["annual_report"].met_on is None
    assert due["annual_report"].due_on == date(2028, 1, 20)
    short = rules.CaseFacts(
        **facts, help_until=date(2027, 6, 1), annual_reports=(date(2027, 1, 20),)
    )
    due = {d.kind: d for d in rules.compute_deadlines(short, policy, TODAY)}
    assert due["annual_report"].met_on == date(2027, 1, 20)


def test_an_annual_report_needs_a_running_vedtak(world):
    decided_refused = case_at("decided", world=world, outcome="refused")
    with pytest.raises(TransitionError, match="vedtak om hjelp som løper"):
        _report(decided_refused, world.styrer_a)
    assessed = case_at("assessed", world=world)
    with pytest.raises(TransitionError):
        _report(assessed, world.styrer_a)


def test_an_annual_report_refuses_an_empty_text_and_a_bad_period(world, running):
    with pytest.raises(CaseError) as exc:
        _report(running, world.styrer_a, development="  ")
    assert exc.value.field == "development"
    with pytest.raises(CaseError) as exc:
        _report(running, world.styrer_a, period_from=date(2026, 1, 1))
    assert exc.value.field == "period_from"
    assert not AnnualReport.objects.exists()


def test_a_stale_draft_edit_is_refused(world, running):
    draft = _report(running, world.styrer_a, submit=False)
    _report(running, world.styrer_a, submit=False, report_id=draft.pk, report_version=1)
    with pytest.raises(StaleEdit):
        _report(running, world.styrer_a, report_id=draft.pk, report_version=1)


def test_the_styrer_writes_the_report_and_the_office_reads_it(client, world, running):
    url = reverse("decisions:annual_report", args=[running.pk])
    client.force_login(world.styrer_a)
    response = client.post(
        url,
        {
            "period_from": "2026-11-27",
            "period_to": "2027-05-31",
            "help_given": "Språkgruppe to ganger i uken.",
            "development": "Bruker flere ord.",
            "send": "1",
        },
    )
    assert response.status_code == 302
    client.force_login(world.office)
    assert client.get(url).status_code == 403  # the office reads, does not write
    page = client.get(reverse("decisions:case_clock", args=[running.pk])).text
    assert "Språkgruppe to ganger i uken." in page


def test_a_styrer_of_another_unit_gets_404(client, world, running):
    client.force_login(world.styrer_b)
    assert client.get(reverse("decisions:annual_report", args=[running.pk])).status_code == 404


# --- renewal ------------------------------------------------------------------------------------


def test_a_renewal_by_new_assessment_is_a_linked_case_with_its_own_clock(world, running):
    """Sivilombudet: the need is reassessed before the vedtak runs out."""
    new = case_life.renewal_start(
        referral_id=running.pk, actor=world.office, renewed_on=date(2027, 5, 20)
    )
    assert new.previous_id == running.pk and new.received_on == date(2027, 5, 20)
    assert (new.child_id, new.unit_id, new.advisor_id) == (
        running.child_id,
        running.unit_id,
        running.advisor_id,
    )
    assert _deadline(running, "renewal").met_on == date(2027, 5, 20)
    # Barnehageloven § 32 first paragraph: the new assessment waits for the parents' consent;
    # then its own clock runs from the renewal date.
    assert new.status == S.AWAITING_CONSENT and new.t0 is None
    referrals.consent_register(
        referral_id=new.pk,
        guardian_id=new.child.guardians.get().pk,
        purpose="assessment",
        given_on=date(2027, 5, 20),
        actor=world.advisor,
    )
    new.refresh_from_db()
    assert new.status == S.RECEIVED and new.t0 == date(2027, 5, 20)
    assert new.deadlines.filter(kind="decision").exists()
    running.refresh_from_db()
    assert running.status == S.HELP_STARTED


def test_a_renewal_of_a_closed_case_is_refused_at_the_field(world, running):
    case_life.case_close(
        referral_id=running.pk, actor=world.office, closed_on=TODAY, reason="moved"
    )
    with pytest.raises(TransitionError) as exc:
        case_life.renewal_start(referral_id=running.pk, actor=world.office, renewed_on=TODAY)
    assert exc.value.field == "renewed_on"
    assert "avsluttet" in exc.value.message


def test_a_decision_to_continue_needs_the_vedtak_checks(world, running):
    """Forvaltningsloven §§ 24–25: a continuation is an enkeltvedtak with its reasons."""
    with pytest.raises(CaseError) as exc:
        case_life.decision_continue(
            referral_id=running.pk, actor=world.office, decided_on=TODAY, reason="",
            hours_per_week=Decimal(5), organisation="group", competence="special_educator",
        )  # fmt: skip
    assert exc.value.field == "reason"
    new = case_life.decision_continue(
        referral_id=running.pk, actor=world.office, decided_on=TODAY, reason="Behovet består.",
        hours_per_week=Decimal(5), organisation="group", competence="special_educator",
    )  # fmt: skip
    assert new.kind == Decision.Kind.CONTINUATION
    assert new.starts_on == date(2027, 11, 24)
    assert new.help_started_on == date(2026, 11, 27)


# --- endringsvedtak -------------------------------------------------------------------------------


def _change(case, world, **kw):
    current = case.decisions.get(superseded=False)
    values = dict(
        changes_id=current.pk,
        decided_on=date(2027, 5, 3),
        hours_per_week=Decimal("3.5"),
        organisation="group",
        competence="special_educator",
        starts_on=current.starts_on,
        ends_on=current.ends_on,
        reason="Barnet trenger mindre hjelp.",
        deviation_reason="Utviklingen går fort.",
    )
    values.update(kw)
    return case_life.decision_change(referral_id=case.pk, actor=world.office, **values)


def test_an_endringsvedtak_supersedes_the_vedtak_and_keeps_its_history(client, world, running):
    old = running.decisions.get()
    new = _change(running, world)
    old.refresh_from_db()
    assert old.superseded and new.changes_id == old.pk and new.kind == Decision.Kind.CHANGE
    assert new.help_started_on == old.help_started_on
    client.force_login(world.office)
    page = client.get(reverse("decisions:case_clock", args=[running.pk])).text
    assert "endret 03.05.2027" in page
    assert "5 → 3,5" in page
    assert "Barnet trenger mindre hjelp." in page


def test_an_endringsvedtak_without_a_reason_is_refused_at_the_field(world, running):
    with pytest.raises(CaseError) as exc:
        _change(running, world, reason=" ")
    assert exc.value.field == "reason"
    assert running.decisions.count() == 1


def test_an_endringsvedtak_that_departs_from_the_assessment_needs_its_reason(world, running):
    """Barnehageloven § 35 first paragraph, through decision_register's own checks."""
    with pytest.raises(CaseError) as exc:
        _change(running, world, deviation_reason="")
    assert exc.value.field == "deviation_reason"


def test_a_stale_endringsvedtak_is_refused(world, running):
    first = running.decisions.get()
    _change(running, world)
    with pytest.raises(CaseError, match="endret av noen andre"):
        _change(running, world, changes_id=first.pk, hours_per_week=Decimal(4))


# --- closing and reopening -----------------------------------------------------------------------


def test_closing_needs_a_reason_at_the_field(world, running):
    with pytest.raises(CaseError) as exc:
        case_life.case_close(referral_id=running.pk, actor=world.office, closed_on=TODAY, reason="")
    assert exc.value.field == "reason"
    running.refresh_from_db()
    assert running.status == S.HELP_STARTED


def test_a_closed_case_has_no_open_deadlines_and_leaves_the_open_lists(world, running):
    case_life.case_close(
        referral_id=running.pk,
        actor=world.office,
        closed_on=TODAY,
        reason="started_school",
        note="Begynner i 1. klasse.",
    )
    running.refresh_from_db()
    assert running.status == S.CLOSED and running.closed_reason == "started_school"
    assert not running.deadlines.filter(met_on__isnull=True).exists()
    assert running.next_deadline_on is None
    assert S.CLOSED not in states.OPEN


def test_a_case_with_a_pending_appeal_is_not_closed(world):
    """Forvaltningsloven §§ 32–33: the appeal is decided first."""
    appealed = case_at("appealed", world=world)
    with pytest.raises(TransitionError, match="klage"):
        case_life.case_close(
            referral_id=appealed.pk, actor=world.office, closed_on=TODAY, reason="moved"
        )


def test_reopening_is_a_new_case_linked_to_the_closed_one(client, world, running):
    case_life.case_close(
        referral_id=running.pk, actor=world.office, closed_on=TODAY, reason="moved"
    )
    new = case_life.case_reopen(
        referral_id=running.pk, actor=world.office, received_on=TODAY, concern="Flyttet tilbake."
    )
    running.refresh_from_db()
    assert running.status == S.CLOSED
    assert new.previous_id == running.pk and new.previous_link == "reopened"
    client.force_login(world.office)
    page = client.get(reverse("decisions:case_clock", args=[running.pk])).text
    assert new.reference in page
    with pytest.raises(CaseError):  # one open case per child
        case_life.case_reopen(
            referral_id=running.pk, actor=world.office, received_on=TODAY, concern="Igjen."
        )


def test_the_close_form_shows_a_missing_reason_at_the_field(client, world, running):
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:case_close", args=[running.pk]), {"closed_on": "2027-06-01"}
    )
    assert response.status_code == 422
    assert "Velg hvorfor saken avsluttes." in response.text


def test_the_case_page_offers_the_life_buttons_by_the_table(client, world, running):
    client.force_login(world.office)
    page = client.get(reverse("decisions:case_clock", args=[running.pk])).text
    for name in ("renewal_start", "decision_change", "case_close"):
        assert reverse(f"decisions:{name}", args=[running.pk]) in page
    assert reverse("decisions:case_reopen", args=[running.pk]) not in page
    assert reverse("decisions:annual_report", args=[running.pk]) not in page
    client.force_login(world.styrer_a)
    page = client.get(reverse("decisions:case_clock", args=[running.pk])).text
    assert reverse("decisions:annual_report", args=[running.pk]) in page
    assert reverse("decisions:case_close", args=[running.pk]) not in page


def test_the_case_clock_reads_the_same_number_of_queries_however_long_the_chain(
    client, world, running
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("decisions:case_clock", args=[running.pk])
    client.force_login(world.office)
    _report(running, world.styrer_a)
    _change(running, world)
    client.get(url)  # the session and the roles warmed up once
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    for hours in ("4", "4.5"):
        _report(running, world.styrer_a)
        _change(running, world, hours_per_week=Decimal(hours))
    with CaptureQueriesContext(connection) as long:
        page = client.get(url).text
    assert "4 → 4,5" in page
    assert len(long) == len(short), [q["sql"][:120] for q in long.captured_queries]
