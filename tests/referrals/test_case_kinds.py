"""The case kinds rule the case's life (referrals/case_kinds.py, issue 19): each rule of the
table names its source and is enforced where the case is worked on."""

from datetime import date

import pytest

from referrals.case_kinds import CaseKind
from tests.builders import case_at

S_KINDS = (CaseKind.OPPL_11_6, CaseKind.OPPL_11_4, CaseKind.OPPL_11_5)


@pytest.mark.parametrize("kind", S_KINDS)
def test_case_at_builds_a_school_case_to_the_vedtak(world, kind):
    case = case_at("decided", world=world, kind=kind)
    assert case.kind == kind
    assert case.unit == world.school
    assert case.status == "decided"
    assert case.decisions.get().decided_by == world.rektor_a
    assert case.child.school_class == world.class_5a
    assert case.child.birth_date == date(2016, 3, 15)  # 5. trinn in 2026/27
