"""Hours typed with a decimal comma (issue 18): "3,5" was stored as 35 hours a week.

core.forms.HoursField parses Norwegian input strictly, bounds it by the week's possible hours
(core.limits.HOURS_PER_WEEK_MAX) and shows a stored value with a decimal comma."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from core import limits
from core.forms import HoursField
from decisions.models import Decision
from tests.builders import case_at, decision_consent
from tests.conftest import frozen_today

TODAY = date(2026, 11, 25)


class _HoursForm(forms.Form):
    hours = HoursField(required=False)


def _clean(raw: str):
    form = _HoursForm({"hours": raw})
    assert form.is_valid(), form.errors
    return form.cleaned_data["hours"]


def _errors(raw: str) -> list[str]:
    form = _HoursForm({"hours": raw})
    assert not form.is_valid(), f"{raw!r} was accepted as {form.cleaned_data.get('hours')!r}"
    return form.errors["hours"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3,5", Decimal("3.5")),
        ("3.5", Decimal("3.5")),
        ("3", Decimal("3")),
        (" 3,5 ", Decimal("3.5")),
        ("3,50", Decimal("3.5")),
        ("0", Decimal("0")),
        ("45", Decimal("45")),
        ("", None),
    ],
)
def test_it_reads_norwegian_hours(raw, expected):
    assert _clean(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["35,5,5", "3 5", "1e3", "-1", "NaN", "nan", "∞", "inf", "³", "٣", "3,5t", "tre", "3,", ",,"],
)
def test_it_refuses_what_is_not_a_number_of_hours(raw):
    assert _errors(raw)


def test_it_refuses_more_decimals_than_are_stored():
    # The models store one decimal place (DecimalField(decimal_places=1)): 3,55 is not 3,5.
    assert Decision._meta.get_field("hours_per_week").decimal_places == 1
    assert "én desimal" in _errors("3,55")[0]


def test_it_refuses_more_hours_than_a_week_has():
    assert Decimal(45) == limits.HOURS_PER_WEEK_MAX
    assert "45" in _errors("45,5")[0]
    assert _errors("35000")


def test_a_negative_number_gets_its_own_message():
    assert "negative" in _errors("-1")[0]


def test_it_renders_a_stored_value_with_a_decimal_comma():
    form = _HoursForm(initial={"hours": Decimal("3.50")})
    html = str(form["hours"])
    assert 'value="3,5"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="text"' in html
    assert 'value="4"' in str(_HoursForm(initial={"hours": Decimal("4.0")})["hours"])


def test_an_unchanged_value_is_not_a_change():
    assert not HoursField().has_changed(Decimal("3.5"), "3,5")
    assert HoursField().has_changed(Decimal("3.5"), "35")


# --- the bug, replayed through the real vedtak form ----------------------------------------


def _post_decision(client, world, hours: str):
    case = case_at("assessed", world=world)
    # Barnehageloven § 32: the parents' consent to the vedtak comes first.
    decision_consent(case.pk, world.advisor, given_on=date(2026, 11, 20))
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:decision_new", args=[case.pk]),
        {
            "decided_on": "2026-11-24",
            "outcome": "granted",
            "hours_per_week": hours,
            "organisation": "group",
            "competence": "special_educator",
            "deviation_reason": "Kommunen vurderer omfanget annerledes enn PPT.",
            "reason": "Barnet trenger hjelp i språk og samspill.",
        },
    )
    return case, response


@pytest.mark.django_db
def test_a_decision_of_3_comma_5_hours_stores_3_5_not_35(client, world):
    with frozen_today(TODAY):
        case, response = _post_decision(client, world, "3,5")
    assert response.status_code == 302, response.text
    assert Decision.objects.get(referral=case).hours_per_week == Decimal("3.5")


@pytest.mark.django_db
def test_a_decision_over_the_weeks_hours_is_refused_at_the_field(client, world):
    with frozen_today(TODAY):
        case, response = _post_decision(client, world, "46")
    assert response.status_code == 422
    assert "45" in response.text and "id_hours_per_week" in response.text
    assert not Decision.objects.filter(referral=case).exists()


@pytest.mark.django_db
def test_the_case_pages_show_hours_with_a_decimal_comma(client, world):
    with frozen_today(TODAY):
        case, response = _post_decision(client, world, "3,5")
        assert response.status_code == 302
        clock = client.get(reverse("decisions:case_clock", args=[case.pk])).text
        detail = client.get(reverse("referrals:case_detail", args=[case.pk])).text
    assert ">3,5<" in clock and "3.5" not in clock
    assert ">5<" in detail  # the recommendation of 5.0 hours, shown as 5


# --- every hours field of every form -------------------------------------------------------


@pytest.mark.django_db
def test_system_work_of_1_comma_5_hours_stores_1_5_and_shows_1_comma_5(client, world):
    from teams.ressursteam_models import SystemWork

    client.force_login(world.advisor_south)
    url = reverse("teams:system_work_new")
    data = {"unit": world.unit_b.pk, "worked_on": "2026-11-02", "topic": "guidance"}
    with frozen_today(TODAY):
        response = client.post(url, {**data, "hours": "25"})  # a day has at most 24
        assert response.context["form"].errors["hours"] and not SystemWork.objects.exists()
        assert client.post(url, {**data, "hours": "1,5"}).status_code == 302
        page = client.get(reverse("teams:my_work")).text
    assert SystemWork.objects.get().hours == Decimal("1.5")
    assert "1,5" in page and "1.5" not in page


def test_the_assessment_form_reads_a_decimal_comma_and_keeps_the_half_hour_step():
    from referrals.forms.case import AssessmentForm

    field = AssessmentForm.base_fields["recommended_hours"]
    assert isinstance(field, HoursField)
    assert field.clean("4,5") == Decimal("4.5")
    with pytest.raises(forms.ValidationError):
        field.clean("45,5")


@pytest.mark.django_db
def test_the_vedtak_service_refuses_more_hours_than_a_week_has_whoever_calls_it(world):
    from decisions.services import decision_register
    from referrals.services import CaseError

    with frozen_today(TODAY):
        case = case_at("assessed", world=world)
        decision_consent(case.pk, world.advisor, given_on=date(2026, 11, 20))
        with pytest.raises(CaseError) as refused:
            decision_register(
                referral_id=case.pk,
                actor=world.office,
                decided_on=date(2026, 11, 24),
                outcome="granted",
                hours_per_week=Decimal("99"),
                organisation="group",
                competence="special_educator",
                deviation_reason="Kommunen vurderer omfanget annerledes enn PPT.",
                reason="Barnet trenger hjelp i språk og samspill.",
            )
    assert refused.value.field == "hours_per_week"
    assert not Decision.objects.filter(referral=case).exists()
