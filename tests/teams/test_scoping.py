"""teams.scoping: which municipalities and units each role sees."""

import pytest

from teams.scoping import visible_municipalities, visible_units

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(u.name for u in qs)


def test_advisor_without_area_limit_sees_every_unit_the_office_serves(world):
    assert names(visible_units(world.advisor)) == [
        "Barnehage A",
        "Barnehage B",
        "Skole S",
        "Skole T",
    ]
    assert list(visible_municipalities(world.advisor)) == [world.municipality]


def test_advisor_limited_to_an_area_sees_only_its_units(world):
    assert names(visible_units(world.advisor_south)) == ["Barnehage B", "Skole T"]


def test_styrer_sees_only_their_own_unit(world):
    assert names(visible_units(world.styrer_a)) == ["Barnehage A"]
    assert names(visible_units(world.styrer_b)) == ["Barnehage B"]
    assert list(visible_municipalities(world.styrer_a)) == [world.municipality]


def test_kindergarten_office_sees_the_kindergartens_of_its_municipality(world):
    assert names(visible_units(world.office)) == ["Barnehage A", "Barnehage B"]


def test_director_admin_and_special_educator_see_all_units_of_their_municipality(world):
    for user in (world.director, world.admin, world.special_educator):
        assert names(visible_units(user)) == ["Barnehage A", "Barnehage B", "Skole S", "Skole T"]
        assert list(visible_municipalities(user)) == [world.municipality]


def test_person_of_another_municipality_sees_nothing_of_this_one(world):
    assert names(visible_units(world.outsider)) == ["Bergtun barnehage"]
    assert list(visible_municipalities(world.outsider)) == [world.other_municipality]


def test_user_without_roles_sees_nothing(world):
    assert not visible_units(world.no_roles).exists()
    assert not visible_municipalities(world.no_roles).exists()


def test_deactivated_user_sees_nothing(world):
    world.styrer_a.is_active = False
    world.styrer_a.save()
    assert not visible_units(world.styrer_a).exists()


def test_anonymous_user_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_units(AnonymousUser()).exists()


def test_several_roles_give_the_union_of_their_scopes(world):
    from teams.models import Role
    from tests.factories import RoleFactory

    RoleFactory(user=world.styrer_a, kind=Role.Kind.UNIT_HEAD, units=[world.unit_b])
    world.styrer_a._rimelig_roles = None
    assert names(visible_units(world.styrer_a)) == ["Barnehage A", "Barnehage B"]


def test_an_interkommunal_office_serves_both_municipalities(world):
    world.office_ppt.municipalities.add(world.other_municipality)
    assert "Bergtun barnehage" in names(visible_units(world.advisor))
    assert set(visible_municipalities(world.advisor)) == {
        world.municipality,
        world.other_municipality,
    }


def test_roles_are_read_once_per_request(world, django_assert_num_queries):
    from teams.scoping import user_roles

    user = world.advisor
    with django_assert_num_queries(1):  # roles with their areas, units, office municipalities
        user_roles(user)
    with django_assert_num_queries(1):  # the units query itself; roles come from the cache
        list(visible_units(user))


def test_ppt_leader_sees_every_unit_of_every_municipality_the_office_serves(world):
    from referrals.scoping import visible_children, visible_referrals
    from teams.models import Role
    from tests.factories import RoleFactory, UserFactory

    leader = UserFactory(email="lise@test.no")
    RoleFactory(user=leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    assert names(visible_units(leader)) == ["Barnehage A", "Barnehage B", "Skole S", "Skole T"]
    assert list(visible_municipalities(leader)) == [world.municipality]
    # An interkommunal office: both municipalities, never an area limit.
    world.office_ppt.municipalities.add(world.other_municipality)
    leader._rimelig_roles = None
    assert "Bergtun barnehage" in names(visible_units(leader))
    assert set(visible_municipalities(leader)) == {world.municipality, world.other_municipality}
    # Aggregates only: the role opens no case and no child.
    assert not visible_referrals(leader).exists()
    assert not visible_children(leader).exists()


def test_a_ppt_leader_role_needs_its_office(world):
    from django.db import IntegrityError, transaction

    from teams.models import Role
    from tests.factories import RoleFactory, UserFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(user=UserFactory(), kind=Role.Kind.PPT_LEADER, ppt_office=None)
