"""The case's documents tab, reading a document, and the parents' bundle (issue 20, 3 and 6).

Every view fetches through referrals.scoping or documents.selectors on its first line: a
document of a child outside one's scope is a 404, an administrator included, and the refusal is
logged by the access-log middleware (the "dokumenter" and "saker" segments are watched). Each
view, print and bundle of a document is one access-log row before the bytes are sent."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.views import FORM_METHODS, form_status, posted, run_form, with_once
from documents import bundle, selectors, services
from documents.forms import IncomingDocumentForm, NoteForm
from referrals import case_page
from referrals.access_log import AccessLogEntry, access_log_record, access_log_view
from referrals.scoping import get_referral_for_user

Action = AccessLogEntry.Action
Obj = AccessLogEntry.ObjectType


@login_required
@require_safe
def case_documents(request, pk):
    referral = get_referral_for_user(
        request.user, pk, queryset=case_page.case_queryset(request.user)
    )
    access_log_view(request, referral)
    return render(
        request,
        "documents/case_documents.html",
        {
            **case_page.header_context(request, referral),
            "documents": selectors.case_documents(request.user, referral),
            "journal": selectors.case_journal(request.user, referral),
        },
    )


def _case_form(request, pk, form_class, service, template, done):
    referral = get_referral_for_user(
        request.user, pk, write=True, queryset=case_page.case_queryset(request.user)
    )
    form = with_once(form_class(posted(request), request.FILES or None))
    if form.is_valid():
        saved = run_form(
            request,
            form,
            partial(service, referral_id=referral.pk),
            done=done,
            then=lambda _document: reverse("documents:case_documents", args=[referral.pk]),
        )
        if saved:
            return saved
    return render(
        request,
        template,
        {**case_page.header_context(request, referral), "form": form},
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM_METHODS)
def incoming_new(request, pk):
    """Register a document that came in (a reply, a report): a PDF, journalled I."""
    return _case_form(
        request,
        pk,
        IncomingDocumentForm,
        services.incoming_register,
        "documents/incoming_form.html",
        _("Dokumentet er registrert og journalført."),
    )


@login_required
@require_http_methods(FORM_METHODS)
def note_new(request, pk):
    """Write an internal note of PPT, journalled N."""
    return _case_form(
        request,
        pk,
        NoteForm,
        services.note_register,
        "documents/note_form.html",
        _("Notatet er lagret og journalført."),
    )


def _pdf_response(document, *, filename_suffix: str = "") -> HttpResponse:
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    name = f"{document.referral.reference}-{document.pk}{filename_suffix}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _readable(request, pk):
    document = selectors.get_document_for_user(request.user, pk)
    if document.pdf is None:  # a draft has no PDF yet: the letters' draft page shows it
        raise Http404
    return document


def _log(request, document, action):
    access_log_record(
        request,
        action=action,
        object_type=Obj.DOCUMENT,
        object_id=document.pk,
        child_id=document.referral.child_id,
    )


@login_required
@require_safe
def document_view(request, pk):
    """The PDF shown in the browser (VIEW)."""
    document = _readable(request, pk)
    _log(request, document, Action.VIEW)
    return _pdf_response(document)


@login_required
@require_safe
def document_print(request, pk):
    """The PDF opened for printing (PRINT): the tab's link says to print it from the
    browser's PDF viewer."""
    document = _readable(request, pk)
    _log(request, document, Action.PRINT)
    return _pdf_response(document, filename_suffix="-utskrift")


@login_required
@require_safe
def parents_bundle(request, pk):
    """Every document of the case the parents may see, as one PDF (forvaltningsloven § 18;
    which ones: documents.selectors.parents_documents). One DOWNLOAD row for the case and one
    for each document handed out, so the log says how many and which."""
    referral = get_referral_for_user(
        request.user, pk, queryset=case_page.case_queryset(request.user)
    )
    documents = selectors.parents_documents(referral)
    bundle_log(request, referral, documents)
    data, pages = bundle.parents_bundle(referral, documents)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{referral.reference}-dokumenter-{len(documents)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Document-Count"] = str(len(documents))
    response["X-Page-Count"] = str(pages)
    return response


def bundle_log(request, referral, documents) -> None:
    access_log_record(
        request,
        action=Action.DOWNLOAD,
        object_type=Obj.REFERRAL,
        object_id=referral.pk,
        child_id=referral.child_id,
    )
    for document in documents:
        access_log_record(
            request,
            action=Action.DOWNLOAD,
            object_type=Obj.DOCUMENT,
            object_id=document.pk,
            child_id=referral.child_id,
        )
