"""The letter pages: a new draft from the case, the draft beside its preview (free-text form,
what is missing, Ferdigstill), a final letter (who signed off, SHA-256, download, Lag ny
versjon) and the canonical PDF download. Cases and documents are reached only through the
scoping modules (documents.letters.selectors); writes go through documents.letter_services."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.views import form_status, posted, run_form, with_once
from referrals import case_page
from referrals.access_log import AccessLogEntry, access_log_record
from referrals.scoping import can_decide, get_referral_for_user

from . import letter_services, letters, pdf
from .letter_forms import ActionForm, LetterTextsForm
from .letters.selectors import document_pdf_for_user, letter_for_user


def _log(request, document, referral, action=AccessLogEntry.Action.VIEW) -> None:
    access_log_record(
        request,
        action=action,
        object_type=AccessLogEntry.ObjectType.DOCUMENT,
        object_id=document.pk,
        child_id=referral.child_id,
    )


@login_required
@require_POST
def letter_new(request, pk, kind):
    """Nytt brev: a draft of ``kind`` for the case (or the one already open)."""
    referral = get_referral_for_user(request.user, pk)
    if not letters.is_letter(kind):
        raise Http404
    if not letter_services.may_write(request.user, referral, kind):
        raise PermissionDenied
    document = letter_services.create_draft(actor=request.user, referral_id=pk, kind=kind)
    return redirect("documents:letter_detail", pk=document.pk)


def _texts_form(document, spec, data=None):
    initial = {**document.texts, "version": document.version}
    return LetterTextsForm(data, spec=spec, initial=initial)


def _page(request, document, referral, *, texts_form=None, action_form=None, status=200):
    spec = letters.spec_for(document.kind)
    may_write = letter_services.may_write(request.user, referral, document.kind)
    context = {
        **case_page.header_context(request, referral),
        "document": document,
        "spec": spec,
        "may_write": may_write,
    }
    if not document.is_final:
        # A final letter is its stored PDF; a preview made now from the case could differ.
        context["preview"] = pdf.preview_html(document)
    if document.is_final:
        context["replaced_by"] = letter_services.replaced_by(document)
        # The office that decides the case sends its letters (documents/dispatch/).
        context["may_send"] = can_decide(request.user, referral)
        if may_write:
            context["action_form"] = action_form or with_once(ActionForm())
    else:
        context["missing"] = letters.missing(document)
        if may_write:
            context["texts_form"] = texts_form or _texts_form(document, spec)
            context["action_form"] = action_form or with_once(ActionForm())
    return render(request, "documents/letter_detail.html", context, status=status)


@login_required
def letter_detail(request, pk):
    """The draft (GET; POST saves its free-text parts) or the final letter."""
    document, referral = letter_for_user(request.user, pk)
    _log(request, document, referral)
    if request.method != "POST":
        return _page(request, document, referral)
    if document.is_final or not letter_services.may_write(request.user, referral, document.kind):
        raise PermissionDenied
    form = _texts_form(document, letters.spec_for(document.kind), posted(request))
    if form.is_valid():
        saved = run_form(
            request,
            form,
            partial(letter_services.update_texts, document_id=document.pk),
            done=_("Utkastet er lagret."),
            then=lambda d: reverse("documents:letter_detail", args=[d.pk]),
            stale=letter_services.StaleLetter,
        )
        if saved:
            return saved
    return _page(request, document, referral, texts_form=form, status=form_status(request, form))


def _act(request, pk, service, done):
    document, referral = letter_for_user(request.user, pk)
    if not letter_services.may_write(request.user, referral, document.kind):
        raise PermissionDenied
    form = with_once(ActionForm(posted(request)))
    if form.is_valid():
        result = run_form(
            request,
            form,
            partial(service, document_id=document.pk),
            done=done,
            then=lambda d: reverse("documents:letter_detail", args=[d.pk]),
        )
        if result:
            return result
    _log(request, document, referral)
    return _page(request, document, referral, action_form=form, status=422)


@login_required
@require_POST
def letter_finalise(request, pk):
    return _act(request, pk, letter_services.finalise, _("Brevet er ferdigstilt."))


@login_required
@require_POST
def letter_new_version(request, pk):
    return _act(request, pk, letter_services.new_version, _("Ny versjon er laget som utkast."))


@login_required
@require_safe
def document_pdf(request, pk):
    """The final document's PDF, as stored (the canonical download)."""
    document, referral = document_pdf_for_user(request.user, pk)
    _log(request, document, referral, AccessLogEntry.Action.DOWNLOAD)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dokument-{document.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
