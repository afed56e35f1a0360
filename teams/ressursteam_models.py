"""The arenas where services work together without a child's identity (DOMAIN.md § 3.2):
each unit's ressursteam (members, meetings, agreed follow-up), anonymous consultations
(drøftinger), PPT's system work (systemarbeid) for a unit as a whole, and the municipality's
services overview (tjenesteoversikt).

Nothing here names a child. Named consultations hold a child's identity and live in
referrals/ (referrals.consultations_models), under its scoping and access log; this module
and everything else in teams/ never imports referrals (tests/teams/test_ressursteam_imports.py).

teams/models.py imports this module at its end so that Django registers the models.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BtiLevel(models.IntegerChoices):
    """Bedre tverrfaglig innsats: how many services a concern needs (DOMAIN.md § 3.2)."""

    CONCERN = 0, _("Nivå 0: Er det grunn til bekymring?")
    ONE_SERVICE = 1, _("Nivå 1: Tiltak innenfor én tjeneste")
    TWO_SERVICES = 2, _("Nivå 2: Enkel samhandling mellom to tjenester")
    BROAD = 3, _("Nivå 3: Bred samhandling mellom flere tjenester")


class ConsultationFields(models.Model):
    """What every consultation records, anonymous (here) or named (referrals): the question,
    what has been tried, the advice given, the agreed follow-up and its BTI level."""

    question = models.TextField(_("hva er spørsmålet eller bekymringen"))
    tried = models.TextField(_("hva er prøvd, og med hvilken effekt"), blank=True)
    advice = models.TextField(_("råd som ble gitt"), blank=True)
    follow_up = models.TextField(_("avtalt oppfølging"), blank=True)
    bti_level = models.PositiveSmallIntegerField(
        _("BTI-nivå"), choices=BtiLevel.choices, default=BtiLevel.CONCERN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class TeamMember(models.Model):
    """A member of a unit's ressursteam: the unit head, the PP-rådgiver, the public health
    nurse, and others when needed (Bærum's standard for ressursteam)."""

    class Service(models.TextChoices):
        UNIT_HEAD = "unit_head", _("Styrer/rektor")
        PPT = "ppt", _("PP-rådgiver")
        HEALTH_NURSE = "health_nurse", _("Helsesykepleier")
        OTHER = "other", _("Annen tjeneste")

    unit = models.ForeignKey(
        "teams.Unit", on_delete=models.CASCADE, related_name="team_members", verbose_name=_("enhet")
    )
    name = models.CharField(_("navn"), max_length=150)
    service = models.CharField(_("tjeneste"), max_length=20, choices=Service.choices)
    service_other = models.CharField(_("annen tjeneste, hvilken"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("bruker i Rimelig"),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["unit", "service", "name"]
        verbose_name = _("medlem av ressursteam")
        verbose_name_plural = _("medlemmer av ressursteam")
        constraints = [
            # seed_demo and the member form: a person sits once per service in a team.
            models.UniqueConstraint(
                fields=["unit", "name", "service"], name="teammember_unique_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service_label})"

    @property
    def service_label(self) -> str:
        if self.service == self.Service.OTHER and self.service_other:
            return self.service_other
        return str(self.get_service_display())


class Meeting(models.Model):
    """A ressursteam meeting at a unit: date, agenda and minutes."""

    unit = models.ForeignKey(
        "teams.Unit", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("enhet")
    )
    held_on = models.DateField(_("dato"))
    agenda = models.TextField(_("saksliste"), blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking: an edit names the version it started from (meeting_update), so two
    # members writing the minutes at once never overwrite each other unseen.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("ressursteammøte")
        verbose_name_plural = _("ressursteammøter")
        indexes = [
            # the meetings list (ressursteam_views.meeting_list): a unit's meetings, newest first
            models.Index(fields=["unit", "-held_on"], name="meeting_unit_held"),
        ]
        constraints = [
            # seed_demo: one meeting per unit and day keeps a second run a no-op
            models.UniqueConstraint(fields=["unit", "held_on"], name="meeting_one_per_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.held_on:%d.%m.%Y}"


class AnonymousConsultation(ConsultationFields):
    """A concern discussed in the ressursteam without the child's identity. The form refuses
    text that looks like an identity number or a name from the unit's register
    (teams.anonymity)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("møte")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("anonym drøfting")
        verbose_name_plural = _("anonyme drøftinger")

    def __str__(self) -> str:
        return _("Anonym drøfting %(pk)s") % {"pk": self.pk}


class FollowUp(models.Model):
    """An action agreed in a meeting: who does it, by when, and whether it is done."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("møte")
    )
    description = models.CharField(_("hva skal gjøres"), max_length=300)
    responsible = models.CharField(_("ansvarlig"), max_length=150)
    due_on = models.DateField(_("frist"))
    done_on = models.DateField(_("utført"), null=True, blank=True)

    class Meta:
        ordering = ["done_on", "due_on", "pk"]
        verbose_name = _("oppfølgingspunkt")
        verbose_name_plural = _("oppfølgingspunkter")

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class SystemWork(models.Model):
    """What PPT does for a unit as a whole (systemarbeid), with hours: the PPT strategy's
    quality criterion is the balance between system work and individual cases."""

    class Topic(models.TextChoices):
        COMPETENCE = "competence", _("Kompetanseheving")
        GUIDANCE = "guidance", _("Veiledning av personalet")
        ORGANISATION = "organisation", _("Organisering av gruppen")
        OTHER = "other", _("Annet")

    unit = models.ForeignKey(
        "teams.Unit", on_delete=models.PROTECT, related_name="system_work", verbose_name=_("enhet")
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="system_work",
        verbose_name=_("PP-rådgiver"),
    )
    worked_on = models.DateField(_("dato"))
    hours = models.DecimalField(
        _("timer"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    topic = models.CharField(_("tema"), max_length=20, choices=Topic.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)

    class Meta:
        ordering = ["-worked_on", "-pk"]
        verbose_name = _("systemarbeid")
        verbose_name_plural = _("systemarbeid")
        indexes = [
            # the unit's page and the dashboard's hours per month (decisions/dashboard/systemwork.py)
            models.Index(fields=["unit", "worked_on"], name="systemwork_unit_day"),
            # "Mitt arbeid": the advisor's own registrations, newest first
            models.Index(fields=["advisor", "-worked_on"], name="systemwork_advisor_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.worked_on:%d.%m.%Y} {self.get_topic_display()}"


class Service(models.Model):
    """One service of the municipality that works with children (tjenesteoversikt): what it
    offers, who to contact and how to refer. Kept by the admin in Django's admin."""

    class AgeGroup(models.TextChoices):
        PRESCHOOL = "preschool", _("0–6 år")
        SCHOOL = "school", _("Skolealder")
        BOTH = "both", _("0–6 år og skolealder")

    municipality = models.ForeignKey(
        "teams.Municipality",
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("kommune"),
    )
    name = models.CharField(_("navn"), max_length=150)
    offers = models.TextField(_("hva tjenesten tilbyr"))
    age_group = models.CharField(_("aldersgruppe"), max_length=20, choices=AgeGroup.choices)
    contact = models.TextField(_("kontakt"))
    how_to_refer = models.TextField(_("slik henviser du"), blank=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenesteoversikt")
        constraints = [
            # seed_demo (get_or_create) and the admin: a service's name is unique per municipality
            models.UniqueConstraint(fields=["municipality", "name"], name="service_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
