"""Decisions (vedtak), provisional replies, appeals, and the rimelig-tid clock: per-municipality
deadline policy, a Deadline row per case and kind, flags raised by the morning job, and the
notification outbox."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import Assessment, DeadlineKind, Referral  # kinds live with the case
from teams.history import tracked
from teams.models import Municipality, Unit


def _case_scope_fields() -> tuple[models.ForeignKey, models.ForeignKey]:
    """municipality and unit of the row's case, copied onto the row by a trigger (never set by
    hand): the director's dashboard filters deadlines and decisions by them without joining
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


def _copy_case_scope(table: str) -> pgtrigger.Trigger:
    """BEFORE INSERT OR UPDATE: the case's municipality and unit onto the row."""
    return pgtrigger.Trigger(
        name=f"{table}_case_scope",
        operation=pgtrigger.Insert | pgtrigger.Update,
        when=pgtrigger.Before,
        func="""
            SELECT municipality_id, unit_id INTO NEW.municipality_id, NEW.unit_id
            FROM referrals_referral WHERE id = NEW.referral_id;
            RETURN NEW;
        """,
    )


# municipality/unit: derived (copied from the case by a trigger), not history.
@tracked(exclude=("municipality", "unit"))
class Decision(models.Model):
    """An enkeltvedtak about special-pedagogical help (barnehageloven § 35)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Innvilget")
        PARTLY = "partly", _("Delvis innvilget")
        REFUSED = "refused", _("Avslått")

    class Provider(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Barnehagen selv")
        SPECIAL_SERVICE = "special_service", _("Spesialpedagogisk tjeneste")
        PPT = "ppt", _("PP-tjenesten")
        OTHER = "other", _("Annen")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField(_("vedtaksdato"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices)
    hours_per_week = models.DecimalField(
        _("timer per uke"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    organisation = models.CharField(
        _("organisering"), max_length=20, choices=Assessment.Organisation.choices, blank=True
    )
    competence = models.CharField(
        _("kompetanse"), max_length=20, choices=Assessment.Competence.choices, blank=True
    )
    assistant = models.BooleanField(_("assistent"), default=False)
    starts_on = models.DateField(_("fra dato"), null=True, blank=True)
    ends_on = models.DateField(_("til dato"), null=True, blank=True)
    provider = models.CharField(
        _("hvem gir hjelpen"), max_length=20, choices=Provider.choices, blank=True
    )
    provider_name = models.CharField(_("navn på den som gir hjelpen"), max_length=150, blank=True)
    deviation_reason = models.TextField(
        _("begrunnelse for avvik fra sakkyndig vurdering"), blank=True
    )
    reason = models.TextField(_("begrunnelse"), blank=True)
    help_started_on = models.DateField(_("hjelpen startet"), null=True, blank=True)
    annual_report_on = models.DateField(_("årsrapport mottatt"), null=True, blank=True)
    superseded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    municipality, unit = _case_scope_fields()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        constraints = [
            # decisions.services: one current decision per case; an appeal's new decision
            # supersedes the old one.
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(superseded=False),
                name="decision_one_current",
            ),
        ]
        indexes = [
            # dashboard.decision_flows and first_decisions: one municipality's decisions made in
            # the period (WHERE municipality_id IN … AND unit_id IN … AND decided_on …).
            models.Index(
                fields=["municipality", "decided_on"],
                name="decision_scope_decided_on",
                include=["unit", "referral", "help_started_on", "superseded"],
            ),
            # dashboard.decision_flows: … or help started in the period (a BitmapOr of both).
            models.Index(
                fields=["municipality", "help_started_on"],
                name="decision_scope_help_started",
                condition=models.Q(help_started_on__isnull=False),
            ),
        ]
        triggers = [_copy_case_scope("decision")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_on:%d.%m.%Y}"


class Appeal(models.Model):
    """A klage (forvaltningsloven §§ 28–29): three weeks from notice; if the municipality does
    not reverse its decision, it goes to Statsforvalteren."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Under behandling")
        REVERSED = "reversed", _("Omgjort av kommunen")
        SENT = "sent", _("Sendt til Statsforvalteren")
        UPHELD = "upheld", _("Stadfestet av Statsforvalteren")
        CHANGED = "changed", _("Endret av Statsforvalteren")
        REMANDED = "remanded", _("Opphevet og sendt tilbake")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("klage mottatt"))
    sent_on = models.DateField(_("sendt til Statsforvalteren"), null=True, blank=True)
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_on = models.DateField(_("avgjort"), null=True, blank=True)
    note = models.TextField(_("merknad"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        indexes = [
            # dashboard.appeal_counts: the appeals received in the period (then their decisions
            # by primary key), not every decision of the municipality.
            models.Index(fields=["received_on"], name="appeal_received_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.received_on:%d.%m.%Y}"


@tracked()
class ProvisionalReply(models.Model):
    """Foreløpig svar (forvaltningsloven § 11 a): why it takes time, and when to expect a decision."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="provisional_replies"
    )
    sent_on = models.DateField(_("sendt"))
    reason = models.TextField(_("grunn"))
    expected_decision_on = models.DateField(_("forventet vedtaksdato"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on"]
        verbose_name = _("foreløpig svar")
        verbose_name_plural = _("foreløpige svar")

    def __str__(self) -> str:
        return f"{self.sent_on:%d.%m.%Y}"


@tracked()
class DeadlinePolicy(models.Model):
    """One municipality's rule for one kind of deadline, with its legal reference as data
    (the 1967 forvaltningslov is being replaced; numbering must not be hard-coded)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="deadline_policies"
    )
    kind = models.CharField(_("frist"), max_length=20, choices=DeadlineKind.choices)
    months = models.SmallIntegerField(_("måneder"), default=0)
    days = models.SmallIntegerField(_("dager"), default=0)
    warning_days = models.PositiveSmallIntegerField(_("varsel dager før"), default=14)
    active = models.BooleanField(_("i bruk"), default=True)
    legal_reference = models.CharField(_("hjemmel/kilde"), max_length=300)

    class Meta:
        ordering = ["municipality", "kind"]
        verbose_name = _("fristregel")
        verbose_name_plural = _("fristregler")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="policy_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_kind_display()}"


class DeadlineQuerySet(models.QuerySet):
    def unmet(self):
        return self.filter(met_on__isnull=True, paused=False)


class Deadline(models.Model):
    """One deadline of one case, recomputed by decisions.services on every case change."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField()
    met_on = models.DateField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    paused_days = models.PositiveIntegerField(default=0)
    warning_days = models.PositiveSmallIntegerField(default=14)
    # due_on - warning_days, stored so the morning job's query is one range scan.
    warn_on = models.DateField()
    municipality, unit = _case_scope_fields()

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind"], name="deadline_unique_kind"),
        ]
        indexes = [
            # flagging.detect: unmet, unpaused deadlines whose warning date has come
            # (WHERE met_on IS NULL AND NOT paused AND warn_on <= today); its size is the
            # open work, not the archive.
            models.Index(
                fields=["warn_on"],
                name="deadline_open_warn_on",
                condition=models.Q(met_on__isnull=True, paused=False),
            ),
            # dashboard.deadline_shares: one municipality's deadlines that fell due in the
            # period (WHERE municipality_id IN … AND unit_id IN … AND due_on BETWEEN …), with
            # what its aggregates read included: only that municipality's rows are read, not
            # every municipality's of the period (bench/: 1,000,000 cases).
            models.Index(
                fields=["municipality", "due_on"],
                name="deadline_scope_due_on",
                include=["kind", "met_on", "paused", "unit", "referral"],
            ),
            # dashboard.flagged_counts: one municipality's unmet deadlines whose warning date
            # has come (WHERE met_on IS NULL AND NOT paused AND municipality_id IN … AND
            # warn_on <= today).
            models.Index(
                fields=["municipality", "warn_on"],
                name="deadline_scope_open_warn_on",
                condition=models.Q(met_on__isnull=True, paused=False),
                include=["due_on", "unit", "referral"],
            ),
        ]
        indexes += [
            # the office's worklist: its units' unmet deadlines (WHERE met_on IS NULL AND NOT
            # paused AND unit_id = ANY(the user's units)), then those with a flag.
            models.Index(
                fields=["unit", "due_on"],
                name="deadline_open_unit",
                condition=models.Q(met_on__isnull=True, paused=False),
            ),
        ]
        triggers = [_copy_case_scope("deadline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%d.%m.%Y}"


class DeadlineFlag(models.Model):
    """A deadline that came inside its warning window (approaching) or passed (overdue)."""

    class Level(models.TextChoices):
        APPROACHING = "approaching", _("Nærmer seg")
        OVERDUE = "overdue", _("Overskredet")

    # No index of its own: flag_unique_level (deadline, level) serves every lookup by deadline,
    # and one index less is one less to write for each of the morning job's flags (bench/).
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="flags", db_index=False
    )
    level = models.CharField(max_length=12, choices=Level.choices)
    flagged_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # Never looked up by the acknowledging user: no index to write with every flag.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-flagged_on"]
        constraints = [
            # flagging.detect: a second run, or two at once, inserts nothing new.
            models.UniqueConstraint(fields=["deadline", "level"], name="flag_unique_level"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline}: {self.get_level_display()}"


class Notification(models.Model):
    """The outbox: one digest per recipient per day, claimed before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        CANCELLED = "cancelled", _("Ikke lenger aktuell")
        FAILED = "failed", _("Feilet")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    day = models.DateField()
    kind = models.CharField(max_length=30, default="deadline_digest")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    flags = models.ManyToManyField(DeadlineFlag, related_name="notifications")
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            # flagging: one digest per recipient per day, however often the job runs.
            models.UniqueConstraint(
                fields=["recipient", "day", "kind"], name="notification_one_per_day"
            ),
        ]
        indexes = [
            # delivery: pending or stuck rows, oldest first
            models.Index(fields=["status", "claimed_at"], name="notification_status"),
            # the unread count in the navigation
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day:%d.%m.%Y}"
