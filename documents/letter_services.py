"""Writes of the letters: a draft, its free-text parts, the final (rendered, checksummed,
signed off and journalled once) and a new version that corrects a final.

Same pattern as decisions/services.py: atomic, the case row locked first (referral_lock), the
rule checked under the lock, a domain error with a Norwegian message, the case journal written.
Who may write a letter (``may_write``) is checked here too, so every caller (page, API,
batch) gets the same answer; the pages check it first for a 403."""

import hashlib
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from decisions.models import AnnualReport, Appeal
from decisions.school_models import AnnualEvaluation, Iop
from decisions.school_services import can_write_iop
from decisions.services import current_decision
from referrals.scoping import can_decide, headed_unit_ids, is_ppt_leader
from referrals.services import case_event_record, referral_lock

from . import journal, letters, pdf
from .models import Document, JournalEntry

# The longest a free-text part may be (each part has its own, smaller, limit in its spec).
TEXT_MAX = max(t.max_length for spec in letters.SPECS.values() for t in spec.texts)


class StaleLetter(DomainError):
    """The draft was saved by someone else after the form was opened."""

    def __init__(self, current: Document):
        super().__init__(
            _("Utkastet er endret av noen andre mens du skrev. Se gjennom og lagre på nytt.")
        )
        self.current = current


def may_write(user, referral, kind: str) -> bool:
    """Foreløpig svar, vedtak, endringsvedtak and the appeal letters: the office of the case's
    municipality (referrals.scoping.can_decide). The sakkyndig vurdering: the case's
    PP-rådgiver or a PP-leder (barnehageloven § 33: PPT writes it). The årsrapport: the office
    or the head of the case's unit (barnehageloven § 32 third paragraph: whoever gives help)."""
    if not letters.is_letter(kind):
        return False
    writers = letters.spec_for(kind).writers
    if writers == letters.OFFICE:
        return can_decide(user, referral)
    if writers == letters.ASSESSOR:
        return referral.advisor_id == user.pk or is_ppt_leader(user)
    if writers == letters.SCHOOL:  # opplæringslova §§ 11-10, 11-11: the school writes them
        return can_write_iop(user, referral)
    return can_decide(user, referral) or referral.unit_id in headed_unit_ids(user)


def writable_kinds(user, referral) -> list[str]:
    return [kind for kind in letters.SPECS if may_write(user, referral, kind)]


def _check(actor, referral, kind) -> None:
    if not may_write(actor, referral, kind):
        raise PermissionDenied


def letter_source(referral, kind: str) -> dict:
    """The case object a new letter of ``kind`` is made from (the current vedtak, the latest
    submitted årsrapport, the latest appeal), as Document field values; None where the case
    has none (the draft then says what is missing)."""
    reads = letters.spec_for(kind).reads
    if reads == "decision":
        return {"decision": current_decision(referral)}
    if reads == "annual_report":
        report = (
            AnnualReport.objects.filter(referral=referral, status=AnnualReport.Status.SUBMITTED)
            .order_by("-period_to", "-pk")
            .first()
        )
        return {"annual_report": report}
    if reads == "appeal":
        appeal = (
            Appeal.objects.filter(decision__referral=referral)
            .select_related("decision")
            .order_by("-received_on", "-pk")
            .first()
        )
        return {"appeal": appeal}
    if reads == "iop":  # issue 19: the latest final IOP
        return {"iop": Iop.objects.filter(referral=referral, status=Iop.Status.FINAL).first()}
    if reads == "evaluation":  # the latest evaluation made available
        shared = AnnualEvaluation.Status.SHARED
        evaluation = AnnualEvaluation.objects.filter(referral=referral, status=shared).first()
        return {"evaluation": evaluation}
    return {}


def _initial_texts(referral, kind: str) -> dict:
    """A foreløpig svar starts from the reply the office registered (decisions'
    ProvisionalReply: its reason and expected date), if any."""
    if kind != Document.Kind.PROVISIONAL_REPLY:
        return {}
    reply = referral.provisional_replies.order_by("-sent_on", "-pk").first()
    if reply is None:
        return {}
    return {"reason": reply.reason[:2000], "expected_on": reply.expected_decision_on.isoformat()}


@transaction.atomic
def create_draft(*, actor, referral_id: int, kind: str) -> Document:
    """A draft letter of ``kind`` for the case, or the one already open for the same case, kind
    and source (a double click, or two people at once, make one: the case row is locked)."""
    if not letters.is_letter(kind):
        raise DomainError(_("Ukjent brevtype."))
    referral = referral_lock(referral_id)
    _check(actor, referral, kind)
    source = letter_source(referral, kind)
    open_draft = Document.objects.filter(
        referral=referral, kind=kind, status=Document.Status.DRAFT, **source
    ).first()
    if open_draft is not None:
        return open_draft
    letterhead = getattr(referral.municipality, "letterhead", None)
    language = letterhead.language if letterhead is not None else "nb"
    return Document.objects.create(
        referral=referral,
        kind=kind,
        title=letters.spec_for(kind).title(language),
        language=language,
        texts=_initial_texts(referral, kind),
        created_by=actor,
        **source,
    )


def _lock_document(document_id: int) -> tuple[Document, object]:
    """The case row first, then the document (the order every service here locks in)."""
    referral_id = Document.objects.values_list("referral_id", flat=True).get(pk=document_id)
    referral = referral_lock(referral_id)
    return Document.objects.select_for_update().get(pk=document_id), referral


def clean_texts(kind: str, texts: dict) -> dict:
    """The spec's parts only, each within its length; a date part as an ISO date."""
    spec = letters.spec_for(kind)
    result = {}
    for part in spec.texts:
        value = texts.get(part.key)
        if value in (None, ""):
            continue
        if part.kind == "date":
            if isinstance(value, date):
                value = value.isoformat()
            try:
                date.fromisoformat(str(value))
            except ValueError:
                raise DomainError(_("Ugyldig dato."), field=part.key) from None
        value = str(value).strip()
        if len(value) > part.max_length:
            raise DomainError(_("Høyst %(n)s tegn.") % {"n": part.max_length}, field=part.key)
        result[part.key] = value
    return result


@transaction.atomic
def update_texts(*, actor, document_id: int, version: int, texts: dict) -> Document:
    """Save the draft's free-text parts; refused when the draft changed since ``version``
    (optimistic lock) or is final."""
    document, referral = _lock_document(document_id)
    _check(actor, referral, document.kind)
    if document.is_final:
        raise DomainError(_("Brevet er ferdigstilt og kan ikke endres. Lag en ny versjon."))
    if document.version != version:
        raise StaleLetter(document)
    document.texts = clean_texts(document.kind, texts)
    document.version += 1
    document.save(update_fields=["texts", "version"])
    return document


def _correspondent(facts) -> str:
    if facts.document.kind == Document.Kind.APPEAL_FORWARDED and facts.letterhead is not None:
        return f"{facts.letterhead.appeal_body}; kopi: {facts.guardian_names}"
    return facts.guardian_names


@transaction.atomic
def finalise(*, actor, document_id: int) -> Document:
    """Make the draft final: refused while the case lacks what the letter needs; renders the
    PDF/A, stores its bytes, SHA-256 and size, signs it off with the user and the date and
    journals it as outgoing (arkivforskrifta §§ 14–15). A second call on a final returns it
    unchanged (the row lock makes two at once one)."""
    document, referral = _lock_document(document_id)
    _check(actor, referral, document.kind)
    if document.is_final:
        return document
    facts = letters.collect(document)
    missing = letters.spec_for(document.kind).lacks(facts)
    if missing:
        raise DomainError(
            _("Brevet kan ikke ferdigstilles: %(what)s") % {"what": " ".join(missing)}
        )
    today = timezone.localdate()
    document.status = Document.Status.FINAL
    document.document_date = today
    document.finalised_by = actor
    document.finalised_at = timezone.now()
    data = pdf.render_pdf(document, facts=facts)
    document.pdf = data
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.size = len(data)
    # The row is still a draft in the database: this one save is allowed (the trigger guards
    # rows that are final already).
    Document.objects.filter(pk=document.pk).update(
        status=document.status,
        document_date=today,
        finalised_by=actor,
        finalised_at=document.finalised_at,
        pdf=data,
        sha256=document.sha256,
        size=document.size,
        version=document.version + 1,
    )
    journal.register(
        referral=referral,
        direction=JournalEntry.Direction.OUT,
        title=document.title,
        document_date=today,
        correspondent=_correspondent(facts),
        document=document,
        user=actor,
    )
    case_event_record(
        referral=referral,
        actor=actor,
        action="document.finalised",
        detail={"title": document.title, "document": document.pk},
    )
    document.version += 1
    return document


@transaction.atomic
def new_version(*, actor, document_id: int) -> Document:
    """A correction of a final letter: a new draft that replaces it (edition + 1), from the
    case's current data and the old letter's texts; the old stays as it is. A second call
    returns the draft already made."""
    old, referral = _lock_document(document_id)
    _check(actor, referral, old.kind)
    if not old.is_final:
        raise DomainError(_("Bare et ferdigstilt brev kan få en ny versjon."))
    existing = Document.objects.filter(replaces=old).first()
    if existing is not None:
        return existing
    source = {
        "decision": old.decision,
        "annual_report": old.annual_report,
        "appeal": old.appeal,
        "iop": old.iop,
        "evaluation": old.evaluation,
    }
    return Document.objects.create(
        referral=referral,
        kind=old.kind,
        title=old.title,
        language=old.language,
        texts=dict(old.texts),
        edition=old.edition + 1,
        replaces=old,
        created_by=actor,
        **source,
    )


def replaced_by(document: Document) -> Document | None:
    """The newer version that corrects ``document``, if any."""
    return Document.objects.filter(replaces=document).only("pk", "edition", "status").first()
