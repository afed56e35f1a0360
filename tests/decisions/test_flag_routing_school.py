"""Issue 19: the morning job tells whoever decides a pupil's case. Where the municipality has
delegated chapter 11 vedtak to the rektor (teams.Municipality.school_decisions_by_rektor;
referrals/case_kinds.py DecidedBy.RECTOR_WHERE_DELEGATED), the school's rektor gets the
office's flags of the case (foreløpig svar, vedtak); without the delegation the municipality's
school office does. A kindergarten case is routed as before."""

from datetime import date

import pytest

from decisions import flagging
from decisions.models import Notification
from tests.builders import RECEIVED, case_at

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)  # the provisional reply of a case received RECEIVED is in its window


def recipients():
    return set(Notification.objects.values_list("recipient__email", flat=True))


def test_the_rektor_is_told_where_the_vedtak_is_delegated(world):
    assert world.municipality.school_decisions_by_rektor
    case_at("received", world=world, kind="oppl_11_6", on=RECEIVED)
    flagging.detect(TODAY)
    assert recipients() == {world.rektor_a.email}


def test_the_school_office_is_told_without_the_delegation(world):
    world.municipality.school_decisions_by_rektor = False
    world.municipality.save()
    case_at("received", world=world, kind="oppl_11_4", on=RECEIVED)
    flagging.detect(TODAY)
    assert recipients() == {world.school_office.email}


def test_a_kindergarten_case_still_goes_to_the_kindergarten_office(world):
    case_at("received", world=world, on=RECEIVED)
    flagging.detect(TODAY)
    assert recipients() == {world.office.email}
