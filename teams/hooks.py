"""What teams needs to know about children and cases, without importing referrals.

Dependencies run one way (decisions → referrals → teams): teams must never import referrals
(tests/teams/test_ressursteam_imports.py checks it). Yet two ressursteam features need facts
that only referrals holds:

- the anonymous consultation form refuses a full name of a child registered at the unit, so
  it needs "the names of the children at unit X";
- the unit's page and the advisor's "Mitt arbeid" set system work against individual cases,
  so they need "how many cases were worked on per month".

teams declares these needs here as named slots; referrals fills them in its
``AppConfig.ready()`` (referrals/apps.py → referrals.consultations.register_team_hooks). The
functions take and return plain ids, strings and numbers, never a Child or a Referral, so
nothing with a child's identity crosses into teams except, transiently, the names the
anonymity check compares against (they are never stored or shown). With referrals not
installed the slots are empty: no names to refuse, no case figures to show.
"""

from collections.abc import Callable, Iterable
from datetime import date

# unit id -> [(first name, last name), ...] of the children registered at the unit
UnitChildNames = Callable[[int], list[tuple[str, str]]]
# (unit ids or None for "any", advisor id or None, first day, last day)
#   -> {first day of month: number of distinct cases with recorded work that month}
CasesWorked = Callable[[Iterable[int] | None, int | None, date, date], dict[date, int]]

_unit_child_names: UnitChildNames | None = None
_cases_worked: CasesWorked | None = None


def register(*, unit_child_names: UnitChildNames, cases_worked: CasesWorked) -> None:
    """Called once by referrals' AppConfig.ready()."""
    global _unit_child_names, _cases_worked
    _unit_child_names = unit_child_names
    _cases_worked = cases_worked


def unit_child_names(unit_id: int) -> list[tuple[str, str]]:
    return _unit_child_names(unit_id) if _unit_child_names else []


def cases_worked(
    *, unit_ids: Iterable[int] | None, advisor_id: int | None, start: date, end: date
) -> dict[date, int] | None:
    """None when no app supplies case figures (the page then says so)."""
    if _cases_worked is None:
        return None
    return _cases_worked(unit_ids, advisor_id, start, end)
