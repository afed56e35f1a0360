"""Deadlines and decisions carry their case's municipality and unit (decisions.models: copied by
a trigger on insert and update, moved by a trigger on the case), which the dashboard's figures
and the office's worklist filter on instead of joining the case."""

from datetime import date

from decisions.models import Deadline, Decision
from referrals.models import Referral
from tests.decisions.test_dashboard import deadline, decide, make_case

S = Referral.Status


def scope(row) -> tuple[int, int]:
    row.refresh_from_db()
    return row.municipality_id, row.unit_id


def test_a_new_deadline_and_decision_get_their_cases_municipality_and_unit(world):
    case = make_case(world, world.unit_a, S.DECIDED, t0=date(2026, 9, 1))
    expected = (world.unit_a.municipality_id, world.unit_a.pk)
    assert scope(deadline(case, "decision", date(2026, 12, 1))) == expected
    assert scope(decide(world, case, date(2026, 10, 1))) == expected


def test_moving_the_case_to_another_unit_moves_its_deadlines_and_decisions_too(world):
    case = make_case(world, world.unit_a, S.DECIDED, t0=date(2026, 9, 1))
    row = deadline(case, "decision", date(2026, 12, 1))
    decision = decide(world, case, date(2026, 10, 1))
    # A queryset update (no save(), no signal): the trigger on the case does it.
    Referral.objects.filter(pk=case.pk).update(
        unit=world.other_unit, municipality=world.other_unit.municipality
    )
    expected = (world.other_unit.municipality_id, world.other_unit.pk)
    assert scope(row) == expected
    assert scope(decision) == expected
    assert Deadline.objects.filter(unit=world.unit_a).count() == 0
    assert Decision.objects.filter(unit=world.unit_a).count() == 0
