"""The deadline engine's pauses (issue 18, the pause ledger): a pause stops only the kinds its
reason names, and a day inside two pauses is counted once. Pure: real calendar dates, no
database."""

from datetime import date

from decisions.deadlines import DEFAULT_RULES, CaseFacts, Kind, compute_deadlines, paused_days

T0 = date(2026, 9, 1)
TODAY = date(2026, 12, 1)
DOCS = frozenset({Kind.ASSESSMENT, Kind.DECISION})


def test_a_pause_counts_only_for_the_kinds_it_stops():
    pauses = ((date(2026, 9, 10), date(2026, 9, 20), DOCS),)
    assert paused_days(pauses, T0, None, TODAY, Kind.ASSESSMENT) == (10, False)
    assert paused_days(pauses, T0, None, TODAY, Kind.PROVISIONAL_REPLY) == (0, False)


def test_a_pause_without_kinds_stops_every_kind_as_before():
    pauses = ((date(2026, 9, 10), date(2026, 9, 20)),)
    for kind in Kind:
        assert paused_days(pauses, T0, None, TODAY, kind) == (10, False)


def test_overlapping_days_are_counted_once():
    # 10.09–20.09 and 15.09–25.09 share five days: 15 days paused, not 20.
    pauses = (
        (date(2026, 9, 10), date(2026, 9, 20), DOCS),
        (date(2026, 9, 15), date(2026, 9, 25), DOCS),
    )
    assert paused_days(pauses, T0, None, TODAY, Kind.DECISION) == (15, False)
    # one inside the other: the outer one's days
    inside = ((date(2026, 9, 10), date(2026, 9, 30)), (date(2026, 9, 12), date(2026, 9, 14)))
    assert paused_days(inside, T0, None, TODAY, Kind.DECISION) == (20, False)


def test_an_open_pause_of_another_kind_does_not_pause_the_deadline():
    pauses = ((date(2026, 11, 20), None, DOCS),)
    assert paused_days(pauses, T0, None, TODAY, Kind.ASSESSMENT) == (11, True)
    assert paused_days(pauses, T0, None, TODAY, Kind.PROVISIONAL_REPLY) == (0, False)


def test_the_engine_moves_only_the_stopped_deadlines():
    plain = {d.kind: d for d in compute_deadlines(CaseFacts(t0=T0), DEFAULT_RULES, TODAY)}
    facts = CaseFacts(t0=T0, pauses=((date(2026, 9, 10), date(2026, 9, 20), DOCS),))
    paused = {d.kind: d for d in compute_deadlines(facts, DEFAULT_RULES, TODAY)}
    # the foreløpig svar is due 01.10.2026 either way (forvaltningsloven § 11 a)
    assert paused[Kind.PROVISIONAL_REPLY].due_on == plain[Kind.PROVISIONAL_REPLY].due_on
    assert paused[Kind.PROVISIONAL_REPLY].due_on == date(2026, 10, 1)
    # the assessment, 01.11.2026 (a Sunday → Monday 02.11) plus ten days: Wednesday 11.11
    assert plain[Kind.ASSESSMENT].due_on == date(2026, 11, 2)
    assert paused[Kind.ASSESSMENT].due_on == date(2026, 11, 11)
    assert paused[Kind.ASSESSMENT].paused_days == 10


def test_overlapping_pauses_extend_the_deadline_once():
    facts = CaseFacts(
        t0=T0,
        pauses=(
            (date(2026, 9, 10), date(2026, 9, 20), DOCS),
            (date(2026, 9, 15), date(2026, 9, 25), frozenset(Kind)),
        ),
    )
    due = {d.kind: d for d in compute_deadlines(facts, DEFAULT_RULES, TODAY)}
    assert due[Kind.ASSESSMENT].paused_days == 15
    assert due[Kind.PROVISIONAL_REPLY].paused_days == 10  # only the second stops it
