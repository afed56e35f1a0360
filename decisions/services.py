"""Writes of the decision-making app: the clock (deadline rows), provisional replies,
decisions, appeals and help start. Same pattern as referrals/services.py: atomic, lock the case,
check the state, journal, announce."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.limits import DECISION_PERIOD_MAX, HOURS_PER_WEEK_MAX, planned_latest
from decisions import deadlines as rules
from decisions.models import (
    AnnualReport,
    Appeal,
    Deadline,
    DeadlinePolicy,
    Decision,
    Notification,
    ProvisionalReply,
)
from referrals import case_kinds, states
from referrals.models import Assessment, DeadlineKind, Referral
from referrals.services import (
    CaseError,
    TransitionError,
    case_event_record,
    covering_facts,
    date_check,
    decision_consent_given,
    referral_lock,
    referral_move,
    referral_set_next_deadline,
)
from referrals.signals import case_changed

# Forvaltningsloven § 33 fourth paragraph: the municipality's default of three weeks (the law
# says "så snart saken er tilrettelagt"). Also in the data migration that adds the policy rows.
APPEAL_LEGAL_REFERENCE = (
    "Forvaltningsloven § 33 fjerde ledd: omgjør ikke kommunen vedtaket, sendes klagen til "
    "Statsforvalteren så snart saken er tilrettelagt. Kommunens frist: tre uker fra klagen kom inn."
)
LEGAL_REFERENCES = {
    rules.Kind.PROVISIONAL_REPLY: "Forvaltningsloven § 11 a: foreløpig svar når saken ikke kan avgjøres innen en måned.",
    rules.Kind.ASSESSMENT: "Praksis: sakkyndig vurdering innen to måneder gir kommunen en måned til vedtak.",
    rules.Kind.DECISION: "Udir: mer enn om lag tre måneder fra henvendelse til vedtak kan være for lang tid.",
    rules.Kind.HELP_START: "Vedtakets startdato, ellers to uker etter vedtak: hjelpen skal gis innen rimelig tid.",
    rules.Kind.RENEWAL: "Sivilombudet: vurder fortsatt behov i god tid før vedtaket løper ut.",
    rules.Kind.ANNUAL_REPORT: "Barnehageloven § 32 tredje ledd: årlig rapport om hjelpen og barnets utvikling.",
    rules.Kind.APPEAL: APPEAL_LEGAL_REFERENCE,
    # Issue 19, transition part (decisions/transition.py; also in its data migration).
    rules.Kind.SCHOOL_START: (
        "Barnehageloven § 31 gjelder barn under opplæringspliktig alder; opplæringslova § 2-1: "
        "skolestart det kalenderåret barnet fyller seks år. PPT varsles våren før (1. august "
        "minus fem måneder = 1. mars) for å forberede skolesaken etter opplæringslova § 11-7."
    ),
}

# What deviations() names, in the message next to the reason field.
DEVIATION_LABELS = {
    "outcome": _lazy("avslag der vurderingen tilrår hjelp"),
    "hours_per_week": _lazy("timer per uke"),
    "organisation": _lazy("organisering"),
    "competence": _lazy("kompetanse"),
    "assistant": _lazy("assistent"),
}


# --- the clock -----------------------------------------------------------------------------------


def policy_rules(municipality_id: int) -> dict[rules.Kind, rules.Rule]:
    """The municipality's rules, falling back to DESIGN.md's defaults for kinds it has not set."""
    result = dict(rules.DEFAULT_RULES)
    for p in DeadlinePolicy.objects.filter(municipality_id=municipality_id):
        kind = rules.Kind(p.kind)
        result[kind] = rules.Rule(kind, p.months, p.days, p.warning_days, p.active)
    return result


def deadline_policy_ensure_defaults(municipality) -> None:
    """Create the default rule rows (with legal references) a municipality's admin can edit."""
    for kind, rule in rules.DEFAULT_RULES.items():
        DeadlinePolicy.objects.get_or_create(
            municipality=municipality,
            kind=kind,
            defaults={
                "months": rule.months,
                "days": rule.days,
                "warning_days": rule.warning_days,
                "legal_reference": LEGAL_REFERENCES[kind],
            },
        )


def current_decision(referral: Referral) -> Decision | None:
    return next((d for d in referral.decisions.all() if not d.superseded), None)


def case_facts(referral: Referral) -> rules.CaseFacts:
    decision = current_decision(referral)
    replies = [r.sent_on for r in referral.provisional_replies.all()]
    first_decision = min((d.decided_on for d in referral.decisions.all()), default=None)
    return rules.CaseFacts(
        t0=referral.t0,
        provisional_reply_on=min(replies) if replies else None,
        assessed_on=referral.assessed_on,
        decided_on=first_decision,
        decision_refused=bool(decision and decision.outcome == Decision.Outcome.REFUSED),
        help_from=decision.starts_on if decision else None,
        help_until=decision.ends_on if decision else None,
        help_started_on=decision.help_started_on if decision else None,
        renewal_received_on=decision.renewal_started_on if decision else None,
        # Barnehageloven § 32 third paragraph: the submitted reports meet the deadline.
        annual_reports=tuple(
            sorted(
                r.submitted_on
                for r in referral.annual_reports.all()
                if r.status == AnnualReport.Status.SUBMITTED
            )
        ),
        **_appeal_facts(referral),
        pauses=tuple(
            (p.started_on, p.ended_on, frozenset(p.reason.stops)) for p in referral.pauses.all()
        ),
        closed=referral.status in states.CLOSED,
        kinds=frozenset(case_kinds.rule(referral.kind).deadlines),
        # Issue 19, transition part: the spring flag before school start (decisions/transition.py).
        kind=referral.kind,
        birth_date=(
            referral.child.birth_date
            if decision and decision.outcome != Decision.Outcome.REFUSED
            else None
        ),
        closed_on=referral.closed_on,
    )


def _appeal_facts(referral: Referral) -> dict:
    """The latest appeal of the case (any of its decisions): when it came in, and when the office
    sent it to Statsforvalteren or reversed its vedtak (forvaltningsloven § 33)."""
    appeals = [a for d in referral.decisions.all() for a in d.appeals.all()]
    if not appeals:
        return {}
    latest = max(appeals, key=lambda a: (a.received_on, a.pk))
    handled = latest.sent_on
    if handled is None and latest.outcome == Appeal.Outcome.REVERSED:
        handled = latest.outcome_on
    return {"appeal_received_on": latest.received_on, "appeal_handled_on": handled}


CLOCK_FACTS = (
    "pauses__reason",
    "provisional_replies",
    "decisions",
    "decisions__appeals",
    "annual_reports",
)


def deadlines_recompute(
    referral_id: int, *, today: date | None = None, referral: Referral | None = None
) -> list[Deadline]:
    """Bring a case's Deadline rows in line with its facts; a deadline met or moved cancels its
    pending notifications (the office is not told of what is no longer due). decisions' own
    services pass ``referral``, the row they locked and moved (no second read of it)."""
    today = today or timezone.localdate()
    if referral is None:
        referral = Referral.objects.prefetch_related(*CLOCK_FACTS).get(pk=referral_id)
    else:
        prefetch_related_objects([referral], *CLOCK_FACTS)
    wanted = {
        d.kind: d
        for d in rules.compute_deadlines(
            case_facts(referral), policy_rules(referral.municipality_id), today
        )
    }
    existing = {d.kind: d for d in Deadline.objects.select_for_update().filter(referral=referral)}
    changed_ids = []
    for kind, row in existing.items():
        # The delivery deadline is the morning delivery check's (decisions/delivery.py), not
        # computed from the case's dates; it goes only with the case's closing.
        if kind == DeadlineKind.DELIVERY and referral.status not in states.CLOSED:
            continue
        if kind not in wanted:
            changed_ids.append(row.pk)
            row.delete()
    result = []
    for kind, due in wanted.items():
        values = {
            "due_on": due.due_on,
            "met_on": due.met_on,
            "paused": due.paused,
            "paused_days": due.paused_days,
            "warning_days": due.warning_days,
            "warn_on": due.due_on - timedelta(days=due.warning_days),
        }
        row = existing.get(kind)
        if row is None:
            row = Deadline.objects.create(referral=referral, kind=kind, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            if row.met_on != due.met_on or row.due_on != due.due_on or row.paused != due.paused:
                changed_ids.append(row.pk)
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        result.append(row)
    if changed_ids:
        notifications_cancel_stale(referral_id)
    upcoming = sorted(
        (d for d in result if d.met_on is None and not d.paused), key=lambda d: d.due_on
    )
    nxt = upcoming[0] if upcoming else None
    referral_set_next_deadline(
        referral_id=referral.pk,
        kind=nxt.kind if nxt else "",
        due_on=nxt.due_on if nxt else None,
        warn_on=nxt.warn_on if nxt else None,
    )
    return result


def notifications_cancel_stale(referral_id: int) -> int:
    """Cancel pending notifications whose every flag is on a deadline no longer due."""
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, flags__deadline__referral_id=referral_id
    ).distinct()
    cancelled = 0
    for notification in pending:
        if not notification.flags.filter(
            deadline__met_on__isnull=True, deadline__paused=False
        ).exists():
            cancelled += Notification.objects.filter(
                pk=notification.pk, status=Notification.Status.PENDING
            ).update(status=Notification.Status.CANCELLED)
    return cancelled


@receiver(case_changed, sender=Referral, dispatch_uid="decisions.recompute_deadlines")
def _recompute_on_case_change(sender, referral, **kwargs):
    """The one way decisions hears of a referrals service's change (DESIGN.md): recompute the
    case's clock inside the same transaction. decisions' own services do not come this way:
    they call _announce below (an appeal's case_changed, sender Appeal, is for the documents'
    journal: sender=Referral keeps it from recomputing twice)."""
    deadlines_recompute(referral.pk)


def _announce(referral: Referral) -> None:
    """The end of every decisions service that changes a case: its clock, recomputed once,
    from the row the service locked (each fact is read afresh: the prefetch is new)."""
    deadlines_recompute(referral.pk, referral=referral)


# --- provisional reply, decision, appeal, help -------------------------------------------------


@transaction.atomic
def provisional_reply_register(
    *, referral_id: int, sent_on: date, reason: str, expected_decision_on: date, actor
) -> ProvisionalReply:
    referral = referral_lock(referral_id)
    if not states.allowed("provisional_reply", referral.status):
        raise TransitionError(_("Foreløpig svar gis før vedtaket er fattet."))
    date_check(sent_on, field="sent_on")
    date_check(expected_decision_on, field="expected_decision_on", latest=planned_latest())
    if sent_on > timezone.localdate():
        raise CaseError(_("Datoen kan ikke være i fremtiden."), field="sent_on")
    if expected_decision_on < sent_on:
        raise CaseError(
            _("Forventet vedtaksdato må være etter at svaret ble sendt."),
            field="expected_decision_on",
        )
    reply = ProvisionalReply.objects.create(
        referral=referral,
        sent_on=sent_on,
        reason=reason,
        expected_decision_on=expected_decision_on,
        registered_by=actor,
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="provisional_reply.registered",
        detail={
            "sent_on": sent_on.strftime("%d.%m.%Y"),
            "expected": expected_decision_on.strftime("%d.%m.%Y"),
        },
    )
    _announce(referral)
    return reply


def deviations(
    assessment, *, refused=False, hours, organisation, competence, assistant=False
) -> list[str]:
    """Where a decision departs from the sakkyndig vurdering (barnehageloven § 35 first
    paragraph: every departure must be reasoned): a refusal where it recommends help, other
    hours, another (or no) organisation or competence, no assistant where it recommends one."""
    if assessment is None or not assessment.is_completed:
        return []
    if refused:
        return ["outcome"] if assessment.conclusion == Assessment.Conclusion.NEEDS_HELP else []
    result = []
    if (
        assessment.recommended_hours is not None
        and (hours or Decimal(0)) != assessment.recommended_hours
    ):
        result.append("hours_per_week")
    if assessment.organisation and organisation != assessment.organisation:
        result.append("organisation")
    if assessment.competence and competence != assessment.competence:
        result.append("competence")
    if assessment.assistant_needed and not assistant:
        result.append("assistant")
    return result


def _require_deviation_reason(departs: list[str], deviation_reason: str, rule=None) -> None:
    """A departure from the assessment needs its reason in the vedtak, where the kind's rule
    says so (referrals/case_kinds.py deviation_needs_reason: barnehageloven § 35,
    opplæringslova § 11-7 second paragraph); ``rule`` None: barnehageloven § 31's."""
    rule = rule or case_kinds.rule(case_kinds.CaseKind.BHL_31)
    if not rule.deviation_needs_reason:
        return
    if departs and not deviation_reason.strip():
        raise CaseError(
            _(
                "Vedtaket avviker fra den sakkyndige vurderingen (%(what)s). Begrunn avviket "
                "i vedtaket (%(source)s)."
            )
            % {
                "what": ", ".join(str(DEVIATION_LABELS[d]) for d in departs),
                "source": rule.deviation_source,
            },
            field="deviation_reason",
        )


# The vedtak's required elements (case_kinds.KindRule.decision_content) that the checks below
# test in their own way: the hours (a number, bounded), the reason (its own message) and the
# start date. An empty start date is itself the vedtak's answer to "from when": from the
# vedtak, with the help-start deadline two weeks later (issue 18, deadlines.compute_deadlines).
CHECKED_APART = ("hours_per_week", "reason", "starts_on")


def decision_content_missing(rule, values: dict, *, reasoned=()) -> list[str]:
    """The required elements of a granted vedtak of ``rule``'s kind that ``values`` lack (field
    names, in the table's order), CHECKED_APART excepted. ``reasoned``: the departures from
    the assessment the vedtak gives its reasons for (a vedtak that leaves out the organisation
    the assessment recommends, and says why, has stated it: barnehageloven § 35, issue 18)."""
    return [
        e.field
        for e in rule.decision_content
        if e.field not in CHECKED_APART
        and e.field not in reasoned
        and values.get(e.field) in ("", None)
    ]


def _require_content(rule, values: dict, *, reasoned=()) -> None:
    missing = decision_content_missing(rule, values, reasoned=reasoned)
    for element in rule.decision_content:
        if element.field in missing:
            raise CaseError(
                _("%(what)s må stå i et vedtak etter %(basis)s (%(source)s).")
                % {
                    "what": element.label,
                    "basis": rule.legal_basis,
                    "source": element.source,
                },
                field=element.field,
            )


def _check_notified_on(notified_on: date | None, decided_on: date) -> None:
    if notified_on is None:
        return
    date_check(notified_on, field="notified_on")
    if notified_on < decided_on or notified_on > timezone.localdate():
        raise CaseError(
            _("Datoen foreldrene fikk vedtaket må være mellom vedtaksdatoen og i dag."),
            field="notified_on",
        )


def _add_year(day: date) -> date:
    return rules.add_months(day, 12) - timedelta(days=1)


def decision_terms_check(
    *,
    referral: Referral,
    decided_on: date,
    outcome: str,
    hours_per_week,
    organisation: str,
    competence: str,
    assistant: bool,
    starts_on: date | None,
    ends_on: date | None,
    deviation_reason: str,
    reason: str,
    notified_on: date | None,
    reason_field: str = "reason",
):
    """The law's checks of every vedtak about the help (a first vedtak, an endringsvedtak, a
    decision to continue), each refusal a CaseError at its field; returns the hours and the
    period as they are to be stored: (hours_per_week, starts_on, ends_on)."""
    today = timezone.localdate()
    rule = case_kinds.rule(referral.kind)
    date_check(decided_on, field="decided_on")
    if decided_on > today:
        raise CaseError(_("Vedtaksdatoen kan ikke være i fremtiden."), field="decided_on")
    _check_notified_on(notified_on, decided_on)
    refused = outcome == Decision.Outcome.REFUSED
    assessment = getattr(referral, "assessment", None)
    # The hours are the kind's required content (barnehageloven § 35, opplæringslova § 11-6);
    # a vedtak of §§ 11-4, 11-5, barnehageloven §§ 37, 38 may state them, need not.
    hours_required = any(e.field == "hours_per_week" for e in rule.decision_content)
    if hours_per_week == "":
        hours_per_week = None
    if not refused:
        if hours_per_week is None and hours_required:
            raise CaseError(_("Oppgi timer per uke."), field="hours_per_week")
        if hours_per_week is not None and Decimal(hours_per_week) <= 0:
            raise CaseError(_("Oppgi timer per uke."), field="hours_per_week")
        if (
            hours_per_week is not None and Decimal(hours_per_week) > HOURS_PER_WEEK_MAX
        ):  # the form's bound, for every caller
            raise CaseError(
                _("En uke har høyst %(max)s timer i barnehagen.") % {"max": HOURS_PER_WEEK_MAX},
                field="hours_per_week",
            )
        date_check(starts_on, field="starts_on", latest=planned_latest())
        # An empty start date stays empty: the help-start deadline is then the policy's two
        # weeks from the decision (deadlines.compute_deadlines), not the decision day itself.
        period_start = starts_on or decided_on
        date_check(ends_on, field="ends_on", latest=planned_latest() + DECISION_PERIOD_MAX)
        if ends_on is None and rule.school_year_period:
            # A school kind's vedtak runs to the end of the school year it starts in (1 August
            # to 31 July: Udir, a vedtak per school year; case_kinds.school_year_period).
            ends_on = case_kinds.school_year_period(period_start)[1]
        ends_on = ends_on or _add_year(period_start)
        if ends_on <= period_start:
            raise CaseError(_("Sluttdatoen må være etter startdatoen."), field="ends_on")
        if ends_on - period_start > DECISION_PERIOD_MAX:
            # Needs change within a few years; a longer grant escapes the yearly review.
            raise CaseError(_("Et vedtak kan gjelde for høyst tre år."), field="ends_on")
        departs = deviations(
            assessment,
            hours=Decimal(hours_per_week) if hours_per_week is not None else None,
            organisation=organisation,
            competence=competence,
            assistant=assistant,
        )
    else:
        hours_per_week, starts_on, ends_on = None, None, None
        departs = deviations(assessment, refused=True, hours=None, organisation="", competence="")
    _require_deviation_reason(departs, deviation_reason, rule)
    if not refused:
        reasoned = departs if deviation_reason.strip() else ()
        _require_content(
            rule, {"organisation": organisation, "competence": competence}, reasoned=reasoned
        )
    if not refused and rule.consent_before_decision and not decision_consent_given(referral):
        # Barnehageloven § 32 first paragraph: the parents consent before a vedtak that grants
        # help (the same rule help_start_register checks); opplæringslova § 11-7 third
        # paragraph: the pupil or the parents.
        raise CaseError(_decision_consent_missing(rule), field="outcome")
    if not reason.strip():
        # Forvaltningsloven §§ 24–25: every enkeltvedtak gives its reasons.
        raise CaseError(
            _("Skriv begrunnelsen for vedtaket (forvaltningsloven §§ 24–25)."), field=reason_field
        )
    return hours_per_week, starts_on, ends_on


def _decision_consent_missing(rule) -> str:
    """Who must consent before a vedtak of help, by the kind's rule (barnehageloven § 32 first
    paragraph; opplæringslova § 11-7 third paragraph: the pupil or the parents)."""
    if rule.consent_by == case_kinds.ConsentBy.PUPIL_OR_PARENTS:
        return _(
            "Eleven eller alle med foreldreansvar må samtykke til vedtaket før et vedtak om "
            "hjelp kan registreres (%(source)s)."
        ) % {"source": rule.consent_source}
    return _(
        "Alle med foreldreansvar må samtykke til vedtaket før et vedtak om hjelp "
        "kan registreres (barnehageloven § 32)."
    )


@transaction.atomic
def decision_register(
    *,
    referral_id: int,
    actor,
    decided_on: date,
    outcome: str,
    hours_per_week=None,
    organisation: str = "",
    competence: str = "",
    assistant: bool = False,
    starts_on: date | None = None,
    ends_on: date | None = None,
    provider: str = "",
    provider_name: str = "",
    deviation_reason: str = "",
    reason: str = "",
    notified_on: date | None = None,
) -> Decision:
    """Register the vedtak: assessed (or appealed) → decided; for a kind that needs no
    sakkyndig vurdering (referrals/case_kinds.py) also from received or assessing."""
    referral = referral_lock(referral_id)
    covering = covering_facts(referral)
    if not states.allowed_for("decide", referral.status, referral.kind, **covering):
        if refused := states.refusal(
            "decide", referral.status, referral.kind, covering_case=covering["covering_case"]
        ):
            raise TransitionError(refused)
        raise TransitionError(
            _("Vedtak kan fattes når den sakkyndige vurderingen er ferdig (saken er «%(s)s»).")
            % {"s": referral.get_status_display()}
        )
    hours_per_week, starts_on, ends_on = decision_terms_check(
        referral=referral,
        decided_on=decided_on,
        outcome=outcome,
        hours_per_week=hours_per_week,
        organisation=organisation,
        competence=competence,
        assistant=assistant,
        starts_on=starts_on,
        ends_on=ends_on,
        deviation_reason=deviation_reason,
        reason=reason,
        notified_on=notified_on,
    )
    referral.decisions.filter(superseded=False).update(superseded=True)
    decision = Decision.objects.create(
        referral=referral,
        decided_on=decided_on,
        decided_by=actor,
        outcome=outcome,
        hours_per_week=hours_per_week,
        organisation=organisation,
        competence=competence,
        assistant=assistant,
        starts_on=starts_on,
        ends_on=ends_on,
        provider=provider,
        provider_name=provider_name,
        deviation_reason=deviation_reason,
        reason=reason,
        notified_on=notified_on,
    )
    referral_move(
        referral=referral,
        step="decide",
        actor=actor,
        action="decision.registered",
        detail={"outcome": outcome, "decided_on": decided_on.strftime("%d.%m.%Y")},
    )
    _announce(referral)
    return decision


def _help_start_step(referral: Referral, decision: Decision) -> str:
    """The state table's step for help start. Forvaltningsloven § 42: a pending appeal does not
    stop the vedtak; help may start (the case stays appealed) unless execution is deferred."""
    if states.allowed("help_start", referral.status):
        return "help_start"
    if states.allowed("help_start_during_appeal", referral.status):
        if decision.appeals.filter(
            outcome__in=(Appeal.Outcome.PENDING, Appeal.Outcome.SENT), execution_deferred=True
        ).exists():
            raise CaseError(
                _(
                    "Iverksettingen av vedtaket er utsatt til klagen er avgjort "
                    "(forvaltningsloven § 42)."
                )
            )
        return "help_start_during_appeal"
    raise TransitionError(_("Hjelpen kan registreres som startet når vedtaket er fattet."))


@transaction.atomic
def help_start_register(*, referral_id: int, started_on: date, actor) -> Decision:
    """Help has started: needs every guardian with parental responsibility to have consented."""
    referral = referral_lock(referral_id)
    decision = referral.decisions.select_for_update().filter(superseded=False).first()
    if decision is None or decision.help_started_on is not None:
        raise TransitionError(_("Hjelpen kan registreres som startet når vedtaket er fattet."))
    step = _help_start_step(referral, decision)
    if decision.outcome == Decision.Outcome.REFUSED:
        raise TransitionError(_("Vedtaket er et avslag; det er ingen hjelp å starte."))
    if not decision_consent_given(referral):
        if case_kinds.rule(referral.kind).consent_by == case_kinds.ConsentBy.PUPIL_OR_PARENTS:
            # Opplæringslova § 11-7 third paragraph.
            raise CaseError(
                _("Eleven eller alle med foreldreansvar må samtykke før hjelpen starter.")
            )
        raise CaseError(_("Alle med foreldreansvar må samtykke før hjelpen starter."))
    date_check(started_on, field="started_on")
    if started_on > timezone.localdate() or started_on < decision.decided_on:
        raise CaseError(_("Startdatoen må være mellom vedtaksdatoen og i dag."), field="started_on")
    decision.help_started_on = started_on
    decision.save(update_fields=["help_started_on"])
    detail = {"started_on": started_on.strftime("%d.%m.%Y")}
    if states.moves_to(step) is None:
        # During an appeal the case stays appealed; appeal_update moves it on when decided.
        case_event_record(referral=referral, actor=actor, action="help.started", detail=detail)
    else:
        referral_move(
            referral=referral, step=step, actor=actor, action="help.started", detail=detail
        )
    _announce(referral)
    return decision


def appeal_deadline(decision: Decision) -> date:
    """Forvaltningsloven § 29: three weeks from the day the notice reached the parents; until
    that day is recorded, from the decision date."""
    day = decision.notified_on or decision.decided_on
    # A date near the end of the calendar (stored by hand; the forms refuse it) has no later day.
    return day + timedelta(weeks=3) if day < date.max - timedelta(weeks=3) else date.max


@transaction.atomic
def decision_notified_register(*, referral_id: int, notified_on: date, actor) -> Decision:
    """The day the vedtak reached the parents (forvaltningsloven § 29: the appeal period runs
    from it); recorded when known, after the decision was registered."""
    referral = referral_lock(referral_id)
    decision = referral.decisions.select_for_update().filter(superseded=False).first()
    if decision is None:
        raise TransitionError(_("Det er ikke noe vedtak å registrere."))
    _check_notified_on(notified_on, decision.decided_on)
    decision.notified_on = notified_on
    decision.save(update_fields=["notified_on"])
    case_event_record(
        referral=referral,
        actor=actor,
        action="decision.notified",
        detail={"notified_on": notified_on.strftime("%d.%m.%Y")},
    )
    return decision


@transaction.atomic
def appeal_register(
    *,
    referral_id: int,
    received_on: date,
    actor,
    note: str = "",
    execution_deferred: bool = False,
) -> Appeal:
    referral = referral_lock(referral_id)
    decision = referral.decisions.filter(superseded=False).first()
    if decision is None or not states.allowed("appeal", referral.status):
        raise TransitionError(_("Det er ikke noe vedtak å klage på."))
    date_check(received_on, field="received_on")
    if received_on > timezone.localdate() or received_on < decision.decided_on:
        raise CaseError(_("Datoen må være mellom vedtaksdatoen og i dag."), field="received_on")
    appeal = Appeal.objects.create(
        decision=decision,
        received_on=received_on,
        note=note,
        execution_deferred=execution_deferred,
        registered_by=actor,
    )
    referral_move(
        referral=referral,
        step="appeal",
        actor=actor,
        action="appeal.received",
        detail={
            "received_on": received_on.strftime("%d.%m.%Y"),
            "late": received_on > appeal_deadline(decision),
            "execution_deferred": execution_deferred,
        },
    )
    _announce(referral)
    # For the layers above (documents journals the appeal received, arkivforskrifta § 14).
    case_changed.send(
        sender=Appeal, referral=referral, action="appeal.received", appeal=appeal, actor=actor
    )
    return appeal


# Outcomes decided by Statsforvalteren (forvaltningsloven § 34), and every decided outcome.
APPEAL_BY_STATSFORVALTEREN = (
    Appeal.Outcome.UPHELD,
    Appeal.Outcome.CHANGED,
    Appeal.Outcome.REMANDED,
)
APPEAL_DECIDED = (Appeal.Outcome.REVERSED, *APPEAL_BY_STATSFORVALTEREN)


def appeal_dates_check(
    *, outcome: str, received_on: date, sent_on: date | None, outcome_on: date | None, today
) -> None:
    """An appeal's dates follow its path (forvaltningsloven §§ 33–34): received, then sent to
    Statsforvalteren (sent_on), then decided there (outcome_on); or decided by the office
    itself (reversed: outcome_on). Statsforvalteren's outcome needs both dates, in that order,
    none before the appeal came in and none in the future. A CaseError at the field."""
    needs_sent = outcome == Appeal.Outcome.SENT or outcome in APPEAL_BY_STATSFORVALTEREN
    if needs_sent:
        if sent_on is None:
            raise CaseError(
                _("Oppgi datoen klagen ble sendt til Statsforvalteren."), field="sent_on"
            )
        if sent_on < received_on:
            raise CaseError(
                _("Klagen kan ikke være sendt før den kom inn (%(day)s).")
                % {"day": received_on.strftime("%d.%m.%Y")},
                field="sent_on",
            )
        if sent_on > today:
            raise CaseError(_("Datoen kan ikke være fram i tid."), field="sent_on")
    if outcome in APPEAL_DECIDED:
        if outcome_on is None:
            raise CaseError(_("Oppgi datoen klagen ble avgjort."), field="outcome_on")
        earliest = sent_on if outcome in APPEAL_BY_STATSFORVALTEREN else received_on
        if outcome_on < earliest:
            message = (
                _("Statsforvalteren kan ikke ha avgjort klagen før den ble sendt (%(day)s).")
                if outcome in APPEAL_BY_STATSFORVALTEREN
                else _("Klagen kan ikke være avgjort før den kom inn (%(day)s).")
            )
            raise CaseError(message % {"day": earliest.strftime("%d.%m.%Y")}, field="outcome_on")
        if outcome_on > today:
            raise CaseError(_("Datoen kan ikke være fram i tid."), field="outcome_on")


@transaction.atomic
def appeal_update(
    *,
    appeal_id: int,
    outcome: str,
    actor,
    sent_on: date | None = None,
    outcome_on: date | None = None,
) -> Appeal:
    """Sent on to Statsforvalteren, or decided: upheld puts the case back to decided; reversed,
    changed or remanded leaves it appealed until a new decision is registered. The dates are
    checked by appeal_dates_check; a date sent registered earlier stands unless a new one is
    given."""
    appeal = Appeal.objects.select_related("decision").get(pk=appeal_id)
    referral = referral_lock(appeal.decision.referral_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
    date_check(sent_on, field="sent_on")
    date_check(outcome_on, field="outcome_on")
    sent_on = sent_on or appeal.sent_on
    appeal_dates_check(
        outcome=outcome,
        received_on=appeal.received_on,
        sent_on=sent_on,
        outcome_on=outcome_on,
        today=timezone.localdate(),
    )
    appeal.outcome = outcome
    appeal.sent_on = sent_on if outcome != Appeal.Outcome.REVERSED else appeal.sent_on
    appeal.outcome_on = outcome_on if outcome in APPEAL_DECIDED else None
    appeal.save(update_fields=["outcome", "sent_on", "outcome_on"])
    case_event_record(
        referral=referral, actor=actor, action="appeal.updated", detail={"outcome": outcome}
    )
    if outcome == Appeal.Outcome.UPHELD and states.allowed("appeal_upheld", referral.status):
        step = "appeal_upheld_after_help" if appeal.decision.help_started_on else "appeal_upheld"
        referral_move(referral=referral, step=step, actor=actor, action="appeal.upheld")
    _announce(referral)
    return appeal


@transaction.atomic
def flag_acknowledge(*, flag_id: int, comment: str, actor) -> None:
    """The office has seen a flag and says what is being done (shown on the worklist)."""
    from decisions.models import DeadlineFlag

    flag = DeadlineFlag.objects.select_for_update().select_related("deadline").get(pk=flag_id)
    flag.acknowledged_by, flag.acknowledged_at, flag.comment = actor, timezone.now(), comment
    flag.save(update_fields=["acknowledged_by", "acknowledged_at", "comment"])
    case_event_record(
        referral=flag.deadline.referral,
        actor=actor,
        action="flag.acknowledged",
        detail={"kind": flag.deadline.kind, "comment": comment},
    )


def notification_mark_read(*, notification_id: int, actor) -> None:
    """The recipient opened a notification: mark it read once (the first opening counts; a
    conditional UPDATE, so two tabs opening it at once write one time)."""
    from decisions.models import Notification

    Notification.objects.filter(pk=notification_id, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
