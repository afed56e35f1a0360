"""The clock's one state function (referrals/clock.py): pure, no database, today passed in."""

from datetime import date

import pytest

from referrals.clock import DeadlineKind, State, deadline_state

FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)


def test_no_due_date_is_no_deadline():
    assert deadline_state(None, today=FRIDAY) == (State.NONE, 0)


def test_outside_the_warning_window_is_ok_with_the_days_left():
    assert deadline_state(date(2026, 12, 31), today=FRIDAY, warn_on=date(2026, 12, 17)) == (
        State.OK,
        34,
    )


@pytest.mark.parametrize(
    "warning", [{"warn_on": date(2026, 11, 27)}, {"warning_days": 14}], ids=["warn_on", "days"]
)
def test_the_warning_window_starts_on_warn_on_or_warning_days_before(warning):
    due = date(2026, 12, 11)  # 14 days after the Friday
    assert deadline_state(due, today=FRIDAY, **warning) == (State.APPROACHING, 14)
    assert deadline_state(due, today=date(2026, 11, 26), **warning) == (State.OK, 15)


def test_the_due_day_itself_is_approaching_not_overdue():
    assert deadline_state(FRIDAY, today=FRIDAY, warning_days=14) == (State.APPROACHING, 0)


def test_a_day_past_is_overdue_counting_calendar_days_over_a_weekend():
    # Due Friday, read on Monday: three days over (the state counts calendar days; moving a
    # due date off a weekend or holiday is the engine's rule, decisions/deadlines.py).
    assert deadline_state(FRIDAY, today=date(2026, 11, 30), warning_days=14) == (State.OVERDUE, 3)
    assert deadline_state(FRIDAY, today=SATURDAY) == (State.OVERDUE, 1)


def test_over_christmas_and_new_year_the_days_are_calendar_days():
    due = date(2026, 12, 24)
    assert deadline_state(due, today=date(2027, 1, 4), warning_days=14) == (State.OVERDUE, 11)


def test_met_on_time_is_met_and_met_late_says_by_how_many_days():
    assert deadline_state(FRIDAY, today=date(2027, 1, 1), met_on=FRIDAY) == (State.MET, 0)
    assert deadline_state(FRIDAY, today=date(2027, 1, 1), met_on=date(2026, 11, 20)) == (
        State.MET,
        0,
    )
    assert deadline_state(FRIDAY, today=date(2027, 1, 1), met_on=date(2026, 12, 1)) == (
        State.MET_LATE,
        4,
    )


def test_met_wins_over_paused_and_paused_over_overdue():
    late = date(2026, 12, 1)
    assert deadline_state(FRIDAY, today=late, met_on=late, paused=True) == (State.MET_LATE, 4)
    assert deadline_state(FRIDAY, today=late, paused=True) == (State.PAUSED, -4)


def test_leap_day_and_new_years_eve():
    assert deadline_state(date(2028, 2, 29), today=date(2028, 2, 28), warning_days=1) == (
        State.APPROACHING,
        1,
    )
    assert deadline_state(date(2027, 1, 1), today=date(2026, 12, 31)) == (State.OK, 1)


def test_one_enum_of_kinds_for_the_engine_the_models_and_the_badge():
    from decisions import deadlines
    from decisions.models import Deadline
    from referrals.models import DeadlineKind as ModelKind

    assert deadlines.Kind is DeadlineKind is ModelKind
    assert deadlines.State is State
    assert dict(Deadline._meta.get_field("kind").choices) == dict(DeadlineKind.choices)
