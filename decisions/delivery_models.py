"""Help delivered against help decided (issue 18, deliverable 3): what the people who give the
help register per week, the office's etterlevering of hours owed, the municipality's threshold
for the morning job's delivery check, and the weeks that check has done.

Imported by decisions/models.py (one models module for Django); the services are in
decisions/delivery.py. Sivilombudet (Oslo, 2019/20): lost hours must be *assessed* for
etterlevering, so the office records for each owed hour either how it was made up or why not.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from core.limits import HOURS_PER_WEEK_MAX
from referrals.models import Assessment, Versioned, case_scope_fields, copy_case_scope
from teams.models import Municipality

# The default share of decided hours that must be delivered over the last four complete weeks
# before the morning job flags the vedtak to the office (issue 18: "default 90 %").
DEFAULT_THRESHOLD_PERCENT = 90
HOURS_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(HOURS_PER_WEEK_MAX)]


def _hours(label, **kwargs):
    return models.DecimalField(
        label, max_digits=4, decimal_places=1, validators=HOURS_VALIDATORS, **kwargs
    )


# municipality/unit: derived (copied from the vedtak by a trigger), not history.
@tracked(exclude=("municipality", "unit"))
class DeliveryWeek(Versioned):
    """The help given under one running vedtak in one ISO week (week_start is its Monday)."""

    class MissedReason(models.TextChoices):
        STAFF_ABSENT = "staff_absent", _("Personalet var borte")
        CHILD_ABSENT = "child_absent", _("Barnet var borte")
        UNIT_CLOSED = "unit_closed", _("Barnehagen var stengt")
        OTHER = "other", _("Annet")

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="delivery_weeks"
    )
    week_start = models.DateField(_("uke (mandag)"))
    # The vedtak's hours for this week (hours per week × the week's days inside the period / 5),
    # stored when the week is registered: the dashboard's share reads one row, joins nothing.
    hours_decided = _hours(_("vedtatte timer"))
    hours_given = _hours(_("timer gitt"))
    given_by = models.CharField(_("gitt av"), max_length=150)
    competence = models.CharField(
        _("kompetanse"), max_length=20, choices=Assessment.Competence.choices, blank=True
    )
    hours_missed = _hours(_("timer som falt bort"), default=Decimal(0))
    missed_reason = models.CharField(
        _("grunn"), max_length=20, choices=MissedReason.choices, blank=True
    )
    missed_note = models.CharField(_("merknad"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    registered_at = models.DateTimeField(default=timezone.now)
    municipality, unit = case_scope_fields()

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("uke med hjelp")
        verbose_name_plural = _("uker med hjelp")
        constraints = [
            # A week is registered once per vedtak: a second registration (or a double click
            # that slipped past the form's token) is refused, never a second row.
            models.UniqueConstraint(
                fields=["decision", "week_start"], name="deliveryweek_one_per_week"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_given__gte=0, hours_missed__gte=0),
                name="deliveryweek_hours_not_negative",
            ),
        ]
        indexes = [
            # dashboard/delivery.py: one municipality's weeks of the period, summed per unit
            # and month (WHERE municipality_id = … AND week_start BETWEEN …), index-only.
            models.Index(
                fields=["municipality", "week_start"],
                name="deliveryweek_scope_week",
                include=["unit", "decision", "hours_decided", "hours_given"],
            ),
        ]
        triggers = [copy_case_scope("deliveryweek", source="decisions_decision", key="decision_id")]

    @property
    def hours_owed(self) -> Decimal:
        """Hours missed for a reason other than the child's own absence are owed."""
        if self.missed_reason == self.MissedReason.CHILD_ABSENT:
            return Decimal(0)
        return self.hours_missed

    def __str__(self) -> str:
        return f"{self.decision_id} {self.week_start:%d.%m.%Y}"


@tracked(exclude=("municipality", "unit"))
class Makeup(models.Model):
    """The office's decision on owed hours (etterlevering): made up (hours, when, by whom) or
    not (why). Sivilombudet 2019/20 (Oslo): etterlevering must be expressly considered."""

    class Kind(models.TextChoices):
        MADE_UP = "made_up", _("Etterlevert")
        NOT_MADE_UP = "not_made_up", _("Ikke etterlevert")

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="makeups"
    )
    kind = models.CharField(_("etterlevering"), max_length=12, choices=Kind.choices)
    hours = _hours(_("timer"))
    from_on = models.DateField(_("fra"), null=True, blank=True)
    until_on = models.DateField(_("til"), null=True, blank=True)
    given_by = models.CharField(_("gitt av"), max_length=150, blank=True)
    reason = models.TextField(_("begrunnelse"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    municipality, unit = case_scope_fields()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("etterlevering")
        verbose_name_plural = _("etterleveringer")
        triggers = [copy_case_scope("makeup", source="decisions_decision", key="decision_id")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.hours}"


@tracked()
class DeliveryPolicy(models.Model):
    """The municipality's threshold for the morning job's delivery check."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="delivery_policy",
        verbose_name=_("kommune"),
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("minste andel levert (prosent)"),
        default=DEFAULT_THRESHOLD_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("regel for levert hjelp")
        verbose_name_plural = _("regler for levert hjelp")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.threshold_percent} %"


class DeliveryCheck(models.Model):
    """One row per complete week the morning job's delivery check has looked at: on any later
    morning of the same week there is nothing due (one primary-key lookup). A week registered
    late is re-checked by the service that registers it."""

    week_start = models.DateField(unique=True)
    checked_at = models.DateTimeField(default=timezone.now)
    running = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    cleared = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"{self.week_start:%d.%m.%Y}"


class DeliveryMonth(models.Model):
    """The dashboard's rollup of the weeks registered: per unit and month (of the week's
    Monday), the vedtak with a week registered, and their decided and given hours. Kept by
    decisions/delivery.py's services in the same transaction as the week (an upsert that adds),
    rebuilt from the weeks by ``delivery.rollup_rebuild()`` after a bulk load. A year of a
    large municipality is a few thousand rows, where its weeks are hundreds of thousands
    (bench/: the dashboard's delivered share read 38,665 weeks in 88 ms at 100,000 cases)."""

    municipality = models.ForeignKey(
        Municipality, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    unit = models.ForeignKey(
        "teams.Unit", models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    month = models.DateField()
    vedtak = models.PositiveIntegerField(default=0)
    hours_decided = models.DecimalField(max_digits=12, decimal_places=1, default=Decimal(0))
    hours_given = models.DecimalField(max_digits=12, decimal_places=1, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="deliverymonth_unit_month"),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "month"],
                name="deliverymonth_scope_month",
                include=["unit", "vedtak", "hours_decided", "hours_given"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m.%Y}"
