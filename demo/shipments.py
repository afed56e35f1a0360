"""The demo's dispatch (documents/dispatch/): in Solvik, the vedtak of a few decided cases sent
by barnehagekontoret to each guardian with parental responsibility through the local outbox
(var/outbox), and one letter whose shipment failed, for the office's list of shipments with
"Prøv igjen". Synthetic; idempotent (skips once a shipment exists).

The final letters are made here with a plain WeasyPrint page (the letters part makes the real
ones from the case's data); the sending goes through the services, as the product does."""

import contextlib
from datetime import date

from django.db import transaction

from core.errors import DomainError
from documents import letter_services
from documents.dispatch import services
from documents.dispatch.backends import DispatchError
from documents.models import Document, Shipment
from referrals.models import Referral
from teams.models import Role

SENT_LETTERS = 3


def _letter(case: Referral, office, today: date) -> Document:
    """The case's final vedtak letter, made by the letter service when demo/letters.py made
    none (a case the letters lack data for raises DomainError and is passed over)."""
    existing = Document.objects.filter(
        referral=case, kind=Document.Kind.DECISION, status=Document.Status.FINAL
    ).first()
    if existing is not None:
        return existing
    draft = letter_services.create_draft(
        actor=office, referral_id=case.pk, kind=Document.Kind.DECISION
    )
    return letter_services.finalise(actor=office, document_id=draft.pk)


def seed_shipments(today: date) -> dict:
    counts = {"sent": 0, "failed": 0}
    if Shipment.objects.exists():
        return {"skipped": True, **counts}
    role = Role.objects.filter(
        kind=Role.Kind.OFFICE, user__email="barnehagekontoret@demo.no"
    ).first()
    if role is None:
        return {"skipped": True, **counts}
    cases = Referral.objects.filter(
        municipality_id=role.municipality_id,
        status__in=(Referral.Status.DECIDED, Referral.Status.HELP_STARTED),
    ).order_by("pk")
    for case in cases:
        if counts["sent"] + counts["failed"] > SENT_LETTERS:
            break
        if not letter_services.may_write(role.user, case, Document.Kind.DECISION):
            continue  # a school's case: not the kindergarten office's to decide
        try:
            with transaction.atomic():
                shipments = services.document_dispatch(
                    document_id=_letter(case, role.user, today).pk, actor=role.user
                )
        except (services.DispatchRefused, DomainError):
            continue  # a guardian without an address, say: the office would fix it first
        # The last letter's first shipment went to SvarUt while it was down (as the job leaves
        # it after its last attempt); every other shipment is sent through the outbox.
        failing = shipments[0] if counts["sent"] == SENT_LETTERS else None
        for shipment in shipments:
            if shipment is failing:
                Shipment.objects.filter(pk=shipment.pk).update(
                    channel=Shipment.Channel.SVARUT,
                    status=Shipment.Status.FAILED,
                    attempts=services.MAX_ATTEMPTS,
                    last_error="SvarUt svarte 503.",
                )
                continue
            with contextlib.suppress(DispatchError):  # the outbox's disk full: stays queued
                services.shipment_send(shipment.pk)
        counts["failed" if failing else "sent"] += 1
    return counts
