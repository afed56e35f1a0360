"""Schools' classes and the kontaktlærer/spesialpedagog's role in the admin (issue 19): a
school's classes on its page and in their own list, one municipality at a time; a teacher's
role names schools and classes of those schools, nothing else has classes; the rektor's
delegation of school vedtak is the municipality's own setting."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from teams.models import Municipality, Role, SchoolClass, Unit
from teams.scoping import manageable_users, role_municipality_ids, taught_class_ids, user_roles
from tests.factories import RoleFactory, UnitFactory, UserFactory


@pytest.fixture
def solvik_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


@pytest.fixture
def bergtun_school(world):
    school = UnitFactory(name="Bergtun skole", area=world.other_unit.area, kind=Unit.Kind.SCHOOL)
    return school, SchoolClass.objects.create(unit=school, trinn=3, name="3A")


# --- the model's rules -----------------------------------------------------------------------


def _role(world, kind, **attach):
    role = Role(user=UserFactory(), kind=kind, municipality=attach.pop("municipality", None))
    role.pending_units = attach.get("units", [])
    role.pending_classes = attach.get("classes", [])
    return role


def test_a_teacher_of_a_class_of_their_school_is_valid(world):
    _role(world, Role.Kind.TEACHER, units=[world.school], classes=[world.class_5a]).full_clean()


def test_a_teacher_with_a_class_of_another_school_is_refused_at_the_classes(world):
    role = _role(world, Role.Kind.TEACHER, units=[world.school], classes=[world.class_b])
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert "en annen skole" in error.value.message_dict["classes"][0]


def test_a_teacher_of_a_kindergarten_is_refused_at_the_units(world):
    role = _role(world, Role.Kind.TEACHER, units=[world.unit_a], classes=[])
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert "skole" in error.value.message_dict["units"][0]


def test_a_teacher_without_classes_is_refused(world):
    role = _role(world, Role.Kind.TEACHER, units=[world.school], classes=[])
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert "classes" in error.value.message_dict


def test_only_a_teacher_has_classes(world):
    role = _role(world, Role.Kind.UNIT_HEAD, units=[world.school], classes=[world.class_5a])
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert "classes" in error.value.message_dict


def test_a_saved_teacher_role_is_checked_against_its_saved_classes(world):
    role = world.teacher.roles.get()
    role.full_clean()
    role.classes.add(world.class_b)
    with pytest.raises(ValidationError):
        Role.objects.get(pk=role.pk).full_clean()


def test_a_kindergarten_has_no_classes(world):
    with pytest.raises(ValidationError) as error:
        SchoolClass(unit=world.unit_a, trinn=1, name="1A").full_clean()
    assert "unit" in error.value.message_dict


def test_a_class_is_on_trinn_1_to_10(world):
    with pytest.raises(ValidationError) as error:
        SchoolClass(unit=world.school, trinn=11, name="11A").full_clean()
    assert "trinn" in error.value.message_dict


# --- scope of the role (teams.scoping) -------------------------------------------------------


def test_the_teachers_classes_come_with_the_roles_in_one_query(world, django_assert_num_queries):
    teacher = type(world.teacher).objects.get(pk=world.teacher.pk)
    with django_assert_num_queries(1):
        assert taught_class_ids(teacher) == [world.class_5a.pk]
        assert taught_class_ids(teacher) == [world.class_5a.pk]  # cached on the user


def test_the_teacher_is_their_municipalitys_to_manage(world, solvik_admin):
    [role] = user_roles(world.teacher)
    assert role_municipality_ids(role) == {world.municipality.pk}
    assert manageable_users(solvik_admin).filter(pk=world.teacher.pk).exists()


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_gives_a_teacher_role_with_a_class_of_the_school(client, world, solvik_admin):
    client.force_login(solvik_admin)
    user = UserFactory(email="kari@test.no")
    RoleFactory(user=user, kind=Role.Kind.UNIT_HEAD, units=[world.unit_b])
    data = {
        "user": user.pk,
        "kind": "teacher",
        "units": [world.school.pk],
        "classes": [world.class_5b.pk],
        "unit_kind": "",
    }
    response = client.post(reverse("admin:teams_role_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    role = user.roles.get(kind="teacher")
    assert list(role.classes.all()) == [world.class_5b]


def test_the_admin_refuses_a_teacher_role_with_another_schools_class(client, world, solvik_admin):
    client.force_login(solvik_admin)
    user = UserFactory(email="kari@test.no")
    RoleFactory(user=user, kind=Role.Kind.UNIT_HEAD, units=[world.unit_b])
    data = {
        "user": user.pk,
        "kind": "teacher",
        "units": [world.school.pk],
        "classes": [world.class_b.pk],
        "unit_kind": "",
    }
    response = client.post(reverse("admin:teams_role_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["classes"] == ["Klassen 8A hører til en annen skole enn rollens."]
    assert not user.roles.filter(kind="teacher").exists()


def test_another_municipalitys_class_is_no_choice_and_its_page_is_404(
    client, world, solvik_admin, bergtun_school
):
    _school, other_class = bergtun_school
    client.force_login(solvik_admin)
    listing = client.get(reverse("admin:teams_schoolclass_changelist"))
    assert listing.status_code == 200
    shown = set(listing.context["cl"].queryset)
    assert shown == {world.class_5a, world.class_5b, world.class_b}
    url = reverse("admin:teams_schoolclass_change", args=[other_class.pk])
    assert client.get(url).status_code == 404
    form = client.get(reverse("admin:teams_role_add")).context["adminform"].form
    assert other_class not in set(form.fields["classes"].queryset)
    add = client.get(reverse("admin:teams_schoolclass_add")).context["adminform"].form
    assert set(add.fields["unit"].queryset) == {world.school, world.school_b}


def test_a_schools_page_has_its_classes_a_kindergartens_none(client, world, solvik_admin):
    client.force_login(solvik_admin)
    school = client.get(reverse("admin:teams_unit_change", args=[world.school.pk]))
    kindergarten = client.get(reverse("admin:teams_unit_change", args=[world.unit_a.pk]))
    assert [f.formset.model for f in school.context["inline_admin_formsets"]] == [SchoolClass]
    assert kindergarten.context["inline_admin_formsets"] == []


def test_the_admin_sets_the_rektors_delegation_but_not_the_name(client, world, solvik_admin):
    client.force_login(solvik_admin)
    url = reverse("admin:teams_municipality_change", args=[world.municipality.pk])
    page = client.get(url)
    assert "school_decisions_by_rektor" in page.context["adminform"].form.fields
    response = client.post(url, {"name": "Nytt navn", "number": "1234"})  # box unticked
    assert response.status_code == 302
    municipality = Municipality.objects.get(pk=world.municipality.pk)
    assert municipality.school_decisions_by_rektor is False
    assert (municipality.name, municipality.number) == ("Solvik", "9901")


def test_another_municipalitys_delegation_is_404(client, world, solvik_admin):
    client.force_login(solvik_admin)
    url = reverse("admin:teams_municipality_change", args=[world.other_municipality.pk])
    assert client.post(url, {}).status_code == 404
    assert Municipality.objects.get(pk=world.other_municipality.pk).school_decisions_by_rektor
