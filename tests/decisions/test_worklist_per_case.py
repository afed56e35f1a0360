"""The office's worklist (decisions/views.worklist): one row per case, its most urgent deadline
first and the others beside it; a case whose assessment is finished is there at once ("Klar
for vedtak"), before the morning job flags anything; filters by unit, area, advisor and
deadline kind, checked strictly (a bad value is the filter's message, never a 500); a fixed
number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from decisions import flagging
from referrals.models import Referral
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.decisions.conftest import received_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
ROW = 'class="list-group-item worklist-case"'


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


def _get(client, world, **params):
    client.force_login(world.office)
    response = client.get(reverse("decisions:worklist"), params)
    assert response.status_code == 200
    return response.text


def test_a_case_with_three_flagged_deadlines_is_one_row(client, world):
    case = received_case(world, received_on=date(2026, 9, 1))
    flagging.detect(TODAY)
    assert case.deadlines.filter(flags__isnull=False).distinct().count() == 3
    html = _get(client, world)
    assert html.count(ROW) == 1
    assert html.count(f">{case.reference}</a>") == 1
    # the most urgent (the provisional reply, overdue the longest) first, the others beside it
    html = html[html.index(ROW) :]
    first = html.index("Foreløpig svar</span>")
    assert first < html.index("Sakkyndig vurdering") and first < html.index(">Vedtak<")


def test_an_assessed_case_is_ready_for_the_vedtak_before_any_flag(client, world):
    case = case_at("assessed", world=world)
    html = _get(client, world)  # no morning job has run
    assert f">{case.reference}</a>" in html
    assert "Klar for vedtak" in html
    assert reverse("decisions:decision_new", args=[case.pk]) in html


def test_the_most_urgent_case_comes_first(client, world):
    soon = received_case(world)  # provisional reply due 30.11
    late = received_case(world, received_on=date(2026, 9, 1))  # overdue
    flagging.detect(TODAY)
    html = _get(client, world)
    assert html.index(late.reference) < html.index(soon.reference)


def test_a_case_no_one_needs_to_act_on_is_not_listed(client, world):
    quiet = received_case(world, received_on=date(2026, 11, 20))  # nothing due yet
    flagging.detect(TODAY)
    assert quiet.reference not in _get(client, world)


@pytest.fixture
def two_cases(world):
    north = case_at("assessed", world=world, unit=world.unit_a)
    south = case_at("assessed", world=world, unit=world.unit_b)
    Referral.objects.filter(pk=south.pk).update(advisor=world.advisor_south)
    return north, south


@pytest.mark.parametrize(
    "params, shown",
    [
        ({}, {"north", "south"}),
        ({"enhet": "unit_a"}, {"north"}),
        ({"enhet": "unit_b"}, {"south"}),
        ({"omrade": "north"}, {"north"}),
        ({"omrade": "south"}, {"south"}),
        ({"radgiver": "advisor"}, {"north"}),
        ({"radgiver": "advisor_south"}, {"south"}),
        ({"radgiver": "ingen"}, set()),
        ({"frist": "klar"}, {"north", "south"}),
        ({"frist": "help_start"}, set()),
    ],
)
def test_the_filters(client, world, two_cases, params, shown):
    north, south = two_cases
    values = {
        key: str(getattr(world, value).pk) if hasattr(world, value) else value
        for key, value in params.items()
    }
    html = _get(client, world, **values)
    listed = {name for name, case in (("north", north), ("south", south)) if case.reference in html}
    assert listed == shown


def test_the_kind_filter_reads_flagged_deadlines(client, world):
    late = received_case(world, received_on=date(2026, 9, 1))  # assessment overdue
    recent = received_case(world)  # only its provisional reply is flagged
    flagging.detect(TODAY)
    html = _get(client, world, frist="assessment")
    assert late.reference in html and recent.reference not in html
    html = _get(client, world, frist="provisional_reply")
    assert late.reference in html and recent.reference in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"enhet": "abc"}, "Velg en enhet fra listen."),
        ({"enhet": "99999999999999999999999"}, "Velg en enhet fra listen."),
        ({"enhet": "other_unit"}, "Velg en enhet fra listen."),  # another municipality's
        ({"omrade": "-1"}, "Velg et område fra listen."),
        ({"radgiver": "outsider"}, "Velg en rådgiver fra listen."),  # another office
        ({"radgiver": "1; DROP"}, "Velg en rådgiver fra listen."),
        ({"frist": "<script>"}, "Velg en frist fra listen."),
        ({"frist": "\x00"}, None),
        ({"side": "-5"}, None),
        ({"side": "abc"}, None),
    ],
)
def test_a_bad_filter_value_is_its_message_not_an_error(client, world, two_cases, params, message):
    values = {
        key: str(getattr(world, value).pk) if hasattr(world, value) else value
        for key, value in params.items()
    }
    html = _get(client, world, **values)
    if message:
        assert message in html
    assert "<script>" not in html.split("</head>", 1)[1].replace("<script nonce", "")
    # the bad filter is left out: the list is still there
    assert two_cases[0].reference in html


def test_the_htmx_request_gets_the_rows_only(client, world, two_cases):
    client.force_login(world.office)
    response = client.get(
        reverse("decisions:worklist"), {"enhet": world.unit_a.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.text and two_cases[0].reference in response.text


def test_only_the_office_s_cases(client, world):
    other = received_case(world, unit=world.other_unit, received_on=date(2026, 9, 1))
    school = case_at("assessed", world=world, unit=world.school)  # the office decides kindergartens
    flagging.detect(TODAY)
    html = _get(client, world)
    assert other.reference not in html and school.reference not in html


def test_a_fixed_number_of_queries_whatever_the_cases_and_filters(
    client, world, django_assert_num_queries
):
    client.force_login(world.office)

    def load(n, **params):
        for _ in range(n):
            received_case(world, received_on=date(2026, 9, 1))
            case_at("assessed", world=world, unit=world.unit_b)
        flagging.detect(TODAY)
        # session, user, roles, the inbox count, the filters' units (with their areas) and
        # advisors, the page's case keys with the count, the cases, their deadlines, their flags
        with django_assert_num_queries(10):
            assert client.get(reverse("decisions:worklist"), params).status_code == 200

    load(1)
    load(15, omrade=str(world.south.pk), frist="klar")
    load(1, radgiver=str(world.advisor.pk))


def test_the_office_s_inbox_points_to_the_cases_ready_for_the_vedtak(client, world):
    case_at("assessed", world=world)
    client.force_login(world.office)
    html = client.get(reverse("decisions:inbox")).text
    assert "1 sak har ferdig sakkyndig vurdering og er klar for vedtak." in html
    assert reverse("decisions:worklist") + "?frist=klar" in html
    client.force_login(world.advisor)
    assert "klar for vedtak" not in client.get(reverse("decisions:inbox")).text
