"""The caseload pages: /saker/ (everyone with a case role) and /min-enhet/ (styrere)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests.factories import ChildFactory, ReferralFactory, RoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
CASELOAD = reverse("referrals:caseload")
UNIT_CASELOAD = reverse("referrals:unit_caseload")


def case(unit, *, first_name="Barn", last_name="Testesen", created_by=None, **kwargs):
    child = ChildFactory(unit=unit, first_name=first_name, last_name=last_name)
    kwargs.setdefault("status", S.RECEIVED)
    return ReferralFactory(child=child, created_by=created_by or UserFactory(), **kwargs)


def refs(response) -> list[str]:
    """The case references in the table, in the order shown."""
    return re.findall(r"PPT-\d{6}", response.text)


def table_refs(response) -> list[str]:
    """The case references in the table's rows (the search box may hold one too)."""
    return re.findall(r"PPT-\d{6}", "".join(re.findall(r"<tbody>.*?</tbody>", response.text, re.S)))


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# --- who sees what ------------------------------------------------------------------------


def test_advisor_sees_own_cases_first_then_the_rest_of_the_area(client, world):
    other = case(world.unit_a, received_on=days_ago(50))
    mine = case(world.unit_b, advisor=world.advisor, received_on=days_ago(5))
    client.force_login(world.advisor)
    response = client.get(CASELOAD)
    assert response.status_code == 200
    assert refs(response) == [mine.reference, other.reference]


def test_advisor_can_switch_to_only_own_cases(client, world):
    case(world.unit_a)
    mine = case(world.unit_b, advisor=world.advisor)
    client.force_login(world.advisor)
    assert refs(client.get(CASELOAD, {"vis": "mine"})) == [mine.reference]


def test_advisor_limited_to_an_area_does_not_see_other_areas_cases(client, world):
    north = case(world.unit_a)
    south = case(world.unit_b)
    client.force_login(world.advisor_south)
    shown = refs(client.get(CASELOAD))
    assert shown == [south.reference]
    assert north.reference not in shown


def test_case_assigned_outside_the_advisors_area_is_visible(client, world):
    assigned = case(world.unit_a, advisor=world.advisor_south)
    client.force_login(world.advisor_south)
    assert refs(client.get(CASELOAD)) == [assigned.reference]


def test_office_sees_its_municipalitys_kindergarten_cases(client, world):
    in_kindergarten = case(world.unit_a)
    case(world.school)
    client.force_login(world.office)
    assert refs(client.get(CASELOAD)) == [in_kindergarten.reference]


def test_styrer_on_the_caseload_sees_only_their_own_units_cases(client, world):
    own = case(world.unit_a)
    case(world.unit_b)
    client.force_login(world.styrer_a)
    response = client.get(CASELOAD)
    assert refs(response) == [own.reference]
    assert "Mine saker" not in response.text  # only advisors are assigned cases


def test_outsider_sees_nothing_of_this_municipality(client, world):
    case(world.unit_a, advisor=world.advisor)
    theirs = case(world.other_unit)
    client.force_login(world.outsider)
    response = client.get(CASELOAD)
    assert refs(response) == [theirs.reference]
    assert "Barnehage A" not in response.text


@pytest.mark.parametrize("persona", ["director", "admin", "special_educator", "no_roles"])
def test_users_without_a_case_role_get_403_on_the_caseload(client, world, persona):
    case(world.unit_a)
    client.force_login(getattr(world, persona))
    assert client.get(CASELOAD).status_code == 403
    assert client.post(CASELOAD, {"q": "Barn"}).status_code == 403


def test_caseload_requires_login(client, world):
    response = client.get(CASELOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_row_links_to_the_case_and_masks_the_identity_number(client, world):
    referral = case(world.unit_a, received_on=days_ago(12), t0=days_ago(10))
    client.force_login(world.advisor)
    response = client.get(CASELOAD)
    assert reverse("referrals:case_detail", args=[referral.pk]) in response.text
    assert referral.child.masked_id_number in response.text
    assert referral.child.id_number not in response.text
    assert days_ago(10).strftime("%d.%m.%Y") in response.text  # T0 when it is set
    assert ">10</td>" in response.text  # days since received
    assert "Mottatt</span>" in response.text  # the status badge carries its label
    assert "Neste frist" in response.text


def test_empty_caseload_says_what_to_do(client, world):
    client.force_login(world.advisor)
    response = client.get(CASELOAD)
    assert "Registrer barn" in response.text
    assert "ingen åpne saker" in response.text


# --- filters, search, sort, pages ----------------------------------------------------------


def test_closed_cases_are_hidden_by_default_and_shown_on_request(client, world):
    open_case = case(world.unit_a, status=S.ASSESSING)
    closed = case(world.unit_a, status=S.CLOSED)
    client.force_login(world.advisor)
    assert refs(client.get(CASELOAD)) == [open_case.reference]
    assert refs(client.get(CASELOAD, {"tilstand": "avsluttede"})) == [closed.reference]
    assert set(refs(client.get(CASELOAD, {"tilstand": "alle"}))) == {
        open_case.reference,
        closed.reference,
    }


def test_a_running_vedtak_stays_in_the_default_caseload_and_out_of_the_closed_filter(client, world):
    running = case(world.unit_a, status=S.HELP_STARTED, advisor=world.advisor)
    assessing = case(world.unit_a, status=S.ASSESSING)
    closed = case(world.unit_a, status=S.CLOSED)
    withdrawn = case(world.unit_a, status=S.WITHDRAWN)
    client.force_login(world.advisor)
    assert set(refs(client.get(CASELOAD))) == {running.reference, assessing.reference}
    assert set(refs(client.get(CASELOAD, {"vis": "mine"}))) == {running.reference}
    assert set(refs(client.get(CASELOAD, {"tilstand": "avsluttede"}))) == {
        closed.reference,
        withdrawn.reference,
    }
    client.force_login(world.office)
    assert running.reference in refs(client.get(CASELOAD))


def test_an_advisors_running_vedtak_outside_their_area_stays_in_their_caseload(client, world):
    running = case(world.unit_a, status=S.HELP_STARTED, advisor=world.advisor_south)
    client.force_login(world.advisor_south)
    assert refs(client.get(CASELOAD)) == [running.reference]


def test_filter_by_several_statuses(client, world):
    received = case(world.unit_a, status=S.RECEIVED)
    closed = case(world.unit_a, status=S.CLOSED)
    case(world.unit_a, status=S.ASSESSING)
    client.force_login(world.advisor)
    response = client.get(CASELOAD, {"status": [S.RECEIVED, S.CLOSED]})
    assert set(refs(response)) == {received.reference, closed.reference}


def test_filter_by_unit_offers_only_visible_units(client, world):
    in_a = case(world.unit_a)
    case(world.unit_b)
    client.force_login(world.advisor_south)
    response = client.get(CASELOAD)
    assert "Barnehage B" in response.text
    assert "Barnehage A" not in response.text  # not a choice for an advisor of the south
    client.force_login(world.advisor)
    assert refs(client.get(CASELOAD, {"enhet": world.unit_a.pk})) == [in_a.reference]


def test_cached_filter_form_follows_the_user_the_filters_the_units_and_the_language(client, world):
    """The filter form is cached in the process ({% cache %}): the same filters for another
    advisor, other values, a renamed unit and English each get their own form."""
    client.force_login(world.advisor)  # the whole office
    assert "Barnehage A" in client.get(CASELOAD).text
    client.force_login(world.advisor_south)
    south = client.get(CASELOAD).text
    assert "Barnehage B" in south and "Barnehage A" not in south
    client.force_login(world.advisor)
    chosen = client.get(CASELOAD, {"enhet": world.unit_a.pk}).text
    assert f'<option value="{world.unit_a.pk}" selected>' in chosen
    assert f'<option value="{world.unit_a.pk}" selected>' not in client.get(CASELOAD).text
    world.unit_a.name = "Barnehage A (ny)"
    world.unit_a.save()
    assert "Barnehage A (ny)" in client.get(CASELOAD).text
    client.cookies["django_language"] = "en"
    english = client.get(CASELOAD).text
    assert "All units" in english and "Alle enheter" not in english


def test_unit_of_another_area_is_not_a_valid_filter(client, world):
    case(world.unit_b)
    client.force_login(world.advisor_south)
    response = client.get(CASELOAD, {"enhet": world.unit_a.pk})
    assert response.status_code == 200
    assert "Noen av filtrene i adressen er ugyldige" in response.text


def test_filter_by_priority(client, world):
    urgent = case(world.unit_a, priority=Referral.Priority.URGENT)
    case(world.unit_a)
    client.force_login(world.advisor)
    assert refs(client.get(CASELOAD, {"prioritet": "urgent"})) == [urgent.reference]


def test_filter_by_age_counts_from_t0_or_received_or_created(client, world):
    old_t0 = case(world.unit_a, received_on=days_ago(100), t0=days_ago(70))
    case(world.unit_a, received_on=days_ago(20))
    old_draft = case(world.unit_a, status=S.DRAFT)
    Referral.objects.filter(pk=old_draft.pk).update(created_at=timezone.now() - dt.timedelta(100))
    client.force_login(world.advisor)
    assert set(refs(client.get(CASELOAD, {"alder": "60"}))) == {
        old_t0.reference,
        old_draft.reference,
    }
    assert refs(client.get(CASELOAD, {"alder": "90"})) == [old_draft.reference]


def test_search_by_name(client, world):
    wanted = case(world.unit_a, first_name="Oda", last_name="Fjellheim")
    case(world.unit_a, first_name="Per", last_name="Fjell")
    client.force_login(world.advisor)
    assert refs(client.post(CASELOAD, {"q": "oda fjell"})) == [wanted.reference]


def test_search_by_identity_number_is_posted_and_never_in_a_url(client, world):
    wanted = case(world.unit_a)
    case(world.unit_a)
    number = wanted.child.id_number
    spaced = f"{number[:6]} {number[6:]}"
    client.force_login(world.advisor)
    response = client.post(CASELOAD, {"q": spaced}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert refs(response) == [wanted.reference]
    assert number not in response.wsgi_request.get_full_path()
    # No history entry for a search; the address bar gets the filters only.
    assert "HX-Push-Url" not in response
    assert "Location" not in response
    assert response["HX-Replace-Url"].startswith(CASELOAD)
    assert number[:6] not in response["HX-Replace-Url"]
    assert "q=" not in response["HX-Replace-Url"]
    # Every link in the result keeps the number out of its query string.
    assert all(number not in href for href in re.findall(r'href="([^"]*)"', response.text))


def test_search_page_never_puts_the_search_in_a_get_form_or_link(client, world):
    wanted = case(world.unit_a)
    for i in range(30):
        case(world.unit_a, first_name=f"Søsken{i}", last_name=wanted.child.last_name)
    number = wanted.child.id_number
    client.force_login(world.advisor)
    response = client.post(CASELOAD, {"q": "Testesen"})  # no htmx: the whole page
    assert 'method="post"' in response.text
    assert "Testesen" not in "".join(re.findall(r'href="([^"]*)"', response.text))
    # The pages of a search are POSTed too.
    assert 'form="caseload-search" name="side" value="2"' in response.text
    assert number not in response.text


def test_eleven_digits_match_only_the_exact_identity_number(client, world):
    wanted = case(world.unit_a)
    case(world.unit_a)
    almost = wanted.child.id_number[:10] + str((int(wanted.child.id_number[10]) + 1) % 10)
    client.force_login(world.advisor)
    assert refs(client.post(CASELOAD, {"q": almost})) == []


@pytest.mark.parametrize("status", [S.HELP_STARTED, S.CLOSED, S.WITHDRAWN, S.RECEIVED])
def test_identity_number_finds_the_childs_case_whatever_the_filters(client, world, status):
    wanted = case(world.unit_a, status=status)
    case(world.unit_a, status=S.ASSESSING)
    number = wanted.child.id_number
    client.force_login(world.advisor)
    for filters in ({}, {"tilstand": "apne"}, {"status": [S.ASSESSING]}, {"vis": "mine"}):
        response = client.post(CASELOAD, {"q": number, **filters})
        assert refs(response) == [wanted.reference], filters
    assert "ser bort fra filtrene" in response.text


def test_case_reference_finds_the_case_whatever_the_filters(client, world):
    wanted = case(world.unit_a, status=S.CLOSED)
    case(world.unit_a, status=S.ASSESSING)
    client.force_login(world.advisor)
    for text in (wanted.reference, wanted.reference.lower(), f"PPT{wanted.pk}"):
        response = client.post(CASELOAD, {"q": text, "tilstand": "apne"})
        assert table_refs(response) == [wanted.reference]


def test_case_reference_outside_what_the_user_may_see_finds_nothing(client, world):
    hidden = case(world.unit_a, status=S.CLOSED)
    client.force_login(world.advisor_south)
    response = client.post(CASELOAD, {"q": hidden.reference, "tilstand": "alle"})
    assert table_refs(response) == []
    assert "Ingen sak du har tilgang til" in response.text


def test_search_keeps_the_filters_sent_with_it(client, world):
    received = case(world.unit_a, status=S.RECEIVED, last_name="Nordbø")
    case(world.unit_a, status=S.ASSESSING, last_name="Nordbø")
    client.force_login(world.advisor)
    response = client.post(CASELOAD, {"q": "Nordbø", "status": [S.RECEIVED]})
    assert refs(response) == [received.reference]


def test_search_outside_what_the_user_may_see_finds_nothing(client, world):
    hidden = case(world.unit_a)
    client.force_login(world.advisor_south)
    assert refs(client.post(CASELOAD, {"q": hidden.child.id_number})) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("received", ["b", "a", "c"]),
        ("-received", ["c", "a", "b"]),
        ("name", ["a", "b", "c"]),
        ("status", ["c", "a", "b"]),
        ("priority", ["a", "b", "c"]),
    ],
)
def test_sort_orders(client, world, sort, expected):
    made = {
        "a": case(
            world.unit_a,
            last_name="Aas",
            received_on=days_ago(20),
            status=S.ASSESSING,
            priority=Referral.Priority.URGENT,
        ),
        "b": case(
            world.unit_a,
            last_name="Berg",
            received_on=days_ago(30),
            status=S.DECIDED,
            priority=Referral.Priority.HIGH,
        ),
        "c": case(world.unit_a, last_name="Dahl", received_on=days_ago(10), status=S.RECEIVED),
    }
    client.force_login(world.advisor)
    response = client.get(CASELOAD, {"sorter": sort})
    assert refs(response) == [made[key].reference for key in expected]


def test_unknown_sort_is_rejected_not_passed_to_the_database(client, world):
    newer = case(world.unit_a, received_on=days_ago(1))
    older = case(world.unit_a, received_on=days_ago(9))
    client.force_login(world.advisor)
    response = client.get(CASELOAD, {"sorter": "child__id_number"})
    assert response.status_code == 200
    assert "Noen av filtrene i adressen er ugyldige" in response.text
    assert refs(response) == [older.reference, newer.reference]  # the default order


def test_pagination_shows_25_per_page(client, world):
    made = [case(world.unit_a, received_on=days_ago(40 - i)) for i in range(30)]
    client.force_login(world.advisor)
    first = client.get(CASELOAD)
    second = client.get(CASELOAD, {"side": 2})
    assert refs(first) == [r.reference for r in made[:25]]
    assert refs(second) == [r.reference for r in made[25:]]
    assert "side=2" in first.text


def test_htmx_request_returns_only_the_table(client, world):
    referral = case(world.unit_a)
    client.force_login(world.advisor)
    response = client.get(CASELOAD, {"status": [S.RECEIVED]}, headers={"HX-Request": "true"})
    assert referral.reference in response.text
    assert "<html" not in response.text
    assert 'id="caseload-filters"' not in response.text
    assert 'hx-swap-oob="true"' in response.text  # the count above the table
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, world):
    client.force_login(world.advisor)
    response = client.get(
        CASELOAD, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text


# --- the styrer's list --------------------------------------------------------------------


def test_styrer_sees_the_children_of_their_own_unit_with_the_latest_case(client, world):
    older = case(world.unit_a, status=S.CLOSED, first_name="Ida")
    newer = ReferralFactory(child=older.child, status=S.ASSESSING, advisor=world.advisor)
    case(world.unit_b, first_name="Bjarne")
    client.force_login(world.styrer_a)
    response = client.get(UNIT_CASELOAD)
    assert response.status_code == 200
    assert refs(response) == [newer.reference]
    assert "Utredning pågår" in response.text
    assert world.advisor.full_name in response.text
    assert "Bjarne" not in response.text


def test_styrer_of_unit_b_sees_nothing_of_unit_a(client, world):
    moved = ChildFactory(unit=world.unit_b, first_name="Flyttet")
    in_a = ReferralFactory(child=moved, unit=world.unit_a, status=S.RECEIVED)
    client.force_login(world.styrer_b)
    response = client.get(UNIT_CASELOAD)
    assert in_a.reference not in response.text
    assert "Flyttet" not in response.text
    assert "Ingen barn" in response.text


def test_styrer_heading_several_units_can_filter_by_unit(client, world):
    head = UserFactory(email="to-enheter@test.no")
    RoleFactory(user=head, kind="unit_head", units=[world.unit_a, world.unit_b])
    in_a, in_b = case(world.unit_a), case(world.unit_b)
    case(UnitFactory(area=world.north))
    client.force_login(head)
    assert set(refs(client.get(UNIT_CASELOAD))) == {in_a.reference, in_b.reference}
    assert refs(client.get(UNIT_CASELOAD, {"enhet": world.unit_b.pk})) == [in_b.reference]


@pytest.mark.parametrize("persona", ["advisor", "office", "director", "outsider", "no_roles"])
def test_only_styrere_may_open_the_unit_list(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(UNIT_CASELOAD).status_code == 403


def test_unit_list_is_paginated(client, world):
    for i in range(30):
        case(world.unit_a, last_name=f"Etternavn{i:02d}")
    client.force_login(world.styrer_a)
    assert len(refs(client.get(UNIT_CASELOAD))) == 25
    assert len(refs(client.get(UNIT_CASELOAD, {"side": 2}))) == 5


# --- navigation ---------------------------------------------------------------------------


def test_navigation_shows_each_role_its_pages(client, world):
    client.force_login(world.advisor)
    text = client.get(reverse("home")).text
    assert CASELOAD in text and reverse("referrals:child_new") in text
    assert UNIT_CASELOAD not in text
    client.force_login(world.styrer_a)
    text = client.get(reverse("home")).text
    assert UNIT_CASELOAD in text and f'href="{CASELOAD}"' not in text
    client.force_login(world.director)
    text = client.get(reverse("home")).text
    assert f'href="{CASELOAD}"' not in text and UNIT_CASELOAD not in text


# --- query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_caseload_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries, rows
):
    for i in range(rows):
        case(world.unit_a, advisor=world.advisor if i % 2 else None, priority="high")
    client.force_login(world.advisor)
    # 1 session, 2 user, 3 roles (with the ids of their areas, units and office's
    # municipalities), 4 unit choices, 5 the page's keys with the count, 6 their rows (child,
    # unit, advisor joined)
    with django_assert_num_queries(6):
        response = client.get(CASELOAD, {"prioritet": "high"})
    assert len(refs(response)) == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 30])
def test_caseload_search_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries, rows
):
    for _ in range(rows):
        case(world.unit_a, last_name="Sørby")
    client.force_login(world.advisor)
    # the same six as the list: session, user, roles, unit choices, keys and count, rows
    with django_assert_num_queries(6):
        response = client.post(CASELOAD, {"q": "sørby"}, headers={"HX-Request": "true"})
    assert len(refs(response)) == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 30])
def test_unit_caseload_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries, rows
):
    for _ in range(rows):
        case(world.unit_a, advisor=world.advisor)
    client.force_login(world.styrer_a)
    # 1 session, 2 user, 3 roles, 4 headed units, 5 the page's keys with the count, 6 their
    # rows (child, unit, advisor joined)
    with django_assert_num_queries(6):
        response = client.get(UNIT_CASELOAD)
    assert len(refs(response)) == min(rows, 25)


@pytest.mark.parametrize(
    ("asked", "number", "rows"),
    [("1", 1, 25), ("2", 2, 5), ("99", 2, 5), ("abc", 1, 25), ("", 1, 25), ("-3", 1, 25)],
)
def test_keys_first_pages_like_django_paginator(world, asked, number, rows):
    """The count comes with the page's keys; a bad number is the first page, one past the end
    the last, as Paginator.get_page does."""
    from referrals.models import Referral
    from referrals.selectors import KeysFirstPaginator

    for _ in range(30):
        case(world.unit_a)
    page = KeysFirstPaginator(Referral.objects.order_by("pk"), 25).get_page(asked)
    assert (page.number, len(page.object_list), page.paginator.count) == (number, rows, 30)
    assert page.paginator.num_pages == 2
    assert [r.pk for r in page.object_list] == sorted(r.pk for r in page.object_list)


def test_keys_first_paginates_an_empty_list(world):
    from referrals.models import Referral
    from referrals.selectors import KeysFirstPaginator

    page = KeysFirstPaginator(Referral.objects.none(), 25).get_page("3")
    assert (page.number, list(page.object_list), page.paginator.count) == (1, [], 0)


def test_names_in_the_rows_are_escaped(client, world):
    """The rows are written in Python (referrals/templatetags/caseload.py): every value is
    escaped there, a name with markup shows as text."""
    world.advisor.full_name = 'Kari "<i>" Rådgiver'
    world.advisor.save()
    case(world.unit_a, first_name="<script>alert(1)</script>", last_name="O'Brien & Co")
    case(world.unit_a, first_name="Ola", advisor=world.advisor)
    world.unit_a.name = "Barnehage <b>"
    world.unit_a.save()
    client.force_login(world.advisor)
    html = client.get(CASELOAD).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "O&#x27;Brien &amp; Co" in html
    assert "Barnehage &lt;b&gt;" in html
    assert 'title="Kari &quot;&lt;i&gt;&quot; Rådgiver"' in html
