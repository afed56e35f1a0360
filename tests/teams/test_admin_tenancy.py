"""Tenancy in the admin (issue 16): a municipality's system administrator manages only its own
municipality's users, roles, areas, units, deadline rules and services, and reads only its own
children's access log; the platform operator creates municipalities and their first system
administrator and sees no case, child or access log anywhere."""

import random

import pytest
from django.urls import reverse

from decisions.models import DeadlinePolicy
from decisions.services import deadline_policy_ensure_defaults
from teams.models import Municipality, Role, Unit, User
from teams.ressursteam_models import Service
from teams.scoping import manageable_users, role_municipality_ids, user_roles
from tests.factories import ChildFactory, ReferralFactory, RoleFactory, UserFactory


@pytest.fixture
def solvik_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


@pytest.fixture
def bergtun(world):
    """Bergtun's configuration and people: what Solvik's administrator must not reach."""
    other = world.other_municipality
    admin = UserFactory(email="astrid@bergtun.no", full_name="Astrid Bergtun", is_staff=True)
    RoleFactory(user=admin, kind=Role.Kind.ADMIN, municipality=other)
    office = UserFactory(email="ola@bergtun.no", full_name="Ola Bergtun")
    role = RoleFactory(user=office, kind=Role.Kind.OFFICE, municipality=other)
    deadline_policy_ensure_defaults(world.municipality)
    deadline_policy_ensure_defaults(other)
    service = Service.objects.create(
        municipality=other, name="Bergtun helsestasjon", offers="Alt", age_group="both", contact="x"
    )
    return {
        "admin": admin,
        "user": office,
        "role": role,
        "unit": world.other_unit,
        "area": world.other_unit.area,
        "policy": DeadlinePolicy.objects.filter(municipality=other).first(),
        "service": service,
        "municipality": other,
    }


@pytest.fixture
def operator(db):
    user = UserFactory(email="drift@test.no", full_name="Per Plattform", is_staff=True)
    RoleFactory(user=user, kind=Role.Kind.PLATFORM)
    return user


def _admin_url(obj, view="change"):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


BERGTUN_OBJECTS = ["user", "role", "unit", "area", "policy", "service", "municipality"]


# --- the demo ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_demo_user_is_a_superuser_and_the_admin_is_solviks_system_administrator():
    from demo.organisation import seed_organisation

    org = seed_organisation(random.Random(1))
    assert not User.objects.filter(is_superuser=True).exists()
    admin = org.users["admin"]
    assert admin.is_staff
    assert set(admin.roles.values_list("kind", "municipality__name")) == {
        ("admin", "Solvik kommune")
    }
    assert set(org.users["platform"].roles.values_list("kind", flat=True)) == {"platform"}


@pytest.mark.django_db
def test_seeding_again_takes_superuser_away_from_an_old_demo_admin():
    from demo.organisation import seed_organisation

    seed_organisation(random.Random(1))
    User.objects.filter(email="admin@demo.no").update(is_superuser=True)
    seed_organisation(random.Random(1))
    assert not User.objects.get(email="admin@demo.no").is_superuser


# --- Solvik's administrator and Bergtun's objects ------------------------------------------------


@pytest.mark.parametrize("what", BERGTUN_OBJECTS)
def test_solviks_admin_gets_404_on_bergtuns_objects(client, solvik_admin, bergtun, what):
    obj = bergtun[what]
    client.force_login(solvik_admin)
    for view in ("change", "history"):
        assert client.get(_admin_url(obj, view)).status_code == 404, view
    # Where deleting is no one's (users, municipalities) Django answers 403 before the lookup.
    assert client.get(_admin_url(obj, "delete")).status_code in (403, 404)
    assert client.post(_admin_url(obj, "delete"), {"post": "yes"}).status_code in (403, 404)
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("what", BERGTUN_OBJECTS)
def test_solviks_admin_does_not_list_bergtuns_objects(client, solvik_admin, bergtun, what):
    obj = bergtun[what]
    client.force_login(solvik_admin)
    response = client.get(_changelist(type(obj)))
    assert response.status_code == 200
    assert obj.pk not in {o.pk for o in response.context["cl"].result_list}


def test_solviks_admin_lists_its_own_objects(client, world, solvik_admin, bergtun):
    client.force_login(solvik_admin)
    units = client.get(_changelist(Unit)).context["cl"].result_list
    assert {u.pk for u in units} == {
        world.unit_a.pk,
        world.unit_b.pk,
        world.school.pk,
        world.school_b.pk,
    }
    users = {u.pk for u in client.get(_changelist(User)).context["cl"].result_list}
    assert {world.advisor.pk, world.styrer_a.pk, world.office.pk, solvik_admin.pk} <= users
    assert world.outsider.pk not in users and world.no_roles.pk not in users


def test_a_post_changing_bergtuns_unit_is_refused(client, world, solvik_admin, bergtun):
    client.force_login(solvik_admin)
    unit = bergtun["unit"]
    response = client.post(
        _admin_url(unit),
        {
            "name": "Overtatt",
            "kind": "kindergarten",
            "ownership": "municipal",
            "org_number": unit.org_number,
            "municipality": world.municipality.pk,
            "area": world.north.pk,
        },
    )
    assert response.status_code == 404
    unit.refresh_from_db()
    assert unit.name == "Bergtun barnehage"


def test_the_role_form_offers_only_solviks_choices(client, world, solvik_admin, bergtun):
    client.force_login(solvik_admin)
    form = client.get(reverse("admin:teams_role_add")).context["adminform"].form
    assert list(form.fields["municipality"].queryset) == [world.municipality]
    assert set(form.fields["units"].queryset) == {
        world.unit_a,
        world.unit_b,
        world.school,
        world.school_b,
    }
    assert set(form.fields["areas"].queryset) == {world.north, world.south}
    assert list(form.fields["ppt_office"].queryset) == [world.office_ppt]
    users = set(form.fields["user"].queryset)
    assert world.advisor in users and bergtun["user"] not in users
    kinds = {value for value, _ in form.fields["kind"].choices}
    assert "platform" not in kinds and "admin" in kinds


def _role_post(user, **fields):
    return {"user": user.pk, "unit_kind": "", **fields}


def test_a_post_granting_a_role_in_bergtun_is_refused(client, world, solvik_admin, bergtun):
    client.force_login(solvik_admin)
    url = reverse("admin:teams_role_add")
    attempts = [
        _role_post(world.styrer_b, kind="office", municipality=bergtun["municipality"].pk),
        _role_post(world.styrer_b, kind="unit_head", units=[bergtun["unit"].pk]),
        _role_post(world.styrer_b, kind="advisor", ppt_office=world.office_ppt.pk),
    ]
    # An office serving both municipalities: an advisor without areas, or its PP-leder,
    # would see Bergtun's cases too.
    world.office_ppt.municipalities.add(bergtun["municipality"])
    attempts.append(_role_post(world.styrer_b, kind="ppt_leader", ppt_office=world.office_ppt.pk))
    for data in attempts:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert response.context["adminform"].form.errors, data
    assert world.styrer_b.roles.count() == 1


def test_solviks_admin_cannot_give_itself_a_role_that_sees_children(client, world, solvik_admin):
    client.force_login(solvik_admin)
    data = _role_post(solvik_admin, kind="unit_head", units=[world.unit_a.pk])
    response = client.post(reverse("admin:teams_role_add"), data)
    assert response.status_code == 200
    assert "Du kan ikke gi deg selv denne rollen." in response.text
    assert list(solvik_admin.roles.values_list("kind", flat=True)) == ["admin"]


def test_an_advisor_limited_to_solviks_areas_may_be_given(client, world, solvik_admin, bergtun):
    world.office_ppt.municipalities.add(bergtun["municipality"])
    client.force_login(solvik_admin)
    data = _role_post(
        world.styrer_b, kind="advisor", ppt_office=world.office_ppt.pk, areas=[world.north.pk]
    )
    assert client.post(reverse("admin:teams_role_add"), data).status_code == 302
    assert world.styrer_b.roles.filter(kind="advisor").exists()


def test_solviks_admin_cannot_open_a_user_who_also_works_for_bergtun(
    client, world, solvik_admin, bergtun
):
    world.office_ppt.municipalities.add(bergtun["municipality"])  # alice: every area of both
    client.force_login(solvik_admin)
    assert client.get(_admin_url(world.advisor)).status_code == 404
    assert client.get(_admin_url(world.advisor_south)).status_code == 200  # Sør only


def _user_post(user, **extra):
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "date_joined_0": "01.01.2026",
        "date_joined_1": "08:00",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        **extra,
    }


def test_the_user_form_has_no_superuser_field_and_ignores_one(client, world, solvik_admin):
    client.force_login(solvik_admin)
    role = world.styrer_a.roles.get()
    form = client.get(_admin_url(world.styrer_a)).context["adminform"].form
    assert "is_superuser" not in form.fields and "groups" not in form.fields
    data = _user_post(
        world.styrer_a,
        is_superuser="on",
        **{
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": role.pk,
            "roles-0-user": world.styrer_a.pk,
            "roles-0-kind": "unit_head",
            "roles-0-units": [world.unit_a.pk],
        },
    )
    response = client.post(_admin_url(world.styrer_a), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.styrer_a.refresh_from_db()
    assert not world.styrer_a.is_superuser


def test_an_inline_role_in_bergtun_is_refused(client, world, solvik_admin, bergtun):
    client.force_login(solvik_admin)
    role = world.styrer_a.roles.get()
    data = _user_post(
        world.styrer_a,
        **{
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": role.pk,
            "roles-0-user": world.styrer_a.pk,
            "roles-0-kind": "unit_head",
            "roles-0-units": [world.unit_a.pk],
            "roles-1-user": world.styrer_a.pk,
            "roles-1-kind": "office",
            "roles-1-municipality": bergtun["municipality"].pk,
        },
    )
    response = client.post(_admin_url(world.styrer_a), data)
    assert response.status_code == 200
    assert world.styrer_a.roles.count() == 1


def test_solviks_admin_adds_a_user_with_a_role_and_not_without(client, world, solvik_admin):
    client.force_login(solvik_admin)
    base = {
        "email": "ny@test.no",
        "full_name": "Ny Styrer",
        "password1": "et-langt-passord-9",
        "password2": "et-langt-passord-9",
        "usable_password": "true",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    url = reverse("admin:teams_user_add")
    assert client.post(url, base).status_code == 200  # a user must get a role here
    assert not User.objects.filter(email="ny@test.no").exists()
    with_role = {
        **base,
        "roles-TOTAL_FORMS": "1",
        "roles-0-kind": "unit_head",
        "roles-0-units": [world.unit_b.pk],
    }
    response = client.post(url, with_role)
    assert response.status_code == 302
    new = User.objects.get(email="ny@test.no")
    assert client.get(response["Location"]).status_code == 200
    assert not new.is_superuser and list(new.roles.values_list("kind", flat=True)) == ["unit_head"]


def test_solviks_admin_cannot_open_a_superuser(client, solvik_admin):
    root = UserFactory(email="root@test.no", is_staff=True, is_superuser=True)
    RoleFactory(user=root, kind=Role.Kind.ADMIN, municipality=solvik_admin.roles.get().municipality)
    client.force_login(solvik_admin)
    assert client.get(_admin_url(root)).status_code == 404
    assert client.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code == (
        404
    )


def test_the_platform_and_job_pages_are_not_a_municipality_admins(client, world, solvik_admin):
    client.force_login(solvik_admin)
    assert client.get(reverse("admin:teams_municipality_add")).status_code == 403
    assert client.get(reverse("admin:teams_pptoffice_changelist")).status_code == 403
    assert client.get(reverse("admin:teams_taskrun_changelist")).status_code == 403
    assert client.get(_admin_url(world.municipality)).status_code == 200  # reads its own


def test_manageable_users_agrees_with_role_municipality_ids(world, bergtun):
    """The SQL in manageable_users and the Python in role_municipality_ids are one rule."""
    world.office_ppt.municipalities.add(bergtun["municipality"])
    solvik = {world.municipality.pk}
    expected = set()
    for user in User.objects.filter(is_superuser=False):
        reaches = [role_municipality_ids(r) for r in user_roles(user)]
        if reaches and all(r and r <= solvik for r in reaches):
            expected.add(user.pk)
    assert set(manageable_users(world.admin).values_list("pk", flat=True)) == expected
    assert world.advisor_south.pk in expected and world.advisor.pk not in expected


# --- the access log ------------------------------------------------------------------------------


def test_the_access_log_shows_no_bergtun_child(client, world, solvik_admin, bergtun):
    child = ChildFactory(unit=world.other_unit)
    client.force_login(world.outsider)  # Bergtun's advisor opens the child
    assert client.get(reverse("referrals:child_detail", args=[child.pk])).status_code == 200
    client.force_login(solvik_admin)
    assert client.get(reverse("referrals:access_log_child", args=[child.pk])).status_code == 404
    response = client.post(
        reverse("referrals:access_log_search"),
        {"find": "child", "child-case_or_id": child.id_number},
    )
    assert response.status_code == 422
    assert child.first_name not in response.text


# --- the platform operator, and superusers -------------------------------------------------------


def test_the_platform_operator_creates_a_municipality_and_its_admin(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:teams_municipality_add"), {"name": "Nyby kommune", "number": "9903"}
    )
    assert response.status_code == 302
    nyby = Municipality.objects.get(number="9903")
    response = client.post(
        reverse("admin:teams_user_add"),
        {
            "email": "admin@nyby.no",
            "full_name": "Nina Nyby",
            "password1": "et-langt-passord-9",
            "password2": "et-langt-passord-9",
            "usable_password": "true",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-kind": "admin",
            "roles-0-municipality": nyby.pk,
        },
    )
    assert response.status_code == 302
    assert Role.objects.filter(
        user__email="admin@nyby.no", kind="admin", municipality=nyby
    ).exists()


def test_the_platform_operator_gives_no_other_role(client, world, operator):
    client.force_login(operator)
    form = client.get(reverse("admin:teams_role_add")).context["adminform"].form
    assert {v for v, _ in form.fields["kind"].choices} - {""} == {"admin"}
    data = _role_post(operator, kind="office", municipality=world.municipality.pk)
    assert client.post(reverse("admin:teams_role_add"), data).status_code == 200
    assert list(operator.roles.values_list("kind", flat=True)) == ["platform"]
    # Nor may it open the users who work with children.
    assert client.get(_admin_url(world.advisor)).status_code == 404


def _case(world):
    child = ChildFactory(unit=world.unit_a)
    return ReferralFactory(child=child, created_by=world.advisor, advisor=world.advisor)


@pytest.mark.parametrize("who", ["operator", "superuser"])
def test_the_platform_operator_and_a_superuser_see_no_case_child_or_log(
    client, world, operator, who
):
    user = operator
    if who == "superuser":
        user = UserFactory(email="root@test.no", is_staff=True, is_superuser=True)
    case = _case(world)
    client.force_login(user)
    for name, pk in [
        ("referrals:case_detail", case.pk),
        ("referrals:case_history", case.pk),
        ("referrals:child_detail", case.child_id),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    for url in (
        reverse("referrals:access_log_search"),
        reverse("referrals:access_log_child", args=[case.child_id]),
        reverse("referrals:access_log_user", args=[world.advisor.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for model in (Unit, DeadlinePolicy, Service):
        assert client.get(_changelist(model)).status_code in (200, 403)
        assert not model.objects.none().exists()
    assert client.get(_admin_url(world.unit_a)).status_code in (403, 404)


def _unit_form(world, unit, name):
    return {
        "name": name,
        "kind": "kindergarten",
        "ownership": "municipal",
        "org_number": unit.org_number,
        "municipality": world.municipality.pk,
        "area": world.north.pk,
    }


def test_a_unit_name_in_the_admin_loses_direction_and_zero_width_characters(
    client, world, solvik_admin
):
    client.force_login(solvik_admin)
    unit = world.unit_a
    spoofed = "Barnehage\u202e A\u200b"
    response = client.post(_admin_url(unit), _unit_form(world, unit, spoofed))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Barnehage A"


def test_a_control_character_in_an_admin_name_is_refused_next_to_the_field(
    client, world, solvik_admin
):
    client.force_login(solvik_admin)
    unit = world.unit_a
    response = client.post(_admin_url(unit), _unit_form(world, unit, "Barnehage\x1bA"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    unit.refresh_from_db()
    assert unit.name == "Barnehage A"
