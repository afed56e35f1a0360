"""A school's pupils by class (issue 19): what the rektor and the teachers list at /elever/.

Every read starts from referrals.scoping (visible_children, visible_referrals): the rektor
(UNIT_HEAD of a school) sees the pupils of their school(s), every class; a
kontaktlærer/spesialpedagog (TEACHER) the pupils of the classes they teach. The list is one
query however many pupils it shows (each pupil's open cases as one array).
"""

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from core.sql import EqualsAny, Ids
from referrals import states
from referrals.case_kinds import CaseKind
from referrals.models import Child, Referral
from referrals.scoping import headed_unit_ids, visible_children, visible_referrals
from teams.models import Role, SchoolClass, Unit
from teams.scoping import has_role, taught_class_ids


@dataclass(frozen=True)
class PupilScope:
    """Whose pupils the user lists: the schools they head (rektor) and the classes they
    teach, read from the roles of the request (no query)."""

    school_ids: list[int]  # candidates: the units a unit head heads (schools among them)
    class_ids: list[int]


def pupil_scope(user) -> PupilScope:
    headed = headed_unit_ids(user) if has_role(user, Role.Kind.UNIT_HEAD) else []
    return PupilScope(school_ids=headed, class_ids=taught_class_ids(user))


def pupil_classes(scope: PupilScope) -> QuerySet[SchoolClass]:
    """The classes whose pupils the user may list: every class of the schools they head, and
    the classes they teach (a class belongs to a school: SchoolClass.clean)."""
    return (
        SchoolClass.objects.filter(
            Q(EqualsAny(F("unit_id"), Ids(scope.school_ids)))
            | Q(EqualsAny(F("pk"), Ids(scope.class_ids)))
        )
        .select_related("unit")
        .order_by("unit__name", "trinn", "name")
    )


def rektor_schools(user) -> QuerySet[Unit]:
    """The schools the user heads as rektor (their kindergartens are not schools)."""
    return Unit.objects.filter(
        EqualsAny(F("pk"), Ids(headed_unit_ids(user))), kind=Unit.Kind.SCHOOL
    ).order_by("name")


def pupil_list(user, *, class_ids: list[int], unclassed_at: list[int] = ()) -> QuerySet[Child]:
    """The pupils of ``class_ids`` the user may see (visible_children), and those at the
    schools ``unclassed_at`` who have no class yet (the rektor's, to give them one), by school,
    trinn, class and name (no class last), each with ``open_cases``: "kind|status|pk" of each
    case not closed that the user sees (visible_referrals), oldest first. One query."""
    open_cases = (
        visible_referrals(user)
        .filter(child_id=OuterRef("pk"), status__in=states.NOT_CLOSED)
        .order_by("created_at", "pk")
        .values(
            row=Concat(
                F("kind"),
                Value("|"),
                F("status"),
                Value("|"),
                Cast("pk", CharField()),
                output_field=CharField(),
            )
        )
    )
    return (
        visible_children(user)
        .filter(
            Q(EqualsAny(F("school_class_id"), Ids(class_ids)))
            | Q(EqualsAny(F("unit_id"), Ids(list(unclassed_at))), school_class__isnull=True)
        )
        .select_related("school_class__unit")
        .annotate(open_cases=ArraySubquery(open_cases))
        .order_by(
            F("school_class__unit__name").asc(nulls_last=True),
            "school_class__trinn",
            "school_class__name",
            "last_name",
            "first_name",
            "pk",
        )
    )


@dataclass(frozen=True)
class OpenCase:
    pk: int
    kind: str
    kind_label: str
    status: str
    status_label: str


_STATUS_LABELS = dict(Referral.Status.choices)
_KIND_LABELS = dict(CaseKind.choices)


def open_cases_of(pupil: Child) -> list[OpenCase]:
    """pupil_list's ``open_cases`` as rows for the page."""
    rows = []
    for text in pupil.open_cases or []:
        kind, status, pk = text.split("|")
        rows.append(
            OpenCase(
                pk=int(pk),
                kind=kind,
                kind_label=str(_KIND_LABELS.get(kind, kind)),
                status=status,
                status_label=str(_STATUS_LABELS.get(status, status)),
            )
        )
    return rows
