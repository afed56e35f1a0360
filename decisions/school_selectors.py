"""Reads of the school's IOPs (opplæringslova § 11-10) and årlege evalueringer (§ 11-11):
who may see them, the school's list, and one case's plans. Cases are reached only through
referrals.scoping (visible_referrals, which holds the teacher's own pupils' cases too).

Who sees them: the rektor of the case's school and the pupil's teacher (a TEACHER role with
the pupil's class) read and write; PPT (the advisor) and the office (with schools in its
scope) read; everyone else gets a 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from decisions.school_models import AnnualEvaluation, Iop
from decisions.school_services import can_write_iop
from referrals.models import Referral
from referrals.scoping import visible_referrals


def school_plan_referrals(user) -> QuerySet[Referral]:
    """The cases whose IOPs the user may see: the cases referrals.scoping gives them (the
    rektor, PPT, the office, and a teacher's pupils' cases: one rule for every page)."""
    return visible_referrals(user)


def visible_iops(user) -> QuerySet[Iop]:
    return Iop.objects.filter(referral__in=school_plan_referrals(user).values("pk"))


def visible_evaluations(user) -> QuerySet[AnnualEvaluation]:
    return AnnualEvaluation.objects.filter(referral__in=school_plan_referrals(user).values("pk"))


def _case_joins():
    return ("referral", "referral__child", "referral__child__school_class", "referral__unit")


def get_iop_for_user(user, pk, *, write: bool = False) -> Iop:
    """An IOP the user may see (else 404) and, with ``write``, write (else 403)."""
    iop = get_object_or_404(
        visible_iops(user).select_related(*_case_joins(), "decision", "written_by", "replaces"),
        pk=pk,
    )
    if write and not can_write_iop(user, iop.referral):
        raise PermissionDenied
    return iop


def get_evaluation_for_user(user, pk, *, write: bool = False) -> AnnualEvaluation:
    evaluation = get_object_or_404(
        visible_evaluations(user).select_related(*_case_joins(), "iop", "written_by"), pk=pk
    )
    if write and not can_write_iop(user, evaluation.referral):
        raise PermissionDenied
    return evaluation


def get_case_for_school_plans(user, pk, *, write: bool = False) -> Referral:
    referral = get_object_or_404(
        school_plan_referrals(user).select_related("child", "child__school_class", "unit"), pk=pk
    )
    if write and not can_write_iop(user, referral):
        raise PermissionDenied
    return referral


def case_iops(referral: Referral) -> list[Iop]:
    """The case's IOPs, newest first, each with its subjects and evaluations (three queries)."""
    return list(
        Iop.objects.filter(referral=referral)
        .select_related("written_by")
        .prefetch_related("subjects", "evaluations")
        .order_by("-school_year", "-pk")
    )


def iop_list(user) -> QuerySet[Iop]:
    """The school's list (/iop/): every IOP the user may see with its pupil, class, school and
    the status of its latest evaluation, in one query (the evaluation as subqueries)."""
    latest = AnnualEvaluation.objects.filter(iop=OuterRef("pk")).order_by("-school_year", "-pk")
    return (
        visible_iops(user)
        .select_related("referral__child__school_class", "referral__unit")
        .annotate(
            evaluation_status=Subquery(latest.values("status")[:1]),
            evaluation_pk=Subquery(latest.values("pk")[:1]),
        )
        .order_by("-school_year", "referral__unit__name", "referral__child__last_name", "-pk")
    )
