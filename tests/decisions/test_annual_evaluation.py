"""The årleg evaluering (opplæringslova § 11-11): once a year per case and school year, for a
final IOP; the teaching given and the development against the IOP's goals are required; made
available to the pupil and the parents on a day (shared_on)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from core.errors import DomainError
from decisions import school_services as school
from decisions.school_models import AnnualEvaluation
from referrals.services import StaleEdit
from tests.conftest import frozen_today
from tests.decisions.school_plans import (
    TODAY,
    final_iop,
    pupil_case,
    teacher_of,
    written_evaluation,
    written_iop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


@pytest.fixture
def iop(world):
    return final_iop(pupil_case(world), world.rektor_a)


def test_an_evaluation_is_written_for_a_final_iop(world):
    draft = written_iop(pupil_case(world), world.rektor_a)
    with pytest.raises(DomainError, match="ferdig IOP"):
        school.evaluation_create(iop_id=draft.pk, actor=world.rektor_a)
    assert not AnnualEvaluation.objects.exists()


def test_a_double_click_makes_one_evaluation(client, world, iop):
    client.force_login(world.teacher)
    url = reverse("decisions:evaluation_new", args=[iop.pk])
    first, second = client.post(url), client.post(url)
    evaluation = AnnualEvaluation.objects.get()
    assert first["Location"] == second["Location"]
    assert (evaluation.school_year, evaluation.referral_id) == (iop.school_year, iop.referral_id)


def test_once_a_year(world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    school.evaluation_share(evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=TODAY)
    with pytest.raises(DomainError) as refused:
        school.evaluation_create(iop_id=iop.pk, actor=world.rektor_a)
    assert "§ 11-11" in refused.value.message and "2026/27" in refused.value.message
    assert AnnualEvaluation.objects.count() == 1


def test_the_database_holds_once_a_year_too(world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    AnnualEvaluation.objects.filter(pk=evaluation.pk).update(status="shared")
    with pytest.raises(IntegrityError):
        AnnualEvaluation.objects.create(
            referral=iop.referral,
            iop=iop,
            school_year=iop.school_year,
            teaching_given="",
            development="",
            written_by=world.rektor_a,
        )


@pytest.mark.parametrize("missing", ["teaching_given", "development"])
def test_teaching_and_development_are_required_to_share(world, iop, missing):
    evaluation = written_evaluation(iop, world.rektor_a)
    AnnualEvaluation.objects.filter(pk=evaluation.pk).update(**{missing: " "})
    with pytest.raises(DomainError) as refused:
        school.evaluation_share(evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=TODAY)
    assert refused.value.field == missing and "§ 11-11" in refused.value.message
    assert AnnualEvaluation.objects.get().status == "draft"


def test_sharing_records_the_day_it_was_made_available(client, world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:evaluation_share", args=[evaluation.pk])
    assert client.post(url, {"shared_on": "2026-12-01"}).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.shared_on) == ("shared", TODAY)
    page = client.get(reverse("decisions:evaluation_detail", args=[evaluation.pk]))
    assert "Gjort tilgjengelig 01.12.2026" in page.text and "Lag brev" in page.text


@pytest.mark.parametrize(
    "value,message",
    [
        ("2026-12-09", "fremtiden"),
        ("1999-12-31", "før"),
        ("31.02.2026", "gyldig"),
        ("", "påkrevet"),
    ],
)
def test_a_bad_sharing_day_is_refused_at_the_field(client, world, iop, value, message):
    evaluation = written_evaluation(iop, world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:evaluation_share", args=[evaluation.pk])
    response = client.post(url, {"shared_on": value})
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["shared_on"]).lower()
    assert AnnualEvaluation.objects.get().status == "draft"


def test_it_is_not_shared_before_the_iop_was_final(client, world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    with pytest.raises(DomainError) as refused:
        school.evaluation_share(
            evaluation_id=evaluation.pk,
            actor=world.rektor_a,
            shared_on=iop.finalised_on - timedelta(days=1),
        )
    assert refused.value.field == "shared_on"


def test_a_shared_evaluation_is_not_changed(client, world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    school.evaluation_share(evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=TODAY)
    again = school.evaluation_share(
        evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=TODAY - timedelta(days=3)
    )
    assert again.shared_on == TODAY  # a second click changes nothing
    with pytest.raises(DomainError, match="kan ikke endres"):
        school.evaluation_update(
            evaluation_id=evaluation.pk,
            actor=world.rektor_a,
            version=again.version,
            teaching_given="x",
            development="x",
        )
    client.force_login(world.rektor_a)
    url = reverse("decisions:evaluation_detail", args=[evaluation.pk])
    client.post(url, {"teaching_given": "Endret", "development": "x", "version": again.version})
    assert AnnualEvaluation.objects.get().teaching_given == "Fire økter i uka i liten gruppe."


def test_a_stale_save_is_refused(client, world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)  # version 2
    client.force_login(world.teacher)
    url = reverse("decisions:evaluation_detail", args=[evaluation.pk])
    response = client.post(url, {"teaching_given": "Eldre", "development": "x", "version": "1"})
    assert response.status_code == 409 and "Noen andre har lagret" in response.text
    assert AnnualEvaluation.objects.get().teaching_given == "Fire økter i uka i liten gruppe."
    with pytest.raises(StaleEdit):
        school.evaluation_update(
            evaluation_id=evaluation.pk,
            actor=world.rektor_a,
            version=1,
            teaching_given="x",
            development="x",
        )


def test_hostile_and_overlong_text(client, world, iop):
    evaluation = school.evaluation_create(iop_id=iop.pk, actor=world.rektor_a)
    client.force_login(world.rektor_a)
    url = reverse("decisions:evaluation_detail", args=[evaluation.pk])
    too_long = client.post(
        url, {"teaching_given": "x" * 10_001, "development": "y\x07", "version": "1"}
    )
    assert too_long.status_code == 422
    assert set(too_long.context["form"].errors) == {"teaching_given", "development"}
    hostile = '"><img src=x onerror=alert(1)>'
    client.post(url, {"teaching_given": hostile, "development": "ok", "version": "1"})
    school.evaluation_share(evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=TODAY)
    text = client.get(url).text
    assert hostile not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_another_schools_rektor_and_another_class_teacher_get_404(client, world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    for user in (world.rektor_b, teacher_of(world.class_5b), world.office, world.styrer_a):
        client.force_login(user)
        assert (
            client.get(reverse("decisions:evaluation_detail", args=[evaluation.pk])).status_code
            == 404
        )
        share = reverse("decisions:evaluation_share", args=[evaluation.pk])
        assert client.post(share, {"shared_on": "2026-12-01"}).status_code == 404
        assert client.post(reverse("decisions:evaluation_new", args=[iop.pk])).status_code == 404
    assert AnnualEvaluation.objects.get().status == "draft"


def test_ppt_reads_the_evaluation_but_does_not_share_it(client, world, iop):
    evaluation = written_evaluation(iop, world.rektor_a)
    client.force_login(world.advisor)
    page = client.get(reverse("decisions:evaluation_detail", args=[evaluation.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    share = reverse("decisions:evaluation_share", args=[evaluation.pk])
    assert client.post(share, {"shared_on": "2026-12-01"}).status_code == 403


def test_the_list_shows_the_evaluations_status(client, world, iop):
    client.force_login(world.rektor_a)
    url = reverse("decisions:iop_list")
    assert "Ikke skrevet" in client.get(url).text
    evaluation = written_evaluation(iop, world.rektor_a)
    assert client.get(url).context["rows"][0].evaluation_label == "Utkast"
    school.evaluation_share(evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=TODAY)
    assert client.get(url).context["rows"][0].evaluation_label == "Gjort tilgjengelig"
