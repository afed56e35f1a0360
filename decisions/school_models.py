"""A pupil's individuell opplæringsplan (opplæringslova § 11-10) and årleg evaluering
(§ 11-11), written by the school (issue 19). Registered with the app by decisions/models.py."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from referrals.models import Referral


@tracked()
class Iop(models.Model):
    """Individuell opplæringsplan (opplæringslova § 11-10): the school writes one for every
    pupil with a § 11-6 vedtak, stating goals, content and how the teaching is run, for a school
    year. It stays within the vedtak (Udir) and is not part of it. A draft, then final (made
    available to the pupil and the parents); a final plan is changed by a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        FINAL = "final", _("Ferdig")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="iops")
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="iops"
    )
    # The school year's first calendar year (2026 for 2026/27: case_kinds.school_year_of).
    school_year = models.PositiveSmallIntegerField(
        _("skoleår"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    goals = models.TextField(_("mål for opplæringen"), max_length=10000)
    content = models.TextField(_("innhold i opplæringen"), max_length=10000)
    organisation = models.TextField(_("hvordan opplæringen skal gjennomføres"), max_length=10000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    finalised_on = models.DateField(_("ferdig"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-school_year", "-pk"]
        verbose_name = _("individuell opplæringsplan")
        verbose_name_plural = _("individuelle opplæringsplaner")
        constraints = [
            # one draft per case at a time: a double click cannot start two
            models.UniqueConstraint(
                fields=["referral"], condition=models.Q(status="draft"), name="iop_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["referral", "-school_year"], name="iop_referral_year")]

    def __str__(self) -> str:
        return str(_("IOP %(year)s") % {"year": self.school_year_label})

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{str(self.school_year + 1)[-2:]}"


class IopSubject(models.Model):
    """The lesson hours of one subject in an IOP (timer per uke med individuelt tilrettelagt
    opplæring)."""

    iop = models.ForeignKey(Iop, on_delete=models.CASCADE, related_name="subjects")
    subject = models.CharField(_("fag"), max_length=80)
    hours_per_week = models.DecimalField(
        _("timer per uke"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("fag i IOP")
        verbose_name_plural = _("fag i IOP")
        constraints = [
            models.UniqueConstraint(fields=["iop", "subject"], name="iopsubject_unique"),
        ]

    def __str__(self) -> str:
        return self.subject


@tracked()
class AnnualEvaluation(models.Model):
    """Årleg evaluering (opplæringslova § 11-11): once a year the school writes an overview of
    the individually adapted teaching given and assesses the pupil's development against the
    IOP's goals. The pupil or the parents shall get access (made available: shared_on)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SHARED = "shared", _("Gjort tilgjengelig")

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="annual_evaluations"
    )
    iop = models.ForeignKey(Iop, on_delete=models.PROTECT, related_name="evaluations")
    school_year = models.PositiveSmallIntegerField(
        _("skoleår"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    teaching_given = models.TextField(_("opplæringen eleven har fått"), max_length=10000)
    development = models.TextField(
        _("elevens utvikling vurdert mot målene i IOP"), max_length=10000
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    shared_on = models.DateField(_("gjort tilgjengelig"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-school_year", "-pk"]
        verbose_name = _("årleg evaluering")
        verbose_name_plural = _("årlege evalueringer")
        constraints = [
            models.UniqueConstraint(
                fields=["iop"], condition=models.Q(status="draft"), name="evaluation_one_draft"
            ),
            # opplæringslova § 11-11: "ein gong i året": one evaluation per case and school
            # year (school_services.evaluation_create returns or refuses the second).
            models.UniqueConstraint(
                fields=["referral", "school_year"], name="evaluation_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Årleg evaluering %(year)s") % {"year": self.school_year_label})

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{str(self.school_year + 1)[-2:]}"
