"""Reads for the dispatch pages, always from referrals.scoping: a shipment or a document is
visible exactly when its case is (404 otherwise, an administrator included)."""

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from documents.models import Document, Shipment
from documents.selectors import visible_documents
from referrals.scoping import can_decide, visible_case_q, visible_referrals
from teams.models import Role
from teams.scoping import has_role

# The office's list: what is not yet sent (the partial index shipment_open serves it).
OPEN = (Shipment.Status.QUEUED, Shipment.Status.SENDING, Shipment.Status.FAILED)


def _visible_shipments(user) -> QuerySet[Shipment]:
    return Shipment.objects.filter(
        document__referral__in=visible_referrals(user).order_by().values("pk")
    )


def get_document_for_dispatch(user, pk) -> Document:
    """A document of a visible case (else 404) that the user may send: the office that decides
    for the case (else 403)."""
    document = get_object_or_404(
        visible_documents(user).select_related("referral__unit").defer("pdf"), pk=pk
    )
    if not can_decide(user, document.referral):
        raise PermissionDenied
    return document


def get_shipment_for_office(user, pk) -> Shipment:
    shipment = get_object_or_404(
        _visible_shipments(user).select_related("document__referral__unit"), pk=pk
    )
    if not can_decide(user, shipment.document.referral):
        raise PermissionDenied
    return shipment


def case_shipments(referral) -> list[Shipment]:
    """Every shipment of the case's documents, newest letter first (one query)."""
    return list(
        Shipment.objects.filter(document__referral=referral)
        .select_related("document")
        .order_by("-document__created_at", "-document_id", "pk")
    )


def office_shipments(user) -> QuerySet[Shipment]:
    """The office's shipments not yet sent, in the cases it decides (its municipality and kind
    of unit); failed first, then the oldest. Each row carries its child's id for the access
    log. Only for the office (403 for anyone else)."""
    if not has_role(user, Role.Kind.OFFICE):
        raise PermissionDenied
    case_q = visible_case_q(
        user, unit="document__referral__unit_id", advisor="document__referral__advisor"
    )
    return (
        Shipment.objects.filter(case_q, status__in=OPEN)
        .select_related("document__referral__child")
        .annotate(child_id=F("document__referral__child_id"))
        .order_by("status", "queued_at", "pk")  # "failed" < "queued" < "sending"
    )
