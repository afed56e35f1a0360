"""A school's pupils (issue 19): the rektor sees their school's pupils and cases, every class;
the kontaktlærer/spesialpedagog (TEACHER) the pupils of their classes and those pupils' cases,
read-only; another school's rektor and another class's teacher get 404. The rektor registers
a pupil with guardians and moves a pupil to another class of the same school; a class of
another school is refused at the field and nothing is saved."""

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse

from referrals.access_log import AccessLogEntry
from referrals.models import Child, Guardian, Referral
from referrals.services import CaseError, StaleEdit
from referrals.services_pupils import pupil_register, pupil_set_class
from teams.models import SchoolClass
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.factories import ChildFactory, GuardianFactory, _synthetic_number

TODAY = date(2026, 11, 25)
BIRTH = date(2016, 3, 14)
_days = itertools.count(1)


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


def pupil(school_class, **fields):
    # A birth date of its own (synthetic identity numbers of one day run out), in the trinn.
    born = date(2016 - (school_class.trinn - 5), 1, 1) + timedelta(days=next(_days) % 360)
    child = ChildFactory(
        unit=school_class.unit, school_class=school_class, birth_date=born, **fields
    )
    GuardianFactory(child=child)
    return child


def school_case(world, child, stage="assessing"):
    case = case_at(stage, world=world, child=child, on=date(2026, 10, 28))
    Referral.objects.filter(pk=case.pk).update(kind="oppl_11_6")
    return case


@pytest.fixture
def school(world):
    """Pupils of 5A and 5B at school S and of 8A at school T, each with a case at the school."""
    a = pupil(world.class_5a, first_name="Astrid")
    b = pupil(world.class_5b, first_name="Bjarne")
    t = pupil(world.class_b, first_name="Tuva")
    return {
        "a": a,
        "b": b,
        "t": t,
        "case_a": school_case(world, a),
        "case_b": school_case(world, b),
        "case_t": school_case(world, t),
    }


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


# --- scope: the rektor ---------------------------------------------------------------------------


def test_the_rektor_sees_every_class_of_their_school_and_no_other(client, world, school):
    response = _get(client, world.rektor_a, "referrals:pupil_list")
    assert response.status_code == 200
    shown = {row.pupil.pk for row in response.context["rows"]}
    assert shown == {school["a"].pk, school["b"].pk}


def test_the_rektor_reads_their_pupils_and_cases(client, world, school):
    assert _get(client, world.rektor_a, "referrals:child_detail", school["a"].pk).status_code == 200
    assert (
        _get(client, world.rektor_a, "referrals:case_detail", school["case_b"].pk).status_code
        == 200
    )


def test_another_schools_rektor_gets_404_for_the_pupil_and_the_case(client, world, school):
    for name, pk in [
        ("referrals:child_detail", school["a"].pk),
        ("referrals:case_detail", school["case_a"].pk),
        ("referrals:pupil_class", school["a"].pk),
        ("decisions:case_clock", school["case_a"].pk),
    ]:
        assert _get(client, world.rektor_b, name, pk).status_code == 404, name
    assert _get(client, world.rektor_b, "referrals:child_detail", school["t"].pk).status_code == 200


def test_the_rektor_does_not_work_on_cases(client, world, school):
    client.force_login(world.rektor_a)
    assert (
        client.get(reverse("referrals:referral_edit", args=[school["case_a"].pk])).status_code
        == 403
    )
    assert client.get(reverse("referrals:child_edit", args=[school["a"].pk])).status_code == 403


# --- scope: the teacher ------------------------------------------------------------------------


def test_the_teacher_lists_only_the_pupils_of_their_classes(client, world, school):
    response = _get(client, world.teacher, "referrals:pupil_list")
    assert response.status_code == 200
    assert [row.pupil.pk for row in response.context["rows"]] == [school["a"].pk]
    assert response.context["is_rektor"] is False
    assert reverse("referrals:pupil_new") not in response.content.decode()


def test_the_teacher_reads_their_pupil_and_the_pupils_case(client, world, school):
    for name, pk in [
        ("referrals:child_detail", school["a"].pk),
        ("referrals:case_detail", school["case_a"].pk),
        ("referrals:case_history", school["case_a"].pk),
        ("decisions:case_clock", school["case_a"].pk),
        ("documents:case_documents", school["case_a"].pk),
    ]:
        assert _get(client, world.teacher, name, pk).status_code == 200, name


def test_the_teacher_gets_403_on_every_write_to_their_pupil(client, world, school):
    client.force_login(world.teacher)
    case, child = school["case_a"], school["a"]
    guardian = child.guardians.get()
    for url in [
        reverse("referrals:child_edit", args=[child.pk]),
        reverse("referrals:guardian_new", args=[child.pk]),
        reverse("referrals:guardian_edit", args=[guardian.pk]),
        reverse("referrals:referral_edit", args=[case.pk]),
        reverse("referrals:consent_new", args=[case.pk]),
        reverse("referrals:assessment_edit", args=[case.pk]),
        reverse("referrals:pupil_class", args=[child.pk]),
        reverse("decisions:decision_new", args=[case.pk]),
        reverse("decisions:provisional_reply_new", args=[case.pk]),
        reverse("documents:note_new", args=[case.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    url = reverse("referrals:case_transition", args=[case.pk, "pause"])
    assert client.post(url).status_code == 403
    assert client.get(reverse("referrals:pupil_new")).status_code == 403
    assert Referral.objects.get(pk=case.pk).status == case.status


def test_the_teacher_gets_404_for_a_pupil_of_another_class(client, world, school):
    for name, pk in [
        ("referrals:child_detail", school["b"].pk),
        ("referrals:case_detail", school["case_b"].pk),
        ("referrals:child_edit", school["b"].pk),
        ("referrals:pupil_class", school["b"].pk),
        ("referrals:child_detail", school["t"].pk),
        ("referrals:case_detail", school["case_t"].pk),
    ]:
        assert _get(client, world.teacher, name, pk).status_code == 404, name


def test_the_teacher_does_not_see_the_pupils_old_kindergarten_case(client, world, school):
    """Only the school's cases: the § 31 case from unit A stays with those who had it."""
    old = case_at("assessing", world=world, child=school["a"], on=date(2026, 9, 1))
    Referral.objects.filter(pk=old.pk).update(unit=world.unit_a)
    assert _get(client, world.teacher, "referrals:case_detail", old.pk).status_code == 404


def test_a_pupil_moved_to_another_class_leaves_the_teachers_scope(client, world, school):
    a = school["a"]
    pupil_set_class(
        actor=world.rektor_a, child_id=a.pk, school_class_id=world.class_5b.pk, version=a.version
    )
    assert _get(client, world.teacher, "referrals:child_detail", a.pk).status_code == 404
    assert (
        _get(client, world.teacher, "referrals:case_detail", school["case_a"].pk).status_code == 404
    )


def test_the_pupils_pages_are_only_the_rektors_and_the_teachers(client, world, school):
    for persona in ["advisor", "styrer_a", "office", "school_office", "director"]:
        response = _get(client, getattr(world, persona), "referrals:pupil_list")
        assert response.status_code == 403, persona


def test_the_nav_shows_pupils_to_the_rektor_and_the_teacher_only(client, world):
    url = reverse("referrals:pupil_list")
    for persona, shown in [("rektor_a", True), ("teacher", True), ("styrer_a", False)]:
        page = _get(client, getattr(world, persona), "home").content.decode()
        assert (f'href="{url}"' in page) is shown, persona


# --- the list --------------------------------------------------------------------------------


def test_each_pupil_shows_trinn_and_open_case_kinds_and_status(client, world, school):
    closed = pupil(world.class_5a, first_name="Cecilie")
    school_case(world, closed, stage="withdrawn")
    response = _get(client, world.teacher, "referrals:pupil_list")
    rows = {row.pupil.first_name: row for row in response.context["rows"]}
    [case] = rows["Astrid"].cases
    assert (case.pk, case.kind, case.status) == (school["case_a"].pk, "oppl_11_6", "assessing")
    assert rows["Cecilie"].cases == []  # a withdrawn case is no open case
    html = response.content.decode()
    assert "Individuelt tilrettelagd opplæring (opplæringslova § 11-6)" in html
    assert "Klasse 5A (5. trinn)" in html


def test_the_rektor_filters_by_class_and_by_trinn(client, world, school):
    extra = SchoolClass.objects.create(unit=world.school, trinn=2, name="2A")
    small = pupil(extra, first_name="Dina")
    client.force_login(world.rektor_a)
    url = reverse("referrals:pupil_list")

    def shown(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {row.pupil.pk for row in response.context["rows"]}

    assert shown({"klasse": world.class_5b.pk}) == {school["b"].pk}
    assert shown({"trinn": 2}) == {small.pk}
    assert shown({"trinn": 5}) == {school["a"].pk, school["b"].pk}
    assert shown({"trinn": 5, "klasse": extra.pk}) == set()


@pytest.mark.parametrize(
    "query", [{"trinn": "11"}, {"trinn": "x"}, {"klasse": "999999"}, {"klasse": "-1"}]
)
def test_a_bad_filter_is_a_message_at_the_field_and_the_whole_list(client, world, school, query):
    client.force_login(world.rektor_a)
    response = client.get(reverse("referrals:pupil_list"), query)
    assert response.status_code == 200
    [field] = query
    assert response.context["form"].errors[field]
    assert len(response.context["rows"]) == 2


def test_another_schools_class_is_no_filter_for_the_rektor(client, world, school):
    client.force_login(world.rektor_a)
    response = client.get(reverse("referrals:pupil_list"), {"klasse": world.class_b.pk})
    assert response.context["form"].errors["klasse"]
    assert school["t"].pk not in {row.pupil.pk for row in response.context["rows"]}


@pytest.mark.parametrize("persona", ["rektor_a", "teacher"])
def test_the_list_takes_the_same_queries_for_1_and_30_pupils(
    client, world, persona, django_assert_num_queries
):
    client.force_login(getattr(world, persona))
    url = reverse("referrals:pupil_list")
    first = pupil(world.class_5a)
    school_case(world, first)
    client.get(url)  # warm the session and the caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for _ in range(29):
        school_case(world, pupil(world.class_5a))
    assert Child.objects.filter(school_class=world.class_5a).count() == 30
    # session, user, roles, (rektor: schools), classes, count, page, access log
    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["rows"]) == 30


def test_the_list_logs_each_pupil_shown(client, world, school):
    client.force_login(world.teacher)
    client.get(reverse("referrals:pupil_list"))
    rows = list(AccessLogEntry.objects.filter(action="view").values_list("object_type", "child_id"))
    assert rows == [("child", school["a"].pk)]


# --- registration --------------------------------------------------------------------------------


def _registration(world, **changes):
    number = _synthetic_number(BIRTH)
    data = {
        "school_class": world.class_5a.pk,
        "id_number": number,
        "birth_date": BIRTH.isoformat(),
        "first_name": "Eli",
        "last_name": "Elevsen",
        "sex": "female",
        "guardian1_name": "Mor Elevsen",
        "guardian1_relation": "mother",
        "guardian1_phone": "99887766",
        "guardian1_email": "mor@example.no",
        "guardian1_parental_responsibility": "True",
        "guardian1_lives_with_child": "True",
    }
    data.update(changes)
    return data


def test_the_rektor_registers_a_pupil_in_a_class_with_guardians(client, world):
    client.force_login(world.rektor_a)
    data = _registration(
        world,
        guardian2_name="Far Elevsen",
        guardian2_relation="father",
        guardian2_parental_responsibility="True",
        guardian2_lives_with_child="False",
    )
    response = client.post(reverse("referrals:pupil_new"), data)
    child = Child.objects.get(first_name="Eli")
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:child_detail", args=[child.pk])
    assert (child.unit, child.school_class, child.birth_date) == (
        world.school,
        world.class_5a,
        BIRTH,
    )
    guardians = list(
        child.guardians.values_list("name", "parental_responsibility", "lives_with_child")
    )
    assert guardians == [("Mor Elevsen", True, True), ("Far Elevsen", True, False)]
    # the teacher of 5A now sees the new pupil
    assert _get(client, world.teacher, "referrals:child_detail", child.pk).status_code == 200


def test_a_birth_date_that_does_not_match_the_number_is_refused_and_nothing_saved(client, world):
    client.force_login(world.rektor_a)
    data = _registration(world, birth_date="2016-03-15")
    response = client.post(reverse("referrals:pupil_new"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["birth_date"] == [
        "Fødselsdatoen stemmer ikke med fødselsnummeret."
    ]
    assert not Child.objects.filter(first_name="Eli").exists()
    assert not Guardian.objects.filter(name="Mor Elevsen").exists()


def test_a_bad_identity_number_is_refused_at_the_field(client, world):
    client.force_login(world.rektor_a)
    response = client.post(reverse("referrals:pupil_new"), _registration(world, id_number="12345"))
    assert response.status_code == 422
    assert response.context["form"].errors["id_number"]
    assert not Child.objects.filter(first_name="Eli").exists()


def test_a_class_of_another_school_is_no_choice_in_the_registration(client, world):
    client.force_login(world.rektor_a)
    data = _registration(world, school_class=world.class_b.pk)
    response = client.post(reverse("referrals:pupil_new"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["school_class"]
    assert not Child.objects.filter(first_name="Eli").exists()


def test_a_half_filled_second_guardian_is_refused_and_nothing_saved(client, world):
    client.force_login(world.rektor_a)
    response = client.post(
        reverse("referrals:pupil_new"), _registration(world, guardian2_name="Far")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["guardian2_relation"]
    assert not Child.objects.filter(first_name="Eli").exists()


def test_a_child_registered_elsewhere_is_not_revealed_or_moved(client, world):
    elsewhere = ChildFactory(unit=world.unit_b, birth_date=BIRTH, first_name="Skjult")
    client.force_login(world.rektor_a)
    data = _registration(world, id_number=elsewhere.id_number)
    response = client.post(reverse("referrals:pupil_new"), data)
    assert response.status_code == 422
    assert "Skjult" not in response.content.decode()
    assert response.context["form"].errors["id_number"]
    elsewhere.refresh_from_db()
    assert (elsewhere.unit, elsewhere.school_class) == (world.unit_b, None)
    assert not Guardian.objects.filter(child=elsewhere).exists()
    denied = AccessLogEntry.objects.get(action="denied")
    assert denied.child_id == elsewhere.pk


def test_the_rektors_own_pupil_is_found_not_registered_twice(client, world, school):
    client.force_login(world.rektor_a)
    a = school["a"]
    data = _registration(world, id_number=a.id_number, birth_date=a.birth_date.isoformat())
    response = client.post(reverse("referrals:pupil_new"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:child_detail", args=[school["a"].pk])
    assert school["a"].guardians.count() == 1


def test_the_service_refuses_a_class_of_a_kindergarten(world):
    kindergarten_class = SchoolClass(unit=world.unit_a, trinn=1, name="X")  # never saved
    with pytest.raises(CaseError) as error:
        pupil_register(
            actor=world.rektor_a,
            school_class=kindergarten_class,
            id_number=_synthetic_number(BIRTH),
            birth_date=None,
            first_name="Eli",
            last_name="Elevsen",
            sex="female",
            guardians=[],
        )
    assert error.value.field == "school_class"


# --- moving a pupil to another class -------------------------------------------------------------


def test_the_rektor_moves_a_pupil_to_another_class_of_the_school(client, world, school):
    a = school["a"]
    client.force_login(world.rektor_a)
    url = reverse("referrals:pupil_class", args=[a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"school_class": world.class_5b.pk, "version": a.version})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.school_class, a.version) == (world.class_5b, 2)
    # the move is written in the pupil's case journal
    assert school["case_a"].events.filter(action="child.updated").exists()


def test_a_class_of_another_school_is_refused_at_the_field_and_nothing_saved(client, world, school):
    """A rektor of two schools: the other school's class is offered and refused."""
    world.rektor_a.roles.get().units.add(world.school_b)
    a = school["a"]
    client.force_login(world.rektor_a)
    url = reverse("referrals:pupil_class", args=[a.pk])
    response = client.post(url, {"school_class": world.class_b.pk, "version": a.version})
    assert response.status_code == 422
    assert response.context["form"].errors["school_class"] == ["Klassen hører til en annen skole."]
    a.refresh_from_db()
    assert (a.school_class, a.version) == (world.class_5a, 1)


def test_the_service_refuses_a_class_of_another_school(world, school):
    a = school["a"]
    with pytest.raises(CaseError) as error:
        pupil_set_class(
            actor=world.rektor_a, child_id=a.pk, school_class_id=world.class_b.pk, version=a.version
        )
    assert (error.value.field, error.value.message) == (
        "school_class",
        "Klassen hører til en annen skole.",
    )
    a.refresh_from_db()
    assert a.school_class == world.class_5a


def test_a_stale_class_move_is_refused(client, world, school):
    a = school["a"]
    pupil_set_class(
        actor=world.rektor_a, child_id=a.pk, school_class_id=world.class_5b.pk, version=a.version
    )
    with pytest.raises(StaleEdit):
        pupil_set_class(
            actor=world.rektor_a, child_id=a.pk, school_class_id=world.class_5a.pk, version=1
        )
    client.force_login(world.rektor_a)
    url = reverse("referrals:pupil_class", args=[a.pk])
    response = client.post(url, {"school_class": world.class_5a.pk, "version": 1})
    assert response.status_code == 409
    a.refresh_from_db()
    assert (a.school_class, a.version) == (world.class_5b, 2)


def test_the_rektor_moves_no_pupil_of_another_school(client, world, school):
    client.force_login(world.rektor_a)
    url = reverse("referrals:pupil_class", args=[school["t"].pk])
    assert client.post(url, {"school_class": world.class_5a.pk, "version": 1}).status_code == 404
    school["t"].refresh_from_db()
    assert school["t"].school_class == world.class_b


def test_the_rektor_sees_their_schools_pupils_without_a_class_to_give_them_one(
    client, world, school
):
    loose = ChildFactory(unit=world.school, birth_date=date(2016, 6, 1), first_name="Uklassert")
    elsewhere = ChildFactory(unit=world.school_b, birth_date=date(2016, 6, 2))
    response = _get(client, world.rektor_a, "referrals:pupil_list")
    rows = {row.pupil.pk: row for row in response.context["rows"]}
    assert set(rows) == {school["a"].pk, school["b"].pk, loose.pk}
    assert rows[loose.pk].can_move and elsewhere.pk not in rows
    assert "Uten klasse" in response.content.decode()
    client.force_login(world.rektor_a)
    filtered = client.get(reverse("referrals:pupil_list"), {"klasse": world.class_5a.pk})
    assert loose.pk not in {row.pupil.pk for row in filtered.context["rows"]}
    teacher = _get(client, world.teacher, "referrals:pupil_list")
    assert loose.pk not in {row.pupil.pk for row in teacher.context["rows"]}
    # the rektor gives the pupil a class
    client.force_login(world.rektor_a)
    url = reverse("referrals:pupil_class", args=[loose.pk])
    assert client.post(url, {"school_class": world.class_5a.pk, "version": 1}).status_code == 302
    loose.refresh_from_db()
    assert loose.school_class == world.class_5a
