"""Decisions (vedtak), provisional replies, appeals, and the rimelig-tid clock: per-municipality
deadline policy, a Deadline row per case and kind, flags raised by the morning job, and the
notification outbox."""

from datetime import date

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from referrals.models import (  # kinds live with the case
    Assessment,
    DeadlineKind,
    Referral,
    case_scope_fields,
    copy_case_scope,
)
from teams.models import Municipality, Unit


# municipality/unit: derived (copied from the case by a trigger), not history.
@tracked(exclude=("municipality", "unit"))
class Decision(models.Model):
    """An enkeltvedtak about special-pedagogical help (barnehageloven § 35)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Innvilget")
        PARTLY = "partly", _("Delvis innvilget")
        REFUSED = "refused", _("Avslått")

    class Kind(models.TextChoices):
        ORIGINAL = "", _("Vedtak")
        CHANGE = "change", _("Endringsvedtak")
        CONTINUATION = "continuation", _("Vedtak om videreføring")

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
    # Forvaltningsloven § 29: the three-week appeal period runs from the day the vedtak reached
    # the parents (services.appeal_deadline); unknown at registration, recorded when known.
    notified_on = models.DateField(_("foreldrene fikk vedtaket"), null=True, blank=True)
    help_started_on = models.DateField(_("hjelpen startet"), null=True, blank=True)
    # Sivilombudet: the need is reassessed before the vedtak runs out. The day the office started
    # a renewal from this decision (a new assessment: services.renewal_start); it meets the
    # case's renewal deadline (services.case_facts).
    renewal_started_on = models.DateField(_("fornyelse startet"), null=True, blank=True)
    superseded = models.BooleanField(default=False)
    # An endringsvedtak or a decision to continue names the decision it replaces (the chain on
    # the case page: original → changes → continuation); services.decision_change/_continue.
    kind = models.CharField(_("type vedtak"), max_length=20, choices=Kind.choices, default="")
    changes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changed_by",
        verbose_name=_("endrer vedtaket"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    municipality, unit = case_scope_fields()

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
            # dashboard.decisions_per_month: one municipality's decisions made in the period
            # (WHERE municipality_id IN … AND unit_id = ANY(…) AND decided_on …), index-only.
            models.Index(
                fields=["municipality", "decided_on"],
                name="decision_scope_decided_on",
                include=["unit", "referral", "help_started_on", "superseded"],
            ),
            # selectors.delivery_caseload ("Mine vedtak"): a municipality's or a unit's running
            # vedtak in the page's order (unit, id), read in index order up to the page.
            models.Index(
                fields=["municipality", "unit", "id"],
                name="decision_running",
                condition=models.Q(
                    superseded=False,
                    help_started_on__isnull=False,
                    outcome__in=["granted", "partly"],
                ),
            ),
        ]
        triggers = [
            copy_case_scope("decision"),
            # Appeals carry their decision's copy of the case scope: a case moved to another
            # unit (referral_scope_to_clock moves its decisions) moves its appeals too.
            pgtrigger.Trigger(
                name="decision_scope_to_appeals",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.AnyChange("municipality", "unit"),
                func="""
                    UPDATE decisions_appeal SET municipality_id = NEW.municipality_id,
                        unit_id = NEW.unit_id WHERE decision_id = NEW.id;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_on:%d.%m.%Y}"


@tracked()
class AnnualReport(models.Model):
    """Årsrapport (barnehageloven § 32 third paragraph): once a year, whoever gives the help
    writes what help was given and how the child has developed. Written as a draft, then
    submitted; a submitted report meets the case's annual-report deadline (services.case_facts)
    and is read-only."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Sendt inn")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="annual_reports")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="annual_reports")
    period_from = models.DateField(_("perioden fra"))
    period_to = models.DateField(_("perioden til"))
    help_given = models.TextField(_("hjelpen som er gitt"))
    development = models.TextField(_("barnets utvikling"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_on = models.DateField(_("sendt inn"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_to", "-pk"]
        verbose_name = _("årsrapport")
        verbose_name_plural = _("årsrapporter")
        constraints = [
            # services.annual_report_save: one draft per case at a time (a double click, or
            # two writers at once, cannot start two).
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status="draft"),
                name="annual_report_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"


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
    # Forvaltningsloven § 42: an appeal does not stop the vedtak unless the office defers its
    # execution (utsatt iverksetting); only then does a pending appeal block help start.
    execution_deferred = models.BooleanField(_("utsatt iverksetting"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The case's municipality and unit, copied from the decision by a trigger (as the decision
    # copies them from the case): dashboard.appeal_counts reads one municipality's appeals of
    # the period without joining each to its decision.
    municipality, unit = case_scope_fields()

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        indexes = [
            # No longer read by the dashboard (appeal_scope_received_on below); kept for now:
            # its removal is the lead's call.
            models.Index(fields=["received_on"], name="appeal_received_on"),
            # dashboard.appeal_counts: one municipality's appeals received in the period
            # (WHERE municipality_id IN … AND unit_id = ANY(…) AND received_on BETWEEN …),
            # index-only. Through the decisions instead, PostgreSQL read all 90,000 of the
            # largest municipality's decisions for 400 appeals (110 ms, bench/ at 1,000,000).
            models.Index(
                fields=["municipality", "received_on"],
                name="appeal_scope_received_on",
                include=["unit", "outcome"],
            ),
        ]
        triggers = [copy_case_scope("appeal", source="decisions_decision", key="decision_id")]

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
        Municipality,
        on_delete=models.CASCADE,
        related_name="deadline_policies",
        verbose_name=_("kommune"),
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
    municipality, unit = case_scope_fields()

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
        triggers = [copy_case_scope("deadline")]

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


# CaseFact.active_until of a case still open: later than any period (a date Python can read).
OPEN_UNTIL = date.max


class CaseFact(models.Model):
    """One row per case with the dates the director's dashboard counts (decisions/dashboard/),
    so that its figures read one row per case of the municipality and join nothing.

    Derived data, never written by Django: PostgreSQL keeps each row exact and current.
    Triggers on the case, its decisions, its deadlines and its withdrawal event (decisions
    0009) call ``refresh_case_fact(referral_id)``, which recomputes the case's row from the
    SQL function ``case_fact_source()`` (the one definition of every column) in the same
    transaction; bulk loads that turn triggers off (session_replication_role = replica, as
    bench/generate.py does) call ``refresh_all_case_facts()`` afterwards. The morning job plays
    no part in it: a figure is as current as the last commit.
    """

    referral = models.OneToOneField(
        Referral,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the trigger on the case deletes the row with it
        db_constraint=False,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=20)
    received_on = models.DateField(null=True)
    t0 = models.DateField(null=True)
    assessed_on = models.DateField(null=True)
    # The day of the case's first decision (an appeal's new decision is not the first).
    first_decided_on = models.DateField(null=True)
    # The current (not superseded) decision: its day, help started, and whether it refused.
    decided_on = models.DateField(null=True)
    help_started_on = models.DateField(null=True)
    refused = models.BooleanField(default=False)
    # Three of the case's deadlines (one per kind: deadline_unique_kind), as the dashboard's
    # shares count them. reply_needed: a provisional reply counts only where no decision came
    # by its due date (forvaltningsloven § 11 a), or it was not met on time.
    reply_due_on = models.DateField(null=True)
    reply_met_on = models.DateField(null=True)
    reply_paused = models.BooleanField(default=False)
    reply_needed = models.BooleanField(default=False)
    decision_due_on = models.DateField(null=True)
    decision_met_on = models.DateField(null=True)
    decision_paused = models.BooleanField(default=False)
    help_due_on = models.DateField(null=True)
    help_met_on = models.DateField(null=True)
    help_paused = models.BooleanField(default=False)
    # Of the unmet, unpaused deadlines (every kind): the first warning day, and the first day
    # one of them is overdue (passed, and warned: the day after its due date, or its warning
    # day if later). The case is flagged from warn_on, overdue from overdue_on.
    warn_on = models.DateField(null=True)
    overdue_on = models.DateField(null=True)
    # The day (Europe/Oslo) of the withdrawal event of a withdrawn case.
    withdrawn_on = models.DateField(null=True)
    # The last day the case did anything a period's figure counts (received, assessed, first
    # and current decision, help started, withdrawn, a deadline due); OPEN_UNTIL while the case
    # is open. A period's figures read only the cases with active_until >= its first day.
    active_until = models.DateField(null=True)
    # Issue 19: the case's kind (Referral.kind, referrals/case_kinds.py) and, for a pupil's
    # case (a school kind), the school level of the pupil's trinn (case_kinds.SchoolLevel):
    # the class's trinn (Child.school_class) where known, else the trinn by birth date
    # (case_kinds.trinn_from_birth, opplæringslova § 2-1) on the day the case was received
    # (or created, before it was). "" for a kindergarten case or a trinn outside 1.–10.
    kind = models.CharField(max_length=20, default="")
    school_level = models.CharField(max_length=4, default="", blank=True)

    class Meta:
        indexes = [
            # Every figure of dashboard.py that reads cases (open_counts, period_counts,
            # month_counts, advisor_counts): one municipality's cases active since the period's
            # start, or open (active_until = OPEN_UNTIL), with every column they read included:
            # an index-only scan of those rows in index order. Through the table instead, the
            # 17,000 rows of the largest municipality's year lie on 8,000 pages (bench/ at
            # 1,000,000 cases: 30 ms against 3 ms).
            models.Index(
                fields=["municipality", "active_until"],
                name="casefact_scope_active",
                include=[
                    "unit",
                    "status",
                    "advisor",
                    "received_on",
                    "t0",
                    "assessed_on",
                    "first_decided_on",
                    "decided_on",
                    "help_started_on",
                    "refused",
                    "reply_due_on",
                    "reply_met_on",
                    "reply_paused",
                    "reply_needed",
                    "decision_due_on",
                    "decision_met_on",
                    "decision_paused",
                    "help_due_on",
                    "help_met_on",
                    "help_paused",
                    "warn_on",
                    "overdue_on",
                    "withdrawn_on",
                    "kind",
                    "school_level",
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"


# Help delivered against help decided (issue 18): its own module, one models package for Django.
from decisions.delivery_models import (  # noqa: E402, F401
    DeliveryCheck,
    DeliveryMonth,
    DeliveryPolicy,
    DeliveryWeek,
    Makeup,
)

# A pupil's IOP and årleg evaluering (issue 19): their own module.
from decisions.school_models import AnnualEvaluation, Iop, IopSubject  # noqa: E402, F401
