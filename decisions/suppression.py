"""Small-count suppression ("prikking") for the director's tables and their exports, as
Norwegian official statistics do it. Pure functions: no database, no Django.

- Primary: a count from 1 to 4 is hidden and shown as "<5" (0 is shown: knowing that no case
  is in a cell tells nothing about any child).
- Secondary: a table's totals are equations (the parts of a row or a column add up to its
  total). An equation with exactly one hidden member gives that member away (total minus the
  others), so a second member is hidden too: the smallest other part that is not zero, else
  the total, else a zero part. Hiding one cell can break another equation, so this repeats
  until no equation has exactly one hidden member.

A table passes its cells as ``{key: count}`` and its equations as ``(parts, total)`` pairs of
keys; the result is the set of keys to hide. Equations may cross tables (the units of an area
add up to the area's row in another table): suppress them together and both tables agree.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence

SMALL_MIN, SMALL_MAX = 1, 4
HIDDEN = "<5"

type Key = Hashable
type Equation = tuple[Sequence[Key], Key]


def is_small(value: int | None) -> bool:
    return value is not None and SMALL_MIN <= value <= SMALL_MAX


def primary(values: Mapping[Key, int | None]) -> set[Key]:
    """The cells hidden for their own sake: counts from 1 to 4."""
    return {key for key, value in values.items() if is_small(value)}


def _second(values: Mapping[Key, int | None], parts: Sequence[Key], total: Key, hidden: set[Key]):
    """Which member of an equation with one hidden member to hide as well."""
    order = {key: i for i, key in enumerate(parts)}
    shown_parts = [p for p in parts if p not in hidden]
    nonzero = [p for p in shown_parts if (values[p] or 0) > 0]
    if nonzero:
        return min(nonzero, key=lambda p: (values[p], order[p]))
    if total not in hidden:
        return total
    if shown_parts:
        return min(shown_parts, key=lambda p: order[p])
    return None


def suppress(values: Mapping[Key, int | None], equations: Iterable[Equation] = ()) -> set[Key]:
    """Every key to hide: the small counts, and what the equations would give away."""
    equations = [(list(parts), total) for parts, total in equations]
    for parts, total in equations:
        missing = [k for k in (*parts, total) if k not in values]
        if missing:
            raise KeyError(f"equation names cells without a value: {missing}")
    hidden = primary(values)
    changed = True
    while changed:
        changed = False
        for parts, total in equations:
            members = [*parts, total]
            if sum(1 for k in members if k in hidden) != 1:
                continue
            extra = _second(values, parts, total, hidden)
            if extra is not None:
                hidden.add(extra)
                changed = True
    return hidden


def column_equations(rows: Sequence[Key], columns: Sequence[Key], total_row: Key) -> list[Equation]:
    """A table whose cells are keyed (row, column) with a totals row: each column's rows add up
    to its (total_row, column) cell."""
    return [([(r, c) for r in rows], (total_row, c)) for c in columns]


def shown(value: int | None, hidden: bool) -> int | str | None:
    """What a reader sees for a count: the number, or "<5" when it is hidden."""
    return HIDDEN if hidden else value
