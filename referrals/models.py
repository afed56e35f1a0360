"""Everything that names a child: Child, Guardian, Referral (the case), Consent, Pause,
Assessment (sakkyndig vurdering), the case journal and attachments.

State changes go through referrals/services.py only; views never set ``status``.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from referrals import case_kinds, clock, states
from referrals.access_log_models import AccessLogEntry  # noqa: F401 (registered with the app)
from referrals.consultations_models import (  # noqa: F401 (named consultations, own module)
    ConsultationConsent,
    NamedConsultation,
)
from referrals.idnumber import mask
from referrals.querysets import ReferralQuerySet
from teams.models import Municipality, SchoolClass, Unit


def case_scope_fields() -> tuple[models.ForeignKey, models.ForeignKey]:
    """municipality and unit of the row's case, copied onto the row by a trigger (never set by
    hand): the director's dashboard filters deadlines, decisions, appeals and journal events by them without joining
    the case, on indexes that hold only its municipality's rows (bench/: a municipality of
    100,000 cases among 1,000,000). No foreign-key check: the case already guarantees them."""
    common = {
        "on_delete": models.DO_NOTHING,
        "null": True,
        "editable": False,
        "related_name": "+",
        "db_index": False,
        "db_constraint": False,
    }
    return models.ForeignKey(Municipality, **common), models.ForeignKey(Unit, **common)


def copy_case_scope(
    table: str, *, source: str = "referrals_referral", key: str = "referral_id"
) -> pgtrigger.Trigger:
    """BEFORE INSERT OR UPDATE: the case's municipality and unit onto the row, from the case
    (or from ``source``, the row ``key`` points at, which carries them already)."""
    return pgtrigger.Trigger(
        name=f"{table}_case_scope",
        operation=pgtrigger.Insert | pgtrigger.Update,
        when=pgtrigger.Before,
        func=f"""
            SELECT municipality_id, unit_id INTO NEW.municipality_id, NEW.unit_id
            FROM {source} WHERE id = NEW.{key};
            RETURN NEW;
        """,  # noqa: S608 (table and column names from the code, not from input)
    )


class Versioned(models.Model):
    """Optimistic locking: every edit names the version it started from (services check it)."""

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


@tracked()
class Child(Versioned):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Jente")
        MALE = "male", _("Gutt")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="children", verbose_name=_("kommune")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("barnehage/skole nå"),
    )
    # A pupil's class (issue 19): of the school the child is at (services check it).
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
        verbose_name=_("klasse"),
    )
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    id_number = models.CharField(_("fødselsnummer"), max_length=11)
    birth_date = models.DateField(_("fødselsdato"))
    sex = models.CharField(_("kjønn (registrert)"), max_length=10, choices=Sex.choices)
    mother_tongue = models.CharField(_("morsmål"), max_length=60, default="norsk")
    needs_interpreter = models.BooleanField(_("trenger tolk"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("barn")
        verbose_name_plural = _("barn")
        constraints = [
            # services.child_find_or_register: a child already registered in the
            # municipality is found, never registered twice.
            models.UniqueConstraint(
                fields=["municipality", "id_number"], name="child_unique_id_number"
            ),
        ]
        indexes = [
            # caseload search by name
            models.Index(fields=["last_name", "first_name"], name="child_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)


@tracked()
class Guardian(Versioned):
    class Relation(models.TextChoices):
        MOTHER = "mother", _("Mor")
        FATHER = "father", _("Far")
        CO_MOTHER = "co_mother", _("Medmor")
        FOSTER = "foster", _("Fosterforelder")
        OTHER = "other", _("Annen verge")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("navn"), max_length=150)
    relation = models.CharField(_("relasjon"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    parental_responsibility = models.BooleanField(_("har foreldreansvar"), default=True)
    lives_with_child = models.BooleanField(_("barnet bor hos"), default=True)
    needs_interpreter = models.BooleanField(_("trenger tolk"), default=False)
    language = models.CharField(_("språk"), max_length=60, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("foresatt")
        verbose_name_plural = _("foresatte")

    def __str__(self) -> str:
        return self.name


# The kinds of deadline on a case's clock: one enum, in the clock module (decisions/ computes
# them; the caseload shows the next one, stored on the referral so a list needs no join).
DeadlineKind = clock.DeadlineKind


# The statuses of the caseload's default list (every case not closed or withdrawn, a running
# vedtak too) as plain values, for the partial indexes in Referral.Meta (the migrations hold the
# same list; a change here needs a migration).
_OPEN_STATUS_VALUES = [s.value for s in states.NOT_CLOSED]


# next_deadline_*: derived data rewritten on every deadline recompute; not history.
@tracked(exclude=("next_deadline_kind", "next_deadline_on", "next_deadline_warn_on"))
class Referral(Versioned):
    """The case (PPT-sak): from the referral to a completed sakkyndig vurdering and beyond."""

    # The statuses and their groups live in the state table (referrals/states.py).
    Status = states.Status

    OPEN_STATUSES = list(states.OPEN)

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("Høy")
        URGENT = "urgent", _("Haster")

    class PreviousLink(models.TextChoices):
        RENEWAL = "renewal", _("Fornyelse: ny sakkyndig vurdering")
        REOPENED = "reopened", _("Gjenåpnet som ny sak")
        # Issue 19: the § 31 case closed because the child started school, and the school
        # case opened from it (decisions.transition).
        TRANSITION = "transition", _("Overgang fra barnehage til skole")

    class ClosedReason(models.TextChoices):
        """Why a case with a vedtak ends (decisions.services.case_close)."""

        PERIOD_ENDED = "period_ended", _("Vedtaksperioden er over")
        STARTED_SCHOOL = "started_school", _("Barnet har begynt på skolen")
        MOVED = "moved", _("Barnet har flyttet")
        WITHDRAWN = "withdrawn", _("Foreldrene har trukket samtykket eller takket nei til hjelpen")
        NOT_NEEDED = "not_needed", _("Barnet trenger ikke lenger hjelpen")

    class Service(models.TextChoices):
        ASSESSMENT = "assessment", _("Sakkyndig vurdering")
        GUIDANCE = "guidance", _("Veiledning")
        SPEECH = "speech", _("Logoped")
        OTHER = "other", _("Annet")

    class Source(models.TextChoices):
        """Who asked PPT (issue 19)."""

        PPT = "ppt", _("Registrert av PPT")
        UNIT = "unit", _("Henvist av barnehagen/skolen")
        # The parents may ask at any time and need not write (opplæringslova § 11-7,
        # barnehageloven § 33): PPT registers the request with its date.
        PARENTS = "parents", _("Foreldrene ba selv om vurdering")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    # The kind of case and its rules (referrals/case_kinds.py: legal basis, who decides,
    # assessment, consent, content, deadlines, follow-up).
    kind = models.CharField(
        _("type sak"),
        max_length=20,
        choices=case_kinds.CaseKind.choices,
        default=case_kinds.CaseKind.BHL_31,
    )
    source = models.CharField(
        _("hvem ba om hjelp"), max_length=10, choices=Source.choices, default=Source.PPT
    )
    # The parents' own request: the day they asked (Source.PARENTS).
    requested_on = models.DateField(_("foreldrene ba om det"), null=True, blank=True)
    # A referral written by the styrer or rektor (Source.UNIT): the day it was sent to PPT.
    sent_on = models.DateField(_("sendt til PPT"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("henvisende enhet")
    )
    # Copied from the unit: scoping and the director's figures filter on it without a join.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        verbose_name=_("PP-rådgiver"),
    )
    priority = models.CharField(
        _("prioritet"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_repeat = models.BooleanField(_("gjentatt henvisning"), default=False)
    services = models.JSONField(_("hva PPT blir bedt om"), default=list)
    services_other = models.CharField(_("annet, beskriv"), max_length=200, blank=True)
    concern = models.TextField(_("bekymringen, med henviserens ord"))
    tried = models.TextField(_("hva er prøvd, og med hvilken effekt"), blank=True)
    # Pedagogisk rapport, under the headings kindergartens use (DOMAIN.md § 3.4).
    report_play = models.TextField(_("allmenn fungering og lek"), blank=True)
    report_social = models.TextField(_("sosial og emosjonell fungering"), blank=True)
    report_language = models.TextField(_("kommunikasjon og språk"), blank=True)
    report_motor = models.TextField(_("syn, hørsel og motorikk"), blank=True)
    report_attention = models.TextField(_("selvstendighet og oppmerksomhet"), blank=True)
    report_frame = models.TextField(_("rammefaktorer (gruppe, bemanning)"), blank=True)
    report_measures = models.TextField(_("tiltak som er prøvd og effekten av dem"), blank=True)
    # The school's pedagogisk rapport adds these headings (opplæringslova §§ 11-1, 11-2).
    report_subjects = models.TextField(
        _("faglig fungering (norsk, matematikk, engelsk)"), blank=True
    )
    report_adapted = models.TextField(_("tilpasset opplæring og tiltak etter § 11-2"), blank=True)
    # The parents' and the child's or pupil's own views, written by the referrer
    # (barnehageloven § 3, opplæringslova § 10-2).
    child_views = models.TextField(_("barnets eller elevens egne synspunkter"), blank=True)
    guardian_views = models.TextField(_("foreldrenes synspunkter"), blank=True)
    received_on = models.DateField(_("henvisning mottatt"), null=True, blank=True)
    consent_on = models.DateField(_("samtykke mottatt"), null=True, blank=True)
    # T0, the start of the clock: the later of received_on and consent_on (DESIGN).
    t0 = models.DateField(_("fristene løper fra"), null=True, blank=True)
    assessed_on = models.DateField(_("sakkyndig vurdering ferdig"), null=True, blank=True)
    # The next unmet deadline, kept by decisions.services.deadlines_recompute (derived data).
    next_deadline_kind = models.CharField(max_length=20, choices=DeadlineKind.choices, blank=True)
    next_deadline_on = models.DateField(null=True, blank=True)
    next_deadline_warn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(
        _("grunn til at saken er trukket"), max_length=300, blank=True
    )
    # The case's life after the vedtak (decisions/services.py, case life): a renewal's new
    # assessment or a reopened case is a new case that names the one it follows.
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_cases",
        verbose_name=_("tidligere sak"),
    )
    previous_link = models.CharField(
        _("forbindelse til tidligere sak"), max_length=20, choices=PreviousLink.choices, blank=True
    )
    closed_reason = models.CharField(
        _("grunn til at saken er avsluttet"),
        max_length=20,
        choices=ClosedReason.choices,
        blank=True,
    )
    closed_on = models.DateField(_("avsluttet dato"), null=True, blank=True)
    closed_note = models.TextField(_("merknad ved avslutning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        indexes = [
            # caseload lists: open cases of some units, newest first
            models.Index(fields=["unit", "status"], name="referral_unit_status"),
            # advisor's own cases
            models.Index(fields=["advisor", "status"], name="referral_advisor_status"),
            models.Index(fields=["municipality", "status"], name="referral_municipality_status"),
            # caseloads sorted by the next deadline
            models.Index(fields=["next_deadline_on"], name="referral_next_deadline"),
            # The API's case list (api/pagination.py): one municipality's cases in the order
            # they changed, read as a keyset from (updated_at, id) > the cursor, and
            # changed_since: WHERE municipality_id = … AND updated_at >= … ORDER BY updated_at, id.
            models.Index(fields=["municipality", "updated_at", "id"], name="referral_api_changed"),
            # The caseload's default list (selectors.referral_caseload_for_user, the "open"
            # filter: scoping.CaseScope.open_only): its keys, count and sort columns for
            # WHERE unit_id = ANY(the user's units and those of their own open cases) AND
            # status IN (states.NOT_CLOSED), read from this index alone (an index-only scan:
            # a quarter of the archive, and only the user's part of it; bench/, 1,000,000
            # cases). ``status`` is included so that a narrower group (states.OPEN: the
            # styrer's list, ReferralQuerySet.open()) is still answered from the index.
            # Without the INCLUDE columns every listed case's row was visited (2,900 pages for
            # an advisor's 4,200 open cases).
            models.Index(
                fields=["unit"],
                name="referral_open_unit",
                include=["id", "advisor", "t0", "received_on", "created_at", "status"],
                condition=models.Q(status__in=_OPEN_STATUS_VALUES),
            ),
            # An advisor's own open cases (the units of those in CaseScope.open_only; the
            # worklist and "mine" filter), with the same columns.
            models.Index(
                fields=["advisor"],
                name="referral_open_advisor",
                include=["id", "unit", "t0", "received_on", "created_at", "status"],
                condition=models.Q(status__in=_OPEN_STATUS_VALUES),
            ),
        ]
        triggers = [
            # Deadlines, decisions and journal events carry a copy of their case's municipality
            # and unit (for the dashboard); a case moved to another unit moves them. (Appeals
            # follow their decision: decisions.models.)
            pgtrigger.Trigger(
                name="referral_scope_to_clock",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.AnyChange("unit", "municipality"),
                func="""
                    UPDATE decisions_deadline SET municipality_id = NEW.municipality_id,
                        unit_id = NEW.unit_id WHERE referral_id = NEW.id;
                    UPDATE decisions_decision SET municipality_id = NEW.municipality_id,
                        unit_id = NEW.unit_id WHERE referral_id = NEW.id;
                    UPDATE referrals_caseevent SET municipality_id = NEW.municipality_id,
                        unit_id = NEW.unit_id WHERE referral_id = NEW.id;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return _("Sak %(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def reference(self) -> str:
        return f"PPT-{self.pk:06d}"

    def services_display(self) -> list[str]:
        labels = dict(self.Service.choices)
        return [str(labels.get(s, s)) for s in self.services]

    @cached_property
    def open_pause(self):
        return next((p for p in self.pauses.all() if p.ended_on is None), None)


@tracked()
class Consent(models.Model):
    """Which guardian consented to what, and when (barnehageloven § 32 first para.)."""

    class Purpose(models.TextChoices):
        ASSESSMENT = "assessment", _("Sakkyndig vurdering")
        DECISION = "decision", _("Vedtak om hjelp")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    # Empty when the pupil consented (opplæringslova § 11-7 third paragraph: "eleven eller
    # foreldra"; given_by_pupil).
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, related_name="consents", null=True, blank=True
    )
    given_by_pupil = models.BooleanField(_("gitt av eleven selv"), default=False)
    purpose = models.CharField(_("samtykke til"), max_length=20, choices=Purpose.choices)
    given_on = models.DateField(_("gitt dato"))
    withdrawn_on = models.DateField(_("trukket dato"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        constraints = [
            # services.consent_register: one standing consent per guardian and purpose; a
            # second click (or tab) cannot register it twice.
            models.UniqueConstraint(
                fields=["referral", "guardian", "purpose"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="consent_one_standing_per_guardian_purpose",
            ),
            models.UniqueConstraint(
                fields=["referral", "purpose"],
                condition=models.Q(withdrawn_on__isnull=True, given_by_pupil=True),
                name="consent_one_standing_by_pupil_per_purpose",
            ),
            # Either a guardian or the pupil consented, never both, never neither.
            models.CheckConstraint(
                condition=models.Q(given_by_pupil=True, guardian__isnull=True)
                | models.Q(given_by_pupil=False, guardian__isnull=False),
                name="consent_guardian_or_pupil",
            ),
        ]

    def __str__(self) -> str:
        who = _("Eleven") if self.given_by_pupil else self.guardian
        return f"{who}: {self.get_purpose_display()}"


# Sivilombudet's practice (the Bergen PPT statement, 2024; DOMAIN.md § 2) and Statsforvalteren's
# tilsyn (Sunnfjord): a lack of capacity or staff does not stop "rimelig tid" (forvaltningsloven
# § 11 a). No pause reason may be about it. Matched against a reason's code and label, lower case.
CAPACITY_WORDS = (
    "kapasitet",
    "bemanning",
    "mangel på ansatte",
    "mangel på personale",
    "personalmangel",
    "ressursmangel",
    "mangel på ressurser",
    "ventelist",
    "sykmeld",
    "vakanse",
    "vakant",
    "travelt",
    "arbeidspress",
    "capacity",
    "staff",
    "backlog",
)


def about_capacity(text: str) -> bool:
    """Whether ``text`` (a reason's code or label) names the office's own capacity."""
    text = text.lower().replace("_", " ").replace("-", " ")
    return any(word in text for word in CAPACITY_WORDS)


CAPACITY_REFUSED = _(
    "Manglende kapasitet eller bemanning kan ikke være en grunn til pause: etter Sivilombudets "
    "praksis stopper ikke mangel på kapasitet «rimelig tid» (forvaltningsloven § 11 a)."
)


class PauseReasonQuerySet(models.QuerySet):
    def choosable(self, municipality_id: int):
        """What a new pause of the municipality's case may give as its reason."""
        return self.filter(municipality_id=municipality_id, active=True)


class PauseReason(models.Model):
    """Why a case may stand still, per municipality, with the deadline kinds it stops and the
    legal basis for stopping them (issue 18, the pause ledger). Kept in the admin by the
    municipality's system administrator; the defaults are referrals.pause_reasons."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="pause_reasons",
        verbose_name=_("kommune"),
    )
    code = models.SlugField(_("kode"), max_length=40)
    label = models.CharField(_("navn"), max_length=120)
    # A list of referrals.clock.DeadlineKind values (clean() checks them).
    stops = models.JSONField(
        _("stopper fristene"),
        default=list,
        help_text=_("Fristene en pause med denne grunnen stopper."),
    )
    legal_basis = models.TextField(
        _("hjemmel"),
        max_length=1000,
        help_text=_("Loven og paragrafen som gjør at fristen står stille, og hvorfor."),
    )
    active = models.BooleanField(
        _("kan velges"),
        default=True,
        help_text=_("En grunn som ikke kan velges, står fortsatt på eldre pauser."),
    )
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    objects = PauseReasonQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "position", "label"]
        verbose_name = _("pausegrunn")
        verbose_name_plural = _("pausegrunner")
        constraints = [
            # pause_reasons_ensure_defaults (get_or_create by code) and the admin: one per code
            models.UniqueConstraint(
                fields=["municipality", "code"], name="pausereason_code_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("code", "label"):
            if about_capacity(getattr(self, name) or ""):
                errors[name] = CAPACITY_REFUSED
        if not (self.legal_basis or "").strip():
            errors["legal_basis"] = _("Skriv hjemmelen for at fristene står stille.")
        if not self.stops or not set(self.stops) <= set(clock.DeadlineKind.values):
            errors["stops"] = _("Velg minst én frist grunnen stopper.")
        if errors:
            raise ValidationError(errors)

    def stops_labels(self) -> list[str]:
        labels = dict(clock.DeadlineKind.choices)
        return [str(labels.get(k, k)) for k in self.stops]


@tracked()
class Pause(models.Model):
    """A pause of the case with a reason from the municipality's list; its days extend the
    unmet deadlines of the kinds its reason stops (decisions.deadlines.paused_days)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="pauses")
    started_on = models.DateField(_("fra"))
    ended_on = models.DateField(_("til"), null=True, blank=True)
    reason = models.ForeignKey(
        PauseReason, on_delete=models.PROTECT, related_name="pauses", verbose_name=_("grunn")
    )
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrert av"),
    )

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauser")
        constraints = [
            # services.referral_pause: at most one open pause per case
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(ended_on__isnull=True),
                name="pause_one_open",
            ),
        ]

    def __str__(self) -> str:
        return str(self.reason)

    def days(self, today) -> int:
        return ((self.ended_on or today) - self.started_on).days


@tracked()
class Assessment(Versioned):
    """Sakkyndig vurdering with the content barnehageloven § 34 requires."""

    class Organisation(models.TextChoices):
        INDIVIDUAL = "individual", _("Individuelt")
        GROUP = "group", _("I gruppe")
        INSIDE_GROUP = "inside_group", _("Innenfor barnets gruppe")
        OUTSIDE_GROUP = "outside_group", _("Utenfor barnets gruppe")

    class Competence(models.TextChoices):
        SPECIAL_EDUCATOR = "special_educator", _("Spesialpedagog")
        PEDAGOGUE = "pedagogue", _("Barnehagelærer/pedagog")
        SPEECH_THERAPIST = "speech_therapist", _("Logoped")
        OTHER = "other", _("Annen fagperson")

    class Conclusion(models.TextChoices):
        NEEDS_HELP = "needs_help", _("Barnet har behov for spesialpedagogisk hjelp")
        NO_NEED = "no_need", _("Barnet har ikke behov for spesialpedagogisk hjelp")

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="assessment")
    development = models.TextField(_("barnets utvikling og vansker"), blank=True)
    goals = models.TextField(_("realistiske mål for utvikling og læring"), blank=True)
    kind_of_help = models.TextField(_("hva slags hjelp som gir god utvikling"), blank=True)
    organisation = models.CharField(
        _("organisering"), max_length=20, choices=Organisation.choices, blank=True
    )
    recommended_hours = models.DecimalField(
        _("anbefalte timer per uke"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    competence = models.CharField(
        _("kompetanse hos den som gir hjelpen"),
        max_length=20,
        choices=Competence.choices,
        blank=True,
    )
    assistant_needed = models.BooleanField(_("behov for assistent"), default=False)
    # Opplæringslova § 11-8 a, b and e (c and d are ``goals`` and ``kind_of_help``); the kinds
    # that need which are in referrals/case_kinds.py.
    benefit = models.TextField(_("elevens utbytte av opplæringen"), blank=True)
    benefit_obstacles = models.TextField(
        _("hvorfor eleven ikke har eller kan få tilfredsstillende utbytte"), blank=True
    )
    teacher_competence = models.TextField(
        _("kompetansen lærerne bør ha (unntak fra § 11-9)"), blank=True
    )
    child_views = models.TextField(_("barnets egne synspunkter"), blank=True)
    guardian_views = models.TextField(
        _("foresattes synspunkter og hvordan de er vektlagt"), blank=True
    )
    conclusion = models.CharField(
        _("konklusjon"), max_length=20, choices=Conclusion.choices, blank=True
    )
    completed_on = models.DateField(_("ferdigstilt"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("sakkyndig vurdering")
        verbose_name_plural = _("sakkyndige vurderinger")

    def __str__(self) -> str:
        return str(_("Sakkyndig vurdering"))

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class CaseEvent(models.Model):
    """The case journal: one row per thing that happened, who did it and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # The case's municipality and unit, copied onto the event by a trigger (never set by hand;
    # a case moved to another unit moves its journal too: referrals 0008's trigger on the
    # case): the dashboard's "cases worked on" (decisions/dashboard/systemwork.py) reads one
    # municipality's events of the period from an index, without joining every event of the
    # period to its case (bench/: 560,000 a year at 1,000,000 cases). No foreign-key check:
    # the case already guarantees them.
    municipality, unit = case_scope_fields()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # the case page's timeline, newest first
            models.Index(fields=["referral", "-at"], name="caseevent_referral_at"),
            # dashboard.systemwork.CASES_WORKED: one municipality's events of the period
            # (WHERE municipality_id = ANY(…) AND at >= … AND at < …), index-only.
            models.Index(
                fields=["municipality", "at"],
                name="caseevent_scope_at",
                include=["unit", "referral", "actor"],
            ),
        ]
        triggers = [copy_case_scope("caseevent")]

    def __str__(self) -> str:
        return self.action


def _attachment_path(instance, filename: str) -> str:
    # Never the uploaded name on disk: it may carry a child's name or identity number.
    return f"attachments/{instance.referral_id}/{uuid.uuid4().hex}"


# Reads MEDIA_ROOT when used (not when the migration is written); no URL: files are served
# only through the scoped download view. Owner-only permissions: children's documents.
attachment_storage = FileSystemStorage(
    base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
)


class Attachment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=attachment_storage)
    title = models.CharField(_("tittel"), max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")

    def __str__(self) -> str:
        return self.title
