"""Hostile input gets a 404, the nearest sensible page or a Norwegian message next to the
field, never a 500 (issue 16: the eleven 500s, each with its own test)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import Decision
from referrals.models import Referral
from teams.ressursteam_models import Meeting
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
HUGE = "99999999999999999999"  # past bigint: OFFSET or a pk of this size fails in PostgreSQL


@pytest.fixture
def client():
    # The 500s under test must come back as responses, not as exceptions in the test.
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


# --- the 500s ------------------------------------------------------------------------------


def test_a_nul_byte_in_the_caseload_search_is_no_500(client, world):
    ReferralFactory(child=ChildFactory(unit=world.unit_a, first_name="Ola"))
    client.force_login(world.advisor)
    response = client.post(reverse("referrals:caseload"), {"q": "Ola\x00"})
    assert response.status_code == 200


def test_a_huge_page_number_on_the_caseload_is_no_500(client, world):
    ReferralFactory(child=ChildFactory(unit=world.unit_a))
    client.force_login(world.advisor)
    response = client.get(reverse("referrals:caseload"), {"side": HUGE})
    assert response.status_code == 200
    assert response.context["page"].number == 1  # the last page there is


def test_a_huge_page_number_on_the_unit_caseload_is_no_500(client, world):
    ReferralFactory(child=ChildFactory(unit=world.unit_a))
    client.force_login(world.styrer_a)
    response = client.get(reverse("referrals:unit_caseload"), {"side": HUGE})
    assert response.status_code == 200


def test_a_huge_page_number_on_the_worklist_is_no_500(client, world):
    client.force_login(world.office)
    response = client.get(reverse("decisions:worklist"), {"side": HUGE})
    assert response.status_code == 200


def test_a_superscript_digit_in_mote_is_no_500(client, world):
    child = ChildFactory(unit=world.unit_a)
    Meeting.objects.create(unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor)
    client.force_login(world.advisor)
    for name in ("consultation_new", "consultation_consent_new"):
        response = client.get(reverse(f"referrals:{name}", args=[child.pk]), {"mote": "²"})
        assert response.status_code == 200, name


def test_a_superscript_digit_in_enhet_is_no_500(client, world):
    client.force_login(world.advisor)
    response = client.get(reverse("teams:system_work_new"), {"enhet": "²"})
    assert response.status_code == 200


def test_a_superscript_digit_in_the_access_log_search_is_no_500(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("referrals:access_log_search"), {"find": "child", "child-case_or_id": "²"}
    )
    assert response.status_code == 422
    assert "Fant ingen sak" in response.text


def _decision_data(**overrides):
    return {
        "decided_on": "2026-11-24",
        "outcome": "granted",
        "hours_per_week": "5",
        "organisation": "group",
        "competence": "special_educator",
        "reason": "Følger tilrådingen.",  # required since issue 18 (fvl §§ 24–25)
        **overrides,
    }


def test_a_provider_name_over_150_characters_on_the_vedtak_form_is_no_500(client, world):
    case = case_at("assessed", world=world)
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    response = client.post(url, _decision_data(provider_name="x" * 151))
    assert response.status_code == 422
    assert "provider_name" in response.context["form"].errors
    assert not Decision.objects.exists()


@pytest.mark.parametrize("field", ["decided_on", "starts_on", "ends_on"])
def test_the_date_0001_01_01_on_the_vedtak_form_is_no_500(client, world, field):
    case = case_at("assessed", world=world)
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    response = client.post(url, _decision_data(**{field: "0001-01-01"}))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Referral.objects.get(pk=case.pk).status == case.status


@pytest.mark.parametrize("field", ["decided_on", "starts_on", "ends_on"])
def test_the_date_9999_12_31_on_the_vedtak_form_is_no_500(client, world, field):
    case = case_at("assessed", world=world)
    client.force_login(world.office)
    url = reverse("decisions:decision_new", args=[case.pk])
    response = client.post(url, _decision_data(**{field: "9999-12-31"}))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Referral.objects.get(pk=case.pk).status == case.status


# --- integers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        ("0", None),  # ids start at 1
        ("²", None),  # str.isdigit() says yes; int() says no
        ("٤٢", None),  # Arabic-Indic digits: int() would read them
        (" 42", None),
        ("-1", None),
        ("4.2", None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),  # past bigint
        ("9" * 5000, None),  # int() of this raises (the 4,300-digit limit)
        (None, None),
    ],
)
def test_parse_int_takes_only_ascii_digits_in_range(value, expected):
    from core.limits import parse_int

    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 1), ("", 1), ("²", 1), ("-3", 1), ("0", 1), ("7", 7), ("007", 7), (HUGE, 100_000)],
)
def test_page_number_is_a_small_positive_number(value, expected):
    from core.limits import page_number

    assert page_number(value) == expected


def test_a_page_number_of_five_thousand_digits_is_no_500(client, world):
    client.force_login(world.advisor)
    for name in ("referrals:caseload", "decisions:inbox"):
        response = client.get(reverse(name), {"side": "9" * 5000})
        assert response.status_code == 200, name


def test_a_unit_id_past_bigint_in_a_form_is_a_form_error(client, world):
    client.force_login(world.advisor)
    response = client.post(
        reverse("teams:system_work_new"),
        {"unit": HUGE, "worked_on": "2026-11-24", "hours": "1", "topic": "other"},
    )
    assert response.status_code in (200, 422)
    assert "unit" in response.context["form"].errors


# --- texts -----------------------------------------------------------------------------------


def _project_forms() -> list[type]:
    """Every form class defined in the project's modules (imported through the URLconf)."""
    import importlib
    import pkgutil

    from django import forms

    for package in ("config", "teams", "referrals", "decisions"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                importlib.import_module(info.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted(
        {
            cls
            for cls in subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in {"config", "teams", "referrals", "decisions"}
        },
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


# Forms that bound their input otherwise: the login (Django's own, with its limits), and the
# bases themselves.
NOT_LIMITED = {"teams.forms.LoginForm", "core.forms.LimitedForm", "core.forms.LimitedModelForm"}


def test_every_form_of_the_project_is_limited():
    from core.forms import LimitsMixin

    found = _project_forms()
    assert len(found) > 20  # the walk found the forms
    unlimited = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in found
        if not issubclass(cls, LimitsMixin)
        and f"{cls.__module__}.{cls.__name__}" not in NOT_LIMITED
        and "django_filters" not in str(cls.__mro__)
    ]
    assert unlimited == []


# Typed with spaces, stored compact (the form's clean_id_number makes it 11 digits).
COMPACTED = {("ChildForm", "id_number")}


def test_every_model_text_field_in_a_form_fits_its_column():
    from django import forms

    for cls in _project_forms():
        model = getattr(getattr(cls, "_meta", None), "model", None)
        if model is None:
            continue
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            names = {f.name for f in model._meta.get_fields()}
            if name not in names:  # a form-only field
                continue
            limit = getattr(model._meta.get_field(name), "max_length", None)
            if limit is not None and (cls.__name__, name) not in COMPACTED:
                assert field.max_length is not None and field.max_length <= limit, (cls, name)


def test_the_vedtak_form_s_provider_name_is_as_long_as_its_column():
    from decisions.forms import DecisionForm

    assert DecisionForm().fields["provider_name"].max_length == 150


def test_a_one_megabyte_referral_text_is_refused_with_a_message(client, world):
    child = ChildFactory(unit=world.unit_a)
    client.force_login(world.advisor)
    data = {
        "unit": world.unit_a.pk,
        "services": ["assessment"],
        "concern": "Snakker lite. " * 75_000,  # about 1 MB
        "priority": "normal",
    }
    response = client.post(reverse("referrals:referral_new", args=[child.pk]), data)
    assert response.status_code in (200, 422)
    assert "10000" in response.context["form"].errors["concern"][0].replace("\xa0", "")
    assert 'maxlength="10000"' in response.text
    assert not Referral.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x85"])
def test_control_characters_are_refused_next_to_the_field(client, world, bad):
    child = ChildFactory(unit=world.unit_a)
    client.force_login(world.advisor)
    data = {
        "name": f"Kari{bad} Nordmann",
        "relation": "mother",
        "parental_responsibility": "True",
        "lives_with_child": "True",
    }
    response = client.post(reverse("referrals:guardian_new", args=[child.pk]), data)
    assert response.status_code in (200, 422)
    assert response.context["form"].errors["name"] == [
        "Teksten inneholder kontrolltegn som ikke kan lagres. Skriv den inn på nytt."
    ]
    assert not child.guardians.exists()


def test_line_breaks_and_tabs_pass_in_multi_line_text_only():
    from referrals.forms.case import PauseForm, WithdrawForm

    assert WithdrawForm({"reason": "Flyttet.\r\n\tNy adresse."}).is_valid()
    form = PauseForm({"started_on": "2026-11-24", "reason": "Syk\tuke 48"})
    assert not form.is_valid() and "reason" in form.errors


NAME_SPOOFS = [
    "O\u202ela",  # right-to-left override
    "O\u200bla",  # zero-width space
    "\u2066Ola\u2069",  # an isolate around it
    "Ol\u200da\ufeff",  # zero-width joiner, BOM
]


@pytest.mark.parametrize("spoof", NAME_SPOOFS)
def test_direction_overrides_and_zero_width_characters_are_removed_from_a_child_s_name(spoof):
    from referrals.forms.registration import ChildNewForm
    from teams.models import Unit

    data = {"first_name": spoof, "last_name": f"Nord{spoof}mann"}
    form = ChildNewForm(data=data, units=Unit.objects.none())
    form.is_valid()
    assert form.cleaned_data["first_name"] == "Ola"
    assert form.cleaned_data["last_name"] == "NordOlamann"


@pytest.mark.parametrize("spoof", NAME_SPOOFS)
def test_a_guardian_s_name_is_stored_without_them(client, world, spoof):
    child = ChildFactory(unit=world.unit_a)
    client.force_login(world.advisor)
    data = {
        "name": f"Kari {spoof}",
        "relation": "mother",
        "parental_responsibility": "True",
        "lives_with_child": "True",
    }
    response = client.post(reverse("referrals:guardian_new", args=[child.pk]), data)
    assert response.status_code == 302
    assert child.guardians.get().name == "Kari Ola"


def test_a_team_member_name_is_cleaned_in_the_form(client, world):
    from teams.ressursteam_forms import TeamMemberForm

    form = TeamMemberForm({"name": "Siri\u202e Lege", "service": "health_nurse"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Siri Lege"


# --- dates -----------------------------------------------------------------------------------


def _date_forms(world):
    """(form class, its keyword arguments, its date fields) for every form with a date."""
    from decisions import forms as decision_forms
    from decisions.dashboard.views import DashboardFilterForm
    from referrals.consultations_forms import ConsultationConsentForm
    from referrals.forms import case as case_forms
    from referrals.forms import registration
    from referrals.models import Guardian
    from teams.models import Unit
    from teams.ressursteam_forms import FollowUpForm, MeetingForm, SystemWorkForm

    guardians = {"guardians": Guardian.objects.none()}
    return [
        (case_forms.SubmitForm, {}, ["received_on"]),
        (case_forms.PauseForm, {}, ["started_on"]),
        (case_forms.ResumeForm, {}, ["ended_on"]),
        (case_forms.AssessmentForm, {}, ["completed_on"]),
        (registration.ConsentForm, guardians, ["given_on"]),
        (registration.ConsentWithdrawForm, {}, ["withdrawn_on"]),
        (ConsultationConsentForm, guardians, ["given_on"]),
        (decision_forms.ProvisionalReplyForm, {}, ["sent_on", "expected_decision_on"]),
        (decision_forms.DecisionForm, {}, ["decided_on", "starts_on", "ends_on"]),
        (decision_forms.HelpStartForm, {}, ["started_on"]),
        (decision_forms.AppealForm, {}, ["received_on"]),
        (decision_forms.AppealUpdateForm, {}, ["sent_on", "outcome_on"]),
        (MeetingForm, {"unit": world.unit_a}, ["held_on"]),
        (FollowUpForm, {"unit_id": world.unit_a.pk}, ["due_on"]),
        (SystemWorkForm, {"units": Unit.objects.none()}, ["worked_on"]),
        (DashboardFilterForm, {"units": [], "today": TODAY}, ["fra", "til"]),
    ]


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31", "2040-01-01"])
def test_every_date_of_every_form_is_bounded(world, day):
    for form_class, kwargs, fields in _date_forms(world):
        for name in fields:
            form = form_class(data={name: day}, **kwargs)
            assert not form.is_valid()
            assert name in form.errors, (form_class.__name__, name, day)


def test_tomorrow_passes_for_what_has_happened_and_a_year_ahead_for_what_is_planned(world):
    from decisions.forms import DecisionForm, ProvisionalReplyForm
    from teams.ressursteam_forms import FollowUpForm

    tomorrow, next_year = "2026-11-26", "2027-11-25"
    assert "sent_on" not in ProvisionalReplyForm({"sent_on": tomorrow}).errors
    assert (
        "expected_decision_on"
        not in ProvisionalReplyForm({"expected_decision_on": next_year}).errors
    )
    assert "due_on" not in FollowUpForm({"due_on": next_year}, unit_id=world.unit_a.pk).errors
    form = DecisionForm({"starts_on": next_year, "ends_on": "2030-11-24"})
    assert "starts_on" not in form.errors and "ends_on" not in form.errors
    assert "decided_on" in DecisionForm({"decided_on": "2026-11-27"}).errors


def test_a_received_date_before_the_child_was_born_is_refused_next_to_the_field(client, world):
    child = ChildFactory(unit=world.unit_a, birth_date=date(2022, 5, 1))
    referral = ReferralFactory(child=child, created_by=world.advisor)
    client.force_login(world.advisor)
    response = client.post(
        reverse("referrals:case_transition", args=[referral.pk, "submit"]),
        {"received_on": "2022-04-30"},
    )
    assert response.status_code == 422
    assert "01.05.2022" in response.context["form"].errors["received_on"][0]
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.DRAFT


def test_a_vedtak_period_over_three_years_is_refused(client, world):
    case = case_at("assessed", world=world)
    client.force_login(world.office)
    response = client.post(
        reverse("decisions:decision_new", args=[case.pk]),
        _decision_data(starts_on="2026-12-01", ends_on="2030-12-01"),
    )
    assert response.status_code == 422
    assert "høyst tre år" in response.context["form"].errors["ends_on"][0]


def test_the_services_refuse_out_of_bound_dates_too(world):
    """The bound holds for every caller, not only the forms."""
    from decisions import services as decision_services
    from referrals import services as referral_services
    from referrals.services import CaseError
    from teams import ressursteam_services as team_services
    from teams.ressursteam_services import TeamError

    draft = ReferralFactory(child=ChildFactory(unit=world.unit_a), created_by=world.advisor)
    with pytest.raises(CaseError):
        referral_services.referral_submit(
            referral_id=draft.pk, actor=world.advisor, received_on=date(1, 1, 1)
        )
    case = case_at("assessed", world=world)
    for wrong in (
        {"decided_on": date(1999, 12, 31)},
        {"decided_on": date(2026, 11, 24), "starts_on": date(9999, 12, 31)},
        {"decided_on": date(2026, 11, 24), "ends_on": date(9999, 12, 31)},
    ):
        with pytest.raises(CaseError):
            decision_services.decision_register(
                referral_id=case.pk, actor=world.office, outcome="granted", hours_per_week=5,
                organisation="group", competence="special_educator", **wrong,
            )  # fmt: skip
    with pytest.raises(TeamError):
        team_services.meeting_create(unit=world.unit_a, actor=world.advisor, held_on=date(1, 1, 1))
    with pytest.raises(TeamError):
        team_services.system_work_register(
            actor=world.advisor, unit=world.unit_a, worked_on=date(1999, 1, 1), hours=1,
            topic="other",
        )  # fmt: skip
    meeting = Meeting.objects.create(
        unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor
    )
    with pytest.raises(TeamError):
        team_services.follow_up_create(
            meeting=meeting, actor=world.advisor, description="Ring", responsible="Styrer",
            due_on=date(9999, 12, 31),
        )  # fmt: skip


def test_a_huge_page_number_on_the_inbox_and_the_access_log_gives_the_last_page(client, world):
    client.force_login(world.admin)
    for url in (
        reverse("decisions:inbox"),
        reverse("referrals:access_log_user", args=[world.advisor.pk]),
    ):
        for side in (HUGE, "²", "9" * 5000):
            response = client.get(url, {"side": side})
            assert response.status_code == 200, (url, side)
            assert response.context["page"].number == 1, (url, side)


def test_hostile_numbers_and_dates_in_the_dashboard_filters_are_no_500(client, world):
    client.force_login(world.director)
    for query in (
        {"omrade": "²", "enhet": "²"},
        {"omrade": HUGE, "enhet": HUGE},
        {"fra": "0001-01-01", "til": "9999-12-31"},
        {"fra": "2026-01-01", "til": "0001-01-01"},
    ):
        response = client.get(reverse("decisions:dashboard"), query)
        assert response.status_code == 200, query


def test_an_id_past_bigint_in_a_query_or_a_path_is_no_500(client, world):
    child = ChildFactory(unit=world.unit_a)
    client.force_login(world.advisor)
    response = client.get(reverse("referrals:consultation_new", args=[child.pk]), {"mote": HUGE})
    assert response.status_code == 200
    assert client.get(reverse("teams:system_work_new"), {"enhet": HUGE}).status_code == 200
    assert client.get(f"/saker/{HUGE}/").status_code == 404
    assert client.get(f"/barn/{HUGE}/").status_code == 404


def test_a_nul_byte_in_the_service_search_is_no_500(client, world):
    client.force_login(world.styrer_a)
    response = client.get(reverse("teams:service_list"), {"q": "logoped\x00"})
    assert response.status_code == 200
    assert "kontrolltegn" in response.context["form"].errors["q"][0]
