from datetime import date

import pytest

from referrals.models import Referral
from tests.builders import RECEIVED, case_at

__all__ = ["RECEIVED", "case", "received_case"]


def received_case(world, *, received_on: date = RECEIVED, unit=None) -> Referral:
    """A case through the services: submitted and consented, so its clock runs from T0."""
    return case_at("received", world=world, unit=unit, on=received_on)


@pytest.fixture
def case(world):
    return received_case(world)
