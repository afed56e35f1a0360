"""Reads of the letter pages: a document the user may see (through the case they may see:
referrals.scoping), else 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from referrals import case_page
from referrals.scoping import get_referral_for_user

from ..models import Document
from ..selectors import visible_documents
from .specs import SPECS


def _case_of(user, documents, pk):
    """The case of document ``pk`` among ``documents`` if the user may see it (404 otherwise,
    the same answer as for a document that does not exist)."""
    referral_id = get_object_or_404(documents.values_list("referral_id", flat=True), pk=pk)
    return get_referral_for_user(user, referral_id, queryset=case_page.case_queryset(user))


def letter_for_user(user, pk) -> tuple[Document, object]:
    """(letter, its case with the case header's joins), without the PDF's bytes; among the
    documents the user may read (documents/selectors.py: a unit head sees final documents, not
    PPT's drafts — the same rule as the case's Dokumenter tab)."""
    referral = _case_of(user, visible_documents(user).filter(kind__in=list(SPECS)), pk)
    document = get_object_or_404(
        Document.objects.select_related("finalised_by", "created_by", "replaces").defer("pdf"),
        pk=pk,
    )
    return document, referral


def document_pdf_for_user(user, pk) -> tuple[Document, object]:
    """A final document of any kind with its bytes (the canonical download), among the
    documents the user may read (documents/selectors.py: a unit head gets no PPT note); a
    draft has no PDF (404)."""
    referral = _case_of(user, visible_documents(user), pk)
    document = Document.objects.only("pk", "pdf", "title", "sha256", "status", "referral_id").get(
        pk=pk
    )
    if not document.is_final or document.pdf is None:
        raise Http404
    return document, referral
