"""Dispatch of final letters to the parents (issue 20, deliverable 4): backends.py (the local
outbox and KS Fiks SvarUt), services.py (who gets a letter, the job's steps), tasks.py,
selectors.py and views.py (the case's shipments, the office's list)."""

from referrals.access_log import AccessLogEntry, register_child_lookup

# The access log's way from a shipment or a document to its child (a refused /forsendelser/<pk>/
# or /dokumenter/<pk>/ is logged under the child). Here, not in DocumentsConfig.ready, because
# another part owns that file; the URL configuration imports this package before any request.
register_child_lookup(
    AccessLogEntry.ObjectType.SHIPMENT, "documents.Shipment", "document__referral__child_id"
)
register_child_lookup(
    AccessLogEntry.ObjectType.DOCUMENT, "documents.Document", "referral__child_id"
)
