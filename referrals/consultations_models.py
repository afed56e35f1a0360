"""Named consultations (drøftinger med navn): a child discussed by name in the ressursteam,
only with a registered consent from the guardians (DOMAIN.md § 3.2, BTI; personopplysnings-
loven: sharing a child's identity across services needs consent). They hold a child's
identity, so they live here, read only through referrals.scoping and written to the access
log like every other read of a child's record. Anonymous consultations live in teams.

referrals/models.py imports this module at its end so that Django registers the models.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from teams.ressursteam_models import ConsultationFields, Meeting


@tracked()
class ConsultationConsent(models.Model):
    """A guardian's consent that the child may be discussed by name in the ressursteam
    (samtykke til drøfting). Not a Consent (that belongs to a referral, and there is none
    yet): consent to a named discussion across services is a consent of its own, given
    before any referral and withdrawable on its own."""

    child = models.ForeignKey(
        "referrals.Child", on_delete=models.CASCADE, related_name="consultation_consents"
    )
    guardian = models.ForeignKey(
        "referrals.Guardian",
        on_delete=models.PROTECT,
        related_name="consultation_consents",
        verbose_name=_("foresatt"),
    )
    given_on = models.DateField(_("gitt dato"))
    withdrawn_on = models.DateField(_("trukket dato"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name = _("samtykke til drøfting")
        verbose_name_plural = _("samtykker til drøfting")
        constraints = [
            # consultations.consultation_consent_register: one standing consent per guardian
            models.UniqueConstraint(
                fields=["child", "guardian"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="consultationconsent_one_standing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian}: {self.given_on:%d.%m.%Y}"


@tracked()
class NamedConsultation(ConsultationFields):
    """A consultation about a named child, in a ressursteam meeting, under a standing consent;
    ``referral`` is set when a referral is started from it (the case page then shows it)."""

    child = models.ForeignKey(
        "referrals.Child", on_delete=models.PROTECT, related_name="consultations"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="named_consultations",
        verbose_name=_("ressursteammøte"),
    )
    consent = models.ForeignKey(
        ConsultationConsent,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("samtykke"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("henvisning"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("drøfting med navn")
        verbose_name_plural = _("drøftinger med navn")

    def __str__(self) -> str:
        return _("Drøfting %(pk)s") % {"pk": self.pk}
