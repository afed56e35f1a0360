"""The deadline rules on real calendar dates (plain unit tests: no database, no clock)."""

from datetime import date

import pytest

from decisions.deadlines import (
    DEFAULT_RULES,
    CaseFacts,
    Kind,
    Rule,
    State,
    add_months,
    compute_deadlines,
    next_working_day,
    status_of,
)

TODAY = date(2026, 11, 25)


def due_map(facts, today=TODAY, rules=DEFAULT_RULES):
    return {d.kind: d for d in compute_deadlines(facts, rules, today)}


def test_one_month_from_30_april_lands_on_saturday_and_moves_to_monday():
    deadlines = due_map(CaseFacts(t0=date(2026, 4, 30)))
    assert deadlines[Kind.PROVISIONAL_REPLY].due_on == date(2026, 6, 1)


def test_a_due_date_on_maundy_thursday_moves_past_easter_to_tuesday():
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)
    # T0 02.03.2026 + 1 month = Maundy Thursday 02.04.2026
    deadlines = due_map(CaseFacts(t0=date(2026, 3, 2)))
    assert deadlines[Kind.PROVISIONAL_REPLY].due_on == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 15), 12, date(2027, 5, 15)),
    ],
)
def test_month_arithmetic_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_31_january_plus_one_month_is_the_end_of_february_then_the_next_working_day():
    deadlines = due_map(CaseFacts(t0=date(2026, 1, 31)))
    # 28.02.2026 is a Saturday
    assert deadlines[Kind.PROVISIONAL_REPLY].due_on == date(2026, 3, 2)


def test_a_pause_of_ten_days_extends_every_unmet_deadline():
    t0 = date(2026, 9, 1)
    plain = due_map(CaseFacts(t0=t0))
    paused = due_map(CaseFacts(t0=t0, pauses=((date(2026, 9, 10), date(2026, 9, 20)),)))
    for kind in (Kind.PROVISIONAL_REPLY, Kind.ASSESSMENT, Kind.DECISION):
        assert paused[kind].paused_days == 10
        assert paused[kind].due_on == next_working_day(
            add_months(t0, DEFAULT_RULES[kind].months).__add__(__import__("datetime").timedelta(10))
        )
        assert paused[kind].due_on > plain[kind].due_on


def test_a_pause_after_a_deadline_was_met_does_not_move_it():
    facts = CaseFacts(
        t0=date(2026, 9, 1),
        provisional_reply_on=date(2026, 9, 5),
        pauses=((date(2026, 9, 10), date(2026, 9, 20)),),
    )
    deadlines = due_map(facts)
    assert deadlines[Kind.PROVISIONAL_REPLY].paused_days == 0
    assert deadlines[Kind.ASSESSMENT].paused_days == 10


def test_an_open_pause_marks_unmet_deadlines_paused():
    facts = CaseFacts(t0=date(2026, 9, 1), pauses=((date(2026, 11, 1), None),))
    deadlines = due_map(facts)
    assert deadlines[Kind.DECISION].paused
    assert deadlines[Kind.DECISION].paused_days == 24
    assert status_of(deadlines[Kind.DECISION], TODAY).state == State.PAUSED


def test_a_late_consent_moves_t0_and_every_deadline_with_it():
    early = due_map(CaseFacts(t0=date(2026, 9, 1)))
    late = due_map(CaseFacts(t0=date(2026, 9, 21)))
    assert late[Kind.DECISION].due_on == next_working_day(date(2026, 12, 21))
    assert late[Kind.DECISION].due_on > early[Kind.DECISION].due_on


def test_a_case_without_t0_has_no_deadlines():
    assert compute_deadlines(CaseFacts(), DEFAULT_RULES, TODAY) == []


def test_the_decision_meets_the_provisional_reply_deadline_too():
    deadlines = due_map(CaseFacts(t0=date(2026, 9, 1), decided_on=date(2026, 9, 20)))
    assert deadlines[Kind.PROVISIONAL_REPLY].met_on == date(2026, 9, 20)


def test_help_start_is_the_decisions_start_date_else_two_weeks_after_the_decision():
    with_start = due_map(
        CaseFacts(t0=date(2026, 6, 1), decided_on=date(2026, 8, 3), help_from=date(2026, 8, 17))
    )
    assert with_start[Kind.HELP_START].due_on == date(2026, 8, 17)
    without = due_map(CaseFacts(t0=date(2026, 6, 1), decided_on=date(2026, 8, 3)))
    assert without[Kind.HELP_START].due_on == date(2026, 8, 17)


def test_renewal_is_three_months_before_the_decision_ends_and_annual_report_a_year_after_start():
    facts = CaseFacts(
        t0=date(2026, 1, 5),
        decided_on=date(2026, 3, 2),
        help_from=date(2026, 3, 16),
        help_until=date(2027, 3, 15),
        help_started_on=date(2026, 3, 16),
    )
    deadlines = due_map(facts)
    assert deadlines[Kind.RENEWAL].due_on == date(2026, 12, 15)
    assert deadlines[Kind.ANNUAL_REPORT].due_on == date(2027, 3, 16)


def test_a_refused_decision_has_no_help_deadlines():
    deadlines = due_map(
        CaseFacts(t0=date(2026, 6, 1), decided_on=date(2026, 8, 3), decision_refused=True)
    )
    assert Kind.HELP_START not in deadlines and Kind.RENEWAL not in deadlines


def test_a_closed_case_keeps_met_deadlines_and_drops_unmet_ones():
    facts = CaseFacts(t0=date(2026, 6, 1), assessed_on=date(2026, 7, 1), closed=True)
    assert set(due_map(facts)) == {Kind.ASSESSMENT}


def test_an_inactive_rule_gives_no_deadline():
    rules = {**DEFAULT_RULES, Kind.ASSESSMENT: Rule(Kind.ASSESSMENT, months=2, active=False)}
    assert Kind.ASSESSMENT not in due_map(CaseFacts(t0=date(2026, 6, 1)), rules=rules)


@pytest.mark.parametrize(
    ("due_on", "met_on", "state", "days"),
    [
        (date(2026, 12, 31), None, State.OK, 36),
        (date(2026, 12, 9), None, State.APPROACHING, 14),
        (date(2026, 11, 25), None, State.APPROACHING, 0),
        (date(2026, 11, 20), None, State.OVERDUE, 5),
        (date(2026, 11, 20), date(2026, 11, 19), State.MET, 0),
        (date(2026, 11, 20), date(2026, 11, 23), State.MET_LATE, 3),
    ],
)
def test_each_deadline_has_a_state(due_on, met_on, state, days):
    from decisions.deadlines import Due

    status = status_of(Due(Kind.DECISION, due_on, met_on), TODAY)
    assert (status.state, status.days) == (state, days)


# --- the appeal's handling (forvaltningsloven § 33: forwarded "så snart saken er tilrettelagt") --


def test_an_appeal_is_due_three_weeks_after_it_came_in_and_met_when_handled():
    base = dict(t0=date(2026, 6, 1), decided_on=date(2026, 8, 3))
    assert Kind.APPEAL not in due_map(CaseFacts(**base))
    pending = due_map(CaseFacts(**base, appeal_received_on=date(2026, 8, 20)))[Kind.APPEAL]
    assert pending.due_on == date(2026, 9, 10) and pending.met_on is None
    assert status_of(pending, date(2026, 9, 11)).state == State.OVERDUE
    handled = due_map(
        CaseFacts(**base, appeal_received_on=date(2026, 8, 20), appeal_handled_on=date(2026, 9, 1))
    )[Kind.APPEAL]
    assert handled.met_on == date(2026, 9, 1)
    assert status_of(handled, TODAY).state == State.MET


def test_an_appeal_deadline_on_a_holiday_moves_and_a_closed_case_drops_it():
    # 04.12.2026 + 21 days = 25.12 (juledag) → 28.12 (the 26th is a Saturday)
    base = dict(
        t0=date(2026, 6, 1), decided_on=date(2026, 8, 3), appeal_received_on=date(2026, 12, 4)
    )
    assert due_map(CaseFacts(**base))[Kind.APPEAL].due_on == date(2026, 12, 28)
    assert Kind.APPEAL not in due_map(CaseFacts(**base, closed=True))


def test_the_appeal_rule_is_the_municipalitys_default_of_three_weeks():
    assert DEFAULT_RULES[Kind.APPEAL] == Rule(Kind.APPEAL, days=21, warning_days=7)
