"""Access matrix entries of issue 19: iop (see tests/school_matrix/__init__.py).

The IOP (opplæringslova § 11-10) and årleg evaluering (§ 11-11) of a § 11-6 case of a pupil in
class 5A of school S: the school (its rektor, the class's teacher) reads and writes; PPT (the
advisor) and the school office read (403 on a write); everyone else gets a 404."""

OK = {200}
DONE = {200, 302, 422}
ALL_MAIN = ["advisor", "styrer_a", "styrer_b", "office", "director", "outsider"]

# Reading: PPT reads; a kindergarten's styrer and the kindergarten office see no school case.
READ_MAIN = {**dict.fromkeys(ALL_MAIN, 404), "advisor": OK}
WRITE_MAIN = {**dict.fromkeys(ALL_MAIN, 404), "advisor": 403}
READ_SCHOOL = {"rektor_a": OK, "rektor_b": 404, "teacher": OK, "school_office": OK}
WRITE_SCHOOL = {"rektor_a": DONE, "rektor_b": 404, "teacher": DONE, "school_office": 403}

_PAGES = {
    # name: (method, kwargs, reads or writes)
    "decisions:iop_case": ("get", {"pk": "iop_case"}, "read"),
    "decisions:iop_detail": ("get", {"pk": "iop"}, "read"),
    "decisions:iop_finalise": ("post", {"pk": "iop"}, "write"),
    "decisions:iop_new_version": ("post", {"pk": "iop"}, "write"),
    "decisions:evaluation_new": ("post", {"pk": "iop"}, "write"),
    "decisions:evaluation_detail": ("get", {"pk": "iop_evaluation"}, "read"),
    "decisions:evaluation_share": ("get", {"pk": "iop_evaluation"}, "write"),
}

MAIN: dict = {
    # The list is everyone's own scope (an empty list for those without school cases).
    "decisions:iop_list": ("get", {}, dict.fromkeys(ALL_MAIN, OK)),
    **{
        name: (method, kwargs, READ_MAIN if kind == "read" else WRITE_MAIN)
        for name, (method, kwargs, kind) in _PAGES.items()
    },
}
SCHOOL: dict = {
    "decisions:iop_list": ("get", {}, dict.fromkeys(READ_SCHOOL, OK)),
    **{
        name: (method, kwargs, READ_SCHOOL if kind == "read" else WRITE_SCHOOL)
        for name, (method, kwargs, kind) in _PAGES.items()
    },
}

# The PP-leders (tests/test_access_matrix.py LEADER_ROWS): the one of the office serving the
# school's municipality reads like an advisor; the other office's gets 404.
LEADER: dict = {
    "decisions:iop_list": {"ppt_leader": OK, "other_ppt_leader": OK},
    **{
        name: {"ppt_leader": OK if kind == "read" else {403}, "other_ppt_leader": {404}}
        for name, (_method, _kwargs, kind) in _PAGES.items()
    },
}


def objects(world) -> dict:
    """A § 11-6 case of a pupil in class 5A of world.school with a running vedtak, its final
    IOP and a draft evaluation."""
    from decisions.models import Decision
    from tests.decisions.school_plans import final_iop, pupil_case, written_evaluation

    case = pupil_case(world)
    # Running until further notice: the matrix's IOP needs a vedtak in force whatever day the
    # suite runs (RIMELIG_TODAY=2028-02-29 is after the school year 2026/27).
    Decision.objects.filter(referral=case).update(ends_on=None)
    iop = final_iop(case, world.rektor_a)
    evaluation = written_evaluation(iop, world.rektor_a)
    return {"iop_case": case.pk, "iop": iop.pk, "iop_evaluation": evaluation.pk}
