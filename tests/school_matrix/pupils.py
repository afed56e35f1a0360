"""Access matrix entries of issue 19: pupils (see tests/school_matrix/__init__.py).

/elever/ is the rektor's (every class of their school) and the teacher's (their classes);
registering a pupil and moving one to another class are the rektor's. A pupil the user may not
see is 404 (another school's rektor, another class's teacher); one they see but may not change
is 403 (PPT, the school office, the teacher)."""

from datetime import date

OK = {200}
# The list and the registration: only rektor and teacher (registration: rektor only); nobody
# else has pupils to list (403, before any child is read).
NOT_THEIRS = {p: {403} for p in ("advisor", "styrer_a", "styrer_b", "office", "director")}

MAIN: dict = {
    "referrals:pupil_list": ("get", {}, {**NOT_THEIRS, "outsider": {403}}),
    "referrals:pupil_new": ("get", {}, {**NOT_THEIRS, "outsider": {403}}),
    # The pupil of class 5A at school S (area north): the advisor sees the pupil, does not
    # move them (403); the kindergartens' styrere and office, the director and the other
    # municipality's advisor do not see them (404).
    "referrals:pupil_class": (
        "get",
        {"pk": "pupil"},
        {
            "advisor": {403},
            "styrer_a": {404},
            "styrer_b": {404},
            "office": {404},
            "director": {404},
            "outsider": {404},
        },
    ),
}
SCHOOL: dict = {
    "referrals:pupil_list": (
        "get",
        {},
        {"rektor_a": OK, "rektor_b": OK, "teacher": OK, "school_office": {403}},
    ),
    "referrals:pupil_new": (
        "get",
        {},
        {"rektor_a": OK, "rektor_b": OK, "teacher": {403}, "school_office": {403}},
    ),
    "referrals:pupil_class": (
        "get",
        {"pk": "pupil"},
        {"rektor_a": OK, "rektor_b": {404}, "teacher": {403}, "school_office": {403}},
    ),
}
# The PP-leders (tests/test_access_matrix.py LEADER_ROWS): no pupils' pages; Solvik's sees the
# pupil (every unit of the municipalities its office serves), Bergtun's does not.
LEADER: dict = {
    "referrals:pupil_list": {"ppt_leader": {403}, "other_ppt_leader": {403}},
    "referrals:pupil_new": {"ppt_leader": {403}, "other_ppt_leader": {403}},
    "referrals:pupil_class": {"ppt_leader": {403}, "other_ppt_leader": {404}},
}


def objects(world) -> dict:
    """A pupil of class 5A at school S with a guardian, and the pupil's case at the school."""
    from referrals.models import Referral
    from tests.builders import case_at
    from tests.factories import ChildFactory, GuardianFactory

    pupil = ChildFactory(
        unit=world.school, school_class=world.class_5a, birth_date=date(2016, 3, 1)
    )
    GuardianFactory(child=pupil)
    case = case_at("assessing", world=world, child=pupil, on=date(2026, 10, 28))
    Referral.objects.filter(pk=case.pk).update(kind="oppl_11_6")
    return {"pupil": pupil.pk, "pupil_case": case.pk}
