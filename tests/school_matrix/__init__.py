"""The access matrix's entries for issue 19, one module per part (its owner edits only its own):

- MAIN: {url name: (method, kwargs, {persona: expected})} for the personas of
  tests/test_access_matrix.py (PERSONAS); merged into its MATRIX.
- SCHOOL: the same for the school personas (SCHOOL_PERSONAS: rektor_a, rektor_b, teacher,
  school_office), over every URL: tests/test_access_matrix_school.py.
- objects(world) -> dict: the objects the part's kwargs name (merged into both fixtures).
"""

from tests.school_matrix import base, iop, pupils, transition, unit_referrals

PARTS = (base, pupils, unit_referrals, iop, transition)


def main_entries() -> dict:
    merged = {}
    for part in PARTS:
        merged.update(getattr(part, "MAIN", {}))
    return merged


def school_entries() -> dict:
    merged = {}
    for part in PARTS:
        merged.update(getattr(part, "SCHOOL", {}))
    return merged


def objects(world) -> dict:
    merged = {}
    for part in PARTS:
        make = getattr(part, "objects", None)
        if make:
            merged.update(make(world))
    return merged
