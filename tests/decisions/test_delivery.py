"""Help delivered against help decided (issue 18, deliverable 3): the week's bad input, the
owed-hours rule, etterlevering, the morning delivery check, scoping and query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import DomainError
from decisions import delivery, flagging
from decisions.models import (
    Deadline,
    DeadlineFlag,
    Decision,
    DeliveryCheck,
    DeliveryPolicy,
    DeliveryWeek,
    Makeup,
)
from referrals.models import DeadlineKind
from referrals.services.base import StaleEdit
from tests.builders import case_at
from tests.conftest import frozen_today

pytestmark = pytest.mark.django_db

# case_at("help_started"): decided 24.11.2026, help started Fri 27.11.2026, 5 h a week, a year.
TODAY = date(2027, 1, 20)  # a Wednesday; the last four complete weeks: 21.12.2026–17.01.2027
WINDOW = [date(2026, 12, 21) + timedelta(days=7 * i) for i in range(4)]


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


def running(world, unit=None):
    return case_at("help_started", world=world, unit=unit).decisions.get(superseded=False)


@pytest.fixture
def decision(world):
    return running(world)


def register(decision, actor, week_start, hours="5", **kw):
    values = {"given_by": "Sara Spesialpedagog", "competence": "special_educator"}
    values.update(kw)
    return delivery.delivery_week_register(
        decision_id=decision.pk,
        actor=actor,
        week_start=week_start,
        hours_given=Decimal(hours),
        today=TODAY,
        **values,
    )


# --- bad input ---------------------------------------------------------------------------------


def test_negative_hours_are_refused_at_the_field(world, decision):
    with pytest.raises(DomainError) as refused:
        register(decision, world.special_educator, WINDOW[0], hours="-1")
    assert refused.value.field == "hours_given"
    assert not DeliveryWeek.objects.exists()


def test_more_than_the_weeks_possible_hours_is_refused(world, decision):
    # The week of 23.11.2026 has one day inside the vedtak (help started Friday 27.11): 9 h.
    with pytest.raises(DomainError, match="høyst 9 mulige timer") as refused:
        register(decision, world.special_educator, date(2026, 11, 23), hours="10")
    assert refused.value.field == "hours_given"
    with pytest.raises(DomainError) as refused:
        register(decision, world.special_educator, WINDOW[0], hours="46")
    assert refused.value.field == "hours_given"
    with pytest.raises(DomainError) as refused:  # given and missed together over 45
        register(
            decision,
            world.special_educator,
            WINDOW[0],
            hours="40",
            hours_missed=Decimal(6),
            missed_reason="staff_absent",
        )
    assert refused.value.field == "hours_missed"
    assert not DeliveryWeek.objects.exists()


def test_a_week_outside_the_vedtak_is_refused_at_the_field(world, decision):
    for week in (date(2026, 11, 16), date(2027, 1, 25), date(2028, 1, 3)):  # before, ahead, after
        with pytest.raises(DomainError) as refused:
            register(decision, world.special_educator, week)
        assert refused.value.field == "week_start"
    assert not DeliveryWeek.objects.exists()


def test_a_week_registered_twice_is_refused_and_any_day_of_it_names_its_monday(world, decision):
    week = register(decision, world.special_educator, date(2027, 1, 14))  # a Thursday
    assert week.week_start == date(2027, 1, 11)
    assert week.hours_decided == Decimal(5)
    with pytest.raises(DomainError, match="allerede registrert") as refused:
        register(decision, world.styrer_a, date(2027, 1, 11))
    assert refused.value.field == "week_start"
    assert DeliveryWeek.objects.count() == 1


def test_the_form_takes_a_decimal_comma_and_a_double_click_makes_one_row(client, world, decision):
    client.force_login(world.special_educator)
    url = reverse("decisions:delivery_page", args=[decision.pk])
    page = client.get(url)
    token = page.context["week_form"]["once"].value()
    data = {
        "week_start": "2027-01-11",
        "hours_given": "4,5",
        "given_by": "Sara",
        "competence": "special_educator",
        "hours_missed": "0,5",
        "missed_reason": "staff_absent",
        "missed_note": "",
        "once": token,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same token again: no second row
    week = DeliveryWeek.objects.get()
    assert (week.hours_given, week.hours_missed) == (Decimal("4.5"), Decimal("0.5"))


def test_bad_input_in_the_form_is_a_422_with_the_message_at_the_field(client, world, decision):
    client.force_login(world.special_educator)
    url = reverse("decisions:delivery_page", args=[decision.pk])
    base = {"week_start": "2027-01-11", "given_by": "Sara", "hours_missed": ""}
    negative = client.post(url, {**base, "hours_given": "-2"})
    assert negative.status_code == 422
    assert "negative" in negative.context["week_form"].errors["hours_given"][0]
    outside = client.post(url, {**base, "week_start": "2026-11-09", "hours_given": "3"})
    assert outside.status_code == 422
    assert "utenfor vedtaket" in outside.context["week_form"].errors["week_start"][0]
    assert not DeliveryWeek.objects.exists()


def test_a_stale_edit_is_refused(client, world, decision):
    week = register(decision, world.special_educator, WINDOW[0])
    delivery.delivery_week_update(
        week_id=week.pk, version=1, actor=world.styrer_a, hours_given=Decimal(4), given_by="Bob"
    )
    with pytest.raises(StaleEdit):
        delivery.delivery_week_update(
            week_id=week.pk, version=1, actor=world.special_educator, hours_given=3, given_by="S"
        )
    client.force_login(world.special_educator)
    url = reverse("decisions:delivery_week_edit", args=[decision.pk]) + f"?uke={week.pk}"
    response = client.post(
        url, {"hours_given": "3", "given_by": "Sara", "version": "1", "hours_missed": ""}
    )
    assert response.status_code == 409
    week.refresh_from_db()
    assert (week.hours_given, week.version) == (Decimal(4), 2)


def test_help_is_registered_only_under_a_vedtak_whose_help_has_started(world):
    from referrals.services import TransitionError

    decided = case_at("decided", world=world).decisions.get(superseded=False)
    with pytest.raises(TransitionError):  # referrals/states.py: "deliver" from help started
        register(decided, world.special_educator, WINDOW[0])
    with pytest.raises(TransitionError):  # "makeup": help started, appealed or closed
        delivery.makeup_register(
            decision_id=decided.pk, actor=world.office, kind="not_made_up", hours=1, reason="x"
        )
    assert not DeliveryWeek.objects.exists() and not Makeup.objects.exists()


# --- owed hours and etterlevering ----------------------------------------------------------------


def test_hours_missed_not_caused_by_the_child_are_owed(world, decision):
    staff = {"hours_missed": Decimal(2), "missed_reason": "staff_absent"}
    child = {"hours_missed": Decimal(3), "missed_reason": "child_absent"}
    closed = {"hours_missed": Decimal(1), "missed_reason": "unit_closed"}
    register(decision, world.special_educator, WINDOW[0], hours="3", **staff)
    register(decision, world.special_educator, WINDOW[1], hours="2", **child)
    register(decision, world.special_educator, WINDOW[2], hours="4", **closed)
    assert delivery.owed_balance(decision)["owed"] == Decimal(3)  # not the child's 3 hours
    months = {m["month"]: m for m in delivery.month_rows(decision, TODAY)}
    december = months[date(2026, 12, 1)]
    assert (december["missed_child"], december["owed"]) == (Decimal(3), Decimal(2))
    assert months[date(2027, 1, 1)]["owed"] == Decimal(1)


def test_a_month_sets_the_decided_hours_of_the_same_weeks_against_those_given(world, decision):
    """Weeks count in the month of their Monday, decided and given alike: a vedtak given in
    full reads 100 % every month (counting decided hours per weekday read 500 % for a week
    starting on 30 November and 87 % for its December)."""
    Decision.objects.filter(pk=decision.pk).update(
        hours_per_week=Decimal(5),
        starts_on=date(2026, 11, 30),
        help_started_on=date(2026, 11, 30),
        ends_on=date(2027, 6, 30),
    )
    decision.refresh_from_db()
    for n in range(7):  # 30.11.2026 – 11.01.2027, the last complete week on 20.01.2027
        register(decision, world.special_educator, date(2026, 11, 30) + timedelta(days=7 * n))
    months = {m["month"]: m for m in delivery.month_rows(decision, TODAY)}
    assert [(m["decided"], m["given"], m["share"]) for m in months.values()] == [
        (Decimal(5), Decimal(5), 100),
        (Decimal(20), Decimal(20), 100),
        (Decimal(10), Decimal(10), 100),
    ]


def test_missed_hours_need_their_reason(world, decision):
    with pytest.raises(DomainError) as refused:
        register(decision, world.special_educator, WINDOW[0], hours_missed=Decimal(1))
    assert refused.value.field == "missed_reason"


def test_the_office_records_etterlevering_or_why_not(world, decision):
    register(
        decision,
        world.special_educator,
        WINDOW[0],
        hours="1",
        hours_missed=Decimal(4),
        missed_reason="staff_absent",
    )

    def makeup(**kw):
        return delivery.makeup_register(decision_id=decision.pk, actor=world.office, **kw)

    with pytest.raises(DomainError) as refused:  # more than is owed
        makeup(kind="made_up", hours=Decimal(5), from_on=date(2027, 1, 4), given_by="Sara")
    assert refused.value.field == "hours"
    with pytest.raises(DomainError) as refused:  # made up: by whom
        makeup(kind="made_up", hours=Decimal(2), from_on=date(2027, 1, 4))
    assert refused.value.field == "given_by"
    with pytest.raises(DomainError) as refused:  # Sivilombudet 2019/20: not made up, why
        makeup(kind="not_made_up", hours=Decimal(2), reason="  ")
    assert refused.value.field == "reason"
    makeup(kind="made_up", hours=Decimal(2), from_on=date(2027, 1, 4), given_by="Sara")
    makeup(kind="not_made_up", hours=Decimal(2), reason="Foreldrene ønsket det ikke.")
    balance = delivery.owed_balance(decision)
    assert (balance["made_up"], balance["not_made_up"], balance["open"]) == (2, 2, 0)
    assert Makeup.objects.count() == 2
    months = {m["month"]: m for m in delivery.month_rows(decision, TODAY)}
    assert months[date(2027, 1, 1)]["made_up"] == Decimal(2)


def test_only_the_office_records_etterlevering(client, world, decision):
    url = reverse("decisions:makeup_new", args=[decision.pk])
    data = {"kind": "not_made_up", "hours": "1", "reason": "x"}
    client.force_login(world.special_educator)
    assert client.post(url, data).status_code == 403
    client.force_login(world.office)
    response = client.post(url, data)
    assert response.status_code == 422  # nothing is owed yet: refused at the field
    assert "skyldige timer" in response.context["makeup_form"].errors["hours"][0]


# --- the morning delivery check ------------------------------------------------------------------


def test_the_delivery_check_flags_a_vedtak_under_the_threshold_to_the_office(world):
    full, short = running(world), running(world)
    for week in WINDOW:
        register(full, world.special_educator, week, hours="5")
        register(short, world.special_educator, week, hours="4")  # 80 % < 90 %
    checked = delivery.delivery_check(TODAY)
    assert (checked.running, checked.flagged) == (2, 1)
    deadline = Deadline.objects.get(kind=DeadlineKind.DELIVERY)
    assert deadline.referral_id == short.referral_id and deadline.met_on is None
    assert deadline.municipality_id == world.municipality.pk  # the case scope, copied
    first = flagging.detect(TODAY)
    flags = list(DeadlineFlag.objects.filter(deadline=deadline).values_list("pk", "level"))
    assert flags and first.notification_ids
    # Run twice: the same flags, nothing new.
    assert delivery.delivery_check(TODAY).skipped
    assert flagging.detect(TODAY).flags_created == 0
    assert list(DeadlineFlag.objects.filter(deadline=deadline).values_list("pk", "level")) == flags
    # A week registered late brings the share back over the threshold: the deadline is met.
    delivery.delivery_week_update(
        week_id=DeliveryWeek.objects.get(decision=short, week_start=WINDOW[0]).pk,
        version=1,
        actor=world.special_educator,
        hours_given=Decimal(9),
        given_by="Sara",
        today=TODAY,
    )
    deadline.refresh_from_db()
    assert deadline.met_on == TODAY


def test_the_threshold_is_the_municipalitys(world):
    DeliveryPolicy.objects.create(municipality=world.municipality, threshold_percent=75)
    short = running(world)
    for week in WINDOW:
        register(short, world.special_educator, week, hours="4")  # 80 % ≥ 75 %
    assert delivery.delivery_check(TODAY).flagged == 0
    assert not Deadline.objects.filter(kind=DeadlineKind.DELIVERY).exists()


def test_weeks_not_registered_count_as_not_delivered(world, decision):
    register(decision, world.special_educator, WINDOW[3], hours="5")  # 5 of 20 hours
    assert delivery.delivery_check(TODAY).flagged == 1


def test_the_case_clock_keeps_the_delivery_deadline(world, decision):
    delivery.delivery_check(TODAY)
    from decisions.services import deadlines_recompute

    deadlines_recompute(decision.referral_id, today=TODAY)
    assert Deadline.objects.filter(kind=DeadlineKind.DELIVERY, met_on__isnull=True).exists()


def test_the_delivery_check_costs_one_query_when_nothing_is_due(
    world, decision, django_assert_num_queries
):
    delivery.delivery_check(TODAY)
    with django_assert_num_queries(1):
        assert delivery.delivery_check(TODAY + timedelta(days=1)).skipped
    assert DeliveryCheck.objects.count() == 1


# --- scoping and query counts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("special_educator", 200),
        ("styrer_a", 200),
        ("office", 200),
        ("advisor", 200),
        ("styrer_b", 404),
        ("outsider", 404),
        ("director", 404),
        ("no_roles", 404),
    ],
)
def test_who_sees_a_vedtaks_delivery_page(client, world, decision, persona, status):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("decisions:delivery_page", args=[decision.pk]))
    assert response.status_code == status


def test_the_office_sees_the_page_read_only(client, world, decision):
    client.force_login(world.office)
    url = reverse("decisions:delivery_page", args=[decision.pk])
    assert client.get(url).context["week_form"] is None
    response = client.post(url, {"week_start": "2027-01-11", "hours_given": "1", "given_by": "x"})
    assert response.status_code == 403


def test_the_caseload_shows_the_givers_running_vedtak(client, world):
    mine, theirs = running(world), running(world, unit=world.unit_b)
    register(mine, world.special_educator, WINDOW[3], hours="5")
    client.force_login(world.styrer_a)
    page = client.get(reverse("decisions:my_vedtak"))
    assert [i["decision"].pk for i in page.context["items"]] == [mine.pk]
    client.force_login(world.special_educator)
    page = client.get(reverse("decisions:my_vedtak"))
    assert {i["decision"].pk for i in page.context["items"]} == {mine.pk, theirs.pk}
    assert {i["share"] for i in page.context["items"]} == {25, 0}
    client.force_login(world.advisor)
    assert client.get(reverse("decisions:my_vedtak")).status_code == 403


def test_the_caseload_and_the_delivery_page_run_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    client.force_login(world.special_educator)
    client.get(reverse("decisions:my_vedtak"))  # the session's first reads

    def load(n):
        decisions = [running(world) for _ in range(n)]
        for d in decisions:
            for week in WINDOW[:n]:
                register(d, world.special_educator, week, hours="5")
        # session, user, roles, the page of vedtak (and one more), the shares, the access log
        with django_assert_num_queries(6):
            assert client.get(reverse("decisions:my_vedtak")).status_code == 200
        # session, user, roles, the vedtak, the access log, the weeks, the etterleveringer,
        # the owed balance (two), the months, the share
        with django_assert_num_queries(11):
            url = reverse("decisions:delivery_page", args=[decisions[0].pk])
            assert client.get(url).status_code == 200

    load(1)
    load(3)


# --- the dashboard's share of decided hours delivered ----------------------------------------------


def _dashboard_tables(client, user):
    client.force_login(user)
    response = client.get(
        reverse("decisions:dashboard"), {"fra": "2026-12-01", "til": "2027-01-20"}
    )
    assert response.status_code == 200
    return response


def test_the_dashboard_shows_the_delivered_share_with_small_counts_hidden(client, world):
    for _ in range(5):
        d = running(world)
        for week in WINDOW:
            register(d, world.special_educator, week, hours="4")
    lone = running(world, unit=world.unit_b)
    register(lone, world.special_educator, WINDOW[0], hours="5")
    response = _dashboard_tables(client, world.director)
    units = response.context["delivery"]["units"]["table"]
    by_name = {r.label: r for r in units.rows}
    # Unit B rests on one vedtak: hidden, hours and share with it; unit A's and the areas'
    # too, or the totals would give B's away (secondary suppression, marked ⋯). With two units
    # the total goes too: "<5 + ⋯ = 6" would pin B down to 1 (a ⋯ count is 5 or more).
    assert [c.export for c in by_name[world.unit_b.name].cells[1:]][0] == "<5"
    assert all(c.hidden for c in by_name[world.unit_a.name].cells[1:])
    assert {c.export for c in by_name[world.unit_a.name].cells[1:]} == {"⋯"}
    assert all(c.hidden for c in by_name["Alle"].cells[1:])
    months = {r.label: r for r in response.context["delivery"]["months"]["table"].rows}
    assert [c.export for c in months["Januar 2027"].cells] == [5, 50, 40, 80.0]
    export = client.get(
        reverse("decisions:dashboard_export", args=["levert-enheter", "csv"]),
        {"fra": "2026-12-01", "til": "2027-01-20"},
    )
    assert export.status_code == 200
    assert "<5" in export.content.decode()
    assert "Levert hjelp" in response.text


def test_the_monthly_rollup_is_kept_by_the_services_and_rebuilt_the_same(world, decision):
    from decisions.models import DeliveryMonth

    register(decision, world.special_educator, WINDOW[0], hours="4")  # December
    register(decision, world.special_educator, WINDOW[1], hours="3")  # December, same vedtak
    week = register(decision, world.special_educator, WINDOW[2], hours="5")  # January
    delivery.delivery_week_update(
        week_id=week.pk, version=1, actor=world.styrer_a, hours_given=Decimal(2), given_by="B"
    )

    def rows():
        return sorted(
            DeliveryMonth.objects.values_list("month", "vedtak", "hours_decided", "hours_given")
        )

    kept = rows()
    assert kept == [(date(2026, 12, 1), 1, 10, 7), (date(2027, 1, 1), 1, 5, 2)]
    delivery.rollup_rebuild()
    assert rows() == kept
