"""A case's documents (issue 20): letters made from the case's own data, the journal of what
came in and went out, their dispatch to the parents, and batches of letters.

arkivlova § 5 (documentation kept unchanged) and arkivforskrifta § 11 (errors corrected by
adding, never by changing): a final document and a journal entry are never updated or deleted,
by the database's own triggers; a correction is a new document that names the one it replaces.
arkivforskrifta §§ 14–15: the journal's metadata (identifier, context, title, sender or
recipient, document date, registration time)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImmutableError(Exception):
    """Raised when code tries to change a final document or a journal entry."""


class Letterhead(models.Model):
    """The municipality's letterhead and signatory (set in the admin)."""

    class Language(models.TextChoices):
        BOKMAAL = "nb", _("Bokmål")
        NYNORSK = "nn", _("Nynorsk")

    municipality = models.OneToOneField(
        "teams.Municipality",
        on_delete=models.CASCADE,
        related_name="letterhead",
        verbose_name=_("kommune"),
    )
    name = models.CharField(_("avsender"), max_length=150)  # "Bergtun kommune"
    department = models.CharField(_("enhet"), max_length=150, blank=True)  # "PP-tjenesten"
    address = models.CharField(_("adresse"), max_length=200)
    postal = models.CharField(_("postnummer og sted"), max_length=100)
    org_number = models.CharField(_("organisasjonsnummer"), max_length=9)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    web = models.CharField(_("nettside"), max_length=200, blank=True)
    # PNG or SVG, embedded in the PDF (no external resources in PDF/A).
    logo = models.FileField(_("logo"), upload_to="letterheads/", blank=True)
    signatory = models.CharField(_("underskriver"), max_length=150)
    signatory_title = models.CharField(_("underskriverens tittel"), max_length=150)
    language = models.CharField(
        _("målform"), max_length=2, choices=Language.choices, default=Language.BOKMAAL
    )
    appeal_body = models.CharField(_("klageinstans"), max_length=150, default="Statsforvalteren")
    appeal_body_address = models.CharField(_("klageinstansens adresse"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("brevhode")
        verbose_name_plural = _("brevhoder")

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """One document of a case: a letter made here (draft, then final) or one that came in.

    A final document holds its PDF and its SHA-256 and is never changed (the trigger below);
    a correction is a new document with ``replaces`` set and ``edition`` one higher."""

    class Kind(models.TextChoices):
        PROVISIONAL_REPLY = "provisional_reply", _("Foreløpig svar")
        ASSESSMENT = "assessment", _("Sakkyndig vurdering")
        DECISION = "decision", _("Vedtak")
        CHANGE_DECISION = "change_decision", _("Endringsvedtak")
        ANNUAL_REPORT = "annual_report", _("Årsrapport")
        APPEAL_RECEIVED = "appeal_received", _("Bekreftelse på mottatt klage")
        APPEAL_FORWARDED = "appeal_forwarded", _("Oversendelse av klage")
        # issue 19: the school's IOP (opplæringslova § 11-10) and årleg evaluering (§ 11-11)
        IOP = "iop", _("Individuell opplæringsplan")
        ANNUAL_EVALUATION = "annual_evaluation", _("Årleg evaluering")
        INCOMING = "incoming", _("Innkommet dokument")
        NOTE = "note", _("Internt notat")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        FINAL = "final", _("Endelig")

    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("sak"),
    )
    kind = models.CharField(_("dokumenttype"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("tittel"), max_length=200)
    language = models.CharField(
        _("målform"), max_length=2, choices=Letterhead.Language.choices, default="nb"
    )
    # The case's objects the letter is made from (at most one is set).
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annual_report = models.ForeignKey(
        "decisions.AnnualReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appeal = models.ForeignKey(
        "decisions.Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    iop = models.ForeignKey(
        "decisions.Iop", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation = models.ForeignKey(
        "decisions.AnnualEvaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The free-text parts the case worker writes (never the facts the case holds).
    texts = models.JSONField(_("fritekst"), default=dict, blank=True)
    edition = models.PositiveIntegerField(_("versjon"), default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("erstatter"),
    )
    # Final only: the bytes as sent and archived, and their checksum.
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("størrelse (byte)"), null=True, blank=True)
    content_type = models.CharField(_("filtype"), max_length=100, default="application/pdf")
    document_date = models.DateField(_("dokumentdato"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(_("ferdigstilt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    version = models.PositiveIntegerField(
        _("endringsversjon"), default=1
    )  # optimistic locking of a draft

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        indexes = [models.Index(fields=["referral", "created_at"], name="document_case")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="final") | models.Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="document_final_has_checksum",
            ),
        ]
        triggers = [
            # arkivlova § 5, arkivforskrifta § 11: a final document is never changed or deleted.
            pgtrigger.Protect(
                name="document_final_unchanged",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="final"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if (
            not self._state.adding
            and type(self).objects.filter(pk=self.pk, status="final").exists()
        ):
            raise ImmutableError("A final document is never changed; make a new version.")
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class JournalCounter(models.Model):
    """The next journal sequence number per municipality and year (locked when used)."""

    municipality = models.ForeignKey(
        "teams.Municipality", on_delete=models.CASCADE, verbose_name=_("kommune")
    )
    year = models.PositiveSmallIntegerField(
        _("år"),
    )
    last = models.PositiveIntegerField(_("siste nummer"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="journalcounter_once")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last}"


class JournalEntry(models.Model):
    """A journalpost (arkivforskrifta §§ 14–15; Noark 5 registrering/journalpost): every
    document in or out of a case, and internal notes. Append-only: a correction is a new entry."""

    class Direction(models.TextChoices):
        # Noark 5 journalposttype
        IN = "I", _("Inngående dokument")
        OUT = "U", _("Utgående dokument")
        NOTE = "N", _("Organinternt notat")

    municipality = models.ForeignKey(
        "teams.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="journal_entries",
        verbose_name=_("sak"),
    )
    # journalår/journalsekvensnummer, e.g. 2026/000123, unique per municipality.
    year = models.PositiveSmallIntegerField(_("journalår"))
    sequence = models.PositiveIntegerField(_("sekvensnummer"))
    # dokumentnummer within the case (1, 2, 3 …).
    number_in_case = models.PositiveIntegerField(_("dokumentnummer i saken"))
    direction = models.CharField(_("retning"), max_length=1, choices=Direction.choices)
    title = models.CharField(_("tittel"), max_length=200)
    correspondent = models.CharField(_("avsender eller mottaker"), max_length=200, blank=True)
    document_date = models.DateField(_("dokumentdato"))
    registered_at = models.DateTimeField(_("registrert"), db_default=Now())
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="journal_entries"
    )
    attachment = models.ForeignKey(
        "referrals.Attachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["referral", "number_in_case"]
        verbose_name = _("journalpost")
        verbose_name_plural = _("journal")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "sequence"], name="journal_number_once"
            ),
            models.UniqueConstraint(
                fields=["referral", "number_in_case"], name="journal_number_in_case_once"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="journal_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"

    @property
    def identifier(self) -> str:
        return f"{self.year}/{self.sequence:06d}"


class Shipment(models.Model):
    """One final letter to one recipient (a guardian with parental responsibility, or the
    unit) through one dispatch channel. One row per document and recipient: never sent twice."""

    class Channel(models.TextChoices):
        LOCAL = "local", _("Utskrift og post")
        SVARUT = "svarut", _("SvarUt (Fiks)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="shipments")
    guardian = models.ForeignKey(
        "referrals.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "teams.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_name = models.CharField(_("mottaker"), max_length=200)
    recipient_address = models.CharField(_("adresse"), max_length=300, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    last_error = models.CharField(_("siste feil"), max_length=500, blank=True)
    external_id = models.CharField(_("forsendelses-id"), max_length=100, blank=True)
    queued_at = models.DateTimeField(_("lagt i kø"), default=timezone.now)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("forsendelse")
        verbose_name_plural = _("forsendelser")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "guardian"],
                condition=models.Q(guardian__isnull=False),
                name="shipment_once_per_guardian",
            ),
            models.UniqueConstraint(
                fields=["document", "unit"],
                condition=models.Q(unit__isnull=False),
                name="shipment_once_per_unit",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["queued", "sending", "failed"]),
                name="shipment_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_name}"


class LetterBatch(models.Model):
    """Letters for many cases at once, made by a Celery job (its progress on a page)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Pågår")
        FINISHED = "finished", _("Ferdig")

    kind = models.CharField(_("dokumenttype"), max_length=20, choices=Document.Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    referral_ids = models.JSONField(_("saker"), default=list)
    total = models.PositiveIntegerField(_("antall saker"), default=0)
    done = models.PositiveIntegerField(_("ferdige"), default=0)
    failed = models.PositiveIntegerField(_("feilet"), default=0)
    # [{"referral": id, "document": id or null, "error": text}], in order.
    results = models.JSONField(_("resultater"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("brevbunke")
        verbose_name_plural = _("brevbunker")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.done}/{self.total})"
