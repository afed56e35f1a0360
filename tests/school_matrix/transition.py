"""Access matrix entries of issue 19: transition (see tests/school_matrix/__init__.py).

The move from kindergarten to school (decisions/transition_views.py) is PPT's: the advisor who
sees the § 31 case moves the child; those who see the case but do not work on it get 403; a
case of another unit, municipality or kind of unit is 404 (the school's rektor, a teacher and
the school office do not see a kindergarten's case)."""

from datetime import date

from tests.builders import case_at

WORK = {
    "advisor": {200, 302, 422},
    "styrer_a": {403},
    "styrer_b": {404},
    "office": {403},
    "director": {404},
    "outsider": {404},
}
NOT_THEIRS = {"rektor_a": {404}, "rektor_b": {404}, "teacher": {404}, "school_office": {404}}

MAIN: dict = {
    "decisions:transition_to_school": ("get", {"pk": "transition_case"}, WORK),
}
SCHOOL: dict = {
    "decisions:transition_to_school": ("get", {"pk": "transition_case"}, NOT_THEIRS),
}


def objects(world) -> dict:
    # A § 31 case of unit A with a running vedtak, help started 01.10.2026: before any day a
    # test freezes (the hostile crawl's too).
    return {"transition_case": case_at("help_started", world=world, on=date(2026, 9, 1)).pk}
