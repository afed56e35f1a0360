"""Reads for the case page: the scoped queryset with everything the page shows, and plain
Python view-models of the journal, the consents and the allowed actions (no queries in
templates; each list is one query whatever its length)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from referrals import case_kinds, services, states
from referrals.models import (
    Assessment,
    Attachment,
    CaseEvent,
    Child,
    Consent,
    DeadlineKind,
    Guardian,
    Pause,
    Referral,
)
from referrals.scoping import can_work_on_cases, sees_child_in_full, visible_referrals

S = Referral.Status

TIMELINE_LIMIT = 50

ACTION_LABELS = {
    "referral.created": _("Henvisningen er opprettet"),
    "referral.submitted": _("Henvisningen er registrert som mottatt"),
    # issue 19: the styrer or rektor sent the unit's own referral to PPT
    "referral.sent": _("Henvisningen er sendt til PPT fra barnehagen/skolen"),
    "referral.from_consultation": _("Henvisningen bygger på en drøfting i ressursteamet"),
    "referral.received": _("Samtykke og henvisning er mottatt – fristene løper"),
    "referral.consent_registered": _("Samtykke er registrert"),
    "consent.registered": _("Samtykke er registrert"),
    "consent.withdrawn": _("Samtykke er trukket"),
    "referral.assessment_started": _("Utredningen er startet"),
    "assessment.saved": _("Sakkyndig vurdering er lagret"),
    "referral.assessed": _("Sakkyndig vurdering er ferdigstilt"),
    "referral.withdrawn": _("Saken er trukket"),
    "referral.paused": _("Saken er satt på pause"),
    "referral.resumed": _("Pausen er avsluttet"),
    "referral.pause_corrected": _("Pausens sluttdato er rettet"),
    "referral.assigned": _("Saken er tildelt en PP-rådgiver"),
    "referral.updated": _("Henvisningen er endret"),
    "child.updated": _("Opplysninger om barnet er endret"),
    "guardian.added": _("Foresatt er lagt til"),
    "guardian.updated": _("Opplysninger om en foresatt er endret"),
    "attachment.uploaded": _("Vedlegg er lastet opp"),
    # written by decisions/ (named here as text only: referrals does not import decisions)
    "provisional_reply.registered": _("Foreløpig svar er sendt"),
    "decision.registered": _("Vedtak er fattet"),
    "decision.notified": _("Foreldrene har fått vedtaket"),
    "help.started": _("Hjelpen er startet"),
    "appeal.received": _("Klage er mottatt"),
    "appeal.updated": _("Klagen er oppdatert"),
    "appeal.upheld": _("Klagebehandlingen er avsluttet"),
    "flag.acknowledged": _("Fristvarsel er fulgt opp"),
    # decisions/case_life.py: the case's life after the vedtak
    "annual_report.saved": _("Utkast til årsrapport er lagret"),
    "annual_report.submitted": _("Årsrapport er sendt inn"),
    "decision.changed": _("Endringsvedtak er fattet"),
    "decision.continued": _("Vedtak om videreføring er fattet"),
    "case.renewal_started": _("Fornyelse er startet med ny sakkyndig vurdering"),
    "case.closed": _("Saken er avsluttet"),
    "case.reopened": _("Saken er gjenåpnet som ny sak"),
    # documents/letter_services.py: a letter made final (its title in the detail)
    "document.finalised": _("Brev er ferdigstilt"),
    # documents/dispatch/services.py
    "document.dispatched": _("Brev er lagt i kø til foresatte"),
    "shipment.retried": _("Forsendelse er prøvd igjen"),
    # decisions/school_services.py: the school's IOP and årleg evaluering (issue 19)
    "iop.created": _("Utkast til IOP er opprettet"),
    "iop.saved": _("IOP-utkastet er lagret"),
    "iop.finalised": _("IOP-en er ferdig"),
    "iop.new_version": _("Ny versjon av IOP-en er påbegynt"),
    "evaluation.created": _("Utkast til årleg evaluering er opprettet"),
    "evaluation.saved": _("Utkast til årleg evaluering er lagret"),
    "evaluation.shared": _("Årleg evaluering er gjort tilgjengelig for eleven og foreldrene"),
}

# Which model a journal event's detail["object"] names, to find the fields' verbose names.
EVENT_MODELS = {
    "referral": Referral,
    "child": Child,
    "guardian": Guardian,
    "assessment": Assessment,
    "consent": Consent,
    "attachment": Attachment,
}

STATUS_BADGES = {
    S.DRAFT: "text-bg-secondary",
    S.AWAITING_CONSENT: "text-bg-warning",
    S.RECEIVED: "text-bg-info",
    S.ASSESSING: "text-bg-primary",
    S.ASSESSED: "text-bg-success",
    S.DECIDED: "text-bg-success",
    S.APPEALED: "text-bg-warning",
    S.HELP_STARTED: "text-bg-success",
    S.CLOSED: "text-bg-dark",
    S.WITHDRAWN: "text-bg-dark",
}

REPORT_FIELDS = [
    "report_play",
    "report_social",
    "report_language",
    "report_motor",
    "report_attention",
    "report_frame",
    "report_measures",
]


def case_queryset(user):
    """Visible cases with what the header needs (one query)."""
    return visible_referrals(user).select_related("child", "child__unit", "unit", "advisor")


def case_detail_queryset(user):
    """Visible cases with everything the case page shows except the journal: the referral
    with its child, unit and advisor in one query, then one query each for the assessment
    (with its author), guardians, consents (with guardian and registrar) and pauses.
    (Attachments come from referrals.attachments.attachment_section, one query.)

    The assessment and its author are not joined into the first query: PostgreSQL took
    1.1 ms to plan its eight tables and 0.2 ms to run it (bench/, 1,000,000 cases)."""
    return (
        case_queryset(user)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("assessment", queryset=Assessment.objects.select_related("author")),
            "child__guardians",
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("guardian", "registered_by").order_by(
                    "purpose", "given_on", "pk"
                ),
            ),
            Prefetch("pauses", queryset=Pause.objects.select_related("created_by", "reason")),
        )
    )


@dataclass
class KindSummary:
    """The case's kind as the case page shows it: its rule (legal basis, assessment, consent)
    and who makes its vedtak (referrals/case_kinds.py; scoping.can_decide decides the same)."""

    rule: object
    decider: str


def kind_summary(referral: Referral) -> KindSummary:
    """From the case page's query (the municipality is joined by case_detail_queryset)."""
    rule = case_kinds.rule(referral.kind)
    delegated = rule.is_school and referral.municipality.school_decisions_by_rektor
    return KindSummary(rule=rule, decider=case_kinds.decider_label(rule, delegated))


def header_context(request, referral: Referral) -> dict:
    """What case_base.html needs besides the referral (the pause from the prefetch when the
    page has one, else one query). Every page of the case section uses it."""
    return {
        "referral": referral,
        "status_badge": status_badge(referral),
        "is_paused": referral.open_pause is not None,
        "can_edit": can_work_on_cases(request.user),
        # A styrer of the unit the child left: no new unit, masked id, no contact details.
        "limited": not sees_child_in_full(request.user, referral.child),
    }


def status_badge(referral: Referral) -> str:
    return STATUS_BADGES.get(referral.status, "text-bg-secondary")


def referral_assessment(referral: Referral) -> Assessment | None:
    try:
        return referral.assessment
    except Assessment.DoesNotExist:
        return None


# --- consent -------------------------------------------------------------------------------


@dataclass
class ConsentSummary:
    rows: list
    assessment_given: bool
    decision_given: bool
    missing_decision: list = field(default_factory=list)


def consent_summary(referral: Referral) -> ConsentSummary:
    """Who consented to what, and whether § 32's two requirements are met, from the rows
    prefetched by case_detail_queryset."""
    consents = list(referral.consents.all())
    standing_decision = {
        c.guardian_id
        for c in consents
        if c.purpose == Consent.Purpose.DECISION and c.withdrawn_on is None
    }
    missing = [
        g
        for g in referral.child.guardians.all()
        if g.parental_responsibility and g.pk not in standing_decision
    ]
    decision_given = services.decision_consent_given(referral)
    return ConsentSummary(
        rows=consents,
        # One query (the service reads the consents with select_related, not the prefetch).
        assessment_given=services.assessment_consent_given(referral),
        decision_given=decision_given,
        # The pupil's own consent is enough for a school kind (opplæringslova § 11-7).
        missing_decision=[] if decision_given else missing,
    )


# --- the journal ---------------------------------------------------------------------------


def recent_events(referral: Referral) -> tuple[list[CaseEvent], bool]:
    """The latest TIMELINE_LIMIT events, newest first, and whether there are more (one query:
    one row more than shown tells us)."""
    rows = list(
        referral.events.select_related("actor").order_by("-at", "-pk")[: TIMELINE_LIMIT + 1]
    )
    return rows[:TIMELINE_LIMIT], len(rows) > TIMELINE_LIMIT


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    at: object
    actor: object
    label: str
    from_status: str
    to_status: str
    changes: list
    notes: list


_STATUS_LABELS = dict(S.choices)
_DEADLINE_LABELS = dict(DeadlineKind.choices)
_DATE_NOTES = {
    "sent_on": _("Sendt %(d)s"),
    "expected": _("Vedtak ventet %(d)s"),
    "decided_on": _("Vedtaksdato %(d)s"),
    "started_on": _("Startet %(d)s"),
    "received_on": _("Mottatt %(d)s"),
}
_PURPOSE_LABELS = dict(Consent.Purpose.choices)


def value_display(model, name: str, value) -> str:
    """A journal value as the user reads it: choice labels, Ja/Nei, '–' for nothing."""
    if value in (None, "", []):
        return "–"
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nei"))
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # an old journal row may name a field that is gone
        model_field = None
    if model is Referral and name == "services" and isinstance(value, list):
        labels = dict(Referral.Service.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if model_field is not None and model_field.choices and not isinstance(value, list):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(model_field, models.DecimalField):
        try:
            return number_format(Decimal(str(value)))  # 4,5 in Norwegian
        except InvalidOperation:
            return str(value)
    return str(value)


def field_label(model, name: str) -> str:
    """A field's name as written, first letter up ("PP-rådgiver", not "Pp-rådgiver")."""
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))  # keeps "PP-rådgiver"
    except FieldDoesNotExist:  # show the code rather than fail the page
        return name


# What a limited view (scoping.sees_child_in_full) leaves out of the journal: where the child
# is now and how the guardians are reached.
LIMITED_FIELDS = {"child": {"unit", "id_number"}, "guardian": {"phone", "email", "address"}}


def _changes(event: CaseEvent, *, limited: bool = False) -> list[Change]:
    detail = event.detail or {}
    changes = detail.get("changes") or {}
    if limited:
        hidden = LIMITED_FIELDS.get(detail.get("object"), set())
        changes = {k: v for k, v in changes.items() if k not in hidden}
    model = EVENT_MODELS.get(detail.get("object"), Referral)
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    out = []
    # jsonb keeps keys in its own order; show them in the form's (the model's) order.
    for name, pair in sorted(changes.items(), key=lambda item: order.get(item[0], len(order))):
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        out.append(
            Change(
                field_label(model, name),
                value_display(model, name, old),
                value_display(model, name, new),
            )
        )
    return out


def _notes(event: CaseEvent) -> list[str]:
    """The other facts a service put in the event's detail, as short Norwegian phrases."""
    detail = event.detail or {}
    notes = []
    if detail.get("guardian"):
        notes.append(str(_("Foresatt: %(name)s")) % {"name": detail["guardian"]})
    if detail.get("purpose"):
        purpose = _PURPOSE_LABELS.get(detail["purpose"], detail["purpose"])
        notes.append(str(_("Gjelder: %(p)s")) % {"p": purpose})
    if detail.get("given_on"):
        notes.append(str(_("Gitt %(d)s")) % {"d": detail["given_on"]})
    if detail.get("t0"):
        notes.append(str(_("Fristene løper fra %(d)s")) % {"d": detail["t0"]})
    if detail.get("from"):
        notes.append(str(_("Fra %(d)s")) % {"d": detail["from"]})
    if detail.get("to"):
        notes.append(str(_("Til %(d)s")) % {"d": detail["to"]})
    if detail.get("was"):
        notes.append(str(_("Var til %(d)s")) % {"d": detail["was"]})
    if detail.get("stops"):
        stops = ", ".join(str(_DEADLINE_LABELS.get(k, k)) for k in detail["stops"])
        notes.append(str(_("Stopper: %(k)s")) % {"k": stops})
    if "days" in detail:
        notes.append(str(_("%(n)s pausedager")) % {"n": detail["days"]})
    reason = detail.get("reason")
    if reason == "consent_withdrawn":
        notes.append(str(_("Grunn: samtykket er trukket")))
    elif reason:
        notes.append(str(_("Grunn: %(r)s")) % {"r": reason})
    if detail.get("title"):
        notes.append(str(detail["title"]))
    for key, phrase in _DATE_NOTES.items():
        if detail.get(key):
            notes.append(str(phrase) % {"d": detail[key]})
    if detail.get("late"):
        notes.append(str(_("Kom etter klagefristen")))
    if detail.get("kind") in _DEADLINE_LABELS:
        notes.append(str(_("Frist: %(k)s")) % {"k": _DEADLINE_LABELS[detail["kind"]]})
    if detail.get("comment"):
        notes.append(str(_("Kommentar: %(c)s")) % {"c": detail["comment"]})
    return notes


def timeline(events: list[CaseEvent], *, limited: bool = False) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=e.at,
            actor=e.actor,
            label=str(ACTION_LABELS.get(e.action, e.action)),
            from_status=str(_STATUS_LABELS.get(e.from_status, e.from_status)),
            to_status=str(_STATUS_LABELS.get(e.to_status, e.to_status)),
            changes=_changes(e, limited=limited),
            notes=_notes(e),
        )
        for e in events
    ]


def stale_events(events: list[CaseEvent]) -> list[dict]:
    """What someone else saved while a form was open (a StaleEdit's events), for
    templates/referrals/_stale_edit.html: one entry per saved version, each {actor, at,
    changes: [(label, old, new)]}. A child's or guardian's edit is journalled once per case of
    the child, so repeats of a version are dropped."""
    seen, rows = set(), []
    for event in events:
        detail = event.detail or {}
        key = (detail.get("object"), detail.get("version"))
        if key in seen:
            continue
        seen.add(key)
        changes = [(c.label, c.old, c.new) for c in _changes(event)]
        rows.append({"actor": event.actor, "at": event.at, "changes": changes})
    return rows


# --- the pedagogisk rapport and pauses -----------------------------------------------------


def report_sections(referral: Referral) -> list[tuple[str, str]]:
    """The pedagogisk rapport headings that are filled in, with their text: a kindergarten's
    headings or a school's (issue 19: the same table the unit's referral form writes with,
    referrals/unit_referral_forms.py), then the parents' and the child's or pupil's views."""
    from referrals.unit_referral_forms import LABELS
    from referrals.unit_referral_forms import REPORT_FIELDS as BY_UNIT_KIND

    unit_kind = case_kinds.rule(referral.kind).unit_kind
    labels = LABELS[unit_kind]
    names = [*BY_UNIT_KIND[unit_kind], "guardian_views", "child_views"]
    # a kindergarten heading written on a case that later became a pupil's is still shown
    names += [name for name in REPORT_FIELDS if name not in names]
    return [
        (
            str(labels.get(name) or Referral._meta.get_field(name).verbose_name).capitalize(),
            getattr(referral, name),
        )
        for name in names
        if getattr(referral, name).strip()
    ]


@dataclass
class PauseRow:
    pause: Pause
    days: int
    is_open: bool


def pause_rows(referral: Referral, today: date | None = None) -> tuple[list[PauseRow], int]:
    """The pause ledger's rows (reason and registrar from the prefetch) and their days."""
    today = today or timezone.localdate()
    rows = [PauseRow(p, p.days(today), p.ended_on is None) for p in referral.pauses.all()]
    return rows, sum(r.days for r in rows)


def case_pauses(referral: Referral) -> list[Pause]:
    """The case's pauses with reason and registrar: the case page's prefetch, else one query."""
    prefetch_related_objects(
        [referral],
        Prefetch("pauses", queryset=Pause.objects.select_related("created_by", "reason")),
    )
    return list(referral.pauses.all())


def paused_days_per_kind(referral: Referral, today: date | None = None) -> list[tuple[str, int]]:
    """Days paused per deadline kind, by the pauses whose reason stops it; a day inside two
    pauses counts once (the engine's rule, decisions.deadlines.paused_days, which also leaves
    out pauses from before a deadline's anchor: the clock page shows its figure)."""
    today = today or timezone.localdate()
    result = []
    for kind, label in DeadlineKind.choices:
        days, reach = 0, None
        spans = sorted(
            (p.started_on, p.ended_on or today)
            for p in referral.pauses.all()
            if kind in p.reason.stops
        )
        for start, stop in spans:
            start = max(start, reach) if reach else start
            days += max(0, (stop - start).days)
            reach = max(reach, stop) if reach else stop
        if spans:
            result.append((str(label), days))
    return result


# --- what the user may do now ----------------------------------------------------------------

# The state table's actions behind the case page's buttons.
PAGE_ACTIONS = (
    "submit",
    "consent",
    "start_assessment",
    "edit_assessment",
    "withdraw",
    "pause",
    "resume",
    "assign",
    "edit_referral",
    "upload",
)


@dataclass
class AllowedActions:
    submit: bool = False
    register_consent: bool = False
    start_assessment: bool = False
    edit_assessment: bool = False
    withdraw: bool = False
    pause: bool = False
    resume: bool = False
    correct_pause: bool = False
    assign: bool = False
    edit_referral: bool = False
    upload: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def allowed_actions(referral: Referral, *, can_work: bool) -> AllowedActions:
    """The moves the case's status allows, for an advisor; nothing for read-only roles. The
    services check the same rules again under a row lock."""
    if not can_work:
        return AllowedActions()
    status = referral.status
    paused = referral.open_pause is not None
    may = {name: states.allowed_for(name, status, referral.kind) for name in PAGE_ACTIONS}
    return AllowedActions(
        submit=may["submit"],
        register_consent=may["consent"],
        start_assessment=may["start_assessment"] and not paused,
        edit_assessment=may["edit_assessment"],
        withdraw=may["withdraw"],
        pause=may["pause"] and not paused,
        resume=may["resume"] and paused,
        # an ended pause's end date may be corrected while the case may be paused
        correct_pause=may["pause"] and any(p.ended_on for p in referral.pauses.all()),
        assign=may["assign"],
        edit_referral=may["edit_referral"],
        upload=may["upload"],
    )
