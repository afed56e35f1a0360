"""Dispatch of final letters to the parents (issue 20, deliverable 4): backends.py (the local
outbox and KS Fiks SvarUt), services.py (who gets a letter, the job's steps), tasks.py,
selectors.py and views.py (the case's shipments, the office's list)."""

# The access log's lookups from a shipment or a document to its child: DocumentsConfig.ready.
