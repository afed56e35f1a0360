"""API clients: keys for the municipality's other systems (its archive, its statistics tools),
not for people (issue 21).

A client belongs to one municipality and reads exactly that municipality's cases
(referrals.scoping.municipality_referrals). Its key is ``<prefix>.<secret>``: the prefix is the
public id (shown in the admin and the access log's API-client column), the secret is shown once
when the client is created and stored only as an HMAC-SHA256 with a pepper (api/keys.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CASES_READ = "cases:read", _("Saker: lese (uten fødselsnummer)")
    CASES_READ_IDENTITY = "cases:read_identity", _("Saker: lese fødselsnummer")
    DOCUMENTS_READ = "documents:read", _("Dokumenter: lese endelige dokumenter og PDF")
    STATISTICS_READ = "statistics:read", _("Statistikk: lese oversiktens tall (prikket)")
    DELIVERY_WRITE = "delivery:write", _("Levert hjelp: registrere uker")
    FLAGS_WRITE = "flags:write", _("Fristvarsler: kvittere ut")


class ApiClient(models.Model):
    municipality = models.ForeignKey(
        "teams.Municipality",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("kommune"),
    )
    name = models.CharField(_("navn på systemet"), max_length=150)
    scopes = models.JSONField(_("tilganger"), default=list, blank=True)  # Scope values
    # The public half of the key (its id in logs and in the admin); unique, looked up on every
    # request (api/authentication.py): the unique index serves it.
    prefix = models.CharField(_("nøkkel-id"), max_length=16, unique=True, editable=False)
    # HMAC-SHA256 of the secret with settings.API_KEY_PEPPER (api/keys.py), hex. The secret
    # itself is never stored.
    secret_hash = models.CharField(_("hash av hemmeligheten"), max_length=64, editable=False)
    # The user the client's writes are made as (delivery.register's registered_by, the case
    # journal's actor): one per client, inactive, without roles or password, so it can never
    # sign in and names the system in the case's history (api/services.py).
    actor = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        verbose_name=_("systembruker"),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    expires_at = models.DateTimeField(_("utløper"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("opprettet av"),
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def refusal(self, now) -> str | None:
        """Why the key no longer opens the API (None: it does)."""
        if self.revoked_at is not None:
            return str(_("Nøkkelen er trukket tilbake."))
        if not self.active:
            return str(_("API-klienten er ikke aktiv."))
        if self.expires_at is not None and self.expires_at <= now:
            return str(_("Nøkkelen er utløpt."))
        return None
