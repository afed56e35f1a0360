"""Small-count suppression ("prikking") for the director's tables and their exports, as
Norwegian official statistics do it. Pure functions: no database, no Django.

- Primary: a count from 1 to 4 is hidden and shown as "<5" (0 is shown: knowing that no case
  is in a cell tells nothing about any child).
- Secondary: a table's totals are equations (the parts of a row or a column add up to its
  total). An equation with exactly one hidden member gives that member away (total minus the
  others), so a second member is hidden too: the smallest other part that is not zero, else
  the total, else a zero part. Hiding one cell can break another equation, so this repeats
  until no equation has exactly one hidden member.

- Marks: a count hidden for its own sake reads "<5"; a cell hidden only to protect another
  (a count of 0 or 5 and more, a share, a number of days) reads "⋯", explained under the table
  and in the exports' notes. "<5" is never shown for a large count or a share: a reader
  adding up "143 = <5 + <5 + 108" would be misled.
- Because the marks tell a small cell (1–4) from a protecting one (0 or 5 and more), an
  equation must also not pin a small cell down through those ranges: "<5 + ⋯ = 6" leaves only
  1 + 5. While an equation lets a hidden small cell take fewer than two values, one more member
  is hidden (the same choice as above). (leaks_small checks one equation with the ranges.)

A table passes its cells as ``{key: count}`` and its equations as ``(parts, total)`` pairs of
keys; the result is the set of keys to hide. Equations may cross tables (the units of an area
add up to the area's row in another table): suppress them together and both tables agree.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence

SMALL_MIN, SMALL_MAX = 1, 4
HIDDEN = "<5"
# A cell hidden only so that a small one cannot be worked out (secondary suppression).
SECONDARY = "⋯"
INF = float("inf")

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


# --- what a reader can tell from the marks: a union of intervals per hidden cell ---------------

type Ranges = list[tuple[float, float]]


def _range(value: int | None) -> Ranges:
    """The values a hidden cell may have, to a reader who sees its mark."""
    return [(SMALL_MIN, SMALL_MAX)] if is_small(value) else [(0, 0), (SMALL_MAX + 1, INF)]


def _add(a: Ranges, b: Ranges, sign: int = 1) -> Ranges:
    """{x + sign * y: x in a, y in b} as intervals, merged: the integers they hold, in as few
    intervals as that takes (without merging, n hidden cells made 2^n intervals)."""
    out = []
    for lo, hi in a:
        for blo, bhi in b:
            out.append((lo + blo, hi + bhi) if sign > 0 else (lo - bhi, hi - blo))
    out.sort()
    merged = [out[0]]
    for lo, hi in out[1:]:
        last_lo, last_hi = merged[-1]
        if lo <= last_hi + 1:
            merged[-1] = (last_lo, max(last_hi, hi))
        else:
            merged.append((lo, hi))
    return merged


def leaks_small(
    values: Mapping[Key, int | None], parts: Sequence[Key], total: Key, hidden: set[Key]
) -> bool:
    """Can a reader of one equation (the shown members' numbers, the hidden members' marks)
    narrow a hidden small count down to a single value?"""
    members = [(k, 1) for k in parts] + [(total, -1)]  # sum(parts) - total = 0
    known = sum(sign * (values[k] or 0) for k, sign in members if k not in hidden)
    unknown = [(k, sign) for k, sign in members if k in hidden]
    # What the other hidden members may add up to, for each member: the sums of those before
    # it and of those after it (a few merged intervals each), not a sum per member and other.
    before: list[Ranges] = [[(0, 0)]]
    for other, other_sign in unknown:
        before.append(_add(before[-1], _range(values[other]), other_sign))
    after: list[Ranges] = [[(0, 0)]]
    for other, other_sign in reversed(unknown):
        after.append(_add(after[-1], _range(values[other]), other_sign))
    after.reverse()
    for i, (key, sign) in enumerate(unknown):
        if not is_small(values[key]):
            continue
        rest = _add(before[i], after[i + 1])
        # sign * v + rest + known = 0 for some rest: v is possible
        possible = [
            v
            for v in range(SMALL_MIN, SMALL_MAX + 1)
            if any(lo <= -known - sign * v <= hi for lo, hi in rest)
        ]
        if len(possible) < 2:
            return True
    return False


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
            count = sum(1 for k in members if k in hidden)
            if count == 0 or count == len(members):
                continue
            if count > 1 and not leaks_small(values, parts, total, hidden):
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


def mark(value: int | float | None, *, count: bool = True) -> str:
    """The mark of a hidden cell: "<5" for a count hidden for its own sake (1–4), "⋯" for
    anything hidden only to protect another (a larger count or 0, a share, days)."""
    return HIDDEN if count and is_small(value) else SECONDARY


def shown(value: int | None, hidden: bool) -> int | str | None:
    """What a reader sees for a count: the number, or its mark when it is hidden."""
    return mark(value) if hidden else value
