from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Dokumenter og arkiv")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the case_changed receiver that journals what comes in (documents/signals.py).
        from documents import signals  # noqa: F401

        # The access log finds the child of a document and of a shipment (referrals does not
        # import documents). A letter batch (Obj.BATCH) spans many cases and names no one
        # child: no lookup, so its rows carry none.
        from referrals.access_log import AccessLogEntry, register_child_lookup

        Obj = AccessLogEntry.ObjectType
        register_child_lookup(Obj.DOCUMENT, "documents.Document", "referral__child_id")
        register_child_lookup(Obj.SHIPMENT, "documents.Shipment", "document__referral__child_id")
