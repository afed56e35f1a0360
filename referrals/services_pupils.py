"""A school's pupils (issue 19): registering a pupil with their guardians, and their class.

The rule every caller meets here, whatever form or job calls it (the rektor's pages, the demo,
the kindergarten-to-school move): a pupil's class is a class of the school the pupil is at
(Child.unit), so the teachers of that class (referrals.scoping._taught_q) and the rektor of that
school see the same pupil. Registration reuses the advisor's rules
(referrals.services.registration: the identity number's parser, one child per number in the
municipality) and adds the class and the guardians in the same transaction: nothing is half
saved.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from referrals.models import Child
from referrals.services import CaseError, case_event_record
from referrals.services.base import _edit, _events_since
from referrals.services.registration import (
    child_find_or_register,
    guardian_add,
    parse_child_id_number,
)
from teams.models import SchoolClass, Unit


def _school_class_check(school_class: SchoolClass, unit_id: int | None) -> None:
    """A pupil's class belongs to the pupil's school (the field's message otherwise)."""
    if school_class.unit_id != unit_id:
        raise CaseError(_("Klassen hører til en annen skole."), field="school_class")


@transaction.atomic
def pupil_set_class(*, actor, child_id: int, school_class_id: int, version: int) -> Child:
    """Move a pupil to another class of the same school (optimistic-locked: a stale edit
    raises StaleEdit). A class of another school is refused and nothing is saved."""
    child = Child.objects.select_for_update().get(pk=child_id)
    school_class = SchoolClass.objects.select_related("unit").get(pk=school_class_id)
    _school_class_check(school_class, child.unit_id)
    changes = _edit(
        child,
        version=version,
        values={"school_class": school_class},
        referral=None,
        actor=actor,
        action="child.updated",
        stale_events=_events_since("child", child.pk),
    )
    if changes:
        for referral in child.referrals.all():
            case_event_record(
                referral=referral,
                actor=actor,
                action="child.updated",
                detail={
                    "changes": changes,
                    "version": child.version,
                    "object": "child",
                    "object_id": child.pk,
                },
            )
    return child


@transaction.atomic
def pupil_register(
    *,
    actor,
    school_class: SchoolClass,
    id_number: str,
    birth_date: date | None,
    first_name: str,
    last_name: str,
    sex: str,
    guardians: list[dict],
) -> tuple[Child, bool]:
    """Register a pupil in ``school_class`` with their ``guardians`` (dicts of Guardian's
    fields). A child already registered in the municipality is found, not registered twice,
    and is returned as it is (created False): moving a child between units is not this
    service's (the kindergarten-to-school move is decisions.transition's)."""
    if school_class.unit.kind != Unit.Kind.SCHOOL:
        raise CaseError(_("Klassen hører ikke til en skole."), field="school_class")
    parsed = parse_child_id_number(id_number)
    if birth_date is not None and birth_date != parsed.birth_date:
        # The number carries the birth date (folkeregisterloven § 2-2): one of them is mistyped.
        raise CaseError(_("Fødselsdatoen stemmer ikke med fødselsnummeret."), field="birth_date")
    child, created = child_find_or_register(
        actor=actor,
        unit=school_class.unit,
        id_number=parsed.number,
        first_name=first_name,
        last_name=last_name,
        sex=sex,
    )
    if not created:
        return child, False
    _school_class_check(school_class, child.unit_id)
    child.school_class = school_class
    child.save(update_fields=["school_class", "updated_at"])
    for values in guardians:
        guardian_add(child_id=child.pk, actor=actor, **values)
    return child, True
