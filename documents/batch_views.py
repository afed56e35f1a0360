"""The letter batch's pages (documents/batch.py): the office starts a batch from its worklist,
the batch page shows the job's progress (htmx polls a fragment every second until the batch is
finished) and the result list; the user's recent batches at /brevbunker/. A batch is its
creator's own: anyone else's is a 404. Closing the page loses nothing: the job runs in the
worker and the page reads the batch's row."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import LimitedForm
from core.views import form_status, posted, run_form, with_once
from decisions.selectors import provisional_reply_due
from documents import batch as batches
from documents.models import Document, LetterBatch
from referrals.access_log import (
    AccessLogEntry,
    access_log_record,
    access_log_views_record,
)
from teams.models import Role
from teams.scoping import has_role

# The worklist's offer: the cases whose foreløpig svar is due within this many days.
DUE_DAYS = 7
RECENT = 30  # batches on the list page
# The reason a foreløpig svar gives (forvaltningsloven § 11 a), offered for the office to edit.
REASON = gettext_lazy(
    "Saken er til sakkyndig vurdering hos PP-tjenesten. Vi fatter vedtak når vurderingen er ferdig."
)


def _office_only(user) -> None:
    if not has_role(user, Role.Kind.OFFICE):
        raise PermissionDenied


class BatchStartForm(LimitedForm):
    """The worklist's button: which cases (one choice for now) and whether to finalise."""

    DUE_THIS_WEEK = "forelopig-svar-uke"
    utvalg = forms.ChoiceField(
        choices=[(DUE_THIS_WEEK, gettext_lazy("Foreløpig svar med frist denne uka"))],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": gettext_lazy("Velg hvilke saker brevene gjelder.")},
    )
    grunn = forms.CharField(
        label=gettext_lazy("Hvorfor sakene tar tid (står i hvert brev)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
        error_messages={"required": gettext_lazy("Skriv hvorfor sakene tar tid.")},
    )
    ferdigstill = forms.BooleanField(
        label=gettext_lazy("Ferdigstill brevene med en gang (ellers lages utkast)"),
        required=False,
    )


def _due_ids(user) -> list[int]:
    due = provisional_reply_due(user, today=timezone.localdate(), days=DUE_DAYS)
    return list(due.values_list("pk", flat=True)[: batches.MAX_CASES + 1])


@login_required
def batch_new(request):
    """GET: the worklist's button with the number of cases (an htmx fragment, or a page);
    POST: start the batch and go to its page."""
    _office_only(request.user)
    form = with_once(
        BatchStartForm(
            posted(request), initial={"utvalg": BatchStartForm.DUE_THIS_WEEK, "grunn": REASON}
        )
    )
    if request.method == "POST" and form.is_valid():

        def start(*, actor, utvalg, grunn, ferdigstill):
            return batches.letter_batch_start(
                actor,
                Document.Kind.PROVISIONAL_REPLY,
                _due_ids(actor),
                finalise=ferdigstill,
                texts={"reason": grunn},
            )

        started = run_form(
            request,
            form,
            start,
            done=_("Brevene lages nå. Du kan lukke siden; arbeidet fortsetter."),
            then=lambda batch: reverse("documents:batch_detail", args=[batch.pk]),
        )
        if started:
            return started
    count = len(_due_ids(request.user))
    template = "documents/batch_offer.html" if request.htmx else "documents/batch_new.html"
    return render(
        request, template, {"form": form, "count": count}, status=form_status(request, form)
    )


@login_required
def batch_list(request):
    """The user's recent batches (no child named: kind, counts, time)."""
    _office_only(request.user)
    rows = list(
        batches.batches_of(request.user).only(
            "pk", "kind", "status", "total", "done", "failed", "created_at", "finished_at"
        )[:RECENT]
    )
    return render(request, "documents/batch_list.html", {"batches": rows})


def _document_url(document) -> str:
    """The letter's page (documents/letter_views.py: the draft beside its preview, or the
    final with its download)."""
    return reverse("documents:letter_detail", args=[document.pk]) if document else ""


def _batch_context(request, batch: LetterBatch) -> dict:
    """The batch and, once it is finished, its result list; every case shown is logged.
    While the job runs the page shows counts only (no child), so a poll a second writes one
    log row, not one per case."""
    access_log_record(
        request,
        action=AccessLogEntry.Action.VIEW,
        object_type=AccessLogEntry.ObjectType.BATCH,
        object_id=batch.pk,
    )
    finished = batch.status == LetterBatch.Status.FINISHED
    rows = batches.batch_result_rows(request.user, batch) if finished and batch.results else []
    for row in rows:
        row["url"] = _document_url(row["document"])
    shown = [row["referral"] for row in rows if row["referral"] is not None]
    if shown:
        access_log_views_record(request, shown, object_type=AccessLogEntry.ObjectType.REFERRAL)
    percent = round(100 * batch.done / batch.total) if batch.total else 100
    return {
        "batch": batch,
        "rows": rows,
        "percent": percent,
        "finished": finished,
        "made": batch.done - batch.failed,
    }


@login_required
def batch_detail(request, pk):
    batch = batches.batch_for(request.user, pk)
    return render(request, "documents/batch_detail.html", _batch_context(request, batch))


@login_required
def batch_progress(request, pk):
    """The fragment htmx polls: the bar and the results so far; without a trigger once the
    batch is finished, so the polling stops."""
    batch = batches.batch_for(request.user, pk)
    if not request.htmx:  # opened as a page (a bookmark, a new tab): the batch's own page
        return batch_detail(request, pk)
    return render(request, "documents/batch_progress.html", _batch_context(request, batch))
