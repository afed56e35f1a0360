"""The kommunalsjef's dashboard (/oversikt/) and its exports (CSV and Excel).

Aggregates only: the figures come from decisions/dashboard/, which counts the cases of the
units the user oversees as director, office or PPT leader and hands back numbers, never a case
(a PPT leader also gets open cases per advisor: staff names, never a child's). Small
counts are suppressed (decisions/suppression.py) before anything is shown or exported, and the
exports carry exactly the tables the page shows.
"""

import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.exports import spreadsheet_row, spreadsheet_value, workbook_without_formulas
from core.forms import FastSelect, LimitedForm
from decisions import dashboard as stats
from decisions.dashboard import Period, Table
from decisions.dashboard.delivery import DELIVERY_SLUGS, delivery_figures, delivery_tables
from decisions.dashboard.systemwork import (
    SYSTEMWORK_SLUGS,
    systemwork_chart,
    systemwork_figures,
    systemwork_tables,
)
from referrals import case_kinds
from referrals.access_log import access_log_record
from teams.models import Unit

DATE_INPUT = {"type": "date", "class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL = "alle"  # the whole dashboard as one workbook, a sheet per table


class DashboardFilterForm(LimitedForm):
    """Period and filters, read from GET so a view can be bookmarked and exported as shown.
    Choices come from the units the user oversees; nothing here is a case."""

    fra = forms.DateField(
        label=gettext_lazy("Fra og med"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
    )
    til = forms.DateField(
        label=gettext_lazy("Til og med"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
    )
    omrade = forms.TypedChoiceField(
        label=gettext_lazy("Område"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect(attrs=SELECT),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Enhetstype"), required=False, widget=FastSelect(attrs=SELECT)
    )
    # Issue 19: the case kinds of the units' kinds (referrals/case_kinds.py), grouped by them.
    sakstype = forms.ChoiceField(
        label=gettext_lazy("Sakstype"), required=False, widget=FastSelect(attrs=SELECT)
    )
    eierform = forms.ChoiceField(
        label=gettext_lazy("Eierform"), required=False, widget=FastSelect(attrs=SELECT)
    )
    enhet = forms.TypedChoiceField(
        label=gettext_lazy("Enhet"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect(attrs=SELECT),
    )

    def __init__(self, data, *, units: list[Unit], today, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.units = units
        kinds = {u.kind for u in units}
        owners = {u.ownership for u in units}
        self.fields["omrade"].choices = [("", _("Alle områder")), *stats.area_names(units)]
        self.fields["type"].choices = [("", _("Alle typer"))] + [
            (k, label) for k, label in Unit.Kind.choices if k in kinds
        ]
        # Short labels (the legal basis, as the caseload's filter): the full ones are the
        # rows of the table "Etter sakstype".
        self.fields["sakstype"].choices = [("", _("Alle sakstyper"))] + [
            (str(label), [(k.value, case_kinds.rule(k).legal_basis) for k in kinds_of])
            for unit_kind, label in Unit.Kind.choices
            if unit_kind in kinds and (kinds_of := case_kinds.kinds_for_unit(unit_kind))
        ]
        self.fields["eierform"].choices = [("", _("Alle eierformer"))] + [
            (k, label) for k, label in Unit.Ownership.choices if k in owners
        ]
        grouped = [
            (name, [(u.pk, u.name) for u in units if u.area_id == pk])
            for pk, name in stats.area_names(units)
        ]
        self.fields["enhet"].choices = [("", _("Alle enheter")), *grouped]

    def clean(self):
        data = super().clean()
        default = Period.default(self.today)
        start, end = data.get("fra") or default.start, data.get("til") or default.end
        if "fra" in self.errors or "til" in self.errors:
            return data
        if end > self.today:
            self.add_error("til", _("Perioden kan ikke slutte etter i dag."))
        elif start > end:
            self.add_error("fra", _("Fra-datoen må være før til-datoen."))
        elif Period(start, end).month_count > stats.MAX_MONTHS:
            self.add_error(
                "fra",
                _("Velg en periode på høyst %(n)s måneder.") % {"n": stats.MAX_MONTHS},
            )
        else:
            data["period"] = Period(start, end)
        return data

    def chosen(self) -> tuple[Period, list[Unit]]:
        """The period and the units to count; the defaults when the form is unbound or wrong."""
        if not self.is_bound or not self.is_valid():
            for name in self.errors:
                if name in self.fields:
                    self.fields[name].widget.attrs["class"] += " is-invalid"
            return Period.default(self.today), self.units
        data = self.cleaned_data
        units = [
            u
            for u in self.units
            if (data["omrade"] is None or u.area_id == data["omrade"])
            and (not data["type"] or u.kind == data["type"])
            and (not data["eierform"] or u.ownership == data["eierform"])
            and (data["enhet"] is None or u.pk == data["enhet"])
        ]
        return data["period"], units

    def kinds(self) -> tuple[str, ...]:
        """The case kinds to count: () for all (the default when the form is unbound or wrong)."""
        if not self.is_bound or not self.is_valid() or not self.cleaned_data["sakstype"]:
            return ()
        return (self.cleaned_data["sakstype"],)

    def description(self) -> list[str]:
        """The filters in words, for the exports' heading."""
        if not self.is_bound or not self.is_valid():
            return []
        labels = []
        for name in ("omrade", "type", "sakstype", "eierform", "enhet"):
            value = self.cleaned_data[name]
            if value not in (None, ""):
                choices = dict(_flat(self.fields[name].choices))
                labels.append(f"{self.fields[name].label}: {choices.get(value, value)}")
        return labels


def _flat(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield key, label


def _require_dashboard(user) -> None:
    if not stats.can_see_dashboard(user):
        raise PermissionDenied


def _load(request):
    """The filter form and the figures it selects: the user's units (one query) and the
    dashboard's aggregates."""
    today = timezone.localdate()
    units = list(
        stats.dashboard_units(request.user)
        .select_related("area", "municipality")
        .order_by("name", "pk")
    )
    default = Period.default(today)
    data = None
    if request.GET:
        # A filter without dates means the default period: show it in the date fields, and
        # give the export links the same dates (a download tomorrow shows the same numbers).
        data = request.GET.copy()
        data["fra"] = data.get("fra") or default.start.isoformat()
        data["til"] = data.get("til") or default.end.isoformat()
    form = DashboardFilterForm(data, units=units, today=today)
    if not form.is_bound:
        form.initial = {"fra": default.start, "til": default.end}
    period, chosen = form.chosen()
    figures = stats.dashboard_figures(
        units=chosen,
        period=period,
        today=today,
        advisor_municipalities=stats.advisor_municipality_ids(request.user),
        kinds=form.kinds(),
    )
    tables = stats.dashboard_tables(figures)
    # System work against individual cases (decisions/dashboard/systemwork.py): same filters,
    # shown and exported with the rest.
    for table in systemwork_tables(systemwork_figures(units=chosen, period=period)):
        tables[table.slug] = table
    # Help delivered against decided (issue 18, decisions/dashboard/delivery.py): one query.
    for table in delivery_tables(delivery_figures(units=chosen, period=period)):
        tables[table.slug] = table
    if form.kinds():
        # System work and the delivery rollup are kept per unit and month, not per case kind.
        for slug in (*SYSTEMWORK_SLUGS, *DELIVERY_SLUGS):
            tables[slug].note = " ".join(filter(None, [tables[slug].note, str(ALL_KINDS_NOTE)]))
    return form, figures, tables


ALL_KINDS_NOTE = gettext_lazy("Gjelder alle sakstyper: filteret på sakstype brukes ikke her.")


@login_required
@require_GET
def dashboard(request):
    """Is every child helped within rimelig tid, and where does the queue build up?"""
    _require_dashboard(request.user)
    form, figures, tables = _load(request)
    query = form.data.urlencode() if form.is_bound and form.is_valid() else ""
    charts = {chart["table"]: chart for chart in _charts(tables)}
    sections = {
        slug: {"table": table, "chart": charts.get(slug), **_export_urls(slug, query)}
        for slug, table in tables.items()
    }
    context = {
        "form": form,
        "figures": figures,
        "sections": sections,
        "headline": _headline(tables),
        "export_all": _export_urls(ALL, query)["xlsx"],
        "municipalities": sorted({u.municipality.name for u in form.units}),
    }
    context["systemwork"] = {
        "months": {**sections["systemarbeid"], "chart": systemwork_chart(tables["systemarbeid"])},
        "areas": sections["systemarbeid-omrader"],
    }
    context["delivery"] = {
        "months": sections["levert-maned"],
        "areas": sections["levert-omrader"],
        "units": sections["levert-enheter"],
    }
    return render(request, "decisions/dashboard.html", context)


def _export_urls(slug: str, query: str) -> dict:
    return {
        fmt: reverse("decisions:dashboard_export", args=[slug, fmt])
        + (f"?{query}" if query else "")
        for fmt in ("csv", "xlsx")
    }


def _headline(tables) -> dict:
    """The four numbers at the top, taken from the (suppressed) tables."""
    phases = tables["faser"].rows[-1].cells
    decision = tables["frister"].rows[0].cells
    return {
        "open": phases[0],
        "overdue": phases[3],
        "decision_share": decision[3],
        "decision_total": decision[2],
        "decision_median": tables["ventetid"].rows[1].cells[1],
    }


# Colours with at least 3:1 against white (WCAG 1.4.11) and told apart by more than hue:
# the tables carry every number.
BLUE, GREY, AMBER, RED = "#1d4f6e", "#6c757d", "#a35200", "#b02a37"


def _series(rows, column: int) -> list:
    return [r.cells[column].chart for r in rows]


def _charts(tables: dict[str, Table]) -> list[dict]:
    """What dashboard.js draws, from the suppressed tables: a hidden count is a gap (null),
    never a number."""
    phases = [r for r in tables["faser"].rows if not r.total]
    months = [r for r in tables["maned"].rows if not r.total]
    areas = [r for r in tables["omrader"].rows if not r.total]
    units = [r for r in tables["enheter"].rows if not r.total][:15]
    charts = [
        {
            "id": "chart-faser",
            "data_id": "chart-faser-data",
            "table": "faser",
            "label": _(
                "Søylediagram: åpne saker etter fase, delt i innen fristen, nærmer seg "
                "frist og over fristen. Tallene står i tabellen under."
            ),
            "spec": {
                "type": "bar",
                "horizontal": True,
                "stacked": True,
                "labels": [r.label for r in phases],
                "datasets": [
                    {"label": _("Innen fristen"), "data": _series(phases, 1), "color": BLUE},
                    {"label": _("Nærmer seg frist"), "data": _series(phases, 2), "color": AMBER},
                    {"label": _("Over fristen"), "data": _series(phases, 3), "color": RED},
                ],
            },
        },
        {
            "id": "chart-maned",
            "data_id": "chart-maned-data",
            "table": "maned",
            "label": _(
                "Diagram per måned: henvisninger mottatt og vedtak fattet som søyler, åpne "
                "saker ved månedsslutt som linje. Tallene står i tabellen under."
            ),
            "spec": {
                "type": "bar",
                "labels": [r.label for r in months],
                "datasets": [
                    {"label": _("Henvisninger mottatt"), "data": _series(months, 0), "color": BLUE},
                    {"label": _("Vedtak fattet"), "data": _series(months, 1), "color": GREY},
                    {
                        "label": _("Åpne saker ved månedsslutt"),
                        "data": _series(months, 2),
                        "color": RED,
                        "type": "line",
                    },
                ],
            },
        },
        {
            "id": "chart-omrader",
            "data_id": "chart-omrader-data",
            "table": "omrader",
            "label": _(
                "Søylediagram: saker over fristen og nær fristen per område. Tallene står "
                "i tabellen ved siden av."
            ),
            "spec": _place_spec(areas, first=0),
        },
        {
            "id": "chart-enheter",
            "data_id": "chart-enheter-data",
            "table": "enheter",
            "label": _(
                "Søylediagram: de femten enhetene med flest saker over fristen. Tallene "
                "for alle enhetene står i tabellen under."
            ),
            "spec": _place_spec(units, first=1),
        },
    ]
    if stats.ADVISOR_SLUG in tables:
        advisors = [r for r in tables[stats.ADVISOR_SLUG].rows if not r.total][:15]
        charts.append(
            {
                "id": "chart-radgivere",
                "data_id": "chart-radgivere-data",
                "table": stats.ADVISOR_SLUG,
                "label": _(
                    "Søylediagram: saker over fristen og nær fristen per rådgiver, for de "
                    "femten med flest over fristen. Tallene står i tabellen ved siden av."
                ),
                "spec": _place_spec(advisors, first=3, approaching=2),
            }
        )
    return charts


def _place_spec(rows, *, first: int, approaching: int | None = None) -> dict:
    """Overdue from column ``first``, approaching from the next one (or from ``approaching``)."""
    approaching = first + 1 if approaching is None else approaching
    return {
        "type": "bar",
        "horizontal": True,
        "stacked": True,
        "labels": [r.label for r in rows],
        "datasets": [
            {"label": _("Over fristen"), "data": _series(rows, first), "color": RED},
            {"label": _("Nærmer seg frist"), "data": _series(rows, approaching), "color": AMBER},
        ],
    }


# --- exports ----------------------------------------------------------------------------------


@login_required
@require_GET
def export(request, table: str, fmt: str):
    """One table (or, as Excel, all of them) with the same suppression as the page."""
    _require_dashboard(request.user)
    if fmt not in ("csv", "xlsx") or (
        table != ALL
        and table not in [*stats.table_slugs(request.user), *SYSTEMWORK_SLUGS, *DELIVERY_SLUGS]
    ):
        raise Http404
    if table == ALL and fmt == "csv":
        raise Http404  # a CSV file holds one table
    form, figures, tables = _load(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Ugyldig periode eller filter."), content_type="text/plain")
    chosen = list(tables.values()) if table == ALL else [tables[table]]
    heading = _export_heading(figures, form)
    access_log_record(request, action="export", object_type="export")  # aggregates: no child
    filename = f"rimelig-oversikt-{table}-{figures.today:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(_csv(chosen[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(chosen, heading), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_heading(figures, form) -> list[str]:
    period = figures.period
    lines = [
        _("Periode: %(fra)s–%(til)s")
        % {"fra": formats.date_format(period.start), "til": formats.date_format(period.end)},
        *form.description(),
        _("Laget %(dato)s") % {"dato": formats.date_format(figures.today)},
    ]
    return lines


def _csv_value(cell) -> str:
    value = cell.export
    if isinstance(value, float):  # rounded to one decimal (tables.rounded), as on the page
        return f"{value:.1f}".replace(".", ",")  # Norwegian Excel reads a decimal comma
    return str(spreadsheet_value(value))  # a number as it is; text that cannot be a formula


def _csv(table: Table) -> str:
    """UTF-8 with a byte-order mark and semicolons: what Excel with Norwegian settings opens
    without the import wizard."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(spreadsheet_row(table.columns))
    for row in table.rows:
        writer.writerow([spreadsheet_value(row.label), *(_csv_value(c) for c in row.cells)])
    if table.legend:  # what "<5" and "⋯" mean, under the table as on the page
        writer.writerow([])
        for line in table.legend:
            writer.writerow(spreadsheet_row([line]))
    return "\ufeff" + out.getvalue()


def _xlsx(tables: list[Table], heading: list[str]) -> bytes:
    """Every row through spreadsheet_row (core/exports.py): no name can become a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.slug)
        sheet.append(spreadsheet_row([table.title]))
        sheet["A1"].font = Font(bold=True, size=13)
        for line in heading:
            sheet.append(spreadsheet_row([line]))
        sheet.append([])
        sheet.append(spreadsheet_row(table.columns))
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append(spreadsheet_row([row.label, *(c.export for c in row.cells)]))
            for cell in sheet[sheet.max_row][1:]:
                cell.alignment = Alignment(horizontal="right")  # "<5" lines up with numbers
                cell.font = Font(bold=row.total)
        sheet.append([])
        if table.note:
            sheet.append(spreadsheet_row([table.note]))
        for line in table.legend:
            sheet.append(spreadsheet_row([line]))
        sheet.column_dimensions["A"].width = 48
        for letter in "BCDE":
            sheet.column_dimensions[letter].width = 18
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    workbook_without_formulas(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
