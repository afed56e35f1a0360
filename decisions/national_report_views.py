"""The national reports (BASIL, GSI) for the director and the office:
/oversikt/nasjonal-rapport/ and its CSV and Excel downloads.

Aggregates only, like the dashboard (/oversikt/, whose first path segment tells the access log
that no child is shown): the figures come from decisions/national_reports.py over the units the
user oversees as director (every unit of the municipality) or office (its kind of unit), and
small counts are suppressed on the page and in the downloads, as on the dashboard. The exact
figures for the report to Udir come from ``manage.py national_report`` (see its docstring).
Showing and downloading a report is written to the access log (a report, not a child)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core import limits
from core.forms import DateBoundsValidator, FastSelect, LimitedForm
from decisions import national_reports as nr
from referrals.access_log import access_log_record
from referrals.access_log_models import AccessLogEntry
from teams.models import Role
from teams.scoping import has_role, visible_units

REPORT_ROLES = (Role.Kind.DIRECTOR, Role.Kind.OFFICE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SELECT = {"class": "form-select form-select-sm"}


class NationalReportForm(LimitedForm):
    """Which report, for which municipality, on which counting day (GET, so the address can be
    bookmarked and the downloads count the same)."""

    rapport = forms.ChoiceField(
        label=gettext_lazy("Rapport"),
        choices=[(nr.BASIL, "BASIL (barnehage)"), (nr.GSI, "GSI (grunnskole)")],
        widget=FastSelect(attrs=SELECT),
    )
    dato = forms.DateField(
        label=gettext_lazy("Tellingsdag"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        # 2000-01-01 to a year ahead: BASIL's 15 December is prepared before the day.
        validators=[DateBoundsValidator(ahead=nr.DAY_AHEAD)],
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )
    kommune = forms.TypedChoiceField(
        label=gettext_lazy("Kommune"), coerce=int, widget=FastSelect(attrs=SELECT)
    )

    def __init__(self, data, *, municipalities, **kwargs):
        super().__init__(data, **kwargs)
        self.municipalities = {m.pk: m for m in municipalities}
        self.fields["kommune"].choices = [(m.pk, m.name) for m in municipalities]


def _require_reports(user) -> None:
    if not has_role(user, *REPORT_ROLES):
        raise PermissionDenied


def _load(request):
    """The form and, when it is valid, the report's figures and suppressed tables: the user's
    units (one query) and the report (one query)."""
    units = list(
        visible_units(request.user, roles=REPORT_ROLES)
        .select_related("municipality")
        .order_by("name", "pk")
    )
    municipalities = sorted({u.municipality for u in units}, key=lambda m: (m.name, m.pk))
    # Whatever is not chosen is the default: BASIL, its counting day, the first municipality.
    data = request.GET.copy()
    if data.get("rapport") not in nr.REPORTS:
        data.setlist("rapport", [data.get("rapport") or nr.BASIL])
    if not data.get("dato"):
        report = data["rapport"] if data["rapport"] in nr.REPORTS else nr.BASIL
        data["dato"] = nr.default_day(report, limits.today()).isoformat()
    if not data.get("kommune") and municipalities:
        data["kommune"] = str(municipalities[0].pk)
    # Another municipality's number is a 404, like any object outside the user's scope (a
    # value that is not a number at all is the form's 422).
    chosen = limits.parse_int(data.get("kommune"))
    if chosen is not None and chosen not in {m.pk for m in municipalities}:
        raise Http404
    form = NationalReportForm(data, municipalities=municipalities)
    if not form.is_valid():
        for name in form.errors:
            if name in form.fields:
                widget = form.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-describedby"] = f"id_{name}_error"
        return form, None, None
    fig = nr.report_figures(
        form.cleaned_data["rapport"],
        municipality=form.municipalities[form.cleaned_data["kommune"]],
        units=units,
        day=form.cleaned_data["dato"],
    )
    return form, fig, nr.report_tables(fig, suppress=True)


@login_required
@require_GET
def national_report(request):
    """BASIL or GSI for the municipality, as the director sees it: suppressed, with the
    definitions under the tables."""
    _require_reports(request.user)
    form, fig, tables = _load(request)
    context = {"form": form, "figures": fig, "tables": tables}
    if fig is None:  # 422 for input refused; 200 for a municipality with no units yet
        status = 422 if form.municipalities else 200
        return render(request, "decisions/national_report.html", context, status=status)
    query = form.data.urlencode()
    context["downloads"] = {
        fmt: reverse("decisions:national_report_export", args=[fmt]) + f"?{query}"
        for fmt in ("csv", "xlsx")
    }
    context["definitions"] = nr.DEFINITIONS[fig.report.slug]
    access_log_record(request, action="view", object_type=AccessLogEntry.ObjectType.REPORT)
    return render(request, "decisions/national_report.html", context)


@login_required
@require_GET
def national_report_export(request, fmt: str):
    """The report as CSV or Excel, with the same suppression as the page."""
    _require_reports(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, fig, tables = _load(request)
    if fig is None:
        return HttpResponse(
            _("Ugyldig rapport, kommune eller dato."), status=422, content_type="text/plain"
        )
    access_log_record(request, action="export", object_type=AccessLogEntry.ObjectType.REPORT)
    if fmt == "csv":
        response = HttpResponse(nr.report_csv(fig, tables), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(nr.report_xlsx(fig, tables), content_type=XLSX)
    filename = f"rimelig-{fig.report.slug}-{fig.municipality.number}-{fig.day:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
