"""factory_boy factories that keep related objects consistent (a unit's area belongs to the
unit's municipality, a role points at what its kind needs)."""

import factory

from demo.organisation import org_number
from teams.models import Area, Municipality, PPTOffice, Role, Unit, User


def _org_number(n: int) -> str:
    return org_number(n, prefix="8")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["number"]

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    # Four digits (the field and the real numbers): the sequence wraps after 2,000 in one
    # worker; each test rolls back, so a wrapped number never meets its namesake.
    number = factory.Sequence(lambda n: f"{8000 + n % 2000:04d}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Område {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Testbarnehage {n}")
    kind = Unit.Kind.KINDERGARTEN
    ownership = Unit.Ownership.MUNICIPAL
    org_number = factory.Sequence(_org_number)
    area = factory.SubFactory(AreaFactory)
    municipality = factory.SelfAttribute("area.municipality")


class PPTOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PPTOffice
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"PPT {n}")

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.no")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("riktig-passord-123")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.OFFICE

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)

    @factory.post_generation
    def classes(self, create, extracted, **kwargs):
        if create and extracted:
            self.classes.set(extracted)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


# --- children and cases ----------------------------------------------------------------------

import datetime as _dt  # noqa: E402
import random as _random  # noqa: E402

from referrals import idnumber as _idnumber  # noqa: E402
from referrals.models import Child, Guardian, Referral  # noqa: E402

_rng = _random.Random(7)


def _synthetic_number(birth_date):
    return _idnumber.generate_synthetic(birth_date, _rng)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    unit = factory.SubFactory(UnitFactory)
    municipality = factory.SelfAttribute("unit.municipality")
    first_name = factory.Sequence(lambda n: f"Barn{n}")
    last_name = "Testesen"
    birth_date = factory.Sequence(lambda n: _dt.date(2021, 1, 1) + _dt.timedelta(days=n % 900))
    id_number = factory.LazyAttribute(lambda o: _synthetic_number(o.birth_date))
    sex = Child.Sex.FEMALE


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"Forelder {n}")
    relation = Guardian.Relation.MOTHER
    phone = "99999999"
    parental_responsibility = True
    lives_with_child = True


class ReferralFactory(factory.django.DjangoModelFactory):
    """A draft referral of a child in the child's unit; pass status/dates for later states."""

    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    unit = factory.SelfAttribute("child.unit")
    municipality = factory.SelfAttribute("child.municipality")
    concern = "Barnet snakker lite og trekker seg unna lek."
    services = ["assessment"]
    created_by = factory.SubFactory(UserFactory)
