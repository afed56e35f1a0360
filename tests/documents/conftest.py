"""Helpers for the documents tests: a tiny valid PDF and a final document holding one."""

import hashlib
import io

from django.utils import timezone
from pypdf import PdfWriter

from documents.models import Document


def tiny_pdf(pages: int = 1) -> bytes:
    """A valid PDF of ``pages`` blank A4 pages (pypdf: fast, no WeasyPrint)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def final_document(
    referral, *, kind=Document.Kind.INCOMING, title="Svar fra foreldrene", pages=1, by=None, **kw
) -> Document:
    """A final Document of ``referral`` with a tiny valid PDF and its SHA-256 (not journalled:
    register it with documents.journal.register when a test needs the entry)."""
    data = kw.pop("pdf", None) or tiny_pdf(pages)
    return Document.objects.create(
        referral=referral,
        kind=kind,
        status=Document.Status.FINAL,
        title=title,
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        document_date=kw.pop("document_date", timezone.localdate()),
        finalised_by=by,
        finalised_at=timezone.now(),
        created_by=by,
        **kw,
    )
