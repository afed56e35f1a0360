"""Builders of the IOP and årleg evaluering tests (tests/decisions/test_iop.py,
test_annual_evaluation.py, tests/school_matrix/iop.py): a § 11-6 case of a pupil in a class,
taken to its vedtak through the services, and its IOP and evaluation through
decisions/school_services.py."""

from datetime import date
from decimal import Decimal

from decisions import school_services as school
from referrals.case_kinds import CaseKind
from referrals.models import Referral
from teams.models import Role
from tests.builders import case_at
from tests.factories import ChildFactory, RoleFactory

# The builders' case is decided on 24.11.2026 (tests/builders.py); the tests run on this day.
TODAY = date(2026, 12, 1)


def pupil_case(world, *, klass=None, stage="decided", hours="10.0", kind=CaseKind.OPPL_11_6):
    """A case of ``kind`` of a new pupil in ``klass`` (default 5A of world.school), at
    ``stage`` (a vedtak of ``hours`` per week when decided)."""
    klass = klass or world.class_5a
    child = ChildFactory(unit=klass.unit, school_class=klass)
    case = case_at(stage, world=world, unit=klass.unit, child=child, hours=hours)
    Referral.objects.filter(pk=case.pk).update(kind=kind)
    return Referral.objects.get(pk=case.pk)


def teacher_of(klass, email="tom@test.no"):
    return RoleFactory(
        user__email=email, kind=Role.Kind.TEACHER, units=[klass.unit], classes=[klass]
    ).user


def written_iop(case, actor, *, subjects=(("Norsk", "4.0"), ("Matematikk", "3.5"))):
    iop = school.iop_create(referral_id=case.pk, actor=actor)
    return school.iop_update(
        iop_id=iop.pk,
        actor=actor,
        version=iop.version,
        goals="Lese korte tekster med forståelse.",
        content="Lesetrening og begreper i matematikk.",
        organisation="I liten gruppe med spesialpedagog, fire økter i uka.",
        subjects=[(name, Decimal(h)) for name, h in subjects],
    )


def final_iop(case, actor, **kw):
    iop = written_iop(case, actor, **kw)
    return school.iop_finalise(iop_id=iop.pk, actor=actor)


def written_evaluation(iop, actor):
    evaluation = school.evaluation_create(iop_id=iop.pk, actor=actor)
    return school.evaluation_update(
        evaluation_id=evaluation.pk,
        actor=actor,
        version=evaluation.version,
        teaching_given="Fire økter i uka i liten gruppe.",
        development="Leser nå korte tekster; målet i norsk er nådd.",
    )
