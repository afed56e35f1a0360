"""The JSON API (issue 21), /api/v1/. Every view: the key (api/authentication.py) gives the
client, its scopes are checked (api/permissions.py), its municipality's objects are read through
api/selectors.py (another municipality's: 404), every read of a case's data is in the access log
with the client as actor, and the two writes go through the pages' services."""

import hashlib
from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.errors import error_response
from api.models import Scope
from api.pagination import paginate
from api.serializers import (
    AcknowledgeInput,
    CaseFilters,
    CasePage,
    CaseSerializer,
    DeadlineSerializer,
    DecisionSerializer,
    DeliveryWeekInput,
    DeliveryWeekSerializer,
    DocumentSerializer,
    ErrorSerializer,
    FlagSerializer,
    StatisticsFilters,
    StatisticsSerializer,
)
from core.errors import DomainError
from core.limits import EARLIEST_DATE
from decisions import delivery, services
from decisions.dashboard import MAX_MONTHS, Period
from decisions.delivery_forms import DeliveryWeekForm
from referrals.access_log import (
    AccessLogEntry,
    access_log_client_record,
    access_log_client_views_record,
)

Obj = AccessLogEntry.ObjectType
VIEW, DOWNLOAD = AccessLogEntry.Action.VIEW, AccessLogEntry.Action.DOWNLOAD

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Ugyldig forespørsel (feltene i errors)."),
    401: OpenApiResponse(
        ErrorSerializer, description="Mangler, ukjent, utløpt eller trukket nøkkel."
    ),
    403: OpenApiResponse(ErrorSerializer, description="Nøkkelen mangler tilgangen."),
    404: OpenApiResponse(ErrorSerializer, description="Finnes ikke i kommunen til nøkkelen."),
    429: OpenApiResponse(ErrorSerializer, description="For mange forespørsler; se Retry-After."),
}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k != 400}
ETAG_PARAM = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False,
    description="ETag fra et tidligere svar: 304 uten innhold når ressursen er uendret.",
)  # fmt: skip
NOT_MODIFIED = {304: OpenApiResponse(description="Uendret siden ETag-en.")}


class ApiView(APIView):
    """The client of the request and the access log's rows for it."""

    log_object_type: str | None = None
    log_kwarg = "pk"

    @property
    def client(self):
        return self.request.auth

    @property
    def municipality_id(self) -> int:
        return self.request.auth.municipality_id

    def log(self, action, object_type, obj_id, child_id) -> None:
        access_log_client_record(
            self.request,
            api_client_id=self.client.pk,
            action=action,
            object_type=object_type,
            object_id=obj_id,
            child_id=child_id,
        )

    def log_list(self, rows, object_type) -> None:
        access_log_client_views_record(
            self.request, rows, api_client_id=self.client.pk, object_type=object_type
        )

    def context(self) -> dict:
        return {
            "request": self.request,
            "today": timezone.localdate(),
            "identity": self.client.has_scope(Scope.CASES_READ_IDENTITY),
        }

    def params(self, serializer_class) -> dict:
        """The query string, strictly: a wrong type or value is a 400 with the field."""
        form = serializer_class(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return form.validated_data


def with_etag(request, data, *, status_code: int = 200) -> Response:
    """The resource with a strong ETag of its JSON; 304 when If-None-Match names it."""
    body = JSONRenderer().render(data)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = _not_modified(request, etag) or Response(data, status=status_code)
    response["ETag"] = etag
    return response


def _not_modified(request, etag: str):
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    if etag in tags or "*" in tags:
        return Response(status=status.HTTP_304_NOT_MODIFIED)
    return None


# --- cases ------------------------------------------------------------------------------------


class CaseList(ApiView):
    required_scopes = (Scope.CASES_READ,)
    log_object_type = Obj.REFERRAL

    @extend_schema(
        operation_id="cases_list",
        summary="Sakene i kommunen",
        description=(
            "Sidevis med markør (stabil når saker kommer til), sortert på sist endret. Hent "
            "bare det som er endret siden forrige kjøring med changed_since, eller ved å følge "
            "«next» til den er null. Tilgang: cases:read (fødselsnummer med "
            "cases:read_identity)."
        ),
        parameters=[CaseFilters],
        responses={200: CasePage, **ERRORS},
    )
    def get(self, request):
        params = self.params(CaseFilters)
        filters = {k: params.get(k) for k in ("area", "unit", "kind", "status", "changed_since")}
        context = self.context()
        queryset = selectors.cases_filtered(
            self.municipality_id, identity=context["identity"], **filters
        )
        if params.get("case_kind"):
            queryset = queryset.filter(kind=params["case_kind"])
        rows, next_url = paginate(request, queryset, params)
        self.log_list(rows, Obj.REFERRAL)
        return Response(
            {"next": next_url, "results": CaseSerializer(rows, many=True, context=context).data}
        )


class CaseDetail(ApiView):
    required_scopes = (Scope.CASES_READ,)
    log_object_type = Obj.REFERRAL

    @extend_schema(
        operation_id="cases_retrieve",
        summary="En sak",
        parameters=[ETAG_PARAM],
        responses={200: CaseSerializer, **NOT_MODIFIED, **READ_ERRORS},
    )
    def get(self, request, pk: int):
        context = self.context()
        case = selectors.case_for(self.municipality_id, pk, identity=context["identity"])
        self.log(VIEW, Obj.REFERRAL, case.pk, case.child_id)
        return with_etag(request, CaseSerializer(case, context=context).data)


class CaseDeadlines(ApiView):
    required_scopes = (Scope.CASES_READ,)
    log_object_type = Obj.REFERRAL

    @extend_schema(
        operation_id="cases_deadlines",
        summary="Sakens frister",
        responses={200: DeadlineSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int):
        case = selectors.case_for(self.municipality_id, pk)
        self.log(VIEW, Obj.REFERRAL, case.pk, case.child_id)
        rows = selectors.case_deadlines(case)
        return Response(DeadlineSerializer(rows, many=True, context=self.context()).data)


class CaseFlags(ApiView):
    required_scopes = (Scope.CASES_READ,)
    log_object_type = Obj.REFERRAL

    @extend_schema(
        operation_id="cases_flags",
        summary="Sakens fristvarsler (flagg)",
        responses={200: FlagSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int):
        case = selectors.case_for(self.municipality_id, pk)
        self.log(VIEW, Obj.REFERRAL, case.pk, case.child_id)
        return Response(FlagSerializer(selectors.case_flags(case), many=True).data)


class FlagAcknowledge(ApiView):
    required_scopes = (Scope.FLAGS_WRITE,)
    log_object_type = Obj.FLAG

    @extend_schema(
        operation_id="flags_acknowledge",
        summary="Kvitter ut et fristvarsel",
        description="Som «Kvitter ut» på arbeidslisten (samme tjeneste). Tilgang: flags:write.",
        request=AcknowledgeInput,
        responses={200: FlagSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        flag = selectors.flag_for(self.municipality_id, pk)
        form = AcknowledgeInput(data=request.data)
        form.is_valid(raise_exception=True)
        services.flag_acknowledge(
            flag_id=flag.pk, comment=form.validated_data["comment"], actor=self.client.actor
        )
        flag = selectors.flag_for(self.municipality_id, pk)
        self.log(VIEW, Obj.FLAG, flag.pk, flag.deadline.referral.child_id)
        return Response(FlagSerializer(flag).data)


# --- decisions and help delivered --------------------------------------------------------------


class CaseDecisions(ApiView):
    required_scopes = (Scope.CASES_READ,)
    log_object_type = Obj.REFERRAL

    @extend_schema(
        operation_id="cases_decisions",
        summary="Sakens vedtak",
        responses={200: DecisionSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int):
        case = selectors.case_for(self.municipality_id, pk)
        self.log(VIEW, Obj.REFERRAL, case.pk, case.child_id)
        return Response(DecisionSerializer(selectors.case_decisions(case), many=True).data)


class DecisionDetail(ApiView):
    required_scopes = (Scope.CASES_READ,)
    log_object_type = Obj.DECISION

    @extend_schema(
        operation_id="decisions_retrieve",
        summary="Et vedtak (timer, periode, organisering, kompetanse)",
        parameters=[ETAG_PARAM],
        responses={200: DecisionSerializer, **NOT_MODIFIED, **READ_ERRORS},
    )
    def get(self, request, pk: int):
        decision = selectors.decision_for(self.municipality_id, pk)
        self.log(VIEW, Obj.DECISION, decision.pk, decision.referral.child_id)
        return with_etag(request, DecisionSerializer(decision).data)


class DecisionWeeks(ApiView):
    required_scopes = {"GET": (Scope.CASES_READ,), "POST": (Scope.DELIVERY_WRITE,)}
    log_object_type = Obj.DECISION

    @extend_schema(
        operation_id="decisions_delivery_weeks",
        summary="Levert hjelp per uke under vedtaket",
        responses={200: DeliveryWeekSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int):
        decision = selectors.decision_for(self.municipality_id, pk)
        self.log(VIEW, Obj.DECISION, decision.pk, decision.referral.child_id)
        return Response(DeliveryWeekSerializer(selectors.decision_weeks(decision), many=True).data)

    @extend_schema(
        operation_id="decisions_delivery_weeks_create",
        summary="Registrer en uke med hjelp",
        description=(
            "Samme kontroll som skjemaet på vedtakets side: uken må være i vedtaksperioden og "
            "ha begynt, timene innenfor ukens mulige, grunn når timer falt bort, og hver uke "
            "bare én gang. Feil: 400 med meldingen ved feltet. Tilgang: delivery:write."
        ),
        request=DeliveryWeekInput,
        responses={201: DeliveryWeekSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        decision = selectors.decision_for(self.municipality_id, pk)
        typed = DeliveryWeekInput(data=request.data)
        typed.is_valid(raise_exception=True)
        # The page's form on the same values (its limits: hours, text lengths, names).
        form = DeliveryWeekForm(
            {k: "" if v is None else str(v) for k, v in typed.validated_data.items()}
        )
        if not form.is_valid():
            return error_response(
                _("Ugyldig forespørsel."),
                errors={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        try:
            week = delivery.delivery_week_register(
                decision_id=decision.pk, actor=self.client.actor, **form.values()
            )
        except DomainError as exc:
            return error_response(
                _("Ugyldig forespørsel."), errors={exc.field or "non_field_errors": [exc.message]}
            )
        self.log(VIEW, Obj.DECISION, decision.pk, decision.referral.child_id)
        return Response(DeliveryWeekSerializer(week).data, status=status.HTTP_201_CREATED)


# --- documents ---------------------------------------------------------------------------------


class CaseDocuments(ApiView):
    required_scopes = (Scope.DOCUMENTS_READ,)
    log_object_type = Obj.REFERRAL

    @extend_schema(
        operation_id="cases_documents",
        summary="Sakens endelige dokumenter (metadata)",
        responses={200: DocumentSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk: int):
        case = selectors.case_for(self.municipality_id, pk)
        rows = list(selectors.case_documents(case))
        self.log(VIEW, Obj.REFERRAL, case.pk, case.child_id)
        return Response(DocumentSerializer(rows, many=True, context={"request": request}).data)


class DocumentDetail(ApiView):
    required_scopes = (Scope.DOCUMENTS_READ,)
    log_object_type = Obj.DOCUMENT

    @extend_schema(
        operation_id="documents_retrieve",
        summary="Et endelig dokument (metadata)",
        parameters=[ETAG_PARAM],
        responses={200: DocumentSerializer, **NOT_MODIFIED, **READ_ERRORS},
    )
    def get(self, request, pk: int):
        doc = selectors.document_for(self.municipality_id, pk)
        self.log(VIEW, Obj.DOCUMENT, doc.pk, doc.child_id)
        return with_etag(request, DocumentSerializer(doc, context={"request": request}).data)


class DocumentPdf(ApiView):
    required_scopes = (Scope.DOCUMENTS_READ,)
    log_object_type = Obj.DOCUMENT

    @extend_schema(
        operation_id="documents_pdf",
        summary="Det endelige dokumentets PDF",
        parameters=[ETAG_PARAM],
        responses={
            (200, "application/pdf"): OpenApiResponse(bytes, description="PDF"),
            **NOT_MODIFIED,
            **READ_ERRORS,
        },
    )
    def get(self, request, pk: int):
        doc = selectors.document_for(self.municipality_id, pk, with_pdf=True)
        self.log(DOWNLOAD, Obj.DOCUMENT, doc.pk, doc.child_id)
        etag = f'"{doc.sha256}"'
        if _not_modified(request, etag):
            response = HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = HttpResponse(bytes(doc.pdf or b""), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="dokument-{doc.pk}.pdf"'
        response["ETag"] = etag
        return response


# --- statistics ---------------------------------------------------------------------------------


class Statistics(ApiView):
    required_scopes = (Scope.STATISTICS_READ,)

    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Oversiktens tall for kommunen",
        description=(
            "Kommunalsjefens oversikt (samme tall og tabeller), med små tall skjult som på "
            "siden: «<5» for 1–4, «⋯» for tall skjult så et lite tall ikke kan regnes ut. "
            "Ingen tall som navngir et barn. Tilgang: statistics:read."
        ),
        parameters=[StatisticsFilters],
        responses={200: StatisticsSerializer, **ERRORS},
    )
    def get(self, request):
        params = self.params(StatisticsFilters)
        today = timezone.localdate()
        default = Period.default(today)
        start, end = params.get("start") or default.start, params.get("end") or default.end
        errors = _period_errors(start, end, today)
        if errors:
            return error_response(_("Ugyldig forespørsel."), errors=errors)
        tables = selectors.statistics_tables(
            self.municipality_id, start=start, end=end, today=today
        )
        municipality = self.client.municipality
        return Response(
            {
                "municipality": {"id": municipality.pk, "name": municipality.name},
                "start": start.isoformat(),
                "end": end.isoformat(),
                "tables": [_table(t) for t in tables.values()],
            }
        )


def _period_errors(start: date, end: date, today: date) -> dict:
    if start < EARLIEST_DATE:
        return {"start": [_("Datoen kan ikke være før 01.01.2000.")]}
    if end > today:
        return {"end": [_("Perioden kan ikke slutte etter i dag.")]}
    if start > end:
        return {"start": [_("Fra-datoen må være før til-datoen.")]}
    if Period(start, end).month_count > MAX_MONTHS:
        return {"start": [_("Perioden kan være høyst %(n)s måneder.") % {"n": MAX_MONTHS}]}
    return {}


def _table(table) -> dict:
    return {
        "slug": table.slug,
        "title": str(table.title),
        "columns": [str(c) for c in table.columns],
        "rows": [
            {
                "label": str(row.label),
                "total": row.total,
                "cells": [
                    {
                        # Never a hidden number: what a chart may draw (None when hidden).
                        "value": cell.export
                        if not cell.hidden and cell.value is not None
                        else None,
                        "text": cell.text,
                        "hidden": cell.hidden,
                        "kind": cell.kind,
                    }
                    for cell in row.cells
                ],
            }
            for row in table.rows
        ],
        "legend": [str(line) for line in table.legend],
    }
