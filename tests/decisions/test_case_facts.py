"""decisions.CaseFact, the dashboard's row per case, is kept exact by PostgreSQL triggers
(decisions 0009): after every change to a case, its decisions, deadlines or journal, the table
equals a recompute from scratch (case_fact_source()), in the same transaction. The case journal
and the appeals carry their case's municipality and unit (copied, and moved with the case)."""

import threading
import time
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from decisions import services
from decisions.models import OPEN_UNTIL, Appeal, CaseFact, Deadline, Decision
from referrals.models import CaseEvent, Referral
from referrals.services import (
    referral_pause,
    referral_resume,
    referral_start_assessment,
    referral_update,
    referral_withdraw,
)
from tests.builders import case_at, pause_reason
from tests.decisions.conftest import RECEIVED, received_case
from tests.decisions.test_decision_services import decide
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
COLUMNS = ", ".join(f.column for f in CaseFact._meta.concrete_fields)


def stale_facts() -> list[tuple]:
    """The rows where decisions_casefact and a recompute of every case differ (both ways)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""(SELECT 'table', {COLUMNS} FROM decisions_casefact
                 EXCEPT SELECT 'table', {COLUMNS} FROM case_fact_source())
                UNION ALL
                (SELECT 'recompute', {COLUMNS} FROM case_fact_source()
                 EXCEPT SELECT 'recompute', {COLUMNS} FROM decisions_casefact)"""  # noqa: S608
        )
        return cursor.fetchall()


def fact(case) -> CaseFact:
    assert stale_facts() == []
    return CaseFact.objects.get(referral_id=case.pk)


def test_the_fact_row_follows_a_case_from_referral_to_help(world):
    draft = ReferralFactory(
        child=ChildFactory(unit=world.unit_a), created_by=world.advisor, advisor=world.advisor
    )
    row = fact(draft)
    assert (row.status, row.municipality_id, row.unit_id) == (
        S.DRAFT,
        world.municipality.pk,
        world.unit_a.pk,
    )
    assert row.active_until == OPEN_UNTIL  # open: counted in every period

    case = received_case(world)  # submitted, then consent: T0
    row = fact(case)
    assert (row.status, row.received_on, row.t0) == (S.RECEIVED, RECEIVED, RECEIVED)
    assert row.reply_due_on and row.decision_due_on and row.warn_on

    referral_pause(
        referral_id=case.pk,
        started_on=date(2026, 11, 2),
        reason=pause_reason(case),
        actor=world.advisor,
    )
    # The child's absence stops the assessment and the decision, never the foreløpig svar
    # (forvaltningsloven § 11 a: the parents are told of the wait whatever its cause).
    assert fact(case).decision_paused and not fact(case).reply_paused
    referral_resume(referral_id=case.pk, ended_on=date(2026, 11, 5), actor=world.advisor)
    assert not fact(case).decision_paused

    services.provisional_reply_register(
        referral_id=case.pk,
        sent_on=date(2026, 11, 20),
        reason="Utredning pågår.",
        expected_decision_on=date(2027, 1, 20),
        actor=world.office,
    )
    row = fact(case)
    assert row.reply_met_on == date(2026, 11, 20)
    assert row.reply_needed  # no decision by its due date

    referral_start_assessment(referral_id=case.pk, actor=world.advisor)
    assert fact(case).status == S.ASSESSING


def test_the_fact_row_follows_decisions_appeals_and_help(world):
    case = case_at("assessed", world=world)
    row = fact(case)
    assert (row.status, row.assessed_on) == (S.ASSESSED, date(2026, 11, 20))

    first = decide(case, world, decided_on=date(2026, 11, 22))
    row = fact(case)
    assert (row.status, row.first_decided_on, row.decided_on) == (
        S.DECIDED,
        date(2026, 11, 22),
        date(2026, 11, 22),
    )
    assert row.decision_met_on == date(2026, 11, 22) and row.help_due_on

    services.appeal_register(
        referral_id=case.pk, received_on=date(2026, 11, 24), actor=world.office
    )
    assert fact(case).status == S.APPEALED
    # The appeal's new decision supersedes the first: the first decision's day stays.
    decide(
        case,
        world,
        decided_on=date(2026, 11, 25),
        hours_per_week=Decimal("8.0"),
        deviation_reason="Klagen tatt til følge.",
    )
    first.refresh_from_db()
    assert first.superseded
    row = fact(case)
    assert (row.first_decided_on, row.decided_on) == (date(2026, 11, 22), date(2026, 11, 25))

    # The parents' consent came before the vedtak (barnehageloven § 32, given by decide()).
    services.help_start_register(
        referral_id=case.pk, started_on=date(2026, 11, 26), actor=world.office
    )
    row = fact(case)
    assert (row.status, row.help_started_on, row.help_met_on) == (
        S.HELP_STARTED,
        date(2026, 11, 26),
        date(2026, 11, 26),
    )
    # Not open any more: active until the last thing that happened (or fell due).
    assert row.active_until != OPEN_UNTIL and row.active_until >= date(2026, 11, 26)


def test_a_refusal_is_marked_refused(world):
    case = case_at("assessed", world=world)
    decide(
        case,
        world,
        outcome="refused",
        hours_per_week=None,
        organisation="",
        competence="",
        deviation_reason="Begrunnet avslag (barnehageloven § 35).",
    )
    assert fact(case).refused


def test_a_withdrawal_gives_the_day_of_its_journal_event(world):
    case = received_case(world)
    referral_withdraw(referral_id=case.pk, reason="Flyttet.", actor=world.advisor)
    row = fact(case)
    assert row.status == S.WITHDRAWN
    assert row.withdrawn_on == timezone.localdate()
    # The event's day is the municipality's calendar day (Europe/Oslo), not UTC's.
    event = CaseEvent.objects.get(referral=case, to_status=S.WITHDRAWN)
    event.at = timezone.make_aware(datetime(2026, 11, 3, 0, 30))  # 23:30 UTC on the 2nd
    event.save(update_fields=["at"])
    assert fact(case).withdrawn_on == date(2026, 11, 3)


def test_a_deadline_met_moved_or_removed_changes_the_row(world):
    case = received_case(world)
    reply = Deadline.objects.get(referral=case, kind="provisional_reply")
    # A queryset update (no save(), no signal, no service): the trigger still sees it.
    Deadline.objects.filter(pk=reply.pk).update(met_on=date(2026, 11, 10))
    assert fact(case).reply_met_on == date(2026, 11, 10)
    Deadline.objects.filter(pk=reply.pk).update(due_on=date(2026, 12, 31))
    assert fact(case).reply_due_on == date(2026, 12, 31)
    reply.delete()
    assert fact(case).reply_due_on is None
    # Columns the row does not read change nothing (and rewrite nothing).
    Deadline.objects.filter(referral=case).update(paused_days=3)
    assert stale_facts() == []


def test_moving_the_case_moves_its_row_its_journal_and_its_appeals(world):
    case = case_at("assessed", world=world)
    decide(case, world)
    appeal = services.appeal_register(
        referral_id=case.pk, received_on=date(2026, 11, 25), actor=world.office
    )
    case.refresh_from_db()
    referral_update(
        referral_id=case.pk, version=case.version, actor=world.advisor, unit=world.unit_b
    )
    expected = (world.unit_b.municipality_id, world.unit_b.pk)
    row = fact(case)
    assert (row.municipality_id, row.unit_id) == expected
    events = CaseEvent.objects.filter(referral=case)
    assert events.count() > 3
    assert set(events.values_list("municipality_id", "unit_id")) == {expected}
    appeal.refresh_from_db()
    assert (appeal.municipality_id, appeal.unit_id) == expected
    # Another municipality too (a queryset update: only the triggers do the copying).
    Referral.objects.filter(pk=case.pk).update(
        unit=world.other_unit, municipality=world.other_unit.municipality
    )
    expected = (world.other_unit.municipality_id, world.other_unit.pk)
    assert (fact(case).municipality_id, fact(case).unit_id) == expected
    assert set(events.values_list("municipality_id", "unit_id")) == {expected}
    assert Appeal.objects.filter(unit=world.other_unit).count() == 1


def test_a_new_journal_event_and_appeal_get_their_cases_scope(world):
    case = case_at("assessed", world=world)
    event = CaseEvent.objects.create(referral=case, action="note", actor=world.advisor)
    event.refresh_from_db()
    assert (event.municipality_id, event.unit_id) == (world.municipality.pk, world.unit_a.pk)
    decision = decide(case, world)
    appeal = Appeal.objects.create(
        decision=decision, received_on=date(2026, 11, 25), registered_by=world.office
    )
    appeal.refresh_from_db()
    assert (appeal.municipality_id, appeal.unit_id) == (world.municipality.pk, world.unit_a.pk)


def test_a_deleted_case_leaves_no_row(world):
    case = ReferralFactory(child=ChildFactory(unit=world.unit_a), created_by=world.advisor)
    assert CaseFact.objects.filter(referral_id=case.pk).exists()
    Referral.objects.filter(pk=case.pk).delete()
    assert not CaseFact.objects.filter(referral_id=case.pk).exists()
    assert stale_facts() == []


def test_the_bulk_refresh_rebuilds_every_row(world):
    cases = [received_case(world) for _ in range(3)]
    with connection.cursor() as cursor:
        # What a bulk load does: rows written with the triggers off, then one refresh.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE referrals_referral SET assessed_on = '2026-11-20'")
        cursor.execute("DELETE FROM decisions_casefact WHERE referral_id = %s", [cases[0].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
        assert stale_facts() != []
        cursor.execute("SELECT refresh_all_case_facts()")
        assert cursor.fetchone()[0] == 3
    assert stale_facts() == []
    assert fact(cases[0]).assessed_on == date(2026, 11, 20)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_one_case_at_once_leave_its_row_exact(world):
    # Each computes the row from what it sees; without refresh_case_fact's row lock the later
    # commit would write a row without the earlier one's change (here: the reply's met_on).
    case = received_case(world)
    reply = Deadline.objects.get(referral=case, kind="provisional_reply")
    first_changed, errors = threading.Event(), []

    def meet_the_reply():
        try:
            with transaction.atomic():
                Deadline.objects.filter(pk=reply.pk).update(met_on=date(2026, 11, 10))
                first_changed.set()
                time.sleep(0.5)  # the other transaction is waiting on the fact row meanwhile
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    def decide_meanwhile():
        try:
            first_changed.wait(timeout=10)
            with transaction.atomic():
                Decision.objects.create(
                    referral=case,
                    decided_on=date(2026, 11, 20),
                    decided_by=world.office,
                    outcome="granted",
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=meet_the_reply), threading.Thread(target=decide_meanwhile)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    row = fact(case)
    assert (row.reply_met_on, row.first_decided_on) == (date(2026, 11, 10), date(2026, 11, 20))


# --- issue 19: the case's kind and, for a pupil, the school level -----------------------------


def pupil_case(world, *, kind="oppl_11_6", school_class=None, birth=date(2016, 3, 1), **kw):
    child = ChildFactory(unit=world.school, school_class=school_class, birth_date=birth)
    return ReferralFactory(
        child=child, unit=world.school, kind=kind, created_by=world.advisor, **kw
    )


def test_a_pupils_case_gets_its_kind_and_the_level_of_its_class(world):
    case = pupil_case(world, school_class=world.class_5a)  # 5A: trinn 5
    row = fact(case)
    assert (row.kind, row.school_level) == ("oppl_11_6", "5-7")
    # A kindergarten case has no school level.
    kindergarten = ReferralFactory(child=ChildFactory(unit=world.unit_a), created_by=world.advisor)
    assert (fact(kindergarten).kind, fact(kindergarten).school_level) == ("bhl_31", "")


def test_without_a_class_the_level_follows_the_birth_date_on_the_day_received(world):
    # Born 2016: school from August 2022 (opplæringslova § 2-1); received 25.11.2026, in the
    # school year 2026/27: the fifth trinn. Received in July 2026 (school year 2025/26): fourth.
    case = pupil_case(world, kind="oppl_11_4", received_on=date(2026, 11, 25))
    assert fact(case).school_level == "5-7"
    Referral.objects.filter(pk=case.pk).update(received_on=date(2026, 7, 31))
    assert fact(case).school_level == "1-4"
    # Not yet received: the day the case was created (Europe/Oslo).
    Referral.objects.filter(pk=case.pk).update(
        received_on=None, created_at=timezone.make_aware(datetime(2026, 8, 1, 0, 30))
    )
    assert fact(case).school_level == "5-7"
    # Born 2008: past the tenth trinn by birth date, no level.
    old = pupil_case(world, kind="oppl_11_5", birth=date(2008, 1, 1), received_on=date(2026, 9, 1))
    assert (fact(old).kind, fact(old).school_level) == ("oppl_11_5", "")


def test_the_row_follows_the_kind_the_class_and_the_classes_trinn(world):
    case = pupil_case(world, received_on=date(2026, 11, 25))
    assert fact(case).school_level == "5-7"
    # The pupil placed in a class (8A is at school T, but the trinn is what is read).
    case.child.school_class = world.class_b
    case.child.save(update_fields=["school_class"])
    assert fact(case).school_level == "8-10"
    # The class moved to another trinn: every pupil's case follows.
    type(world.class_b).objects.filter(pk=world.class_b.pk).update(trinn=2)
    assert fact(case).school_level == "1-4"
    # The birth date corrected (no class: by birth date again).
    case.child.school_class = None
    case.child.birth_date = date(2012, 5, 1)
    case.child.save(update_fields=["school_class", "birth_date"])
    assert fact(case).school_level == "8-10"
    # The case's kind changed to a kindergarten kind: no level.
    Referral.objects.filter(pk=case.pk).update(kind="bhl_37")
    assert (fact(case).kind, fact(case).school_level) == ("bhl_37", "")
    # The child's own unit is not read: a change of it rewrites nothing.
    type(case.child).objects.filter(pk=case.child_id).update(unit=world.unit_a)
    assert stale_facts() == []


def test_the_bulk_refresh_fills_kind_and_level(world):
    case = pupil_case(world, school_class=world.class_5b)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE decisions_casefact SET kind = '', school_level = ''")
        cursor.execute("SET session_replication_role = DEFAULT")
        assert stale_facts() != []
        cursor.execute("SELECT refresh_all_case_facts()")
    assert (fact(case).kind, fact(case).school_level) == ("oppl_11_6", "5-7")
