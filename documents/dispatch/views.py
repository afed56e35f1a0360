"""The dispatch pages: send a final letter (the office), the case's shipments with their status
per recipient (whoever sees the case), and the office's list of shipments not yet sent with
"Prøv igjen". Reads through referrals.scoping and selectors.py, writes through services.py;
every page is in the access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.limits import page_number
from referrals import case_page
from referrals.access_log import (
    AccessLogEntry,
    access_log_record,
    access_log_view,
    access_log_views_record,
)
from referrals.scoping import can_decide, get_referral_for_user

from . import selectors, services

PAGE_SIZE = 50


@login_required
def case_shipments(request, pk, *, error: str = "", status: int = 200):
    """The case's letters and, for each, its recipients with channel, status and attempts."""
    referral = get_referral_for_user(
        request.user, pk, queryset=case_page.case_queryset(request.user)
    )
    access_log_view(request, referral)
    shipments = selectors.case_shipments(referral)
    letters: dict[int, dict] = {}
    for shipment in shipments:
        letters.setdefault(shipment.document_id, {"document": shipment.document, "shipments": []})[
            "shipments"
        ].append(shipment)
    context = {
        **case_page.header_context(request, referral),
        "letters": list(letters.values()),
        "can_decide": can_decide(request.user, referral),
        "error": error,
    }
    return render(request, "documents/dispatch_case.html", context, status=status)


@login_required
@require_POST
def document_send(request, pk):
    """Send a final letter to its recipients (the office that decides the case)."""
    document = selectors.get_document_for_dispatch(request.user, pk)
    # Handing a letter to print and post is the access log's "print" (before the service).
    access_log_record(
        request,
        action=AccessLogEntry.Action.PRINT,
        object_type=AccessLogEntry.ObjectType.DOCUMENT,
        object_id=document.pk,
        child_id=document.referral.child_id,
    )
    try:
        shipments = services.document_dispatch(document_id=document.pk, actor=request.user)
    except services.DispatchRefused as exc:
        return case_shipments(request, document.referral_id, error=exc.message, status=422)
    messages.success(
        request,
        _("Brevet er lagt i kø til %(n)s mottakere.") % {"n": len(shipments)},
    )
    return redirect("documents:case_shipments", document.referral_id)


@login_required
def office_shipments(request, *, error: str = "", status: int = 200):
    """The office's shipments queued, being sent or failed, failed first."""
    rows = selectors.office_shipments(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number(request.GET.get("side")))
    page.object_list = list(page.object_list)
    access_log_views_record(
        request, page.object_list, object_type=AccessLogEntry.ObjectType.SHIPMENT
    )
    context = {"page": page, "error": error}
    return render(request, "documents/dispatch_office.html", context, status=status)


@login_required
@require_POST
def shipment_retry(request, pk):
    shipment = selectors.get_shipment_for_office(request.user, pk)
    try:
        services.shipment_retry(shipment_id=shipment.pk, actor=request.user)
    except services.DispatchRefused as exc:
        return office_shipments(request, error=exc.message, status=422)
    messages.success(request, _("Forsendelsen er lagt i kø igjen."))
    return redirect("documents:office_shipments")
