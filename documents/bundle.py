"""The parents' right to see the case's documents (forvaltningsloven §§ 18–19) as one PDF: a
cover page listing what is in it (WeasyPrint), then each document's own PDF (pypdf).

Which documents go in is documents.selectors.parents_documents; this module only makes the
file. Small PDFs of our own (an internal note, the cover) are made here too, with no external
resources (WeasyPrint's url_fetcher refuses every URL)."""

import io

from django.template.loader import render_to_string
from django.utils import timezone


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"no external resources in a document: {url}")


def render_pdf(template: str, context: dict) -> bytes:
    """A PDF from a Django template (autoescaped: no value reaches the page unescaped)."""
    from weasyprint import HTML  # noqa: PLC0415 (a heavy import, only when a PDF is made)

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def parents_bundle(referral, documents: list) -> tuple[bytes, int]:
    """(the PDF, its page count): the cover, then every document in ``documents`` (each
    with its ``pdf`` loaded and ``journal_id`` set by the selector), in that order."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415 (only when a bundle is made)

    cover = render_pdf(
        "documents/bundle_cover.html",
        {"referral": referral, "documents": documents, "made_at": timezone.localtime()},
    )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for document in documents:
        writer.append(PdfReader(io.BytesIO(bytes(document.pdf))))
    writer.add_metadata({"/Title": f"Dokumenter i sak {referral.reference}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
