"""Writes of the school's IOP (opplæringslova § 11-10) and årleg evaluering (§ 11-11), in the
shape of decisions/services.py: atomic, the case row locked first and then the plan, the rule
checked under the lock, a domain error with a Norwegian message at its field, the journal.

Rules and their sources:
- opplæringslova § 11-10: the school writes an IOP for a pupil with a vedtak on individuelt
  tilrettelagd opplæring (§ 11-6), stating the goals, the content and how the teaching is run
  (iop_create, iop_finalise);
- Udir's practice (DOMAIN part one § 1.2, Udir Fase 4, 7.5): the IOP stays within the vedtak
  and is not part of it: its lesson hours may not exceed the vedtak's (iop_finalise);
- a final IOP has been made available to the pupil and the parents; it is changed by a new
  version that replaces it (iop_new_version);
- opplæringslova § 11-11: once a year ("ein gong i året") the school writes an overview of the
  teaching given and an assessment of the pupil's development against the IOP's goals, and
  the pupil or the parents shall get access (evaluation_create, evaluation_share).

Who writes: the school (can_write_iop): the rektor of the case's school and the pupil's
teacher. PPT and the office read (decisions/school_selectors.py)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.limits import FREE_TEXT_MAX, has_control_characters, strip_invisible
from decisions.models import Decision
from decisions.school_models import AnnualEvaluation, Iop, IopSubject
from referrals import states
from referrals.case_kinds import CaseKind, school_year_label, school_year_of
from referrals.models import Referral
from referrals.scoping import headed_unit_ids
from referrals.services import CaseError, StaleEdit, case_event_record, date_check, referral_lock
from teams.scoping import taught_class_ids

# IopSubject.subject and hours_per_week (timer per uke: a school week has at most 40 lessons' worth).
SUBJECT_MAX = 80
SUBJECT_HOURS_MAX = Decimal(40)
# The subject rows the page shows at least (no script needed), and the most a plan may have.
SUBJECT_ROWS = 8
SUBJECT_LIST_MAX = 40
IOP_TEXT_FIELDS = ("goals", "content", "organisation")
EVALUATION_TEXT_FIELDS = ("teaching_given", "development")

NEEDS_11_6 = _(
    "En IOP krever et vedtak om individuelt tilrettelagd opplæring (opplæringslova § 11-6)."
)


# --- who writes ---------------------------------------------------------------------------------


def can_write_iop(user, referral: Referral) -> bool:
    """Opplæringslova §§ 11-10 and 11-11: the school writes the IOP and the evaluation: the
    rektor (the head of the case's unit), or a teacher whose classes hold the pupil's class."""
    if referral.unit_id in headed_unit_ids(user):
        return True
    class_id = referral.child.school_class_id
    return class_id is not None and class_id in taught_class_ids(user)


def _check_writer(actor, referral) -> None:
    if not can_write_iop(actor, referral):
        raise PermissionDenied


# --- the vedtak an IOP stands on ----------------------------------------------------------------


def iop_decision(referral: Referral, *, today: date | None = None) -> Decision | None:
    """The case's vedtak in force that an IOP may stand on: a § 11-6 case, its current vedtak
    granting help in full or in part, not run out; None otherwise."""
    today = today or timezone.localdate()
    if referral.kind != CaseKind.OPPL_11_6 or referral.status not in (
        *states.DECIDED,
        Referral.Status.APPEALED,
    ):
        return None
    decision = (
        referral.decisions.filter(
            superseded=False, outcome__in=[Decision.Outcome.GRANTED, Decision.Outcome.PARTLY]
        )
        .order_by("-decided_on", "-pk")
        .first()
    )
    if decision is None or (decision.ends_on is not None and decision.ends_on < today):
        return None
    return decision


def _require_decision(referral) -> Decision:
    decision = iop_decision(referral)
    if decision is None:
        raise CaseError(NEEDS_11_6)
    return decision


# --- input checks (a form checks them too; a service is called from elsewhere as well) ----------


def _text(value, *, field: str) -> str:
    value = (value or "").strip()
    if len(value) > FREE_TEXT_MAX:
        raise CaseError(_("Teksten kan være høyst %(n)s tegn.") % {"n": FREE_TEXT_MAX}, field=field)
    if has_control_characters(value, multiline=True):
        raise CaseError(_("Teksten inneholder kontrolltegn som ikke kan lagres."), field=field)
    return value


def _hours(value) -> Decimal:
    """A subject's lesson hours per week: a Decimal (the form parses "3,5"), 0–40, one decimal."""
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        hours = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise CaseError(_("Skriv timer som et tall, for eksempel 3,5."), field="subjects") from None
    if not hours.is_finite():
        raise CaseError(_("Skriv timer som et tall, for eksempel 3,5."), field="subjects")
    if hours < 0 or hours > SUBJECT_HOURS_MAX:
        raise CaseError(
            _("Timer per uke for et fag må være mellom 0 og %(n)s.") % {"n": SUBJECT_HOURS_MAX},
            field="subjects",
        )
    if hours != hours.quantize(Decimal("0.1")):
        raise CaseError(_("Oppgi timer med høyst én desimal, for eksempel 3,5."), field="subjects")
    return hours.quantize(Decimal("0.1"))


def clean_subjects(subjects) -> list[tuple[str, Decimal]]:
    """(subject, hours) pairs: each name 1–80 characters without control or invisible
    characters, each subject once (whatever its case), hours as _hours."""
    result, seen = [], set()
    for name, hours in subjects:
        name = strip_invisible(str(name or "")).strip()
        if not name:
            raise CaseError(_("Hvert fag må ha et navn."), field="subjects")
        if len(name) > SUBJECT_MAX:
            raise CaseError(
                _("Et fagnavn kan være høyst %(n)s tegn.") % {"n": SUBJECT_MAX}, field="subjects"
            )
        if has_control_characters(name, multiline=False):
            raise CaseError(_("Fagnavnet inneholder kontrolltegn."), field="subjects")
        if name.casefold() in seen:
            raise CaseError(
                _("Faget %(s)s står to ganger. Før opp hvert fag én gang.") % {"s": name},
                field="subjects",
            )
        seen.add(name.casefold())
        result.append((name, _hours(hours)))
    if len(result) > SUBJECT_LIST_MAX:
        raise CaseError(
            _("En IOP kan ha høyst %(n)s fag.") % {"n": SUBJECT_LIST_MAX}, field="subjects"
        )
    return result


def _lock_iop(iop_id: int) -> tuple[Iop, Referral]:
    """The case row first, then the plan (the order every service here locks in)."""
    referral_id = Iop.objects.values_list("referral_id", flat=True).get(pk=iop_id)
    referral = referral_lock(referral_id)
    return Iop.objects.select_for_update().get(pk=iop_id), referral


def _lock_evaluation(evaluation_id: int) -> tuple[AnnualEvaluation, Referral]:
    referral_id = AnnualEvaluation.objects.values_list("referral_id", flat=True).get(
        pk=evaluation_id
    )
    referral = referral_lock(referral_id)
    return AnnualEvaluation.objects.select_for_update().get(pk=evaluation_id), referral


def _journal(referral, actor, action: str, school_year: int) -> None:
    case_event_record(
        referral=referral,
        actor=actor,
        action=action,
        detail={"school_year": school_year_label(school_year)},
    )


# --- the IOP (opplæringslova § 11-10) -----------------------------------------------------------


@transaction.atomic
def iop_create(*, referral_id: int, actor) -> Iop:
    """A draft IOP for the case's school year, or the draft it already has (a double click, or
    two people at once, make one: the case row is locked, and iop_one_draft holds).

    Opplæringslova § 11-10: only for a pupil with a § 11-6 vedtak in force. The school year is
    the one the vedtak's help runs in (a vedtak made in June for August: the coming year)."""
    referral = referral_lock(referral_id)
    _check_writer(actor, referral)
    draft = Iop.objects.filter(referral=referral, status=Iop.Status.DRAFT).first()
    if draft is not None:
        return draft
    decision = _require_decision(referral)
    today = timezone.localdate()
    school_year = school_year_of(max(today, decision.starts_on or today))
    final = Iop.objects.filter(
        referral=referral, school_year=school_year, status=Iop.Status.FINAL
    ).exists()
    if final:
        raise CaseError(
            _("Saken har allerede en ferdig IOP for skoleåret %(y)s. Lag en ny versjon av den.")
            % {"y": school_year_label(school_year)}
        )
    iop = Iop.objects.create(
        referral=referral,
        decision=decision,
        school_year=school_year,
        goals="",
        content="",
        organisation="",
        written_by=actor,
    )
    _journal(referral, actor, "iop.created", school_year)
    return iop


def _draft_for_edit(iop: Iop, version: int | None) -> None:
    if iop.status != Iop.Status.DRAFT:
        raise CaseError(_("IOP-en er ferdig og kan ikke endres. Lag en ny versjon."))
    if version is not None and iop.version != version:
        raise StaleEdit(current=iop, events=[])


@transaction.atomic
def iop_update(
    *,
    iop_id: int,
    actor,
    version: int,
    goals: str,
    content: str,
    organisation: str,
    subjects,
) -> Iop:
    """Save the draft: its three texts and its subjects with lesson hours per week (all
    replaced). Refused for a final plan, and with StaleEdit when someone saved it after
    ``version`` was read (the row is locked: two saves at once are one after the other)."""
    iop, referral = _lock_iop(iop_id)
    _check_writer(actor, referral)
    _draft_for_edit(iop, version)
    iop.goals = _text(goals, field="goals")
    iop.content = _text(content, field="content")
    iop.organisation = _text(organisation, field="organisation")
    rows = clean_subjects(subjects)
    iop.version += 1
    iop.save(update_fields=[*IOP_TEXT_FIELDS, "version", "updated_at"])
    iop.subjects.all().delete()
    IopSubject.objects.bulk_create(
        [IopSubject(iop=iop, subject=name, hours_per_week=hours) for name, hours in rows]
    )
    _journal(referral, actor, "iop.saved", iop.school_year)
    return iop


@transaction.atomic
def iop_finalise(*, iop_id: int, actor, version: int | None = None) -> Iop:
    """Make the draft final (it is then made available to the pupil and the parents). A second
    call on a final plan returns it unchanged (a double click finalises once).

    Opplæringslova § 11-10: goals, content and how the teaching is run are required. Udir
    (DOMAIN part one § 1.2): the IOP stays within the vedtak: the subjects' hours together may
    not exceed the vedtak's hours per week."""
    iop, referral = _lock_iop(iop_id)
    _check_writer(actor, referral)
    if iop.status == Iop.Status.FINAL:
        return iop
    _draft_for_edit(iop, version)
    decision = _require_decision(referral)
    missing = [name for name in IOP_TEXT_FIELDS if not getattr(iop, name).strip()]
    if missing:
        raise CaseError(
            _(
                "Fyll ut mål, innhold og gjennomføring før IOP-en gjøres ferdig "
                "(opplæringslova § 11-10)."
            ),
            field=missing[0],
            fields=tuple(missing),
        )
    total = sum((s.hours_per_week for s in iop.subjects.all()), Decimal(0))
    if decision.hours_per_week is not None and total > decision.hours_per_week:
        raise CaseError(
            _(
                "Fagene har til sammen %(sum)s timer per uke, mer enn vedtakets %(max)s. "
                "IOP-en skal holde seg innenfor vedtaket (Udir); endre timene, eller be om "
                "et nytt vedtak."
            )
            % {"sum": _hours_text(total), "max": _hours_text(decision.hours_per_week)},
            field="subjects",
        )
    iop.status = Iop.Status.FINAL
    iop.finalised_on = timezone.localdate()
    iop.decision = decision
    iop.version += 1
    iop.save(update_fields=["status", "finalised_on", "decision", "version", "updated_at"])
    _journal(referral, actor, "iop.finalised", iop.school_year)
    return iop


def _hours_text(value: Decimal) -> str:
    from core.forms import hours_text

    return hours_text(value)


@transaction.atomic
def iop_new_version(*, iop_id: int, actor) -> Iop:
    """A new draft that replaces the final ``iop`` (a copy of its texts and subjects). A
    double click makes one: the case's open draft replacing it is returned."""
    old, referral = _lock_iop(iop_id)
    _check_writer(actor, referral)
    if old.status != Iop.Status.FINAL:
        raise CaseError(_("Bare en ferdig IOP kan få en ny versjon; fortsett i utkastet."))
    draft = Iop.objects.filter(referral=referral, status=Iop.Status.DRAFT).first()
    if draft is not None:
        if draft.replaces_id == old.pk:
            return draft
        raise CaseError(_("Saken har allerede et utkast til IOP. Fortsett i det."))
    if Iop.objects.filter(replaces=old).exists():
        raise CaseError(_("Denne IOP-en er allerede erstattet av en nyere versjon."))
    decision = _require_decision(referral)
    new = Iop.objects.create(
        referral=referral,
        decision=decision,
        school_year=old.school_year,
        goals=old.goals,
        content=old.content,
        organisation=old.organisation,
        written_by=actor,
        replaces=old,
    )
    IopSubject.objects.bulk_create(
        [
            IopSubject(iop=new, subject=s.subject, hours_per_week=s.hours_per_week, note=s.note)
            for s in old.subjects.all()
        ]
    )
    _journal(referral, actor, "iop.new_version", new.school_year)
    return new


# --- the årleg evaluering (opplæringslova § 11-11) ----------------------------------------------


@transaction.atomic
def evaluation_create(*, iop_id: int, actor) -> AnnualEvaluation:
    """A draft evaluation of the final ``iop`` for its school year, or the draft already
    begun (a double click makes one). Opplæringslova § 11-11: once a year: a second for the
    same case and school year is refused (evaluation_once_a_year holds it too)."""
    iop, referral = _lock_iop(iop_id)
    _check_writer(actor, referral)
    if iop.status != Iop.Status.FINAL:
        raise CaseError(_("Årleg evaluering skrives for en ferdig IOP."))
    existing = AnnualEvaluation.objects.filter(
        referral=referral, school_year=iop.school_year
    ).first()
    if existing is not None:
        if existing.status == AnnualEvaluation.Status.DRAFT:
            return existing
        raise CaseError(
            _(
                "Det er allerede skrevet en årleg evaluering for skoleåret %(y)s "
                "(opplæringslova § 11-11: én gang i året)."
            )
            % {"y": school_year_label(iop.school_year)}
        )
    try:
        with transaction.atomic():
            evaluation = AnnualEvaluation.objects.create(
                referral=referral,
                iop=iop,
                school_year=iop.school_year,
                teaching_given="",
                development="",
                written_by=actor,
            )
    except IntegrityError:  # the case row is locked, so only a broken caller gets here
        raise CaseError(_("Det er allerede skrevet en årleg evaluering for skoleåret.")) from None
    _journal(referral, actor, "evaluation.created", iop.school_year)
    return evaluation


@transaction.atomic
def evaluation_update(
    *, evaluation_id: int, actor, version: int, teaching_given: str, development: str
) -> AnnualEvaluation:
    """Save the draft evaluation's two texts (StaleEdit when saved by someone else since)."""
    evaluation, referral = _lock_evaluation(evaluation_id)
    _check_writer(actor, referral)
    if evaluation.status != AnnualEvaluation.Status.DRAFT:
        raise CaseError(_("Evalueringen er gjort tilgjengelig og kan ikke endres."))
    if evaluation.version != version:
        raise StaleEdit(current=evaluation, events=[])
    evaluation.teaching_given = _text(teaching_given, field="teaching_given")
    evaluation.development = _text(development, field="development")
    evaluation.version += 1
    evaluation.save(update_fields=[*EVALUATION_TEXT_FIELDS, "version", "updated_at"])
    _journal(referral, actor, "evaluation.saved", evaluation.school_year)
    return evaluation


@transaction.atomic
def evaluation_share(*, evaluation_id: int, actor, shared_on: date) -> AnnualEvaluation:
    """Record that the evaluation was made available to the pupil and the parents on
    ``shared_on`` (opplæringslova § 11-11: "eleven eller foreldra skal få tilgang"); then it is
    read-only. Both parts are required. A second call returns it unchanged."""
    evaluation, referral = _lock_evaluation(evaluation_id)
    _check_writer(actor, referral)
    if evaluation.status == AnnualEvaluation.Status.SHARED:
        return evaluation
    missing = [n for n in EVALUATION_TEXT_FIELDS if not getattr(evaluation, n).strip()]
    if missing:
        raise CaseError(
            _(
                "Evalueringen må si hvilken opplæring eleven har fått og vurdere elevens "
                "utvikling mot målene i IOP-en (opplæringslova § 11-11)."
            ),
            field=missing[0],
            fields=tuple(missing),
        )
    date_check(shared_on, field="shared_on", earliest=evaluation.iop.finalised_on)
    evaluation.status = AnnualEvaluation.Status.SHARED
    evaluation.shared_on = shared_on
    evaluation.version += 1
    evaluation.save(update_fields=["status", "shared_on", "version", "updated_at"])
    _journal(referral, actor, "evaluation.shared", evaluation.school_year)
    return evaluation
