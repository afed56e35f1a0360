"""The case's journal and its incoming documents (issue 20, deliverables 3 and 6).

Every document in or out of a case is journalled through documents.journal.register
(arkivforskrifta §§ 14–15: identifier, case, title, sender or recipient, document date,
registration time). This module journals what comes in:

- the referral itself and each of its attachments, from the moment PPT has received the case
  (a draft is the referring unit's own work and is not a saksdokument yet);
- an appeal received (forvaltningsloven § 32: lodged with the body that decided);
- a document the case worker registers (a reply, a doctor's report): a PDF checked to be one,
  stored final with its SHA-256 (arkivlova § 5: kept unchanged);
- an internal note (Noark 5 journalposttype N, "organinternt notat").

Letters that go out are journalled by the letters' finalise service (direction U).
"""

import hashlib
import io
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from documents import journal
from documents.bundle import render_pdf
from documents.models import Document, JournalEntry

# Why a document is kept from the parents' bundle (a key of an incoming document's texts).
from documents.selectors import WITHHELD
from referrals import states
from referrals.attachments import attachment_max_bytes, format_megabytes
from referrals.models import Referral
from referrals.services import referral_lock

logger = logging.getLogger(__name__)

IN = JournalEntry.Direction.IN
NOTE = JournalEntry.Direction.NOTE
PDF_MAGIC = b"%PDF-"


# --- journalling what comes in through the case's own events -------------------------------


def _unit_name(referral: Referral) -> str:
    return referral.unit.name


def _guardians(referral: Referral) -> str:
    """The appeal's senders: the guardians with parental responsibility (they are the parties,
    forvaltningsloven § 2 (1) e, for a child of kindergarten age)."""
    names = [g.name for g in referral.child.guardians.all() if g.parental_responsibility]
    return _(" og ").join(names) or _("Foresatte")


def journal_case_received(*, referral: Referral, actor=None) -> list[JournalEntry]:
    """Journal the referral (once) and each attachment not yet journalled. Call inside the
    service's transaction with the case row locked (attachment_add and referral_submit lock
    it), so two uploads never journal the same attachment. A draft is not journalled.
    ``actor`` may be a callable, called only when there is something to journal."""
    if referral.status == states.Status.DRAFT:
        return []
    received = JournalEntry.objects.filter(referral=referral).exists()
    journalled = JournalEntry.objects.filter(referral=referral, attachment__isnull=False).values(
        "attachment_id"
    )
    attachments = list(
        referral.attachments.exclude(pk__in=journalled).order_by("uploaded_at", "pk")
    )
    if received and not attachments:
        return []
    user = actor() if callable(actor) else actor
    made = []
    # The receipt is always the case's first entry: nothing is journalled before it.
    if not received:
        made.append(
            journal.register(
                referral=referral,
                direction=IN,
                title=_("Henvisning til PP-tjenesten"),
                correspondent=_unit_name(referral),
                document_date=referral.received_on or timezone.localdate(),
                user=user,
            )
        )
    for attachment in attachments:
        made.append(
            journal.register(
                referral=referral,
                direction=IN,
                title=_("Vedlegg til henvisning: %(title)s") % {"title": attachment.title},
                correspondent=_unit_name(referral),
                document_date=timezone.localdate(attachment.uploaded_at),
                attachment=attachment,
                user=user,
            )
        )
    return made


def journal_appeal(*, referral: Referral, appeal, actor=None) -> JournalEntry:
    """An appeal received from the guardians (forvaltningsloven § 32), direction I."""
    return journal.register(
        referral=referral,
        direction=IN,
        title=_("Klage på vedtak"),
        correspondent=_guardians(referral),
        document_date=appeal.received_on,
        user=actor,
    )


# --- incoming documents and internal notes ----------------------------------------------------


def pdf_check(uploaded_file) -> bytes:
    """The bytes of an upload that really is a PDF, else a DomainError at the field: within
    the size limit, starting with %PDF-, and one pypdf opens with at least one page (an
    encrypted one is refused: it could not be read into the parents' bundle)."""
    limit = attachment_max_bytes()
    if uploaded_file.size > limit:
        raise DomainError(
            _("Filen er for stor (%(size)s). Største tillatte størrelse er %(limit)s.")
            % {
                "size": format_megabytes(uploaded_file.size, round_up=True),
                "limit": format_megabytes(limit),
            },
            field="file",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    not_pdf = _("Filen er ikke en PDF (innholdet ble sjekket, ikke filnavnet).")
    if not data.startswith(PDF_MAGIC):
        raise DomainError(not_pdf, field="file")
    from pypdf import PdfReader  # noqa: PLC0415 (a heavy import, only for an upload)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DomainError(
                _("PDF-en er passordbeskyttet. Last opp en utgave uten passord."), field="file"
            )
        pages = len(reader.pages)
    except DomainError:
        raise
    except Exception as error:  # pypdf raises many kinds on a damaged file
        logger.info("An upload starting with %%PDF- did not open: %s", type(error).__name__)
        raise DomainError(not_pdf, field="file") from error
    if pages < 1:
        raise DomainError(not_pdf, field="file")
    return data


def _lock_received(referral_id: int) -> Referral:
    referral = referral_lock(referral_id)
    if referral.status == states.Status.DRAFT:
        raise DomainError(
            _("Saken er ikke sendt inn ennå, så den har ingen journal. Bruk vedlegg i utkastet.")
        )
    return referral


def _final(referral, *, kind, title, data, document_date, actor, texts=None) -> Document:
    now = timezone.now()
    return Document.objects.create(
        referral=referral,
        kind=kind,
        status=Document.Status.FINAL,
        title=title,
        texts=texts or {},
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        document_date=document_date,
        finalised_by=actor,
        finalised_at=now,
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def incoming_register(
    *, referral_id: int, title: str, sender: str, document_date, file, actor, withheld: str = ""
) -> Document:
    """A document that came in (a reply, a report from a doctor): stored final with its PDF
    and SHA-256, journalled I. ``withheld``: the provision that keeps it from the parents'
    bundle (forvaltningsloven § 19; § 21 asks a refusal to cite it), empty for none."""
    data = pdf_check(file)
    referral = _lock_received(referral_id)
    texts = {"sender": sender.strip()}
    if withheld.strip():
        texts[WITHHELD] = withheld.strip()
    document = _final(
        referral,
        kind=Document.Kind.INCOMING,
        title=title.strip(),
        data=data,
        document_date=document_date,
        actor=actor,
        texts=texts,
    )
    journal.register(
        referral=referral,
        direction=IN,
        title=document.title,
        correspondent=texts["sender"],
        document_date=document_date,
        document=document,
        user=actor,
    )
    return document


@transaction.atomic
def note_register(*, referral_id: int, title: str, text: str, document_date, actor) -> Document:
    """An internal note of PPT (Noark 5 journalposttype N): made into a PDF, stored final and
    journalled N. Never in the parents' bundle (forvaltningsloven § 18 a: organinterne
    dokumenter)."""
    referral = _lock_received(referral_id)
    data = render_pdf(
        "documents/note_pdf.html",
        {
            "referral": referral,
            "title": title.strip(),
            "text": text,
            "document_date": document_date,
            "author": actor,
        },
    )
    document = _final(
        referral,
        kind=Document.Kind.NOTE,
        title=title.strip(),
        data=data,
        document_date=document_date,
        actor=actor,
    )
    journal.register(
        referral=referral,
        direction=NOTE,
        title=document.title,
        correspondent=getattr(actor, "full_name", ""),
        document_date=document_date,
        document=document,
        user=actor,
    )
    return document
