"""The office's pages: the worklist, acknowledging a flag, the decision form, the inbox."""

from datetime import date

import pytest
from django.urls import reverse

from decisions import flagging
from decisions.models import DeadlineFlag, Notification
from tests.builders import case_at, decision_consent
from tests.conftest import frozen_today
from tests.decisions.conftest import received_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today_is_fixed():
    """Pages here are built from today's date and compared with dates written in the tests."""
    with frozen_today(TODAY):
        yield


def test_the_worklist_shows_flagged_cases_overdue_first(client, world):
    late = received_case(world, received_on=date(2026, 9, 1))  # provisional reply overdue
    soon = received_case(world)
    flagging.detect(TODAY)
    client.force_login(world.office)
    response = client.get(reverse("decisions:worklist"))
    assert response.status_code == 200
    text = response.text
    assert text.index(late.reference) < text.index(soon.reference)
    assert "dager over fristen" in text and "dager igjen" in text


def test_the_worklist_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    def load(n):
        for _ in range(n):
            received_case(world)
        flagging.detect(TODAY)
        client.force_login(world.office)
        # session, user, roles, the inbox count, the filters' units (with their areas) and
        # advisors, the page's case keys with the count, the page of cases (with child, unit,
        # area, advisor), their open deadlines, their flags
        with django_assert_num_queries(10):
            assert client.get(reverse("decisions:worklist")).status_code == 200

    load(1)
    load(29)


def test_acknowledging_a_flag_keeps_the_comment_on_the_worklist(client, world):
    received_case(world)
    flagging.detect(TODAY)
    flag = DeadlineFlag.objects.get()
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:flag_acknowledge", args=[flag.pk]),
        {"comment": "Ringer PPT i dag"},
        follow=True,
    )
    assert "Ringer PPT i dag" in response.text
    flag.refresh_from_db()
    assert flag.acknowledged_by == world.office


def test_the_worklist_rows_escape_and_carry_a_working_form(client, world):
    """The rows are written in Python (decisions/templatetags/worklist.py): a comment with markup
    is text, and each unacknowledged flag's form carries the page's CSRF token and posts."""
    received_case(world, received_on=date(2026, 9, 1))
    received_case(world)
    flagging.detect(TODAY)
    first, second = DeadlineFlag.objects.order_by("pk")[:2]
    client.force_login(world.office)
    client.post(
        reverse("decisions:flag_acknowledge", args=[first.pk]), {"comment": "<b>Ring</b> & skriv"}
    )
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(world.office)
    html = csrf_client.get(reverse("decisions:worklist")).text
    assert "&lt;b&gt;Ring&lt;/b&gt; &amp; skriv" in html and "<b>Ring</b>" not in html
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = csrf_client.post(
        reverse("decisions:flag_acknowledge", args=[second.pk]),
        {"comment": "Tar det", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.comment == "Tar det"


def test_the_decision_form_demands_a_reason_for_a_deviation_next_to_the_field(client, world):
    case = case_at("assessed", world=world)
    decision_consent(case.pk, world.advisor, given_on=date(2026, 11, 24))
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    data = {
        "decided_on": "2026-11-24",
        "outcome": "granted",
        "hours_per_week": "2",
        "organisation": "group",
        "competence": "special_educator",
        "reason": "Barnet trenger hjelp i språk.",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Begrunn avviket" in response.text
    assert (
        'id="error_1_id_deviation_reason"' in response.text or "deviation_reason" in response.text
    )
    data["deviation_reason"] = "Kommunen vurderer to timer som tilstrekkelig nå."
    response = client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "decided"


def test_a_provisional_reply_clears_the_flag_from_the_worklist(client, world):
    case = received_case(world)
    flagging.detect(TODAY)
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:provisional_reply_new", args=[case.pk]),
        {
            "sent_on": "2026-11-25",
            "reason": "Vi venter på observasjon.",
            "expected_decision_on": "2027-01-20",
        },
    )
    assert response.status_code == 302
    assert case.reference not in client.get(reverse("decisions:worklist")).text


def test_the_inbox_shows_the_unread_count_and_opening_marks_it_read(client, world):
    received_case(world)
    flagging.detect(TODAY)
    note = Notification.objects.get()
    client.force_login(world.office)
    assert 'data-unread="1"' in client.get(reverse("home")).text
    response = client.get(reverse("decisions:notification_detail", args=[note.pk]))
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-unread="0"' in client.get(reverse("home")).text


def test_the_case_clock_tab_shows_deadlines_decisions_and_the_appeal_period(client, world):
    from decimal import Decimal

    from decisions.services import decision_register

    case = case_at("assessed", world=world)
    decision_consent(case.pk, world.advisor, given_on=date(2026, 11, 24))
    decision_register(
        referral_id=case.pk,
        actor=world.office,
        decided_on=date(2026, 11, 24),
        outcome="granted",
        hours_per_week=Decimal("5.0"),
        organisation="group",
        competence="special_educator",
        reason="Følger tilrådingen.",
    )
    client.force_login(world.office)
    text = client.get(reverse("decisions:case_clock", args=[case.pk])).text
    assert "Sakkyndig vurdering" in text and "Oppfylt 24.11.2026" in text
    assert "15.12.2026" in text  # three weeks to appeal
    assert "Registrer at hjelpen har startet" in text
    client.force_login(world.styrer_a)
    text = client.get(reverse("decisions:case_clock", args=[case.pk])).text
    assert "Registrer at hjelpen har startet" not in text


def test_the_decision_form_starts_from_the_assessments_recommendation(client, world):
    case = case_at("assessed", world=world)
    client.force_login(world.office)
    form = client.get(reverse("decisions:decision_new", args=[case.pk])).context["form"]
    assert form.initial["outcome"] == "granted"
    assert str(form.initial["hours_per_week"]) == "5.0"
    assert form.initial["organisation"] == "group"
