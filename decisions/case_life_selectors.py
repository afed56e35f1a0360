"""Reads of the case's life after the vedtak (annual reports, the vedtak chain, the cases
before and after), for a case already fetched through referrals.scoping."""

from dataclasses import dataclass

from decisions import case_life
from decisions.models import AnnualReport, Decision
from referrals.models import Referral
from referrals.scoping import headed_unit_ids, visible_referrals
from teams.models import Role
from teams.scoping import user_roles


def can_write_annual_report(user, referral: Referral) -> bool:
    """Barnehageloven § 32 third paragraph: the report is written by whoever gives the help:
    the styrer of the case's unit, or a spesialpedagog of its municipality. The advisor and
    the office read it."""
    if referral.unit_id in headed_unit_ids(user):
        return True
    return any(
        role.kind == Role.Kind.SPECIAL_EDUCATOR and role.municipality_id == referral.municipality_id
        for role in user_roles(user)
    )


def annual_report_draft(referral: Referral) -> AnnualReport | None:
    """The case's draft annual report (at most one: annual_report_one_draft)."""
    return AnnualReport.objects.filter(referral=referral, status=AnnualReport.Status.DRAFT).first()


@dataclass
class ChainLink:
    decision: Decision
    previous: Decision | None  # the decision it replaced
    changes: list  # (label, before, after) against the previous one


def case_life_context(user, referral: Referral) -> dict:
    """The case clock tab's sections of the case's life (a fixed number of queries): its
    annual reports, its vedtak chain oldest first with what each change changed, the running
    vedtak, and the cases before and after it that the user may see."""
    decisions = list(Decision.objects.filter(referral=referral).order_by("decided_on", "pk"))
    by_pk = {d.pk: d for d in decisions}
    chain = []
    for d in decisions:
        previous = by_pk.get(d.changes_id)
        chain.append(
            ChainLink(d, previous, case_life.change_summary(previous, d) if previous else [])
        )
    running = next(
        (d for d in decisions if not d.superseded and d.outcome != Decision.Outcome.REFUSED),
        None,
    )
    visible = visible_referrals(user)
    previous = visible.filter(pk=referral.previous_id).first() if referral.previous_id else None
    return {
        "annual_reports": list(
            AnnualReport.objects.filter(referral=referral).select_related("written_by")
        ),
        "decision_chain": chain,
        "running_decision": running,
        "previous_case": previous,
        "next_cases": list(visible.filter(previous=referral).order_by("created_at")),
        "can_write_report": can_write_annual_report(user, referral),
    }
