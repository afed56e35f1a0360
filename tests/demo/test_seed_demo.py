from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from teams.models import Area, Municipality, PPTOffice, Role, Unit, User

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Municipality, Area, Unit, PPTOffice, User, Role)]


def test_seed_demo_twice_gives_the_same_rows(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--children", "60", "--referrals", "20", stdout=StringIO())
    first = counts()
    call_command("seed_demo", "--children", "60", "--referrals", "20", stdout=StringIO())
    assert counts() == first
    assert first[:4] == [2, 6, 50, 1]
    assert Unit.objects.filter(kind=Unit.Kind.SCHOOL).count() == 10
    assert set(Role.objects.values_list("kind", flat=True)) == set(Role.Kind.values)


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()
