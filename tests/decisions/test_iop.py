"""The IOP (opplæringslova § 11-10): written by the school for a pupil with a § 11-6 vedtak in
force, within the vedtak (Udir), one draft per case, changed by a new version once final; the
school writes, PPT and the office read, everyone else gets a 404."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import DomainError
from decisions import school_services as school
from decisions.models import Decision
from decisions.school_models import Iop, IopSubject
from referrals.case_kinds import CaseKind
from referrals.services import StaleEdit
from tests.conftest import frozen_today
from tests.decisions.school_plans import (
    TODAY,
    final_iop,
    pupil_case,
    teacher_of,
    written_iop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


@pytest.fixture
def case(world):
    return pupil_case(world)


def _form(iop, **over):
    data = {
        "version": str(iop.version),
        "goals": "Mål",
        "content": "Innhold",
        "organisation": "Gjennomføring",
        "subject_0": "Norsk",
        "hours_0": "3,5",
    }
    data.update(over)
    return data


# --- only for a § 11-6 vedtak in force (opplæringslova § 11-10) -----------------------------


def test_an_iop_needs_a_vedtak_of_the_11_6_kind(world):
    case = pupil_case(world, kind=CaseKind.OPPL_11_4)
    with pytest.raises(DomainError) as refused:
        school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    assert refused.value.message == school.NEEDS_11_6
    assert "opplæringslova § 11-6" in refused.value.message
    assert not Iop.objects.exists()


def test_an_iop_needs_a_vedtak_at_all(world):
    case = pupil_case(world, stage="assessed")
    with pytest.raises(DomainError, match="krever et vedtak"):
        school.iop_create(referral_id=case.pk, actor=world.rektor_a)


def test_a_refused_vedtak_gives_no_iop(world):
    case = pupil_case(world, stage="decided")
    Decision.objects.filter(referral=case).update(outcome=Decision.Outcome.REFUSED)
    with pytest.raises(DomainError, match="krever et vedtak"):
        school.iop_create(referral_id=case.pk, actor=world.rektor_a)


def test_a_vedtak_run_out_gives_no_iop(world, case):
    Decision.objects.filter(referral=case).update(ends_on=TODAY - timedelta(days=1))
    with pytest.raises(DomainError, match="krever et vedtak"):
        school.iop_create(referral_id=case.pk, actor=world.rektor_a)


def test_a_partly_granted_vedtak_in_force_gives_an_iop(world, case):
    Decision.objects.filter(referral=case).update(
        outcome=Decision.Outcome.PARTLY, ends_on=date(2027, 7, 31)
    )
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    assert (iop.status, iop.school_year, iop.decision.referral_id) == ("draft", 2026, case.pk)


def test_the_page_refuses_an_iop_for_a_case_without_11_6(client, world):
    case = pupil_case(world, kind=CaseKind.BHL_31)
    client.force_login(world.rektor_a)
    response = client.post(reverse("decisions:iop_case", args=[case.pk]), follow=True)
    assert "En IOP krever et vedtak om individuelt tilrettelagd opplæring" in response.text
    assert not Iop.objects.exists()


# --- one draft per case -----------------------------------------------------------------------


def test_a_double_click_makes_one_draft(client, world, case):
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_case", args=[case.pk])
    first = client.post(url)
    second = client.post(url)
    iop = Iop.objects.get()
    assert first["Location"] == second["Location"] == reverse("decisions:iop_detail", args=[iop.pk])


def test_a_second_iop_for_a_year_with_a_final_one_is_a_new_version(world, case):
    final_iop(case, world.rektor_a)
    with pytest.raises(DomainError, match="Lag en ny versjon"):
        school.iop_create(referral_id=case.pk, actor=world.rektor_a)


# --- the draft: texts and subjects ------------------------------------------------------------


def test_the_school_writes_subjects_with_decimal_comma_hours(client, world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    data = _form(iop, subject_1="Matematikk", hours_1="2")
    assert client.post(url, data).status_code == 302
    rows = list(IopSubject.objects.filter(iop=iop).values_list("subject", "hours_per_week"))
    assert rows == [("Norsk", Decimal("3.5")), ("Matematikk", Decimal("2.0"))]
    iop.refresh_from_db()
    assert (iop.goals, iop.version) == ("Mål", 2)


@pytest.mark.parametrize(
    "hours,message",
    [
        ("-1", "negative"),
        ("41", "høyst 40"),
        ("40,5", "høyst 40"),
        ("3,55", "høyst én desimal"),
        ("1e3", "som et tall"),
        ("NaN", "som et tall"),
        ("٣", "som et tall"),
        ("3,5 timer", "som et tall"),
        ("99999999999", "som et tall"),
    ],
)
def test_bad_hours_are_refused_at_the_field_and_nothing_is_saved(
    client, world, case, hours, message
):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    response = client.post(
        reverse("decisions:iop_detail", args=[iop.pk]), _form(iop, hours_0=hours)
    )
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["hours_0"])
    iop.refresh_from_db()
    assert (iop.goals, iop.version, iop.subjects.count()) == ("", 1, 0)


def test_hours_zero_and_forty_are_allowed(world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    school.iop_update(
        iop_id=iop.pk,
        actor=world.rektor_a,
        version=1,
        goals="",
        content="",
        organisation="",
        subjects=[("Kroppsøving", Decimal(0)), ("Norsk", Decimal(40))],
    )
    assert sorted(iop.subjects.values_list("hours_per_week", flat=True)) == [0, 40]


@pytest.mark.parametrize(
    "hours", [Decimal("-0.5"), Decimal("40.1"), Decimal("1.25"), Decimal("NaN"), "tre", None]
)
def test_the_service_refuses_bad_hours_from_any_caller(world, case, hours):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    with pytest.raises(DomainError) as refused:
        school.iop_update(
            iop_id=iop.pk,
            actor=world.rektor_a,
            version=1,
            goals="Mål",
            content="",
            organisation="",
            subjects=[("Norsk", hours)],
        )
    assert refused.value.field == "subjects"
    iop.refresh_from_db()
    assert (iop.goals, iop.subjects.count()) == ("", 0)


def test_a_subject_name_is_at_most_80_characters(client, world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    response = client.post(url, _form(iop, subject_0="N" * 81))
    assert response.status_code == 422 and response.context["form"].errors["subject_0"]
    with pytest.raises(DomainError, match="høyst 80"):
        school.iop_update(
            iop_id=iop.pk,
            actor=world.rektor_a,
            version=1,
            goals="",
            content="",
            organisation="",
            subjects=[("N" * 81, Decimal(1))],
        )
    assert iop.subjects.count() == 0


def test_a_subject_is_listed_once(client, world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    response = client.post(url, _form(iop, subject_1=" norsk ", hours_1="1"))
    assert response.status_code == 422
    assert "allerede" in " ".join(response.context["form"].errors["subject_1"])
    with pytest.raises(DomainError, match="to ganger"):
        school.iop_update(
            iop_id=iop.pk,
            actor=world.rektor_a,
            version=1,
            goals="",
            content="",
            organisation="",
            subjects=[("Norsk", Decimal(1)), ("NORSK", Decimal(2))],
        )


def test_a_row_needs_both_a_subject_and_hours(client, world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    response = client.post(url, _form(iop, subject_1="", hours_1="2", subject_2="Engelsk"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["subject_1"] and errors["hours_2"]


def test_control_characters_and_overlong_text_are_refused(client, world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    response = client.post(url, _form(iop, goals="Mål\x00", content="x" * 10_001))
    assert response.status_code == 422
    assert set(response.context["form"].errors) >= {"goals", "content"}
    assert Iop.objects.get().version == 1


def test_hostile_text_is_shown_escaped(client, world, case):
    iop = school.iop_create(referral_id=case.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    hostile = "<script>alert(1)</script>"
    client.post(url, _form(iop, goals=hostile, subject_0=f"Norsk {hostile}"[:80]))
    text = client.get(url).text
    assert hostile not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- two people at once -----------------------------------------------------------------------


def test_a_stale_save_is_refused_and_shows_what_is_saved(client, world, case):
    iop = written_iop(case, world.rektor_a)  # version 2
    client.force_login(world.teacher)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    response = client.post(url, _form(iop, version="1", goals="Eldre versjon"))
    assert response.status_code == 409
    assert "Noen andre har lagret IOP-en" in response.text
    iop.refresh_from_db()
    assert iop.goals == "Lese korte tekster med forståelse." and iop.version == 2
    with pytest.raises(StaleEdit):
        school.iop_update(
            iop_id=iop.pk,
            actor=world.rektor_a,
            version=1,
            goals="x",
            content="",
            organisation="",
            subjects=[],
        )


# --- finalising (§ 11-10; Udir: within the vedtak) ---------------------------------------------


@pytest.mark.parametrize("missing", ["goals", "content", "organisation"])
def test_goals_content_and_organisation_are_required_to_finalise(world, case, missing):
    iop = written_iop(case, world.rektor_a)
    Iop.objects.filter(pk=iop.pk).update(**{missing: "  "})
    with pytest.raises(DomainError) as refused:
        school.iop_finalise(iop_id=iop.pk, actor=world.rektor_a)
    assert refused.value.field == missing and "§ 11-10" in refused.value.message
    assert Iop.objects.get().status == "draft"


def test_the_iop_stays_within_the_vedtak(world):
    case = pupil_case(world, hours="7.0")
    iop = written_iop(case, world.rektor_a, subjects=(("Norsk", "4.0"), ("Matematikk", "3.5")))
    with pytest.raises(DomainError) as refused:
        school.iop_finalise(iop_id=iop.pk, actor=world.rektor_a)
    assert refused.value.field == "subjects"
    assert "7,5" in refused.value.message and "7" in refused.value.message
    assert "innenfor vedtaket" in refused.value.message
    assert Iop.objects.get().status == "draft"


def test_hours_exactly_the_vedtaks_may_be_finalised_once(client, world):
    case = pupil_case(world, hours="7.5")
    iop = written_iop(case, world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_finalise", args=[iop.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a double click: finalised once
    iop.refresh_from_db()
    assert (iop.status, iop.finalised_on, iop.version) == ("final", TODAY, 3)
    assert case.events.filter(action="iop.finalised").count() == 1


def test_a_final_iop_is_not_changed(client, world, case):
    iop = final_iop(case, world.rektor_a)
    with pytest.raises(DomainError, match="ny versjon"):
        school.iop_update(
            iop_id=iop.pk,
            actor=world.rektor_a,
            version=iop.version,
            goals="x",
            content="x",
            organisation="x",
            subjects=[],
        )
    client.force_login(world.rektor_a)
    client.post(reverse("decisions:iop_detail", args=[iop.pk]), _form(iop, goals="Endret"))
    assert Iop.objects.get().goals == "Lese korte tekster med forståelse."


def test_a_new_version_replaces_the_final_one(client, world, case):
    old = final_iop(case, world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_new_version", args=[old.pk])
    client.post(url)
    client.post(url)  # a double click makes one
    new = Iop.objects.get(status="draft")
    assert (new.replaces_id, new.school_year, new.goals) == (old.pk, old.school_year, old.goals)
    assert list(new.subjects.values_list("subject", flat=True)) == ["Norsk", "Matematikk"]
    school.iop_finalise(iop_id=new.pk, actor=world.rektor_a)
    with pytest.raises(DomainError, match="allerede erstattet"):
        school.iop_new_version(iop_id=old.pk, actor=world.rektor_a)


def test_a_draft_has_no_new_version(world, case):
    iop = written_iop(case, world.rektor_a)
    with pytest.raises(DomainError, match="Bare en ferdig"):
        school.iop_new_version(iop_id=iop.pk, actor=world.rektor_a)


# --- who writes, who reads ---------------------------------------------------------------------


def test_the_pupils_teacher_writes_the_iop(client, world, case):
    client.force_login(world.teacher)
    assert client.post(reverse("decisions:iop_case", args=[case.pk])).status_code == 302
    iop = Iop.objects.get()
    assert iop.written_by == world.teacher
    url = reverse("decisions:iop_detail", args=[iop.pk])
    assert client.post(url, _form(iop)).status_code == 302


def test_a_teacher_of_another_class_gets_404(client, world, case):
    iop = written_iop(case, world.rektor_a)
    client.force_login(teacher_of(world.class_5b))
    for url in (
        reverse("decisions:iop_case", args=[case.pk]),
        reverse("decisions:iop_detail", args=[iop.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_another_schools_rektor_gets_404(client, world, case):
    iop = written_iop(case, world.rektor_a)
    client.force_login(world.rektor_b)
    assert client.get(reverse("decisions:iop_detail", args=[iop.pk])).status_code == 404
    assert client.post(reverse("decisions:iop_finalise", args=[iop.pk])).status_code == 404
    assert Iop.objects.get().status == "draft"


def test_ppt_and_the_school_office_read_but_do_not_write(client, world, case):
    iop = written_iop(case, world.rektor_a)
    for reader in (world.advisor, world.school_office):
        client.force_login(reader)
        page = client.get(reverse("decisions:iop_detail", args=[iop.pk]))
        assert page.status_code == 200 and "Lese korte tekster" in page.text
        assert page.context["form"] is None
        assert client.post(reverse("decisions:iop_finalise", args=[iop.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        school.iop_finalise(iop_id=iop.pk, actor=world.advisor)


def test_the_kindergarten_office_and_a_styrer_get_404(client, world, case):
    iop = written_iop(case, world.rektor_a)
    for user in (world.office, world.styrer_a, world.director, world.outsider):
        client.force_login(user)
        assert client.get(reverse("decisions:iop_detail", args=[iop.pk])).status_code == 404


# --- the school's list: a fixed number of queries ------------------------------------------------


def _iops(world, n):
    for _ in range(n):
        final_iop(pupil_case(world), world.rektor_a)


@pytest.mark.parametrize("user", ["rektor_a", "teacher", "advisor", "school_office"])
def test_the_list_has_a_fixed_number_of_queries(client, world, django_assert_num_queries, user):
    client.force_login(getattr(world, user))
    url = reverse("decisions:iop_list")
    _iops(world, 1)
    client.get(url)  # the session's first read
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["rows"]) == 1
    _iops(world, 19)
    # session, user, roles, (a teacher's classes), the count, the page, the access-log rows
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(url).context["rows"]) == 20


def test_the_list_shows_only_the_users_pupils(client, world):
    mine = final_iop(pupil_case(world), world.rektor_a)
    other_class = final_iop(pupil_case(world, klass=world.class_5b), world.rektor_a)
    other_school = final_iop(pupil_case(world, klass=world.class_b), world.rektor_b)
    seen = {}
    for name in ("rektor_a", "rektor_b", "teacher", "advisor", "office", "styrer_a"):
        client.force_login(getattr(world, name))
        seen[name] = {r.pk for r in client.get(reverse("decisions:iop_list")).context["rows"]}
    assert seen["rektor_a"] == {mine.pk, other_class.pk}
    assert seen["rektor_b"] == {other_school.pk}
    assert seen["teacher"] == {mine.pk}
    assert seen["advisor"] == {mine.pk, other_class.pk, other_school.pk}
    assert seen["office"] == seen["styrer_a"] == set()


# --- the letter (documents/letters: the school writes it) --------------------------------------


def test_the_school_makes_the_iop_letter_and_ppt_does_not(world, case):
    from documents import letter_services

    final_iop(case, world.rektor_a)
    case.refresh_from_db()
    assert letter_services.may_write(world.rektor_a, case, "iop")
    assert letter_services.may_write(world.teacher, case, "annual_evaluation")
    for other in (world.advisor, world.school_office, world.rektor_b):
        assert not letter_services.may_write(other, case, "iop")


def test_the_iop_letter_waits_for_a_final_iop(world, case):
    from documents import letter_services, letters

    written_iop(case, world.rektor_a)  # a draft only
    document = letter_services.create_draft(actor=world.rektor_a, referral_id=case.pk, kind="iop")
    assert document.iop is None
    assert "Saken har ingen ferdig IOP." in letters.missing(document)


def test_a_plan_longer_than_the_page_keeps_every_subject_when_saved(client, world, case):
    subjects = [(f"Fag {n}", "0.5") for n in range(10)]
    iop = written_iop(case, world.rektor_a, subjects=subjects)
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_detail", args=[iop.pk])
    form = client.get(url).context["form"]
    data = {k: form[k].value() for k in form.fields}
    data = {k: "" if v is None else str(v).replace(".", ",") for k, v in data.items()}
    assert client.post(url, data).status_code == 302
    assert Iop.objects.get().subjects.count() == 10
