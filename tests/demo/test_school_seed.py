"""seed_demo's schools (issue 19, demo/organisation.py, demo/pupils.py): classes on every trinn
of every school of both municipalities, pupils on every trinn with their guardians, the school
personas, and who decides in each municipality."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from referrals.case_kinds import trinn_from_birth
from referrals.models import Child
from teams.models import Municipality, Role, SchoolClass, Unit, User

pytestmark = pytest.mark.django_db

SMALL = ["--children", "120", "--referrals", "40"]


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", *SMALL, stdout=out)
    return out.getvalue()


def test_every_school_has_classes_and_pupils_on_every_trinn(seeded):
    today = timezone.localdate()
    schools = Unit.objects.filter(kind=Unit.Kind.SCHOOL)
    assert set(schools.values_list("municipality__number", flat=True)) == {"9901", "9902"}
    for school in schools:
        classes = SchoolClass.objects.filter(unit=school)
        assert set(classes.values_list("trinn", flat=True)) == set(range(1, 11))
        assert {"1A", "1B", "10A", "10B"} <= set(classes.values_list("name", flat=True))
        pupils = Child.objects.filter(unit=school).select_related("school_class")
        assert {p.school_class.trinn for p in pupils} == set(range(1, 11)), school
        for pupil in pupils.prefetch_related("guardians"):
            assert pupil.school_class.unit_id == school.pk
            assert trinn_from_birth(pupil.birth_date, today) == pupil.school_class.trinn
            assert any(g.parental_responsibility for g in pupil.guardians.all())
    assert not SchoolClass.objects.filter(unit__kind=Unit.Kind.KINDERGARTEN).exists()
    assert not Child.objects.filter(unit__kind=Unit.Kind.KINDERGARTEN, school_class__isnull=False)


def test_the_school_personas_and_who_decides(seeded):
    rektor = Role.objects.get(user__email="rektor@demo.no", kind=Role.Kind.UNIT_HEAD)
    (school,) = rektor.units.all()
    assert school.kind == Unit.Kind.SCHOOL and school.municipality.number == "9901"
    assert rektor.user.full_name == "Rita Rektor"
    (other,) = Role.objects.get(user__email="rektor2@demo.no", kind=Role.Kind.UNIT_HEAD).units.all()
    assert other.kind == Unit.Kind.SCHOOL and other != school
    teacher = Role.objects.get(user__email="kontaktlarer@demo.no", kind=Role.Kind.TEACHER)
    assert list(teacher.units.all()) == [school]
    assert teacher.classes.count() == 2
    assert set(teacher.classes.values_list("unit", flat=True)) == {school.pk}
    office = Role.objects.get(user__email="skolekontoret@demo.no", kind=Role.Kind.OFFICE)
    assert office.unit_kind == Unit.Kind.SCHOOL and office.municipality == school.municipality
    # Solvik has delegated the school vedtak to the rektor, Bergtun has not (case_kinds.DecidedBy).
    assert Municipality.objects.get(number="9901").school_decisions_by_rektor
    assert not Municipality.objects.get(number="9902").school_decisions_by_rektor
    for email in ("rektor@demo.no", "rektor2@demo.no", "kontaktlarer@demo.no"):
        assert User.objects.get(email=email).check_password("rimelig-demo")
        assert email in seeded


def test_a_second_run_adds_no_class_pupil_or_role(seeded, settings):
    def counts():
        return [m.objects.count() for m in (SchoolClass, Child, Role, User)]

    before = counts()
    call_command("seed_demo", *SMALL, stdout=StringIO())
    assert counts() == before
