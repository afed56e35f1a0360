"""The organisation: municipalities, areas, units, PPT offices, users and their roles.

Nothing here names a child; children and cases live in referrals/ (which builds on this app).
"""

import pgtrigger
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr


def validate_org_number(value: str) -> None:
    if not orgnr.is_valid(value):
        raise ValidationError(
            _("Ugyldig organisasjonsnummer (9 siffer med gyldig kontrollsiffer).")
        )


class Municipality(models.Model):
    name = models.CharField(_("navn"), max_length=100)
    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummeret har fire siffer."))],
    )

    # Opplæringslova ch. 11: "kommunen" decides, usually delegated to the pupil's rektor
    # (DOMAIN part two § 1); referrals.case_kinds.DecidedBy.RECTOR_WHERE_DELEGATED reads this.
    school_decisions_by_rektor = models.BooleanField(
        _("rektor fatter vedtak for skolens elever"),
        default=True,
        help_text=_(
            "Kommunen har delegert vedtak etter opplæringslova kapittel 11 til rektor. "
            "Uten delegering fatter kommunens skolekontor vedtakene."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """An område: the municipality's grouping of units that advisors are assigned to."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="areas", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("område")
        verbose_name_plural = _("områder")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class Unit(models.Model):
    class Kind(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Barnehage")
        SCHOOL = "school", _("Skole")

    class Ownership(models.TextChoices):
        MUNICIPAL = "municipal", _("Kommunal")
        PRIVATE = "private", _("Privat")

    name = models.CharField(_("navn"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    ownership = models.CharField(_("eierform"), max_length=20, choices=Ownership.choices)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_org_number]
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="units", verbose_name=_("kommune")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="units", verbose_name=_("område")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.area_id
            and self.municipality_id
            and self.area.municipality_id != self.municipality_id
        ):
            raise ValidationError({"area": _("Området hører til en annen kommune.")})


class SchoolClass(models.Model):
    """A class (klasse) of a school, on one trinn (1.–10.): pupils (referrals.Child.school_class)
    belong to one, and a kontaktlærer or a school's spesialpedagog (Role TEACHER) sees the
    pupils of the classes they teach."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="classes", verbose_name=_("skole")
    )
    trinn = models.PositiveSmallIntegerField(
        _("trinn"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    name = models.CharField(_("navn"), max_length=20, help_text=_("For eksempel 5A."))

    class Meta:
        ordering = ["unit__name", "trinn", "name"]
        verbose_name = _("klasse")
        verbose_name_plural = _("klasser")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="schoolclass_unique_name"),
            models.CheckConstraint(
                condition=models.Q(trinn__gte=1, trinn__lte=10), name="schoolclass_trinn_1_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def clean(self) -> None:
        if self.unit_id and self.unit.kind != Unit.Kind.SCHOOL:
            raise ValidationError({"unit": _("Bare en skole har klasser.")})


class PPTOffice(models.Model):
    """A PPT office; an interkommunal PPT serves several municipalities."""

    name = models.CharField(_("navn"), max_length=150, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="ppt_offices", verbose_name=_("betjener kommunene")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("PP-kontor")
        verbose_name_plural = _("PP-kontor")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # E-mail addresses are stored in lower case; people type them as they like.
        return self.get(email=(username or "").lower())

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    email = models.EmailField(_("e-post"), unique=True)
    full_name = models.CharField(_("navn"), max_length=150)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("tilgang til administrasjon"), default=False)
    date_joined = models.DateTimeField(_("opprettet"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        triggers = [
            # A deactivated user's sessions end at once, however is_active was cleared: save(),
            # the admin, or a queryset.update() that sends no signal. Their UserSession rows
            # (noted at login) name the sessions; those rows go with them (DB_CASCADE).
            pgtrigger.Trigger(
                name="end_sessions_on_deactivation",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.Q(old__is_active=True, new__is_active=False),
                func="""
                    DELETE FROM django_session WHERE session_key IN (
                        SELECT session_id FROM teams_usersession WHERE user_id = NEW.id
                    );
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class Role(models.Model):
    """One role a person holds, with what it is attached to.

    The advisor belongs to a PPT office (optionally limited to areas), and so does the PPT
    leader (PP-leder: the office's aggregates on the dashboard, no cases); unit_head to units;
    special_educator (the municipality's Spesialpedagogisk tjeneste), office, director and
    admin to a municipality (the office optionally to one kind of unit: barnehagekontoret
    decides for kindergartens, the school's decision-maker for pupils). The platform operator
    (plattformdrift) is attached to nothing: it creates municipalities and their first system
    administrator in the admin, and scoping gives it no unit, case or child anywhere.
    """

    class Kind(models.TextChoices):
        ADVISOR = "advisor", _("PP-rådgiver")
        PPT_LEADER = "ppt_leader", _("PP-leder")
        SPECIAL_EDUCATOR = "special_educator", _("Spesialpedagog")
        UNIT_HEAD = "unit_head", _("Styrer/rektor")
        # A school's kontaktlærer or spesialpedagog: the pupils of the classes they teach.
        TEACHER = "teacher", _("Kontaktlærer/spesialpedagog (skole)")
        OFFICE = "office", _("Barnehagekontoret")
        DIRECTOR = "director", _("Kommunalsjef")
        ADMIN = "admin", _("Systemansvarlig")
        PLATFORM = "platform", _("Plattformdrift")

    OFFICE_ROLES = {Kind.ADVISOR, Kind.PPT_LEADER}
    MUNICIPALITY_ROLES = {Kind.SPECIAL_EDUCATOR, Kind.OFFICE, Kind.DIRECTOR, Kind.ADMIN}

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("bruker")
    )
    kind = models.CharField(_("rolle"), max_length=20, choices=Kind.choices)
    ppt_office = models.ForeignKey(
        PPTOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("PP-kontor"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("kommune"),
    )
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="roles",
        verbose_name=_("begrenset til områder"),
        help_text=_("Tomt: alle områdene kontoret betjener."),
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="heads", verbose_name=_("enheter")
    )
    classes = models.ManyToManyField(
        SchoolClass,
        blank=True,
        related_name="teachers",
        verbose_name=_("klasser"),
        help_text=_("For kontaktlærer/spesialpedagog: klassene vedkommende underviser."),
    )
    unit_kind = models.CharField(
        _("gjelder enhetstype"),
        max_length=20,
        choices=Unit.Kind.choices,
        blank=True,
        help_text=_("For kontoret: tomt betyr alle enhetstyper."),
    )

    class Meta:
        ordering = ["user__full_name", "kind"]
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            # scoping.py relies on these: an office-bound role always has its office, a
            # municipality-bound role its municipality.
            models.CheckConstraint(
                condition=~models.Q(kind__in=["advisor", "ppt_leader"])
                | models.Q(ppt_office__isnull=False),
                name="role_office_roles_have_office",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["special_educator", "office", "director", "admin"])
                | models.Q(municipality__isnull=False),
                name="role_municipality_roles_have_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"

    def clean(self) -> None:
        if self.kind in self.OFFICE_ROLES and not self.ppt_office_id:
            raise ValidationError({"ppt_office": _("Rollen må høre til et PP-kontor.")})
        if self.kind in self.MUNICIPALITY_ROLES and not self.municipality_id:
            raise ValidationError({"municipality": _("Rollen må høre til en kommune.")})
        if self.kind == self.Kind.PLATFORM and (self.municipality_id or self.ppt_office_id):
            raise ValidationError(_("Plattformdrift hører ikke til en kommune eller et PP-kontor."))
        self._clean_classes()

    # The units and classes a form is about to save (teams.admin.RoleAdminForm sets them before
    # the model is validated: many-to-many values are saved after clean()). Without them the
    # saved ones are checked.
    pending_units = None
    pending_classes = None

    def _clean_classes(self) -> None:
        """A kontaktlærer/spesialpedagog (TEACHER) belongs to one or more schools and teaches
        classes of those schools; no other role has classes (referrals.scoping gives a teacher
        exactly their classes' pupils, so a class of another school would open another
        school's pupils)."""
        units, classes = self.pending_units, self.pending_classes
        if units is None:
            units = list(self.units.all()) if self.pk else []
        if classes is None:
            classes = list(self.classes.select_related("unit")) if self.pk else []
        if self.kind != self.Kind.TEACHER:
            if classes:
                raise ValidationError(
                    {"classes": _("Bare en kontaktlærer/spesialpedagog har klasser.")}
                )
            return
        if not units or any(unit.kind != Unit.Kind.SCHOOL for unit in units):
            raise ValidationError(
                {"units": _("En kontaktlærer/spesialpedagog hører til en eller flere skoler.")}
            )
        if not classes:
            raise ValidationError({"classes": _("Velg klassene vedkommende underviser.")})
        school_ids = {unit.pk for unit in units}
        foreign = [c for c in classes if c.unit_id not in school_ids]
        if foreign:
            raise ValidationError(
                {
                    "classes": _("Klassen %(name)s hører til en annen skole enn rollens.")
                    % {"name": foreign[0].name}
                }
            )


class TaskRun(models.Model):
    """The last runs of background jobs: proof that a worker ran them (health checks read it)."""

    name = models.CharField(_("jobb"), max_length=100)
    finished_at = models.DateTimeField(_("ferdig"), default=timezone.now)
    hostname = models.CharField(_("maskin"), max_length=200, blank=True)
    detail = models.CharField(_("resultat"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kjøring av bakgrunnsjobb")
        verbose_name_plural = _("kjøringer av bakgrunnsjobber")
        indexes = [
            # health check: latest run of a given job
            models.Index(fields=["name", "-finished_at"], name="taskrun_name_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.finished_at:%d.%m.%Y %H:%M}"


class UserSession(models.Model):
    """Whose session this is, noted at login (teams.sessions.stamp_login) so that deactivating
    a user ends all their sessions with one indexed delete (the trigger on User) instead of
    decoding every session in the table."""

    session = models.OneToOneField(
        Session, primary_key=True, on_delete=models.DB_CASCADE, related_name="+"
    )
    user = models.ForeignKey(User, on_delete=models.DB_CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.user_id}"


# The ressursteam, consultations, system work and the services overview live in their own
# module; imported here so Django registers them with the app.
from teams.ressursteam_models import (  # noqa: E402,F401
    AnonymousConsultation,
    BtiLevel,
    FollowUp,
    Meeting,
    Service,
    SystemWork,
    TeamMember,
)
