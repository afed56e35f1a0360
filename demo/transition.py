"""The demo's move from kindergarten to school (issue 19, decisions/transition.py): in Solvik,
one child with a running § 31 vedtak started school this August: the kindergarten case is
closed (started school) and the § 11-6 case at Solvik skole opened from it, linked, with its
own clock; and one child with a running § 31 vedtak starts school next August, so PPT's spring
flag (DeadlineKind.SCHOOL_START) is there. Through the services; idempotent (skips once the
demo has a moved child, and keeps the one that starts school next year). Synthetic."""

import random
from datetime import date

from django.db import transaction

from decisions import services, transition
from demo.organisation import REKTOR_SCHOOL
from referrals import case_kinds
from referrals.idnumber import generate_synthetic
from referrals.models import Child, Referral
from referrals.services import CaseError
from teams.models import Municipality, Role, SchoolClass, Unit

S = Referral.Status
K = case_kinds.CaseKind


def _running_31(municipality: Municipality, exclude=()):
    return (
        Referral.objects.filter(
            municipality=municipality, kind=K.BHL_31, status=S.HELP_STARTED, previous__isnull=True
        )
        .exclude(pk__in=exclude)
        .select_related("child")
        .order_by("pk")
    )


def _born_in(child: Child, year: int, rng: random.Random) -> None:
    """Give the child a birth date in ``year`` (the year that puts them where the story needs
    them, opplæringslova § 2-1), with a synthetic identity number to match."""
    if child.birth_date.year == year:
        return
    born = date(year, child.birth_date.month, min(child.birth_date.day, 28))
    taken = set(
        Child.objects.filter(municipality_id=child.municipality_id).values_list(
            "id_number", flat=True
        )
    )
    number = generate_synthetic(born, rng)
    while number in taken:
        number = generate_synthetic(born, rng)
    Child.objects.filter(pk=child.pk).update(birth_date=born, id_number=number)
    child.birth_date, child.id_number = born, number


def seed_transition(rng: random.Random, today: date, municipality: Municipality) -> dict:
    counts = {"moved": 0, "starting_next_year": 0}
    school = Unit.objects.filter(municipality=municipality, name=REKTOR_SCHOOL).first()
    advisor_role = Role.objects.filter(user__email="radgiver@demo.no").first()
    if school is None or advisor_role is None:
        return {"skipped": True, **counts}
    advisor = advisor_role.user
    year = case_kinds.school_year_of(today)
    moved = Referral.objects.filter(
        municipality=municipality, previous_link=Referral.PreviousLink.TRANSITION
    ).first()
    if moved is None:
        # Started school this August: born in the year that makes them a first-year pupil.
        first_day = date(year, 8, 1)
        for case in _running_31(municipality):
            decision = case.decisions.filter(superseded=False).first()
            if decision is None or decision.decided_on > first_day:
                continue
            with transaction.atomic():
                _born_in(case.child, year - 6, rng)
                guardian = case.child.guardians.filter(parental_responsibility=True).first()
                try:
                    moved = transition.case_transition_to_school(
                        referral_id=case.pk,
                        school=school,
                        school_class=SchoolClass.objects.get(unit=school, name="1A"),
                        kind=K.OPPL_11_6,
                        actor=advisor,
                        on=first_day,
                        version=Referral.objects.get(pk=case.pk).version,
                        consent_guardian_id=guardian.pk,
                        consent_on=first_day,
                    ).new
                except CaseError:
                    transaction.set_rollback(True)
                    continue
                services.deadlines_recompute(moved.pk, today=today)
            counts["moved"] = 1
            break
    # Starts school next August with help running: the spring flag's case.
    next_year = year - 5
    if not _running_31(municipality).filter(child__birth_date__year=next_year).exists():
        exclude = [moved.previous_id] if moved else []
        case = _running_31(municipality, exclude).filter(unit__kind=Unit.Kind.KINDERGARTEN).first()
        if case is not None:
            with transaction.atomic():
                _born_in(case.child, next_year, rng)
                services.deadlines_recompute(case.pk, today=today)
            counts["starting_next_year"] = 1
    return counts
