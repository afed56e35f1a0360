"""The caseload (/saker/, /min-enhet/) and the office's worklist by kind (issue 19, item 6):
filters for barnehage/skole and for the case kind, a "Type" column with the kind's short label,
a value not offered ignored with a message (never a 500), and a fixed number of queries."""

import re
from datetime import date

import pytest
from django.urls import reverse

from decisions import flagging
from referrals.caseload_columns import KIND_SHORT_LABELS, kind_short_label
from referrals.models import Referral
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.decisions.conftest import received_case
from tests.factories import ChildFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
CASELOAD = reverse("referrals:caseload")
WORKLIST = reverse("decisions:worklist")
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


def case(unit, kind="bhl_31", **kwargs):
    kwargs.setdefault("status", S.RECEIVED)
    return ReferralFactory(
        child=ChildFactory(unit=unit), kind=kind, created_by=UserFactory(), **kwargs
    )


def refs(response) -> list[str]:
    return re.findall(r"PPT-\d{6}", "".join(re.findall(r"<tbody>.*?</tbody>", response.text, re.S)))


def test_the_short_label_is_the_legal_basis_with_the_law_abbreviated():
    assert kind_short_label("bhl_31") == "bhl. § 31"
    assert kind_short_label("oppl_11_6") == "oppl. § 11-6"
    assert kind_short_label("unknown") == "unknown"
    assert set(KIND_SHORT_LABELS) == {
        "bhl_31",
        "bhl_37",
        "bhl_38",
        "oppl_11_6",
        "oppl_11_4",
        "oppl_11_5",
    }


def test_the_caseload_filters_by_unit_kind_and_case_kind_and_shows_the_type(client, world):
    kindergarten = case(world.unit_a)
    tilrettelegging = case(world.unit_a, "bhl_37")
    pupil = case(world.school, "oppl_11_6")
    client.force_login(world.advisor)
    response = client.get(CASELOAD)
    assert set(refs(response)) == {
        kindergarten.reference,
        tilrettelegging.reference,
        pupil.reference,
    }
    # The "Type" column: the short label, the full one as its title.
    assert "<th" in response.text and ">Type<" in response.text
    assert (
        '<abbr title="Individuelt tilrettelagd opplæring (opplæringslova § 11-6)">oppl. § 11-6</abbr>'
        in response.text
    )
    assert refs(client.get(CASELOAD, {"enhetstype": "school"})) == [pupil.reference]
    assert set(refs(client.get(CASELOAD, {"enhetstype": "kindergarten"}))) == {
        kindergarten.reference,
        tilrettelegging.reference,
    }
    assert refs(client.get(CASELOAD, {"sakstype": "bhl_37"})) == [tilrettelegging.reference]
    assert refs(client.get(CASELOAD, {"sakstype": "oppl_11_6", "enhetstype": "kindergarten"})) == []


@pytest.mark.parametrize(
    "params", [{"sakstype": "oppl_99"}, {"enhetstype": "hjem"}, {"sakstype": "x" * 500}]
)
def test_a_kind_not_offered_is_ignored_with_a_message(client, world, params):
    first, second = case(world.unit_a), case(world.school, "oppl_11_4")
    client.force_login(world.advisor)
    response = client.get(CASELOAD, params)
    assert response.status_code == 200
    assert "Noen av filtrene i adressen er ugyldige" in response.text
    assert "fra listen." in response.text  # the message at the field, in Norwegian
    assert set(refs(response)) == {first.reference, second.reference}


def test_the_unit_caseload_shows_the_type(client, world):
    case(world.unit_a, "bhl_38", advisor=world.advisor)
    client.force_login(world.styrer_a)
    response = client.get(reverse("referrals:unit_caseload"))
    assert response.status_code == 200
    assert ">bhl. § 38</abbr>" in response.text


@pytest.mark.parametrize("rows", [1, 30])
def test_the_filtered_caseload_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, rows
):
    for i in range(rows):
        case(world.school, "oppl_11_6" if i % 2 == 0 else "oppl_11_5")
    client.force_login(world.advisor)
    # As test_caseload's: session, user, roles, unit choices, the page's keys with the count,
    # their rows. The unit kind is a join in the keys' query, not a query of its own.
    with django_assert_num_queries(6):
        response = client.get(CASELOAD, {"enhetstype": "school", "sakstype": "oppl_11_6"})
    assert len(refs(response)) == min((rows + 1) // 2, 25)


# --- the office's worklist ------------------------------------------------------------------


def test_the_worklist_filters_by_unit_kind_and_case_kind_and_shows_the_type(client, world):
    ready = case_at("assessed", world=world)  # bhl_31: "Klar for vedtak"
    other = case_at("assessed", world=world, unit=world.unit_b)
    Referral.objects.filter(pk=other.pk).update(kind="bhl_37")
    client.force_login(world.office)
    html = client.get(WORKLIST).text
    assert ready.reference in html and other.reference in html
    assert 'title="Spesialpedagogisk hjelp (barnehageloven § 31)">bhl. § 31</abbr>' in html
    html = client.get(WORKLIST, {"sakstype": "bhl_37"}).text
    assert other.reference in html and ready.reference not in html
    html = client.get(WORKLIST, {"enhetstype": "school"}).text
    assert other.reference not in html and ready.reference not in html
    # Not offered: the message at the field, the filter left out, never a 500.
    response = client.get(WORKLIST, {"sakstype": "oppl_99", "enhetstype": "x"})
    assert response.status_code == 200
    assert "Velg en sakstype fra listen." in response.text
    assert "Velg barnehage eller skole fra listen." in response.text
    assert ready.reference in response.text and other.reference in response.text


def test_the_filtered_worklist_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    client.force_login(world.office)

    def load(n, **params):
        for _ in range(n):
            received_case(world, received_on=date(2026, 9, 1))
            case_at("assessed", world=world, unit=world.unit_b)
        flagging.detect(TODAY)
        # As test_worklist_per_case's ten: the filters by kind are in the keys' query.
        with django_assert_num_queries(10):
            assert client.get(WORKLIST, params).status_code == 200

    load(1, sakstype="bhl_31", enhetstype="kindergarten")
    load(15, sakstype="bhl_31", enhetstype="kindergarten")
