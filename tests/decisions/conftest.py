from datetime import date

import pytest

from referrals.models import Referral
from referrals.services import consent_register, referral_submit
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

RECEIVED = date(2026, 10, 28)  # provisional reply due Mon 30.11.2026, warned from 16.11


def received_case(world, *, received_on=RECEIVED, unit=None) -> Referral:
    """A case through the services: submitted and consented, so its clock runs from T0."""
    child = ChildFactory(unit=unit or world.unit_a)
    guardian = GuardianFactory(child=child)
    referral = ReferralFactory(child=child, created_by=world.advisor, advisor=world.advisor)
    referral_submit(referral_id=referral.pk, actor=world.advisor, received_on=received_on)
    consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=received_on,
        actor=world.advisor,
    )
    return Referral.objects.get(pk=referral.pk)


@pytest.fixture
def case(world):
    return received_case(world)
