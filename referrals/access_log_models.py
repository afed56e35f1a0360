"""The access log's row (innsynslogg): append-only; referrals/access_log.py writes and reads it.

Its own module, importing only Django, so that referrals/models.py can register it without
importing the access log's logic (which reads the case models by label)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log row."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only; see manage.py prune_access_log.")


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Åpnet")
        DOWNLOAD = "download", _("Lastet ned")
        EXPORT = "export", _("Eksporterte")
        PRINT = "print", _("Skrev ut")
        DENIED = "denied", _("Avvist")

    class ObjectType(models.TextChoices):
        CHILD = "child", _("Barn")
        GUARDIAN = "guardian", _("Foresatt")
        REFERRAL = "referral", _("Sak")
        ATTACHMENT = "attachment", _("Vedlegg")
        APPEAL = "appeal", _("Klage")
        EXPORT = "export", _("Eksport")
        ACCESS_LOG = "access_log", _("Tilgangslogg")
        CONSULTATION = "consultation", _("Drøfting med navn")
        CONSENT = "consent", _("Samtykke")
        DECISION = "decision", _("Vedtak")
        FLAG = "flag", _("Fristvarsel")
        NOTIFICATION = "notification", _("Varsel")
        MEETING = "meeting", _("Ressursteammøte")
        DOCUMENT = "document", _("Dokument")
        SHIPMENT = "shipment", _("Forsendelse")
        BATCH = "batch", _("Brevbunke")
        REPORT = "report", _("Nasjonal rapport")
        IOP = "iop", _("Individuell opplæringsplan")
        EVALUATION = "evaluation", _("Årleg evaluering")

    # The database's clock, not the application's: a row's time cannot be supplied wrongly.
    at = models.DateTimeField(_("tidspunkt"), db_default=Now())
    # PROTECT: a log must keep who. Users are deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,  # covered by accesslog_user_at
        verbose_name=_("bruker"),
    )
    # A system reading through the API (api.ApiClient's pk; not a foreign key: referrals sits
    # below the api app). Set instead of ``user`` for a request made with an API key.
    api_client_id = models.BigIntegerField(_("API-klient"), null=True, blank=True)
    # The role kinds the user held at the time, e.g. "advisor" or "office,unit_head".
    role = models.CharField(_("rolle"), max_length=200, blank=True)
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("objekt"), max_length=20, choices=ObjectType.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    # Not a foreign key: a log row must outlive the child, and a refused attempt may name an
    # id that does not exist.
    child_id = models.BigIntegerField(null=True, blank=True)
    # request.path, never the query string; URLs name children and cases by pk only.
    path = models.CharField(_("adresse i Rimelig"), max_length=500)
    ip = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    status = models.PositiveSmallIntegerField(_("status"))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        app_label = "referrals"
        ordering = ["-at", "-pk"]
        verbose_name = _("tilgangsloggrad")
        verbose_name_plural = _("tilgangslogg")
        default_permissions = ("view",)
        indexes = [
            # "Hvem har sett dette barnet" (views/access_log.py access_log_child), newest first
            models.Index(fields=["child_id", "-at"], name="accesslog_child_at"),
            # "Hva har denne brukeren åpnet" (access_log_user), newest first
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            # prune_access_log: DELETE ... WHERE at < cutoff
            models.Index(fields=["at"], name="accesslog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("An access-log row is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An access-log row is never deleted here; see prune_access_log.")
