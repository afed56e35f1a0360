"""The case's history (pghistory): every change, however it was made, with who and when."""

import re
from datetime import date

import pghistory
import pytest
from django.db import InternalError, transaction
from django.urls import reverse

from decisions.models import DeadlinePolicy, Decision
from referrals import history, services
from referrals.models import Child, ChildHistory, Guardian, Referral, ReferralHistory
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def history_url(referral):
    return reverse("referrals:case_history", args=[referral.pk])


def make_case(world):
    child = ChildFactory(unit=world.unit_a, first_name="Emma", last_name="Olsen")
    GuardianFactory(child=child, name="Kari Olsen")
    return ReferralFactory(child=child, created_by=world.advisor, advisor=world.advisor)


def changes(entry) -> dict:
    return {c.label: (c.old, c.new, c.note) for c in entry.changes}


def test_a_queryset_update_appears_in_the_history(world):
    # django-simple-history would miss this: no save(), no signal. The trigger sees it.
    referral = make_case(world)
    Referral.objects.filter(pk=referral.pk).update(priority="high")
    entries, _ = history.case_history(referral)
    update = next(e for e in entries if e.kind == "update" and e.subject == "Henvisning")
    assert changes(update)["Prioritet"] == ("Normal", "Høy", "")
    assert update.actor is None  # no request: shown as "Systemet"


def test_a_change_through_the_page_names_who_made_it(client, world):
    referral = make_case(world)
    services.referral_submit(
        referral_id=referral.pk, actor=world.advisor, received_on=date(2026, 10, 28)
    )
    client.force_login(world.advisor)
    response = client.post(
        reverse("referrals:case_transition", args=[referral.pk, "withdraw"]),
        {"reason": "Familien har flyttet"},
    )
    assert response.status_code == 302
    page = client.get(history_url(referral))
    assert page.status_code == 200
    withdrawn = next(
        e for e in page.context["history"] if "Grunn til at saken er trukket" in changes(e)
    )
    assert withdrawn.actor == "Alice"
    assert changes(withdrawn)["Status"][1] == "Trukket"
    assert "Familien har flyttet" in page.text
    assert "Alice" in page.text


def test_the_page_shows_time_as_day_month_year_hour_minute(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    text = client.get(history_url(referral)).text
    assert re.search(r"<time datetime=\"[^\"]+\">\d\d\.\d\d\.\d{4} \d\d:\d\d</time>", text)


def test_the_identity_number_never_shows_only_that_it_changed(client, world):
    referral = make_case(world)
    child = referral.child
    old_number = child.id_number
    new_child = ChildFactory.build(birth_date=date(2022, 3, 4))
    services.child_update(
        child_id=child.pk, version=child.version, actor=world.advisor, id_number=new_child.id_number
    )
    client.force_login(world.advisor)
    page = client.get(history_url(referral))
    assert old_number not in page.text and new_child.id_number not in page.text
    assert old_number[:6] not in page.text  # nor the birth date part
    update = next(e for e in page.context["history"] if e.kind == "update" and e.subject == "Barn")
    assert changes(update)["Fødselsnummer"] == ("", "", "endret")


def test_the_child_guardians_consents_assessment_and_decisions_are_included(world):
    referral = make_case(world)
    guardian = referral.child.guardians.get()
    services.guardian_update(
        guardian_id=guardian.pk, version=guardian.version, actor=world.advisor, phone="99887766"
    )
    services.referral_submit(
        referral_id=referral.pk, actor=world.advisor, received_on=date(2026, 10, 28)
    )
    services.consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=date(2026, 10, 28),
        actor=world.advisor,
    )
    services.referral_start_assessment(referral_id=referral.pk, actor=world.advisor)
    Decision.objects.create(
        referral=referral, decided_on=date(2026, 11, 2), decided_by=world.office, outcome="refused"
    )
    subjects = {e.subject for e in history.case_history(referral)[0]}
    assert {
        "Henvisning",
        "Barn",
        "Foresatt: Kari Olsen",
        "Samtykke: Kari Olsen",
        "Sakkyndig vurdering",
        "Vedtak",
    } <= subjects
    guardian_update = next(
        e
        for e in history.case_history(referral)[0]
        if e.subject == "Foresatt: Kari Olsen" and e.kind == "update"
    )
    assert changes(guardian_update)["Telefon"] == (guardian.phone, "99887766", "")


def test_another_case_of_another_child_is_not_shown(world):
    referral = make_case(world)
    other = make_case(world)
    Referral.objects.filter(pk=other.pk).update(concern="Ikke denne saken")
    texts = [c.new for e in history.case_history(referral)[0] for c in e.changes]
    assert "Ikke denne saken" not in texts


def test_deletes_are_recorded(world):
    referral = make_case(world)
    extra = GuardianFactory(child=referral.child, name="Ole Olsen")
    extra.delete()
    entries, _ = history.case_history(referral)
    assert any(e.subject == "Foresatt: Ole Olsen" and e.kind == "delete" for e in entries)


def test_a_policy_change_is_tracked(world):
    with pghistory.context(user=world.admin.pk):
        policy = DeadlinePolicy.objects.create(
            municipality=world.municipality, kind="decision", months=3, legal_reference="§ 11 a"
        )
        DeadlinePolicy.objects.filter(pk=policy.pk).update(months=2)
    events = list(policy.history.order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[1].months == 2
    assert events[1].pgh_context.metadata["user"] == world.admin.pk


def test_the_history_tables_are_append_only(world):
    referral = make_case(world)
    with pytest.raises(InternalError), transaction.atomic():
        ReferralHistory.objects.filter(pgh_obj=referral).update(concern="omskrevet")
    with pytest.raises(InternalError), transaction.atomic():
        ChildHistory.objects.filter(pgh_obj=referral.child).delete()


def add_changes(referral, n):
    for i in range(n):
        Referral.objects.filter(pk=referral.pk).update(tried=f"Forsøk {i}")
        Child.objects.filter(pk=referral.child_id).update(mother_tongue=f"språk {i}")
        Guardian.objects.filter(child=referral.child_id).update(phone=f"{i:08d}")


def test_the_page_runs_the_same_queries_for_1_and_30_changes(
    client, world, django_assert_num_queries
):
    small, big = make_case(world), make_case(world)
    add_changes(small, 1)
    add_changes(big, 30)
    client.force_login(world.advisor)
    # 1 session, 2 user, 3 roles (teams.scoping, once per request), 4 the referral with child,
    # units, municipality and advisor (scoped), 5 the open pause, 6 the access-log INSERT, 7 the
    # case's events (five history tables), 8 the child's and guardians' events, 9 the users,
    # 10 the units named in them.
    for referral in (small, big):
        with django_assert_num_queries(10):
            response = client.get(history_url(referral))
        assert response.status_code == 200
    assert len(response.context["history"]) == 3 + 3 * 30


def test_the_page_shows_the_latest_200_and_says_there_are_more(client, world):
    referral = make_case(world)
    add_changes(referral, 80)
    client.force_login(world.advisor)
    response = client.get(history_url(referral))
    assert len(response.context["history"]) == 200
    assert "Viser de 200 siste endringene" in response.text


def test_the_styrer_of_another_unit_gets_404(client, world):
    referral = make_case(world)
    client.force_login(world.styrer_b)
    assert client.get(history_url(referral)).status_code == 404


def test_the_case_tabs_link_to_the_history(client, world):
    referral = make_case(world)
    client.force_login(world.styrer_a)
    text = client.get(reverse("referrals:case_detail", args=[referral.pk])).text
    assert f'href="{history_url(referral)}">Historikk</a>' in text
