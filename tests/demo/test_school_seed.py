"""seed_demo's schools (issue 19, demo/organisation.py, demo/pupils.py): classes on every trinn
of every school of both municipalities, pupils on every trinn with their guardians, the school
personas, and who decides in each municipality."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from decisions.models import Decision
from decisions.school_models import AnnualEvaluation, Iop
from referrals import case_kinds
from referrals.case_kinds import CaseKind, trinn_from_birth
from referrals.models import Child, Consent, Referral
from teams.models import Municipality, Role, SchoolClass, Unit, User

pytestmark = pytest.mark.django_db

SMALL = ["--children", "600", "--referrals", "200"]


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", *SMALL, stdout=out)
    return out.getvalue()


def test_every_school_has_classes_and_pupils_on_every_trinn(seeded):
    today = timezone.localdate()
    schools = Unit.objects.filter(kind=Unit.Kind.SCHOOL)
    assert set(schools.values_list("municipality__number", flat=True)) == {"9901", "9902"}
    for school in schools:
        classes = SchoolClass.objects.filter(unit=school)
        assert set(classes.values_list("trinn", flat=True)) == set(range(1, 11))
        assert {"1A", "1B", "10A", "10B"} <= set(classes.values_list("name", flat=True))
        pupils = Child.objects.filter(unit=school).select_related("school_class")
        assert {p.school_class.trinn for p in pupils} == set(range(1, 11)), school
        for pupil in pupils.prefetch_related("guardians"):
            assert pupil.school_class.unit_id == school.pk
            assert trinn_from_birth(pupil.birth_date, today) == pupil.school_class.trinn
            assert any(g.parental_responsibility for g in pupil.guardians.all())
    assert not SchoolClass.objects.filter(unit__kind=Unit.Kind.KINDERGARTEN).exists()
    assert not Child.objects.filter(unit__kind=Unit.Kind.KINDERGARTEN, school_class__isnull=False)


def test_the_school_personas_and_who_decides(seeded):
    rektor = Role.objects.get(user__email="rektor@demo.no", kind=Role.Kind.UNIT_HEAD)
    (school,) = rektor.units.all()
    assert school.kind == Unit.Kind.SCHOOL and school.municipality.number == "9901"
    assert rektor.user.full_name == "Rita Rektor"
    (other,) = Role.objects.get(user__email="rektor2@demo.no", kind=Role.Kind.UNIT_HEAD).units.all()
    assert other.kind == Unit.Kind.SCHOOL and other != school
    teacher = Role.objects.get(user__email="kontaktlarer@demo.no", kind=Role.Kind.TEACHER)
    assert list(teacher.units.all()) == [school]
    assert teacher.classes.count() == 2
    assert set(teacher.classes.values_list("unit", flat=True)) == {school.pk}
    office = Role.objects.get(user__email="skolekontoret@demo.no", kind=Role.Kind.OFFICE)
    assert office.unit_kind == Unit.Kind.SCHOOL and office.municipality == school.municipality
    # Solvik has delegated the school vedtak to the rektor, Bergtun has not (case_kinds.DecidedBy).
    assert Municipality.objects.get(number="9901").school_decisions_by_rektor
    assert not Municipality.objects.get(number="9902").school_decisions_by_rektor
    for email in ("rektor@demo.no", "rektor2@demo.no", "kontaktlarer@demo.no"):
        assert User.objects.get(email=email).check_password("rimelig-demo")
        assert email in seeded


def test_a_second_run_adds_no_class_pupil_or_role(seeded, settings):
    def counts():
        return [m.objects.count() for m in (SchoolClass, Child, Role, User)]

    before = counts()
    call_command("seed_demo", *SMALL, stdout=StringIO())
    assert counts() == before


def test_every_kind_and_every_state(seeded):
    cases = Referral.objects.select_related("unit")
    assert set(cases.values_list("kind", flat=True)) == set(CaseKind.values)
    assert set(cases.values_list("status", flat=True)) == set(Referral.Status.values)
    for case in cases:
        # a kindergarten's kinds at a kindergarten, a school's at a school (case_kinds.RULES)
        assert case_kinds.rule(case.kind).unit_kind == case.unit.kind, case
    # Existing school cases got a school kind, most of them § 11-6.
    school = cases.filter(unit__kind=Unit.Kind.SCHOOL)
    assert school.filter(kind=CaseKind.OPPL_11_6).count() > school.count() / 2
    # A kind decided without an assessment (§§ 37, 11-4, 11-5) is decided without one.
    plain = [k for k, r in case_kinds.RULES.items() if not r.assessment_required]
    decided_plain = cases.filter(kind__in=plain, decisions__isnull=False).distinct()
    assert decided_plain.exists()
    assert not decided_plain.filter(assessment__isnull=False).exists()
    # § 11-6 assessments fill § 11-8 a–e.
    done = Referral.objects.filter(kind=CaseKind.OPPL_11_6, assessed_on__isnull=False)
    assert done.exists()
    for case in done.select_related("assessment"):
        for name in ("benefit", "benefit_obstacles", "goals", "kind_of_help", "teacher_competence"):
            assert getattr(case.assessment, name), name
    # Consent from the pupil only in a school kind; referrals by the unit and parents' requests.
    assert Consent.objects.filter(given_by_pupil=True).exists()
    assert not Consent.objects.filter(
        given_by_pupil=True, referral__unit__kind=Unit.Kind.KINDERGARTEN
    ).exists()
    units = cases.filter(source=Referral.Source.UNIT)
    # every one past the unit's own draft was sent (the rektor is still writing one)
    assert units.exists()
    assert not units.filter(sent_on__isnull=True).exclude(status=Referral.Status.DRAFT).exists()
    parents = cases.filter(source=Referral.Source.PARENTS)
    assert parents.exists() and not parents.filter(requested_on__isnull=True).exists()
    # Solvik's school vedtak by the rektor where the school has one (delegated), Bergtun's by
    # its office (not delegated).
    rektor = User.objects.get(email="rektor@demo.no")
    at_rektors = Decision.objects.filter(referral__unit__heads__user=rektor)
    assert at_rektors.exists() and set(at_rektors.values_list("decided_by", flat=True)) == {
        rektor.pk
    }
    bergtun = Decision.objects.filter(
        referral__municipality__number="9902", referral__unit__kind=Unit.Kind.SCHOOL
    )
    assert not bergtun.filter(decided_by__roles__kind=Role.Kind.UNIT_HEAD).exists()


def test_a_child_moved_from_kindergarten_to_school(seeded):
    today = timezone.localdate()
    school_case = Referral.objects.get(previous_link=Referral.PreviousLink.TRANSITION)
    old = school_case.previous
    assert old.kind == CaseKind.BHL_31 and old.status == Referral.Status.CLOSED
    assert old.closed_reason == Referral.ClosedReason.STARTED_SCHOOL
    assert old.unit.kind == Unit.Kind.KINDERGARTEN
    assert school_case.kind == CaseKind.OPPL_11_6 and school_case.unit.kind == Unit.Kind.SCHOOL
    assert school_case.child_id == old.child_id and school_case.t0 is not None
    child = school_case.child
    assert child.unit_id == school_case.unit_id
    assert trinn_from_birth(child.birth_date, today) == child.school_class.trinn == 1
    # One child starts school next August with a § 31 vedtak running: the spring flag's case.
    year = case_kinds.school_year_of(today)
    starting = Referral.objects.filter(
        kind=CaseKind.BHL_31,
        status=Referral.Status.HELP_STARTED,
        child__birth_date__year=year - 5,
        deadlines__kind="school_start",
    )
    assert starting.exists()


def test_the_schools_own_work_iops_evaluations_and_referrals(seeded):
    iops = Iop.objects.select_related("referral")
    assert iops.filter(status=Iop.Status.FINAL).exists()
    assert iops.filter(status=Iop.Status.DRAFT).exists()
    for iop in iops:
        assert iop.referral.kind == CaseKind.OPPL_11_6 and iop.subjects.exists()
    assert AnnualEvaluation.objects.exists()
    # PPT's arrivals: referrals the units sent with the consent recorded, not yet received.
    arrived = Referral.objects.filter(
        source=Referral.Source.UNIT, status=Referral.Status.DRAFT, sent_on__isnull=False
    )
    assert set(arrived.values_list("unit__kind", flat=True)) == {"school", "kindergarten"}
    assert all(r.consents.exists() for r in arrived)
