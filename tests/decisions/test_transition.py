"""The move from kindergarten to school (issue 19, deliverable 3; decisions/transition.py): the
spring flag before a § 31 child starts school, the move that closes the § 31 case and opens
the school case, its refusals, and delivered hours for the pupil afterwards."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from decisions import case_life, flagging, transition
from decisions import services as decision_services
from decisions.case_life_selectors import case_life_context
from decisions.deadlines import DEFAULT_RULES, CaseFacts, Kind, Rule, compute_deadlines
from decisions.delivery_models import DeliveryWeek
from decisions.models import Deadline, DeadlineFlag, DeadlinePolicy, Decision, Notification
from decisions.tasks import flag_deadlines, send_notification
from referrals import services as referral_services
from referrals.models import Assessment, Consent, Referral
from referrals.services import CaseError, TransitionError
from teams.models import SchoolClass, Unit
from tests.builders import ASSESSMENT, case_at, decide, decision_consent
from tests.conftest import frozen_today
from tests.factories import ChildFactory, GuardianFactory, UnitFactory

pytestmark = pytest.mark.django_db

# The § 31 case of case_at: received 28.10.2026, vedtak 24.11.2026 (running a year), help
# started 27.11.2026. A child born in 2021 starts school in August 2027.
DECIDED = date(2026, 11, 24)
TODAY = date(2027, 3, 10)


def facts(birth: date, *, kind="bhl_31", decided=DECIDED, until=None, **kw) -> CaseFacts:
    return CaseFacts(
        t0=decided - timedelta(days=27),
        assessed_on=decided - timedelta(days=4),
        decided_on=decided,
        help_until=until if until is not None else decided + timedelta(days=364),
        kind=kind,
        birth_date=birth,
        **kw,
    )


def spring(f: CaseFacts, rules=DEFAULT_RULES, today=TODAY):
    return {d.kind: d for d in compute_deadlines(f, rules, today)}.get(Kind.SCHOOL_START)


# --- the spring flag: its day -------------------------------------------------------------------


def test_a_31_child_starting_school_in_august_is_flagged_on_1_march_warned_30_days_before():
    due = spring(facts(date(2021, 5, 10)))
    # Opplæringslova § 2-1: the child turns six in 2027; 1 August − 5 months = Monday 1 March.
    assert (due.due_on, due.warning_days, due.met_on) == (date(2027, 3, 1), 30, None)


def test_1_march_on_a_sunday_moves_to_monday():
    due = spring(facts(date(2020, 9, 1), decided=date(2025, 10, 1)))
    assert due.due_on == date(2026, 3, 2)  # 01.03.2026 is a Sunday


def test_the_year_boundary_31_12_and_1_1_children_start_a_year_apart():
    long_vedtak = dict(decided=date(2025, 12, 1), until=date(2028, 7, 31))
    assert spring(facts(date(2020, 12, 31), **long_vedtak)).due_on == date(2026, 3, 2)
    assert spring(facts(date(2021, 1, 1), **long_vedtak)).due_on == date(2027, 3, 1)


def test_a_child_born_on_29_february_starts_school_the_year_it_turns_six():
    due = spring(facts(date(2020, 2, 29), decided=date(2025, 10, 1)))
    assert due.due_on == date(2026, 3, 2)


def test_the_municipality_s_policy_sets_the_day_and_the_warning():
    rules = {
        **DEFAULT_RULES,
        Kind.SCHOOL_START: Rule(Kind.SCHOOL_START, months=-4, warning_days=10),
    }
    due = spring(facts(date(2021, 5, 10)), rules)
    assert (due.due_on, due.warning_days) == (date(2027, 4, 1), 10)
    off = {**DEFAULT_RULES, Kind.SCHOOL_START: Rule(Kind.SCHOOL_START, months=-5, active=False)}
    assert spring(facts(date(2021, 5, 10)), off) is None


def test_only_children_who_start_school_that_august_are_flagged():
    # born 2022: school in 2028, after the vedtak has run out (the renewal comes first)
    assert spring(facts(date(2022, 3, 3))) is None
    # already of school age when the vedtak was made: no § 31 school start ahead
    assert spring(facts(date(2020, 3, 3))) is None
    # no vedtak of help: nothing to move
    assert spring(facts(date(2021, 5, 10), decision_refused=True)) is None
    undecided = CaseFacts(t0=DECIDED, kind="bhl_31", birth_date=date(2021, 5, 10))
    assert spring(undecided) is None


@pytest.mark.parametrize("kind", ["bhl_37", "bhl_38", "oppl_11_6", "oppl_11_4", "oppl_11_5"])
def test_not_for_37_38_or_school_cases(kind):
    assert spring(facts(date(2021, 5, 10), kind=kind)) is None


def test_it_is_met_on_the_day_the_case_closed():
    due = spring(facts(date(2021, 5, 10), closed=True, closed_on=date(2027, 2, 1)))
    assert due.met_on == date(2027, 2, 1)


def test_the_policy_row_is_created_with_the_others_and_its_legal_reference(world):
    decision_services.deadline_policy_ensure_defaults(world.municipality)
    row = DeadlinePolicy.objects.get(municipality=world.municipality, kind="school_start")
    assert (row.months, row.days, row.warning_days) == (-5, 0, 30)
    assert "opplæringslova § 2-1" in row.legal_reference


# --- the spring flag on a real case, through the morning job ------------------------------------


def school_starter(world, birth=date(2021, 5, 10), **kw) -> Referral:
    child = ChildFactory(unit=world.unit_a, birth_date=birth)
    GuardianFactory(child=child, name="Mor Testesen")
    return case_at("help_started", world=world, child=child, **kw)


def test_the_case_gets_the_deadline_from_the_policy_row(world):
    DeadlinePolicy.objects.update_or_create(
        municipality=world.municipality,
        kind="school_start",
        defaults={"months": -4, "days": 0, "warning_days": 20, "legal_reference": "x"},
    )
    case = school_starter(world)
    deadline = case.deadlines.get(kind="school_start")
    assert (deadline.due_on, deadline.warn_on) == (date(2027, 4, 1), date(2027, 3, 12))


def test_no_deadline_for_a_child_starting_school_the_year_after(world):
    case = school_starter(world, birth=date(2022, 5, 10))
    assert not case.deadlines.filter(kind="school_start").exists()


def _morning(day: date) -> list[str]:
    """One morning (the Celery tasks, run in place): who was mailed of the spring flag. (The
    office may be told of the same case's delivery check: not this part's kind.)"""
    mail.outbox.clear()
    result = flag_deadlines.apply(kwargs={"day": day.isoformat()}).get()
    for note_id in result["notifications"]:
        send_notification.apply(args=[note_id])
    told = set(
        Notification.objects.filter(day=day, flags__deadline__kind="school_start").values_list(
            "recipient__email", flat=True
        )
    )
    return sorted(to for m in mail.outbox for to in m.to if to in told)


def _only_school_start_open(case) -> None:
    Deadline.objects.filter(referral=case).exclude(kind="school_start").update(
        met_on=date(2026, 12, 1)
    )


def test_the_morning_job_tells_the_case_s_advisor_from_30_days_before(world):
    case = school_starter(world)
    _only_school_start_open(case)
    assert _morning(date(2027, 1, 29)) == []  # the day before the warning
    assert _morning(date(2027, 1, 30)) == [world.advisor.email]  # not the office
    (body,) = [m.body for m in mail.outbox if m.to == [world.advisor.email]]
    assert case.reference in body and "Overgang til skolen" in body


def test_on_1_march_it_is_approaching_and_overdue_the_day_after(world):
    case = school_starter(world)
    _only_school_start_open(case)
    with frozen_today(date(2027, 3, 1)):
        assert _morning(date(2027, 3, 1)) == [world.advisor.email]
    with frozen_today(date(2027, 3, 2)):
        assert _morning(date(2027, 3, 2)) == [world.advisor.email]
    levels = sorted(
        DeadlineFlag.objects.filter(deadline__kind="school_start").values_list("level", flat=True)
    )
    assert levels == ["approaching", "overdue"]


def test_on_29_february_2028_the_flag_is_in_its_window(world):
    with frozen_today(date(2028, 2, 29)):
        case = school_starter(world, birth=date(2022, 2, 28), on=date(2027, 9, 1))
        _only_school_start_open(case)
        deadline = case.deadlines.get(kind="school_start")
        # 01.03.2028 is a Wednesday; 30 days before in a leap year is 31.01.
        assert (deadline.due_on, deadline.warn_on) == (date(2028, 3, 1), date(2028, 1, 31))
        assert _morning(date(2028, 2, 29)) == [world.advisor.email]


def test_on_31_december_nothing_is_flagged_yet(world):
    case = school_starter(world)
    _only_school_start_open(case)
    with frozen_today(date(2026, 12, 31)):
        assert flagging.detect(date(2026, 12, 31)).deadlines == 0


def test_closing_the_case_otherwise_meets_it(world):
    case = school_starter(world)
    with frozen_today(TODAY):
        case_life.case_close(
            referral_id=case.pk, actor=world.office, closed_on=date(2027, 2, 1), reason="moved"
        )
    assert case.deadlines.get(kind="school_start").met_on == date(2027, 2, 1)


# --- the move -----------------------------------------------------------------------------------


@pytest.fixture
def class_1a(world):
    return SchoolClass.objects.create(unit=world.school, trinn=1, name="1A")


def _post(client, case, **over):
    data = {
        "school": over.pop("school", None),
        "school_class": "",
        "kind": "oppl_11_6",
        "on": "2027-03-10",
        "case_version": Referral.objects.get(pk=case.pk).version,
    }
    data.update({k: v for k, v in over.items()})
    return client.post(reverse("decisions:transition_to_school", args=[case.pk]), data)


def test_the_advisor_moves_the_child_to_school_in_one_step(client, world, class_1a):
    case = school_starter(world)
    guardian = case.child.guardians.get(name="Mor Testesen")
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        response = _post(
            client,
            case,
            school=world.school.pk,
            school_class=class_1a.pk,
            consented="on",
            consent_guardian=guardian.pk,
            consent_on="2027-03-05",
        )
    old = Referral.objects.get(pk=case.pk)
    new = Referral.objects.get(previous=old)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:case_detail", args=[new.pk])
    # barnehageloven § 31: the kindergarten's case closes, with that reason
    assert (old.status, old.closed_reason, old.closed_on) == (
        "closed",
        "started_school",
        date(2027, 3, 10),
    )
    # a school case of its own, linked to the old one
    assert (new.kind, new.unit, new.previous_link, new.advisor) == (
        "oppl_11_6",
        world.school,
        "transition",
        world.advisor,
    )
    # its own clock: T0 is the later of received (the move) and the new consent (§ 11-7)
    assert (new.received_on, new.consent_on, new.t0, new.status) == (
        date(2027, 3, 10),
        date(2027, 3, 5),
        date(2027, 3, 10),
        "received",
    )
    assert new.consents.get().purpose == Consent.Purpose.ASSESSMENT
    assert {d.kind for d in new.deadlines.all()} >= {"provisional_reply", "assessment", "decision"}
    assert new.deadlines.get(kind="decision").due_on == date(2027, 6, 10)
    # the child moves: the school and its class
    case.child.refresh_from_db()
    assert (case.child.unit, case.child.school_class) == (world.school, class_1a)
    # the spring flag is met by the move
    assert old.deadlines.get(kind="school_start").met_on == date(2027, 3, 10)


def test_without_consent_the_school_case_waits_for_it_and_its_clock_starts_then(
    client, world, class_1a
):
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        _post(client, case, school=world.school.pk, school_class=class_1a.pk)
        new = Referral.objects.get(previous=case)
        # opplæringslova § 11-7 third paragraph: the § 31 case's consent does not carry over
        assert (new.status, new.t0, new.consents.count()) == ("awaiting_consent", None, 0)
        assert not new.deadlines.exists()
        guardian = new.child.guardians.get(name="Mor Testesen")
        referral_services.consent_register(
            referral_id=new.pk,
            guardian_id=guardian.pk,
            purpose=Consent.Purpose.ASSESSMENT,
            given_on=TODAY,
            actor=world.advisor,
        )
    new.refresh_from_db()
    assert (new.status, new.t0) == ("received", TODAY)


def test_the_kind_may_be_11_4_or_11_5(world):
    case = school_starter(world)
    with frozen_today(TODAY):
        moved = transition.case_transition_to_school(
            referral_id=case.pk,
            school=world.school,
            school_class=None,
            kind="oppl_11_5",
            actor=world.advisor,
            on=TODAY,
            version=case.version,
        )
    assert (moved.new.kind, moved.new.services) == ("oppl_11_5", [])


def _snippet(user, referral) -> str:
    return render_to_string(
        "decisions/transition/_case_transition.html",
        {"referral": referral, "can_edit": True, **case_life_context(user, referral)},
    )


def test_each_case_page_names_the_other_and_the_old_assessment(world, class_1a):
    case = school_starter(world)
    with frozen_today(TODAY):
        moved = transition.case_transition_to_school(
            referral_id=case.pk,
            school=world.school,
            school_class=class_1a,
            kind="oppl_11_6",
            actor=world.advisor,
            on=TODAY,
            version=case.version,
        )
    new_page = _snippet(world.advisor, moved.new)
    assert f'Fra barnehagesaken <a href="/saker/{case.pk}/">{case.reference}</a>' in new_page
    assert "Sakkyndig vurdering fra barnehagen, ferdigstilt 20.11.2026" in new_page
    old_page = _snippet(world.advisor, moved.old)
    assert moved.new.reference in old_page and "Barnet har begynt på skolen" in old_page
    # the school's rektor sees the school case, not the kindergarten's (need to know)
    rektor_page = _snippet(world.rektor_a, moved.new)
    assert case.reference not in rektor_page


def test_the_case_page_offers_the_move_to_the_advisor_of_a_running_31_vedtak(world):
    case = school_starter(world)
    assert "overgang-skole" in _snippet(world.advisor, case)
    assessed = case_at("assessed", world=world)
    assert "overgang-skole" not in _snippet(world.advisor, assessed)


# --- refusals: nothing half-saved ----------------------------------------------------------------


def _unchanged(case) -> None:
    case.refresh_from_db()
    assert case.status == "help_started" and case.closed_reason == ""
    assert not Referral.objects.filter(previous=case).exists()
    case.child.refresh_from_db()
    assert case.child.unit_id != case.unit_id or case.child.school_class is None


def test_a_class_of_another_school_is_refused_at_the_field(client, world):
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        response = _post(client, case, school=world.school.pk, school_class=world.class_b.pk)
    assert response.status_code == 422
    assert "hører til en annen skole" in str(response.context["form"].errors["school_class"])
    _unchanged(case)
    case.child.refresh_from_db()
    assert case.child.unit == world.unit_a


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("31.02.2027", "gyldig dato"),
        ("ikke en dato", "gyldig dato"),
        ("2027-03-20", "fremtiden"),  # after tomorrow: the form's bound
        ("2026-11-01", "før vedtaket ble fattet"),
        ("1999-12-31", "01.01.2000"),
    ],
)
def test_a_bad_date_is_refused_at_the_field(client, world, on, message):
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        response = _post(client, case, school=world.school.pk, on=on)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors["on"])
    _unchanged(case)


def test_tomorrow_passes_the_form_but_not_the_service(world):
    case = school_starter(world)
    with frozen_today(TODAY), pytest.raises(CaseError) as exc:
        transition.case_transition_to_school(
            referral_id=case.pk,
            school=world.school,
            school_class=None,
            kind="oppl_11_6",
            actor=world.advisor,
            on=TODAY + timedelta(days=1),
            version=case.version,
        )
    assert exc.value.field == "on" and "fremtiden" in exc.value.message


def test_a_child_too_young_for_school_is_refused(world):
    # born 2023: school in 2029, a year earlier at the earliest (tidleg skolestart)
    case = school_starter(world, birth=date(2023, 2, 1))
    with frozen_today(TODAY), pytest.raises(CaseError) as exc:
        transition.case_transition_to_school(
            referral_id=case.pk,
            school=world.school,
            school_class=None,
            kind="oppl_11_6",
            actor=world.advisor,
            on=TODAY,
            version=case.version,
        )
    assert exc.value.field == "on" and "tidligst 01.01.2028" in exc.value.message


def test_a_case_that_is_not_31_is_refused(client, world):
    case = school_starter(world)
    Referral.objects.filter(pk=case.pk).update(kind="bhl_37")
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        page = client.get(reverse("decisions:transition_to_school", args=[case.pk]))
        assert page.status_code == 200 and "barnehageloven § 31" in page.context["refusal"]
        response = _post(client, case, school=world.school.pk)
    assert response.status_code == 422
    assert "Bare en sak om spesialpedagogisk hjelp" in response.text
    case.refresh_from_db()
    assert case.status == "help_started"


def test_a_case_without_a_running_vedtak_is_refused(client, world):
    case = case_at("assessed", world=world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        page = client.get(reverse("decisions:transition_to_school", args=[case.pk]))
        assert "ikke et vedtak om spesialpedagogisk hjelp som løper" in page.context["refusal"]
        response = _post(client, case, school=world.school.pk)
    assert response.status_code == 422
    assert not Referral.objects.filter(previous=case).exists()


def test_consent_ticked_without_its_date_is_refused(client, world):
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        response = _post(client, case, school=world.school.pk, consented="on")
    assert response.status_code == 422
    assert response.context["form"].errors.keys() >= {"consent_on", "consent_guardian"}
    _unchanged(case)


def test_a_school_of_another_municipality_is_not_a_choice(client, world):
    far = UnitFactory(name="Fjern skole", area=world.other_unit.area, kind=Unit.Kind.SCHOOL)
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        response = _post(client, case, school=far.pk)
    assert response.status_code == 422 and "school" in response.context["form"].errors
    with frozen_today(TODAY), pytest.raises(CaseError) as exc:
        transition.case_transition_to_school(
            referral_id=case.pk,
            school=far,
            school_class=None,
            kind="oppl_11_6",
            actor=world.advisor,
            on=TODAY,
            version=case.version,
        )
    assert exc.value.field == "school"
    _unchanged(case)


def test_an_edit_since_the_form_was_opened_is_refused(world):
    case = school_starter(world)
    with frozen_today(TODAY), pytest.raises(CaseError, match="endret av noen andre"):
        transition.case_transition_to_school(
            referral_id=case.pk,
            school=world.school,
            school_class=None,
            kind="oppl_11_6",
            actor=world.advisor,
            on=TODAY,
            version=case.version - 1,
        )
    _unchanged(case)


# --- a double click -----------------------------------------------------------------------------


def test_a_double_click_makes_one_school_case(client, world, class_1a):
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        form = client.get(reverse("decisions:transition_to_school", args=[case.pk])).context["form"]
        once = form["once"].value()
        first = _post(client, case, school=world.school.pk, once=once, case_version=case.version)
        second = _post(client, case, school=world.school.pk, once=once, case_version=case.version)
    assert Referral.objects.filter(previous=case).count() == 1
    # the second post lands where the first did
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_second_move_of_the_same_case_names_the_school_case(world):
    case = school_starter(world)
    kwargs = dict(
        referral_id=case.pk,
        school=world.school,
        school_class=None,
        kind="oppl_11_6",
        actor=world.advisor,
        on=TODAY,
        version=case.version,
    )
    with frozen_today(TODAY):
        moved = transition.case_transition_to_school(**kwargs)
        with pytest.raises(TransitionError, match=moved.new.reference):
            transition.case_transition_to_school(**kwargs)
    assert Referral.objects.filter(previous=case).count() == 1


# --- who may: 404 for what is not theirs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("advisor", 200),
        ("advisor_south", 404),  # another area's advisor: not their case
        ("outsider", 404),  # another municipality's PPT
        ("styrer_b", 404),  # another unit
        ("rektor_a", 404),  # the school's rektor: not yet their pupil
        ("styrer_a", 403),  # sees the case, does not move it
        ("office", 403),
    ],
)
def test_only_the_advisor_moves_the_child(client, world, persona, status):
    case = school_starter(world)
    with frozen_today(TODAY):
        client.force_login(getattr(world, persona))
        assert client.get(
            reverse("decisions:transition_to_school", args=[case.pk])
        ).status_code == (status)
        posted = _post(client, case, school=world.school.pk)
    assert posted.status_code == (302 if status == 200 else status)


# --- delivered hours for the pupil (decisions/delivery.py) --------------------------------------


def _school_vedtak(world, class_1a) -> Decision:
    """The moved child's § 11-6 case taken to a running vedtak through the services."""
    case = school_starter(world)
    guardian = case.child.guardians.get(name="Mor Testesen")
    moved = transition.case_transition_to_school(
        referral_id=case.pk,
        school=world.school,
        school_class=class_1a,
        kind="oppl_11_6",
        actor=world.advisor,
        on=TODAY,
        version=case.version,
        consent_guardian_id=guardian.pk,
        consent_on=TODAY,
    )
    pk = moved.new.pk
    referral_services.referral_start_assessment(referral_id=pk, actor=world.advisor)
    assessment = Assessment.objects.get(referral_id=pk)
    referral_services.assessment_save(
        referral_id=pk,
        version=assessment.version,
        actor=world.advisor,
        complete=True,
        completed_on=TODAY,
        recommended_hours=Decimal("5.0"),
        benefit="Lite utbytte av ordinær opplæring i lesing.",
        benefit_obstacles="Språkvansker.",
        teacher_competence="",
        **ASSESSMENT,
    )
    decision_consent(pk, world.advisor, given_on=TODAY)
    decision = decide(pk, world.school_office, decided_on=TODAY, starts_on=TODAY)
    decision_services.help_start_register(referral_id=pk, started_on=TODAY, actor=world.office)
    decision.refresh_from_db()
    return decision


def test_the_rektor_registers_a_week_of_help_for_the_pupil(client, world, class_1a):
    with frozen_today(TODAY):
        decision = _school_vedtak(world, class_1a)
        url = reverse("decisions:delivery_page", args=[decision.pk])
        client.force_login(world.rektor_a)
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"week_start": "2027-03-08", "hours_given": "3", "given_by": "Spesialpedagog"}
        )
    assert response.status_code == 302
    week = DeliveryWeek.objects.get(decision=decision)
    # Wednesday to Friday of the § 11-6 vedtak's first week: 3 of 5 hours
    assert (week.hours_decided, week.hours_given, week.registered_by) == (
        Decimal("3.0"),
        Decimal("3"),
        world.rektor_a,
    )


def test_the_municipality_s_special_educator_registers_for_a_pupil_too(client, world, class_1a):
    with frozen_today(TODAY):
        decision = _school_vedtak(world, class_1a)
        client.force_login(world.special_educator)
        response = client.post(
            reverse("decisions:delivery_page", args=[decision.pk]),
            {"week_start": "2027-03-08", "hours_given": "2,5", "given_by": "Sara"},
        )
    assert response.status_code == 302
    assert DeliveryWeek.objects.get(decision=decision).hours_given == Decimal("2.5")


@pytest.mark.parametrize(("persona", "status"), [("styrer_a", 404), ("rektor_b", 404)])
def test_the_old_kindergarten_and_another_school_do_not(client, world, class_1a, persona, status):
    with frozen_today(TODAY):
        decision = _school_vedtak(world, class_1a)
        client.force_login(getattr(world, persona))
        response = client.post(
            reverse("decisions:delivery_page", args=[decision.pk]),
            {"week_start": "2027-03-08", "hours_given": "3", "given_by": "X"},
        )
    assert response.status_code == status
    assert not DeliveryWeek.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_make_one_school_case(world):
    """Two requests at the same moment (two tabs): the case's row lock lets one through; the
    other, after it, finds the case moved and makes nothing."""
    import threading

    from django.db import connection

    case = school_starter(world)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait()
            with frozen_today(TODAY):
                transition.case_transition_to_school(
                    referral_id=case.pk,
                    school=world.school,
                    school_class=None,
                    kind="oppl_11_6",
                    actor=world.advisor,
                    on=TODAY,
                    version=case.version,
                )
            outcomes.append("moved")
        except CaseError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Referral.objects.filter(previous=case).count() == 1
    assert sorted(outcomes)[-1] == "moved" and "allerede overført" in sorted(outcomes)[0]


def test_the_page_runs_the_same_queries_for_1_and_20_schools(client, world, class_1a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = school_starter(world)
    url = reverse("decisions:transition_to_school", args=[case.pk])
    with frozen_today(TODAY):
        client.force_login(world.advisor)
        client.get(url)  # warm the session and the role cache
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for n in range(19):
            school = UnitFactory(name=f"Skole {n}", area=world.north, kind=Unit.Kind.SCHOOL)
            SchoolClass.objects.create(unit=school, trinn=1, name="1A")
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
    assert "Skole 18" in response.text and "1A (Skole 18)" in response.text
    # the request's own (session, user, roles, access log), the case with its child, unit and
    # advisor, its vedtak, and one each for the schools, the classes (with their school) and
    # the guardians: however many schools the municipality has
    assert len(many) == len(one) == 10, [q["sql"][:80] for q in many.captured_queries]
