"""The demo's case life after the vedtak (decisions/case_life.py): in Solvik, cases with help
running get an annual report written by the styrer of Solsikken barnehage, an endringsvedtak,
a renewal by a new assessment (a new case linked to the old one) and closings with their
reasons, one of them reopened as a new case. Through the services, so clocks and journals are
what the product makes. Synthetic; idempotent (skips once an annual report exists)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from decisions import case_life
from decisions.models import AnnualReport
from referrals.case_kinds import CaseKind
from referrals.models import Referral
from referrals.services import CaseError
from teams.models import Role

S = Referral.Status
CLOSINGS = [
    ("period_ended", "Vedtaksperioden gikk ut; foreldrene ønsket ikke fornyelse."),
    ("started_school", "Barnet begynner på skolen; overføringsmøte er holdt."),
    ("moved", "Familien har flyttet til en annen kommune."),
]


def _running_cases(municipality_id: int, unit_id: int | None = None):
    # help running first, then decided cases whose help is still to start
    # The kindergarten's story (§ 31: annual report, change, renewal, closings); the schools'
    # own is demo.school_work's.
    cases = Referral.objects.filter(
        municipality_id=municipality_id,
        status__in=(S.HELP_STARTED, S.DECIDED),
        kind=CaseKind.BHL_31,
    ).order_by("-status", "pk")
    if unit_id is not None:
        cases = cases.filter(unit_id=unit_id)
    return cases


def _try(call) -> bool:
    """A demo case the service refuses (say, a consent missing) is skipped, not forced."""
    try:
        with transaction.atomic():
            call()
        return True
    except CaseError:
        return False


def _report(case, writer, today: date) -> bool:
    decision = case.decisions.get(superseded=False)
    start = max(decision.help_started_on or decision.decided_on, today - timedelta(days=360))
    return _try(
        lambda: case_life.annual_report_save(
            referral_id=case.pk,
            actor=writer,
            period_from=start,
            period_to=today,
            help_given="Spesialpedagog to økter i uken i liten gruppe; språkleker og samtale "
            "om bildebøker. Tre økter falt bort i jula.",
            development="Barnet bruker flere ord og setninger, tar oftere kontakt med andre "
            "barn og deltar lenger i leken. Målet om tre-ordssetninger er nådd.",
            submit=True,
        )
    )


def seed_case_life(today: date) -> dict:
    counts = {"reports": 0, "changes": 0, "renewals": 0, "closed": 0, "reopened": 0}
    if AnnualReport.objects.exists():
        return {"skipped": True, **counts}
    styrer_role = (
        Role.objects.filter(kind=Role.Kind.UNIT_HEAD, user__email="styrer@demo.no")
        .prefetch_related("units")
        .first()
    )
    office_role = Role.objects.filter(
        kind=Role.Kind.OFFICE, user__email="barnehagekontoret@demo.no"
    ).first()
    if styrer_role is None or office_role is None:
        return {"skipped": True, **counts}
    styrer, office = styrer_role.user, office_role.user
    municipality_id = office_role.municipality_id
    unit = styrer_role.units.first()
    used: set[int] = set()

    def pick(unit_id=None):
        for case in _running_cases(municipality_id, unit_id):
            if case.pk not in used:
                used.add(case.pk)
                yield case

    # Written by the styrer of Solsikken if it has help running, else by the spesialpedagog.
    educator = Role.objects.filter(
        kind=Role.Kind.SPECIAL_EDUCATOR, municipality_id=municipality_id
    ).first()
    writers = [(unit.pk if unit else None, styrer)]
    if educator is not None:
        writers.append((None, educator.user))
    for unit_id, writer in writers:
        if counts["reports"]:
            break
        for case in pick(unit_id):
            if _report(case, writer, today):
                counts["reports"] += 1
                break
    for case in pick():
        decision = case.decisions.get(superseded=False)
        if _try(
            lambda case=case, d=decision: case_life.decision_change(
                referral_id=case.pk,
                actor=office,
                changes_id=d.pk,
                decided_on=today,
                hours_per_week=(d.hours_per_week or Decimal(2)) + Decimal("1.5"),
                organisation=d.organisation,
                competence=d.competence,
                assistant=d.assistant,
                starts_on=d.starts_on,
                ends_on=d.ends_on,
                reason="Barnehagen melder at barnet trenger mer hjelp i samlingsstund.",
                deviation_reason="Behovet har økt siden den sakkyndige vurderingen.",
            )
        ):
            counts["changes"] += 1
            break
    for case in pick():
        if _try(
            lambda case=case: case_life.renewal_start(
                referral_id=case.pk, actor=office, renewed_on=today
            )
        ):
            counts["renewals"] += 1
            break
    closed = []
    for case in pick():
        if len(closed) == len(CLOSINGS):
            break
        reason, note = CLOSINGS[len(closed)]
        if _try(
            lambda case=case, reason=reason, note=note: case_life.case_close(
                referral_id=case.pk, actor=office, closed_on=today, reason=reason, note=note
            )
        ):
            closed.append(case)
    counts["closed"] = len(closed)
    if closed and _try(
        lambda: case_life.case_reopen(
            referral_id=closed[-1].pk,
            actor=office,
            received_on=today,
            concern="Familien har flyttet tilbake til Solvik; barnehagen melder fortsatt behov.",
        )
    ):
        counts["reopened"] = 1
    return counts
