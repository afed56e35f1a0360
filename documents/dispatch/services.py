"""Dispatch of a final letter: one Shipment per recipient, sent by a background job, never
twice, its state visible on the case and, while it is not sent, on the office's list.

Who gets a letter
- Every guardian with parental responsibility: the vedtak and the other letters are notified
  to the parties (forvaltningsloven § 27 (1)); the child is a party through the guardians who
  hold parental responsibility (referrals.Guardian.parental_responsibility). A guardian
  without it gets no letter.
- The unit (kindergarten or school) gets no letter of its own: no rule found names it as a
  recipient. Barnehageloven § 32 (3) sends the annual report to the parents and *kommunen*
  (DOMAIN part two § 1; the kommune is the office that sends it here), and the unit is no party
  to the vedtak (fvl § 2 (1) e). The unit's styrer reads the case's letters in Rimelig
  through referrals.scoping. A kind added to UNIT_COPY (with its source) also goes to the
  case's unit; the Shipment model carries the unit for that.

Sending (detect and deliver apart; DESIGN's notification job as the model)
1. claim: the row locked (SKIP LOCKED), status "sending", attempts + 1, committed;
2. deliver: the row locked again for the call (the lock tells the recovery a live worker has
   it), the backend's send, then "sent" with the channel's id, or the error: back to "queued"
   for a retry with backoff, "failed" after MAX_ATTEMPTS or on a refusal a retry cannot mend.
A worker that dies between the two leaves "sending" with no lock: shipments_recover finds it,
asks the channel whether it has the letter (the idempotency key), and sends only if not."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from documents.models import Document, Shipment
from referrals.services import case_event_record

from .backends import (
    DispatchError,
    LetterMetadata,
    PermanentDispatchError,
    dispatcher_for,
    idempotency_key,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The letters a case sends out; an incoming document and an internal note are not dispatched.
DISPATCHABLE = {
    Document.Kind.PROVISIONAL_REPLY,
    Document.Kind.ASSESSMENT,
    Document.Kind.DECISION,
    Document.Kind.CHANGE_DECISION,
    Document.Kind.ANNUAL_REPORT,
    Document.Kind.APPEAL_RECEIVED,
    Document.Kind.APPEAL_FORWARDED,
}
# Kinds that also go to the case's unit, each with the rule that says so. Empty: see above.
UNIT_COPY: dict[str, str] = {}
# Every letter here concerns a child's development and needs: taushetsbelagt under
# forvaltningsloven § 13 (1) nr. 1 ("noens personlige forhold"); SvarUt then asks for level-4
# login (krevNiva4Innlogging).
CONFIDENTIAL = DISPATCHABLE
# A queued shipment never tried this long after it was queued lost its task (the broker was
# down when it was enqueued): the recovery sends it.
UNSENT_AFTER = timedelta(minutes=10)
RECOVER_BATCH = 200


class DispatchRefused(DomainError):
    pass


def _channel() -> str:
    return Shipment.Channel.SVARUT if settings.DISPATCH_BACKEND == "svarut" else "local"


def _recipients(document: Document) -> list[dict]:
    referral = document.referral
    guardians = [g for g in referral.child.guardians.all() if g.parental_responsibility]
    if not guardians:
        raise DispatchRefused(_("Ingen foresatte med foreldreansvar er registrert på barnet."))
    missing = [g.name for g in guardians if not g.address.strip()]
    if missing:
        raise DispatchRefused(
            _("Adressen mangler for %(names)s. Registrer den før brevet sendes.")
            % {"names": ", ".join(missing)}
        )
    rows = [
        {"guardian": g, "recipient_name": g.name, "recipient_address": g.address} for g in guardians
    ]
    if document.kind in UNIT_COPY:
        unit = referral.unit
        rows.append({"unit": unit, "recipient_name": unit.name, "recipient_address": ""})
    return rows


@transaction.atomic
def document_dispatch(*, document_id: int, actor) -> list[Shipment]:
    """Queue a final letter to each recipient; the sending starts after commit. A second
    click waits for the first's lock and is refused: one set of rows (the unique constraints
    per document and guardian or unit hold it too)."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("referral__child", "referral__unit")
        .get(pk=document_id)
    )
    if document.status != Document.Status.FINAL:
        raise DispatchRefused(_("Bare et endelig dokument kan sendes."))
    if document.kind not in DISPATCHABLE:
        raise DispatchRefused(_("Denne dokumenttypen sendes ikke ut."))
    if Shipment.objects.filter(document=document).exists():
        raise DispatchRefused(_("Dokumentet er allerede sendt til mottakerne."))
    now, channel = timezone.now(), _channel()
    shipments = Shipment.objects.bulk_create(
        [
            Shipment(document=document, channel=channel, queued_at=now, queued_by=actor, **row)
            for row in _recipients(document)
        ]
    )
    case_event_record(
        referral=document.referral,
        actor=actor,
        action="document.dispatched",
        detail={"document": document.pk, "recipients": len(shipments), "channel": channel},
    )
    ids = [s.pk for s in shipments]
    transaction.on_commit(lambda: enqueue(ids))
    return shipments


@transaction.atomic
def shipment_retry(*, shipment_id: int, actor) -> Shipment:
    """The office sends a failed shipment again: back to the queue with its attempts reset
    (the last error stays until it is sent). Only a failed one: a queued or sending one is
    already on its way, a sent one is never sent twice."""
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("document__referral")
        .get(pk=shipment_id)
    )
    if shipment.status != Shipment.Status.FAILED:
        raise DispatchRefused(_("Bare en forsendelse som har feilet kan prøves igjen."))
    shipment.status, shipment.attempts = Shipment.Status.QUEUED, 0
    shipment.save(update_fields=["status", "attempts"])
    case_event_record(
        referral=shipment.document.referral,
        actor=actor,
        action="shipment.retried",
        detail={"shipment": shipment.pk, "document": shipment.document_id},
    )
    transaction.on_commit(lambda: enqueue([shipment.pk]))
    return shipment


def enqueue(ids: list[int]) -> None:
    from kombu.exceptions import OperationalError

    # tasks.py imports this module; the import here runs after both are loaded (no loop).
    from documents.dispatch.tasks import send_shipment

    for shipment_id in ids:
        try:
            send_shipment.delay(shipment_id)
        except OperationalError:
            # The broker is down: the rows wait in PostgreSQL as queued; the recovery sends them.
            log.warning("broker unavailable; shipment %s left queued", shipment_id)
            return


# --- the job's steps -----------------------------------------------------------------------------


def metadata_for(shipment: Shipment) -> LetterMetadata:
    document = shipment.document
    return LetterMetadata(
        recipient_name=shipment.recipient_name,
        recipient_address=shipment.recipient_address,
        title=document.title,
        case_reference=document.referral.reference,
        document_id=document.pk,
        document_date=(document.document_date or timezone.localdate()).isoformat(),
        sha256=document.sha256,
        filename=f"{document.kind}-{document.pk}.pdf",
        confidential=document.kind in CONFIDENTIAL,
        org_number=shipment.unit.org_number if shipment.unit_id else "",
        idempotency_key=idempotency_key(shipment, document.sha256),
    )


def _claim(shipment_id: int) -> bool:
    """Step 1: queued or orphaned "sending" → "sending", one attempt more; False when the row
    is sent, failed, or locked by a worker sending it right now."""
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(skip_locked=True)
            .filter(pk=shipment_id, status__in=(Shipment.Status.QUEUED, Shipment.Status.SENDING))
            .first()
        )
        if shipment is None:
            return False
        if shipment.attempts >= MAX_ATTEMPTS:
            # Only a row whose sends kept ending in something unforeseen (a worker dying, an
            # error that is no DispatchError) gets here: stop, and let the office see it.
            shipment.status = Shipment.Status.FAILED
            shipment.last_error = shipment.last_error or "Avbrutt etter gjentatte forsøk."
            shipment.save(update_fields=["status", "last_error"])
            return False
        shipment.status, shipment.attempts = Shipment.Status.SENDING, shipment.attempts + 1
        shipment.save(update_fields=["status", "attempts"])
    return True


def shipment_send(shipment_id: int) -> bool:
    """Send one shipment if this worker wins it; True when it is sent now. Raises
    DispatchError when it should be tried again later (the row is queued again)."""
    if not _claim(shipment_id):
        return False
    error = None
    with transaction.atomic():
        # Held during the call: a live worker's row is skipped by the recovery.
        shipment = (
            Shipment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("document__referral")
            .filter(pk=shipment_id, status=Shipment.Status.SENDING)
            .first()
        )
        if shipment is None:
            return False  # taken between the two steps, and handled by the one who took it
        document = shipment.document
        try:
            external_id = dispatcher_for(shipment.channel).send(
                shipment, bytes(document.pdf), metadata_for(shipment)
            )
        except DispatchError as exc:
            error = exc
            final = isinstance(exc, PermanentDispatchError) or shipment.attempts >= MAX_ATTEMPTS
            shipment.status = Shipment.Status.FAILED if final else Shipment.Status.QUEUED
            shipment.last_error = str(exc)[:200]
            shipment.save(update_fields=["status", "last_error"])
        else:
            shipment.status, shipment.external_id = Shipment.Status.SENT, external_id[:100]
            shipment.sent_at, shipment.last_error = timezone.now(), ""
            shipment.save(update_fields=["status", "external_id", "sent_at", "last_error"])
    if error is not None:
        log.warning("shipment %s not sent (attempt %s): %s", shipment_id, shipment.attempts, error)
        if shipment.status == Shipment.Status.QUEUED:
            raise error
        return False
    return True


def shipments_to_recover(now=None) -> list[int]:
    """Shipments a worker left: "sending" (the deliver step skips one still locked), and
    "queued" ones still waiting long after they were queued (their task was lost, say the
    broker was down; the backoff between retries is shorter than UNSENT_AFTER)."""
    now = now or timezone.now()
    return list(
        Shipment.objects.filter(
            Q(status=Shipment.Status.SENDING)
            | Q(status=Shipment.Status.QUEUED, queued_at__lt=now - UNSENT_AFTER)
        )
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)[:RECOVER_BATCH]
    )


def shipments_recover(now=None) -> dict:
    """The periodic check: send (or, by the idempotency key, find sent) what a worker left."""
    counts = {"sent": 0, "retry": 0}
    for shipment_id in shipments_to_recover(now):
        try:
            counts["sent"] += shipment_send(shipment_id)
        except DispatchError:
            counts["retry"] += 1  # queued again; the next run (or a retry) takes it
    return counts
