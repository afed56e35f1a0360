"""Thin Celery tasks around documents/dispatch/services.py. They take ids, run unscoped (no
user: the shipment was queued by the office through a scoped page), and are safe to run twice
or at the same time: the claim, the row lock and the channel's idempotency key make a repeat
a no-op."""

from celery import shared_task

from . import services
from .backends import DispatchError


def backoff(retries: int) -> int:
    """30 s, 60 s, 120 s, 240 s … at most 30 minutes."""
    return min(30 * 2**retries, 1800)


@shared_task(
    bind=True, name="documents.send_shipment", max_retries=services.MAX_ATTEMPTS, acks_late=True
)
def send_shipment(self, shipment_id: int) -> bool:
    try:
        return services.shipment_send(shipment_id)
    except DispatchError as exc:
        # The row is queued again (failed after MAX_ATTEMPTS: then no error reaches here).
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name="documents.recover_shipments")
def recover_shipments() -> dict:
    """Periodic (beat): what a dead worker left "sending" or a lost task left "queued"."""
    return services.shipments_recover()
