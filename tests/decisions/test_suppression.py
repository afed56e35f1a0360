"""Small-count suppression on hand-made tables (decisions/suppression.py): primary "<5" for 1–4,
and a second hidden cell wherever a total would give the hidden one away."""

import random

import pytest

from decisions.suppression import (
    HIDDEN,
    SECONDARY,
    column_equations,
    is_small,
    leaks_small,
    mark,
    primary,
    shown,
    suppress,
)


def _every_equation_is_safe(values, equations, hidden):
    """No equation may have exactly one hidden member (it could be worked out)."""
    for parts, total in equations:
        members = [*parts, total]
        assert sum(1 for k in members if k in hidden) != 1, (parts, total, hidden)


def test_counts_from_one_to_four_are_hidden_and_zero_and_five_are_not():
    assert primary({"a": 0, "b": 1, "c": 4, "d": 5, "e": 17}) == {"b", "c"}
    assert [is_small(v) for v in (None, 0, 1, 4, 5)] == [False, False, True, True, False]


def test_without_totals_only_the_small_counts_are_hidden():
    assert suppress({"a": 3, "b": 10, "c": 12}) == {"a"}


def test_a_row_total_makes_the_next_smallest_cell_hidden_too():
    # 3 + 10 + 12 = 25: with only the 3 hidden, 25 − 10 − 12 gives it away; 10 is the
    # smallest of the others, so it goes as well.
    values = {"a": 3, "b": 10, "c": 12, "total": 25}
    assert suppress(values, [(["a", "b", "c"], "total")]) == {"a", "b"}


def test_zero_cells_are_not_chosen_while_a_nonzero_cell_is_left():
    # 2 + 0 + 9 = 11: hiding the 0 would not protect the 2 (a reader sees 0 is 0 elsewhere);
    # the 9 is hidden.
    values = {"a": 2, "b": 0, "c": 9, "total": 11}
    assert suppress(values, [(["a", "b", "c"], "total")]) == {"a", "c"}


def test_a_small_total_is_hidden_with_its_only_part():
    values = {"a": 3, "b": 0, "total": 3}
    assert suppress(values, [(["a", "b"], "total")]) == {"a", "total"}


def test_the_total_goes_when_only_zeros_are_left_beside_a_hidden_cell():
    # x = 2 is hidden, so y = 6 goes in the first equation; in the second, y + z = t2 with
    # z = 0 would give y away: no nonzero part is left, so the total t2 is hidden.
    values = {"x": 2, "y": 6, "t1": 8, "z": 0, "t2": 6}
    equations = [(["x", "y"], "t1"), (["y", "z"], "t2")]
    assert suppress(values, equations) == {"x", "y", "t2"}


def test_a_hidden_total_hides_a_part_of_its_own_row():
    # The total 9 is hidden by another equation; 2 + 7 = 9 would give it back, so the
    # smallest part (2) goes.
    values = {"a": 2, "b": 7, "row": 9, "other": 1, "grand": 10}
    equations = [(["a", "b"], "row"), (["row", "other"], "grand")]
    hidden = suppress(values, equations)
    assert {"row", "other", "a"} <= hidden
    _every_equation_is_safe(values, equations, hidden)


def test_a_two_way_table_with_row_and_column_totals():
    #        A   B   C  | sum
    #   r1   3   8   9  | 20
    #   r2   7   6   5  | 18
    #   r3  10  12   4  | 26
    #   sum 20  26  18  | 64
    # Primary: r1A (3) and r3C (4). Row r1 then hides r1B (8, smaller than 9); row r3 hides
    # r3A (10, smaller than 12). Column A now has two hidden. Column B has one (r1B): the
    # smallest other is r2B (6). Column C has one (r3C): the smallest other is r2C (5).
    # Row r2 then has two hidden: stable.
    grid = {"r1": [3, 8, 9], "r2": [7, 6, 5], "r3": [10, 12, 4]}
    values = {(r, c): v for r, row in grid.items() for c, v in zip("ABC", row, strict=True)}
    for r, row in grid.items():
        values[(r, "sum")] = sum(row)
    for i, c in enumerate("ABC"):
        values[("sum", c)] = sum(row[i] for row in grid.values())
    values[("sum", "sum")] = 64
    rows = [([(r, c) for c in "ABC"], (r, "sum")) for r in [*grid, "sum"]]
    columns = column_equations([*grid], [*"ABC", "sum"], "sum")
    hidden = suppress(values, rows + columns)
    assert hidden == {("r1", "A"), ("r1", "B"), ("r3", "A"), ("r3", "C"), ("r2", "B"), ("r2", "C")}
    _every_equation_is_safe(values, rows + columns, hidden)


def test_column_equations_name_each_column_and_its_total():
    assert column_equations(["x", "y"], [0, 1], "t") == [
        ([("x", 0), ("y", 0)], ("t", 0)),
        ([("x", 1), ("y", 1)], ("t", 1)),
    ]


def test_an_equation_over_a_missing_cell_is_a_programming_error():
    with pytest.raises(KeyError):
        suppress({"a": 1}, [(["a", "b"], "total")])


def test_shown_is_the_number_or_the_hidden_mark():
    assert shown(7, False) == 7
    assert shown(3, True) == HIDDEN == "<5"
    assert shown(7, True) == SECONDARY


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_never_leave_a_lone_hidden_cell(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 6), rng.randint(1, 5)
    values = {
        (r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20])
        for r in range(rows)
        for c in range(cols)
    }
    for r in range(rows):
        values[(r, "sum")] = sum(values[(r, c)] for c in range(cols))
    for c in [*range(cols), "sum"]:
        values[("sum", c)] = sum(values[(r, c)] for r in range(rows))
    equations = [([(r, c) for c in range(cols)], (r, "sum")) for r in [*range(rows), "sum"]]
    equations += column_equations(list(range(rows)), [*range(cols), "sum"], "sum")
    hidden = suppress(values, equations)
    assert primary(values) <= hidden
    _every_equation_is_safe(values, equations, hidden)


# --- two marks: "<5" for a small count, "⋯" for a cell hidden to protect one ----------------


def test_a_cell_hidden_to_protect_a_small_one_is_not_marked_as_small():
    # "Utredning pågår 143 = <5 + <5 + 108" must read "143 = <5 + ⋯ + 108".
    values = {"small": 3, "large": 32, "rest": 108, "total": 143}
    hidden = suppress(values, [(["small", "large", "rest"], "total")])
    assert hidden == {"small", "large"}
    assert [shown(values[k], k in hidden) for k in ("small", "large", "rest", "total")] == [
        "<5",
        SECONDARY,
        108,
        143,
    ]
    assert mark(0) == mark(5) == mark(143) == SECONDARY == "⋯"
    assert mark(4) == HIDDEN
    assert mark(3, count=False) == SECONDARY  # a share or a number of days is never "<5"


def test_the_marks_must_not_pin_a_small_count_down():
    # "<5 + ⋯ = 6": a protecting cell is 0 or at least 5, so only 1 + 5 fits. The total goes.
    values = {"a": 1, "b": 5, "total": 6}
    assert leaks_small(values, ["a", "b"], "total", {"a", "b"})
    assert suppress(values, [(["a", "b"], "total")]) == {"a", "b", "total"}
    # "<5 + ⋯ = 9" leaves 1 + 8, 2 + 7, 3 + 6, 4 + 5: safe as it is.
    values = {"a": 4, "b": 5, "total": 9}
    assert suppress(values, [(["a", "b"], "total")]) == {"a", "b"}
    # "<5 + <5 = 2": both are 1. The next smallest part goes too.
    values = {"a": 1, "b": 1, "c": 7, "total": 9}
    assert leaks_small(values, ["a", "b", "c"], "total", {"a", "b"})
    assert suppress(values, [(["a", "b", "c"], "total")]) == {"a", "b", "c"}


def _possible_values(values, parts, total, hidden, key, cap=60):
    """Brute force: the values ``key`` may have to a reader of one equation who sees the shown
    numbers and the marks (1–4 for "<5"; 0 or 5 and more, up to ``cap``, for "⋯")."""
    members = [(k, 1) for k in parts] + [(total, -1)]

    def domain(k):
        if k not in hidden:
            return [values[k]]
        return list(range(1, 5)) if is_small(values[k]) else [0, *range(5, cap)]

    sums = {0: set()}  # reachable signed sum -> the key's values that reach it
    for k, sign in members:
        new = {}
        for acc, seen in sums.items():
            for v in domain(k):
                new.setdefault(acc + sign * v, set()).update(seen | {v} if k == key else seen)
        sums = new
    return sums.get(0, set())


@pytest.mark.parametrize("seed", range(40))
def test_random_equations_leave_every_small_count_at_least_two_values(seed):
    rng = random.Random(seed)
    parts = [f"p{i}" for i in range(rng.randint(2, 4))]
    values = {k: rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12]) for k in parts}
    values["t"] = sum(values[k] for k in parts)
    hidden = suppress(values, [(parts, "t")])
    for key in hidden:
        # (With every member hidden nothing more can be done: "<5 + <5 = <5" with four 1s
        # adding up to 4 stays readable. The dashboard's small tables show this rarely.)
        if is_small(values[key]) and len(hidden) < len(parts) + 1:
            assert len(_possible_values(values, parts, "t", hidden, key)) >= 2, (values, hidden)


def test_the_ranges_of_many_hidden_cells_stay_a_few_intervals():
    """A reader's knowledge of 30 hidden cells of 5 or more (or 0) is "0, or 5 and more": two
    intervals, not 2^30 (the dashboard's unit tables hide dozens of cells at national scale)."""
    from decisions.suppression import _add, _range

    rest = [(0, 0)]
    for _ in range(30):
        rest = _add(rest, _range(7))
    assert rest == [(0, 0), (5, float("inf"))]
    values = {f"u{i}": (2 if i == 0 else 7) for i in range(40)} | {"total": 2 + 39 * 7}
    hidden = suppress(values, [([f"u{i}" for i in range(40)], "total")])
    assert "u0" in hidden and len(hidden) >= 2
