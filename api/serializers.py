"""The API's resources. Read-only serializers over the selectors' rows, with every field typed
for the OpenAPI schema; the inputs (query parameters and the two writes) validated strictly:
a wrong type, an unknown choice or a number out of bounds is a 400 with the field's message."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from decisions.delivery_models import DeliveryWeek
from decisions.models import DeadlineFlag, Decision
from documents.models import Document
from referrals import clock, states
from referrals.case_kinds import CaseKind
from referrals.models import Assessment, DeadlineKind, Referral
from teams.models import Unit

BIGINT_MAX = 2**63 - 1


class Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NextDeadline(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeadlineKind.choices)
    due_on = serializers.DateField()
    warn_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=[s.value for s in clock.State])


class PhaseDates(serializers.Serializer):
    created_at = serializers.DateTimeField()
    received_on = serializers.DateField(allow_null=True)
    consent_on = serializers.DateField(allow_null=True)
    t0 = serializers.DateField(allow_null=True, help_text="Fristene løper fra (T0).")
    assessed_on = serializers.DateField(allow_null=True)
    first_decided_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    help_started_on = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)


class CaseSerializer(serializers.Serializer):
    """A case (PPT-sak). ``identity_number`` only with the cases:read_identity scope."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    child_id = serializers.IntegerField(help_text="Barnets interne id (samme barn, flere saker).")
    identity_number = serializers.CharField(
        required=False, help_text="Fødselsnummer; bare med tilgangen cases:read_identity."
    )
    status = serializers.ChoiceField(choices=states.Status.choices)
    status_label = serializers.CharField()
    state = serializers.ChoiceField(
        choices=[s.value for s in clock.State],
        help_text="Tilstanden til neste frist i dag (none: ingen frist løper).",
    )
    kind = serializers.ChoiceField(
        choices=Unit.Kind.choices, help_text="Barnehage eller skole (enhetens type)."
    )
    # Issue 19: the case's kind (referrals/case_kinds.py). ``kind`` above is the unit's, and
    # stays what it was for the clients that read it.
    case_kind = serializers.ChoiceField(
        choices=CaseKind.choices,
        help_text=(
            "Sakstypen: bhl_31, bhl_37, bhl_38 (barnehageloven §§ 31, 37, 38), oppl_11_6, "
            "oppl_11_4, oppl_11_5 (opplæringslova §§ 11-6, 11-4, 11-5)."
        ),
    )
    case_kind_label = serializers.CharField(help_text="Sakstypen i klartekst, med lovhjemmel.")
    priority = serializers.ChoiceField(choices=Referral.Priority.choices)
    unit = Ref()
    area = Ref(allow_null=True)
    advisor = Ref(allow_null=True)
    dates = PhaseDates()
    next_deadline = NextDeadline(allow_null=True)
    previous_id = serializers.IntegerField(allow_null=True)
    closed_reason = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField()

    def _status_label(self, status: str) -> str:
        # Translated once per response: get_status_display() hashed the lazy choices on every
        # row (0.8 ms a case in bench/api.py's page of 100).
        labels = self.context.setdefault("status_labels", {})
        if not labels:
            labels.update({value: str(label) for value, label in states.Status.choices})
        return labels.get(status, status)

    def _kind_label(self, kind: str) -> str:
        labels = self.context.setdefault("kind_labels", {})
        if not labels:
            labels.update({value: str(label) for value, label in CaseKind.choices})
        return labels.get(kind, kind)

    def to_representation(self, case: Referral) -> dict:
        today = self.context.get("today") or timezone.localdate()
        facts = case.facts or {}
        unit, area = case.unit, case.unit.area
        state, _days = clock.deadline_state(
            case.next_deadline_on, today=today, warn_on=case.next_deadline_warn_on
        )
        data = {
            "id": case.pk,
            "reference": case.reference,
            "child_id": case.child_id,
            "status": case.status,
            "status_label": self._status_label(case.status),
            "state": state.value,
            "kind": unit.kind,
            "case_kind": case.kind,
            "case_kind_label": self._kind_label(case.kind),
            "priority": case.priority,
            "unit": {"id": unit.pk, "name": unit.name},
            "area": {"id": area.pk, "name": area.name} if area else None,
            "advisor": (
                {"id": case.advisor.pk, "name": case.advisor.full_name or case.advisor.email}
                if case.advisor_id
                else None
            ),
            "dates": {
                "created_at": case.created_at.isoformat(),
                "received_on": _iso(case.received_on),
                "consent_on": _iso(case.consent_on),
                "t0": _iso(case.t0),
                "assessed_on": _iso(case.assessed_on),
                "first_decided_on": facts.get("first_decided_on"),
                "decided_on": facts.get("decided_on"),
                "help_started_on": facts.get("help_started_on"),
                "withdrawn_on": facts.get("withdrawn_on"),
                "closed_on": _iso(case.closed_on),
            },
            "next_deadline": (
                {
                    "kind": case.next_deadline_kind,
                    "due_on": _iso(case.next_deadline_on),
                    "warn_on": _iso(case.next_deadline_warn_on),
                    "state": state.value,
                }
                if case.next_deadline_on
                else None
            ),
            "previous_id": case.previous_id,
            "closed_reason": case.closed_reason,
            "updated_at": case.updated_at.isoformat(),
        }
        if self.context.get("identity"):
            data["identity_number"] = case.child.id_number
        return data


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


class CasePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="Neste side; null på siste side.")
    results = CaseSerializer(many=True)


class DeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DeadlineKind.choices)
    due_on = serializers.DateField()
    warn_on = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    paused = serializers.BooleanField()
    paused_days = serializers.IntegerField()
    state = serializers.ChoiceField(choices=[s.value for s in clock.State])

    def to_representation(self, d) -> dict:
        today = self.context.get("today") or timezone.localdate()
        state, _days = clock.deadline_state(
            d.due_on, today=today, warn_on=d.warn_on, met_on=d.met_on, paused=d.paused
        )
        return {
            "id": d.pk,
            "kind": d.kind,
            "due_on": d.due_on.isoformat(),
            "warn_on": d.warn_on.isoformat(),
            "met_on": _iso(d.met_on),
            "paused": d.paused,
            "paused_days": d.paused_days,
            "state": state.value,
        }


class FlagSerializer(serializers.ModelSerializer):
    case_id = serializers.IntegerField(source="deadline.referral_id")
    deadline_kind = serializers.ChoiceField(source="deadline.kind", choices=DeadlineKind.choices)
    due_on = serializers.DateField(source="deadline.due_on")

    class Meta:
        model = DeadlineFlag
        fields = [
            "id",
            "case_id",
            "deadline_kind",
            "due_on",
            "level",
            "flagged_on",
            "acknowledged_at",
            "comment",
        ]


class AcknowledgeInput(serializers.Serializer):
    comment = serializers.CharField(max_length=500, help_text="Hva gjøres? (som på arbeidslisten)")


class DecisionSerializer(serializers.ModelSerializer):
    case_id = serializers.IntegerField(source="referral_id")
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "case_id",
            "kind",
            "outcome",
            "decided_on",
            "hours_per_week",
            "organisation",
            "competence",
            "assistant",
            "starts_on",
            "ends_on",
            "provider",
            "notified_on",
            "help_started_on",
            "superseded",
            "changes_id",
        ]


class DeliveryWeekSerializer(serializers.ModelSerializer):
    decision_id = serializers.IntegerField()
    week = serializers.SerializerMethodField()
    hours_decided = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    hours_given = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    hours_missed = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)

    class Meta:
        model = DeliveryWeek
        fields = [
            "id",
            "decision_id",
            "week_start",
            "week",
            "hours_decided",
            "hours_given",
            "given_by",
            "competence",
            "hours_missed",
            "missed_reason",
            "missed_note",
            "registered_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_week(self, week) -> str:
        iso = week.week_start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


class DeliveryWeekInput(serializers.Serializer):
    """A week of help under a running vedtak, as on the vedtak's delivery page: the same form
    (decisions.delivery_forms.DeliveryWeekForm) and the same service check it."""

    week_start = serializers.DateField(help_text="En dag i uken; uken regnes fra mandag.")
    hours_given = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    given_by = serializers.CharField(max_length=150)
    competence = serializers.ChoiceField(
        choices=Assessment.Competence.choices, required=False, allow_blank=True
    )
    hours_missed = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, required=False
    )
    missed_reason = serializers.ChoiceField(
        choices=DeliveryWeek.MissedReason.choices, required=False, allow_blank=True
    )
    missed_note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DocumentSerializer(serializers.ModelSerializer):
    case_id = serializers.IntegerField(source="referral_id")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "case_id",
            "kind",
            "title",
            "language",
            "edition",
            "replaces_id",
            "document_date",
            "finalised_at",
            "decision_id",
            "size",
            "sha256",
            "content_type",
            "pdf_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, doc) -> str:
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(
            reverse("api:document_pdf", args=[doc.pk])
        )


class CaseFilters(serializers.Serializer):
    area = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    kind = serializers.ChoiceField(
        choices=Unit.Kind.choices, required=False, help_text="Enhetens type: barnehage eller skole."
    )
    case_kind = serializers.ChoiceField(
        choices=CaseKind.choices, required=False, help_text="Sakstypen (som feltet case_kind)."
    )
    status = serializers.ChoiceField(choices=states.Status.choices, required=False)
    changed_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 med tidssone; saker endret på eller etter."
    )
    cursor = serializers.CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


class StatisticsFilters(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="Fra dato (standard: 12 måneder).")
    end = serializers.DateField(required=False, help_text="Til dato (standard: i dag).")


class CellSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True, help_text="Tallet (eller teksten), null når skjult eller tomt."
    )
    text = serializers.CharField(help_text="Som på siden: «<5» og «⋯» for skjulte tall.")
    hidden = serializers.BooleanField()
    kind = serializers.CharField()


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    total = serializers.BooleanField()
    cells = CellSerializer(many=True)


class TableSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    legend = serializers.ListField(child=serializers.CharField())


class StatisticsSerializer(serializers.Serializer):
    municipality = Ref()
    start = serializers.DateField()
    end = serializers.DateField()
    tables = TableSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
