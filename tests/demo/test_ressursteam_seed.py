"""seed_demo's ressursteam (demo/ressursteam.py, demo/consultations.py): a year
of meetings, both kinds of consultation, system work and the services overview; twice gives
the same rows."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from referrals.models import ConsultationConsent, NamedConsultation
from teams.models import User
from teams.ressursteam_models import (
    AnonymousConsultation,
    FollowUp,
    Meeting,
    Service,
    SystemWork,
    TeamMember,
)
from teams.ressursteam_scoping import team_units

pytestmark = pytest.mark.django_db

MODELS = (
    TeamMember,
    Meeting,
    AnonymousConsultation,
    FollowUp,
    SystemWork,
    Service,
    ConsultationConsent,
    NamedConsultation,
)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_seed_demo_adds_the_ressursteam_once(settings):
    settings.DEBUG = True
    args = ["--children", "300", "--referrals", "40"]
    call_command("seed_demo", *args, stdout=StringIO())
    first = counts()
    call_command("seed_demo", *args, stdout=StringIO())
    assert counts() == first
    assert first["Meeting"] == 36  # monthly for a year at three kindergartens
    assert first["Service"] == 22  # eleven services in each municipality
    assert all(first.values())
    today = timezone.localdate()
    assert not Meeting.objects.filter(held_on__gte=today.replace(day=1)).exists()
    advisor = User.objects.get(email="radgiver@demo.no")
    styrer = User.objects.get(email="styrer@demo.no")
    seen = set(team_units(advisor).values_list("pk", flat=True))
    assert set(Meeting.objects.values_list("unit", flat=True)) <= seen
    assert set(SystemWork.objects.filter(advisor=advisor).values_list("unit", flat=True)) <= seen
    assert Meeting.objects.filter(unit__in=team_units(styrer)).count() == 12
    for c in NamedConsultation.objects.select_related("consent", "meeting"):
        assert c.consent.child_id == c.child_id and c.consent.given_on <= c.meeting.held_on
