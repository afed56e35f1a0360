"""The life of a case after its vedtak: the annual report, renewal, the endringsvedtak, closing
and reopening. Services in the shape of decisions/services.py (atomic, the case locked, the
state table's rule checked, journalled, the clock recomputed once); the vedtak's law checks
are services.decision_terms_check, shared with decision_register.

Rules and their sources:
- barnehageloven § 32 third paragraph: once a year a written report on the help given and the
  child's development, by whoever gives the help (annual_report_save);
- Sivilombudet (Porsgrunn): the need is reassessed well before a vedtak runs out
  (renewal_start, decision_continue meet the renewal deadline);
- forvaltningsloven §§ 24–25, barnehageloven §§ 32 and 35: an endringsvedtak and a decision to
  continue are enkeltvedtak of their own, with their reasons, the parents' consent and the
  reason for any departure from the assessment (decision_terms_check);
- forvaltningsloven §§ 32–33: a case with a pending appeal is not closed (states.py "close").
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.limits import FREE_TEXT_MAX
from decisions import services
from decisions.models import AnnualReport, Decision
from referrals import states
from referrals.models import Child, Referral
from referrals.services import (
    CaseError,
    StaleEdit,
    TransitionError,
    case_event_record,
    date_check,
    referral_lock,
    referral_move,
    refuse_second_open_referral,
)

# A report covers about a year; a little more lets the first one reach back to the help start.
ANNUAL_REPORT_PERIOD_MAX = timedelta(days=400)
# The terms an endringsvedtak may change (and the history line on the case page names).
CHANGE_FIELDS = (
    "hours_per_week",
    "organisation",
    "competence",
    "assistant",
    "starts_on",
    "ends_on",
)


def _running_decision(referral: Referral, action: str, message: str) -> Decision:
    """The case's current vedtak granting help, locked; ``message`` when there is none."""
    decision = referral.decisions.select_for_update().filter(superseded=False).first()
    if (
        not states.allowed(action, referral.status)
        or decision is None
        or decision.outcome == Decision.Outcome.REFUSED
    ):
        raise TransitionError(message)
    return decision


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


# --- the annual report (barnehageloven § 32 third paragraph) ------------------------------------


@transaction.atomic
def annual_report_save(
    *,
    referral_id: int,
    actor,
    period_from: date,
    period_to: date,
    help_given: str,
    development: str,
    submit: bool = False,
    report_id: int | None = None,
    report_version: int | None = None,
) -> AnnualReport:
    """Save the annual report as a draft, or submit it (then it is read-only and meets the
    case's annual-report deadline). ``report_id`` and ``report_version`` name the draft being edited;
    a draft saved by someone else since raises StaleEdit."""
    referral = referral_lock(referral_id)
    decision = _running_decision(
        referral,
        "annual_report",
        _("Årsrapport skrives for et vedtak om hjelp som løper; saken har ikke et slikt vedtak."),
    )
    report = None
    if report_id is not None:
        report = (
            AnnualReport.objects.select_for_update().filter(referral=referral).get(pk=report_id)
        )
        if report.status != AnnualReport.Status.DRAFT:
            raise TransitionError(_("Årsrapporten er sendt inn og kan ikke endres."))
        if report_version is not None and report.version != report_version:
            raise StaleEdit(current=report, events=[])
    elif referral.annual_reports.filter(status=AnnualReport.Status.DRAFT).exists():
        raise CaseError(_("Saken har allerede et utkast til årsrapport. Fortsett i det."))
    _annual_report_check(decision, period_from, period_to, help_given, development)
    values = dict(
        period_from=period_from,
        period_to=period_to,
        help_given=help_given.strip(),
        development=development.strip(),
    )
    if submit:
        values.update(status=AnnualReport.Status.SUBMITTED, submitted_on=timezone.localdate())
    if report is None:
        report = AnnualReport.objects.create(
            referral=referral, decision=decision, written_by=actor, **values
        )
    else:
        for name, value in values.items():
            setattr(report, name, value)
        report.version += 1
        report.decision = decision
        report.save()
    detail = {"period": f"{_day(period_from)}–{_day(period_to)}"}
    if submit:
        case_event_record(
            referral=referral, actor=actor, action="annual_report.submitted", detail=detail
        )
    else:
        case_event_record(
            referral=referral, actor=actor, action="annual_report.saved", detail=detail
        )
    if submit:
        services._announce(referral)
    return report


def _annual_report_check(decision, period_from, period_to, help_given, development) -> None:
    date_check(period_from, field="period_from")
    date_check(period_to, field="period_to")
    if period_to < period_from:
        raise CaseError(_("Perioden må slutte etter at den begynner."), field="period_to")
    if period_to > timezone.localdate():
        raise CaseError(_("Perioden kan ikke slutte i fremtiden."), field="period_to")
    if period_from < decision_chain_start(decision):
        raise CaseError(
            _("Perioden kan ikke begynne før vedtaket ble fattet (%(d)s).")
            % {"d": _day(decision_chain_start(decision))},
            field="period_from",
        )
    if period_to - period_from > ANNUAL_REPORT_PERIOD_MAX:
        raise CaseError(_("En årsrapport dekker høyst om lag ett år."), field="period_to")
    for name, text in (("help_given", help_given), ("development", development)):
        if not text.strip():
            raise CaseError(
                _("Fyll ut feltet (barnehageloven § 32 tredje ledd)."),
                field=name,
            )
        if len(text) > FREE_TEXT_MAX:
            raise CaseError(
                _("Teksten kan være høyst %(n)s tegn.") % {"n": FREE_TEXT_MAX}, field=name
            )


def decision_chain_start(decision: Decision) -> date:
    """The day the first vedtak of the case's chain was made (a change does not restart the
    help): at most a few rows, each read once."""
    first = decision
    seen = 0
    while first.changes_id is not None and seen < 50:
        first = Decision.objects.only("decided_on", "changes_id").get(pk=first.changes_id)
        seen += 1
    return first.decided_on


# --- the endringsvedtak and the decision to continue ------------------------------------------


def _new_decision(
    referral, old: Decision, *, kind: str, actor, decided_on, notified_on, **terms
) -> Decision:
    """Supersede ``old`` and store the decision that replaces it (one current decision per
    case: decision_one_current). The help that runs keeps its start date."""
    Decision.objects.filter(pk=old.pk).update(superseded=True)
    return Decision.objects.create(
        referral=referral,
        decided_on=decided_on,
        decided_by=actor,
        outcome=old.outcome,
        provider=old.provider,
        provider_name=old.provider_name,
        help_started_on=old.help_started_on,
        notified_on=notified_on,
        kind=kind,
        changes=old,
        **terms,
    )


def _terms(referral, old, *, decided_on, notified_on, reason, deviation_reason, values, field):
    """Decision_register's law checks on the new terms; returns them as they are stored."""
    if decided_on is not None and decided_on < old.decided_on:
        raise CaseError(
            _("Vedtaksdatoen kan ikke være før vedtaket som endres (%(d)s).")
            % {"d": _day(old.decided_on)},
            field="decided_on",
        )
    hours, starts_on, ends_on = services.decision_terms_check(
        referral=referral,
        decided_on=decided_on,
        outcome=old.outcome,
        deviation_reason=deviation_reason,
        reason=reason,
        notified_on=notified_on,
        reason_field=field,
        **values,
    )
    return {
        **values,
        "hours_per_week": hours,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "deviation_reason": deviation_reason,
        "reason": reason,
    }


@transaction.atomic
def decision_change(
    *,
    referral_id: int,
    actor,
    changes_id: int,
    decided_on: date,
    reason: str,
    hours_per_week=None,
    organisation: str = "",
    competence: str = "",
    assistant: bool = False,
    starts_on: date | None = None,
    ends_on: date | None = None,
    deviation_reason: str = "",
    notified_on: date | None = None,
) -> Decision:
    """An endringsvedtak: new terms for the running vedtak ``changes_id`` (the one the form was
    opened on; if another change came first, the form is stale), with the reason for the
    change (forvaltningsloven §§ 24–25). The case's status stays."""
    referral = referral_lock(referral_id)
    old = _running_decision(
        referral,
        "change_decision",
        _("Et endringsvedtak endrer et vedtak om hjelp som løper (ikke under klage)."),
    )
    if old.pk != changes_id:
        raise CaseError(
            _("Vedtaket er endret av noen andre mens du skrev. Åpne endringen på nytt."),
            field="decided_on",
        )
    if not reason.strip():
        raise CaseError(
            _("Skriv grunnen til endringen (forvaltningsloven §§ 24–25)."), field="reason"
        )
    values = dict(
        hours_per_week=hours_per_week,
        organisation=organisation,
        competence=competence,
        assistant=assistant,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    terms = _terms(
        referral,
        old,
        decided_on=decided_on,
        notified_on=notified_on,
        reason=reason,
        deviation_reason=deviation_reason,
        values=values,
        field="reason",
    )
    changed = [f for f in CHANGE_FIELDS if getattr(old, f) != terms[f]]
    if not changed:
        raise CaseError(_("Endringsvedtaket endrer ingenting i vedtaket."), field="hours_per_week")
    decision = _new_decision(
        referral,
        old,
        kind=Decision.Kind.CHANGE,
        actor=actor,
        decided_on=decided_on,
        notified_on=notified_on,
        **terms,
    )
    referral_move(
        referral=referral,
        step="change_decision",
        actor=actor,
        action="decision.changed",
        detail={"changes": changed, "decided_on": _day(decided_on), "reason": reason[:200]},
    )
    services._announce(referral)
    return decision


# --- renewal ----------------------------------------------------------------------------------


def _refuse_closed(referral: Referral, field: str) -> None:
    if referral.status in states.CLOSED:
        raise TransitionError(
            _("Saken er avsluttet; et avsluttet vedtak kan ikke fornyes. Gjenåpne den som ny sak."),
            field=field,
        )


@transaction.atomic
def renewal_start(*, referral_id: int, actor, renewed_on: date) -> Referral:
    """Renewal by a new assessment: a new case for the same child, unit and advisor, linked to
    this one, received on ``renewed_on`` (its own clock starts when the parents consent to the
    new assessment: _follow_up_case). Starting it meets this case's renewal deadline. The running vedtak stands until the new one comes
    (both cases are open meanwhile: the one-open-case rule does not hold for a renewal)."""
    referral = referral_lock(referral_id)
    _refuse_closed(referral, "renewed_on")
    old = _running_decision(
        referral, "renew", _("Bare et vedtak om hjelp som løper kan fornyes (ikke under klage).")
    )
    _check_day(renewed_on, old.decided_on, "renewed_on")
    new = _follow_up_case(
        referral,
        actor=actor,
        on=renewed_on,
        link=Referral.PreviousLink.RENEWAL,
        concern=_("Fornyelse av vedtaket fra %(d)s i sak %(ref)s: ny sakkyndig vurdering.")
        % {"d": _day(old.decided_on), "ref": referral.reference},
    )
    Decision.objects.filter(pk=old.pk).update(renewal_started_on=renewed_on)
    referral_move(
        referral=referral,
        step="renew",
        actor=actor,
        action="case.renewal_started",
        detail={"on": _day(renewed_on), "new_case": new.reference},
    )
    services._announce(referral)
    return new


@transaction.atomic
def decision_continue(
    *,
    referral_id: int,
    actor,
    decided_on: date,
    reason: str,
    hours_per_week=None,
    organisation: str = "",
    competence: str = "",
    assistant: bool = False,
    starts_on: date | None = None,
    ends_on: date | None = None,
    deviation_reason: str = "",
    notified_on: date | None = None,
) -> Decision:
    """Renewal by a decision to continue: a new vedtak for a new period, with the same checks
    as the first (consent, reasons, departures). The renewal deadline moves to the new period."""
    referral = referral_lock(referral_id)
    _refuse_closed(referral, "decided_on")
    old = _running_decision(
        referral, "renew", _("Bare et vedtak om hjelp som løper kan fornyes (ikke under klage).")
    )
    starts_on = starts_on or (old.ends_on + timedelta(days=1) if old.ends_on else None)
    terms = _terms(
        referral,
        old,
        decided_on=decided_on,
        notified_on=notified_on,
        reason=reason,
        deviation_reason=deviation_reason,
        values=dict(
            hours_per_week=hours_per_week,
            organisation=organisation,
            competence=competence,
            assistant=assistant,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        field="reason",
    )
    decision = _new_decision(
        referral,
        old,
        kind=Decision.Kind.CONTINUATION,
        actor=actor,
        decided_on=decided_on,
        notified_on=notified_on,
        **terms,
    )
    referral_move(
        referral=referral,
        step="renew",
        actor=actor,
        action="decision.continued",
        detail={"decided_on": _day(decided_on), "until": _day(decision.ends_on)},
    )
    services._announce(referral)
    return decision


def _check_day(day: date, earliest: date, field: str) -> None:
    date_check(day, field=field)
    if day > timezone.localdate() or day < earliest:
        raise CaseError(
            _("Datoen må være mellom %(d)s og i dag.") % {"d": _day(earliest)}, field=field
        )


def _follow_up_case(old: Referral, *, actor, on: date, link: str, concern: str) -> Referral:
    """A new case following ``old`` (renewal or reopening): same child, unit and advisor,
    received on ``on``. It waits for the parents' consent to the new assessment (barnehageloven
    § 32 first paragraph: consent before a sakkyndig vurdering; the earlier case's consent was
    to the earlier one); when the consent is registered its own clock starts, from the later of
    ``on`` and the consent (T0, as for every case)."""
    new = Referral.objects.create(
        child_id=old.child_id,
        unit_id=old.unit_id,
        municipality_id=old.municipality_id,
        # the same kind of case (issue 19: a § 11-6 renewal is a § 11-6 case)
        kind=old.kind,
        advisor_id=old.advisor_id,
        status=Referral.Status.AWAITING_CONSENT,
        services=[Referral.Service.ASSESSMENT],
        concern=concern,
        is_repeat=True,
        received_on=on,
        previous=old,
        previous_link=link,
        created_by=actor,
    )
    event = case_event_record(
        referral=new,
        actor=actor,
        action="referral.created",
        to_status=new.status,
        detail={"previous": old.reference, "link": link},
    )
    # The journal's first event and the case carry the same moment (as referral_create's do).
    Referral.objects.filter(pk=new.pk).update(created_at=event.at)
    return new


# --- closing and reopening --------------------------------------------------------------------


@transaction.atomic
def case_close(
    *, referral_id: int, actor, closed_on: date, reason: str, note: str = ""
) -> Referral:
    """Close a case with a vedtak: why (a fixed list) and when. Its deadlines stop (the clock
    drops every unmet deadline of a closed case) and it leaves every list of open cases."""
    referral = referral_lock(referral_id)
    if referral.status == Referral.Status.APPEALED:
        # Forvaltningsloven §§ 32–33: the appeal is decided (or withdrawn) first.
        raise TransitionError(
            _(
                "Saken har en klage til behandling. Registrer utfallet av klagen før saken "
                "avsluttes (forvaltningsloven §§ 32–33)."
            )
        )
    if not states.allowed("close", referral.status):
        raise TransitionError(
            _("Saken kan avsluttes når et vedtak er fattet (saken er «%(s)s»).")
            % {"s": referral.get_status_display()}
        )
    if reason not in Referral.ClosedReason.values:
        raise CaseError(_("Velg hvorfor saken avsluttes."), field="reason")
    decision = referral.decisions.filter(superseded=False).first()
    _check_day(closed_on, decision.decided_on if decision else date(2000, 1, 1), "closed_on")
    referral.closed_reason, referral.closed_on, referral.closed_note = reason, closed_on, note
    referral_move(
        referral=referral,
        step="close",
        actor=actor,
        action="case.closed",
        detail={"reason": reason, "closed_on": _day(closed_on)},
        fields=["closed_reason", "closed_on", "closed_note"],
    )
    services._announce(referral)
    return referral


@transaction.atomic
def case_reopen(*, referral_id: int, actor, received_on: date, concern: str) -> Referral:
    """Reopening is a new case, linked to the closed one (which stays closed): received on
    ``received_on``, its clock from the parents' consent (_follow_up_case). Refused while the
    child has another open case."""
    referral = referral_lock(referral_id)
    if not states.allowed("reopen", referral.status):
        raise TransitionError(_("Bare en avsluttet sak kan gjenåpnes."))
    if not concern.strip():
        raise CaseError(_("Skriv hvorfor saken gjenåpnes."), field="concern")
    child = Child.objects.select_for_update().get(pk=referral.child_id)
    try:
        refuse_second_open_referral(child)
    except CaseError as exc:
        raise CaseError(str(exc), field="received_on") from exc
    _check_day(received_on, referral.closed_on or date(2000, 1, 1), "received_on")
    new = _follow_up_case(
        referral,
        actor=actor,
        on=received_on,
        link=Referral.PreviousLink.REOPENED,
        concern=concern.strip(),
    )
    referral_move(
        referral=referral,
        step="reopen",
        actor=actor,
        action="case.reopened",
        detail={"on": _day(received_on), "new_case": new.reference},
    )
    return new


# --- what the case page shows ------------------------------------------------------------------


def change_summary(old: Decision, new: Decision) -> list[tuple[str, str, str]]:
    """(what, before, after) for each term an endringsvedtak changed, as the page shows it."""
    rows = []
    for name in CHANGE_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        label = Decision._meta.get_field(name).verbose_name
        rows.append((str(label), _show(old, name, before), _show(new, name, after)))
    return rows


def _show(decision: Decision, name: str, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    if isinstance(value, date):
        return _day(value)
    display = getattr(decision, f"get_{name}_display", None)
    return str(display()) if display else str(value)
