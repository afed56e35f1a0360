"""What an API client reads: every query starts from its municipality's cases
(referrals.scoping.municipality_referrals) or from rows that carry a copy of their case's
municipality (decisions' deadlines, vedtak and weeks: kept by triggers). Another municipality's
object is a 404, never a hint that it exists."""

from datetime import date, datetime

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.shortcuts import get_object_or_404

from decisions import dashboard
from decisions.dashboard.delivery import delivery_figures, delivery_tables
from decisions.models import CaseFact, Deadline, DeadlineFlag, Decision, DeliveryWeek
from documents.models import Document
from referrals.models import Referral
from referrals.scoping import municipality_referrals
from teams.models import Unit

BIGINT_MAX = 2**63 - 1

# The dates of the case's phases that live in decisions (CaseFact: one row per case, its
# primary key the case's; one index lookup per listed case, in the list's one query).
_FACTS = JSONObject(
    first_decided_on="first_decided_on",
    decided_on="decided_on",
    help_started_on="help_started_on",
    withdrawn_on="withdrawn_on",
)

# Never the PDF's bytes in a list or in the metadata (Document.pdf can be megabytes).
DOCUMENT_FIELDS = (
    "id",
    "referral_id",
    "referral__child_id",
    "kind",
    "title",
    "language",
    "edition",
    "replaces_id",
    "sha256",
    "size",
    "content_type",
    "document_date",
    "finalised_at",
    "decision_id",
)


# The case's free texts: never in the resource, so never read (a page of 500 cases).
_CASE_TEXTS = (
    "concern",
    "tried",
    "report_play",
    "report_social",
    "report_language",
    "report_motor",
    "report_attention",
    "report_frame",
    "report_measures",
    "closed_note",
    "withdrawn_reason",
    "services",
    "services_other",
)


def _in_range(pk) -> bool:
    return isinstance(pk, int) and 0 < pk <= BIGINT_MAX


def cases_of(municipality_id: int, *, identity: bool = False) -> QuerySet[Referral]:
    """The municipality's cases with what the case resource shows: unit, area, advisor, the
    decision dates, and the child's identity number only when ``identity`` (the
    cases:read_identity scope)."""
    related = ["unit__area", "advisor"] + (["child"] if identity else [])
    facts = CaseFact.objects.filter(pk=OuterRef("pk")).values(json=_FACTS)[:1]
    return (
        municipality_referrals(municipality_id)
        .select_related(*related)
        .defer(*_CASE_TEXTS)
        .annotate(facts=Subquery(facts))
    )


def cases_filtered(
    municipality_id: int,
    *,
    identity: bool = False,
    area: int | None = None,
    unit: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    changed_since: datetime | None = None,
) -> QuerySet[Referral]:
    qs = cases_of(municipality_id, identity=identity)
    if area is not None:
        qs = qs.filter(unit__area_id=area)
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if kind:
        qs = qs.filter(unit__kind=kind)
    if status:
        qs = qs.filter(status=status)
    if changed_since is not None:
        qs = qs.filter(updated_at__gte=changed_since)
    return qs


def case_for(municipality_id: int, pk: int, *, identity: bool = False) -> Referral:
    if not _in_range(pk):
        raise Http404
    return get_object_or_404(cases_of(municipality_id, identity=identity), pk=pk)


def case_deadlines(referral: Referral) -> QuerySet[Deadline]:
    return Deadline.objects.filter(referral=referral).order_by("due_on", "pk")


def case_flags(referral: Referral) -> QuerySet[DeadlineFlag]:
    return (
        DeadlineFlag.objects.filter(deadline__referral=referral)
        .select_related("deadline")
        .order_by("flagged_on", "pk")
    )


def flag_for(municipality_id: int, pk: int) -> DeadlineFlag:
    if not _in_range(pk):
        raise Http404
    return get_object_or_404(
        DeadlineFlag.objects.select_related("deadline__referral").filter(
            deadline__referral__in=municipality_referrals(municipality_id).values("pk")
        ),
        pk=pk,
    )


def case_decisions(referral: Referral) -> QuerySet[Decision]:
    return Decision.objects.filter(referral=referral).order_by("decided_on", "pk")


def decision_for(municipality_id: int, pk: int) -> Decision:
    if not _in_range(pk):
        raise Http404
    return get_object_or_404(
        Decision.objects.select_related("referral").filter(
            referral__in=municipality_referrals(municipality_id).values("pk")
        ),
        pk=pk,
    )


def decision_weeks(decision: Decision) -> QuerySet[DeliveryWeek]:
    return DeliveryWeek.objects.filter(decision=decision).order_by("week_start")


def case_documents(referral: Referral) -> QuerySet[Document]:
    """The case's final documents' metadata (drafts are work in progress, not records)."""
    return (
        Document.objects.filter(referral=referral, status=Document.Status.FINAL)
        .annotate(child_id=F("referral__child_id"))
        .only(*[f for f in DOCUMENT_FIELDS if "__" not in f])
        .order_by("created_at", "pk")
    )


def document_for(municipality_id: int, pk: int, *, with_pdf: bool = False) -> Document:
    if not _in_range(pk):
        raise Http404
    qs = Document.objects.filter(
        status=Document.Status.FINAL,
        referral__in=municipality_referrals(municipality_id).values("pk"),
    ).annotate(child_id=F("referral__child_id"))
    if not with_pdf:
        qs = qs.only(*[f for f in DOCUMENT_FIELDS if "__" not in f])
    return get_object_or_404(qs, pk=pk)


def statistics_tables(municipality_id: int, *, start: date, end: date, today: date) -> dict:
    """The director's dashboard for the whole municipality (decisions.dashboard: the same
    figures and tables, small counts suppressed by decisions.suppression), with its sections of
    system work and help delivered."""
    units = list(
        Unit.objects.filter(municipality_id=municipality_id)
        .select_related("area", "municipality")
        .order_by("name", "pk")
    )
    period = dashboard.Period(start, end)
    figures = dashboard.dashboard_figures(units=units, period=period, today=today)
    tables = dashboard.dashboard_tables(figures)
    for table in dashboard.systemwork_tables(
        dashboard.systemwork_figures(units=units, period=period)
    ):
        tables[table.slug] = table
    for table in delivery_tables(delivery_figures(units=units, period=period)):
        tables[table.slug] = table
    return tables
