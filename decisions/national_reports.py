"""The national reports on special-pedagogical help (issue 21): BASIL for kindergartens, counted
on 15 December, and GSI for schools, counted on 1 October (DOMAIN.md part two § 4).

What each figure means is written once, in Norwegian, in DEFINITIONS: the director's page shows
it under the tables, the command prints it and the exports carry it. Each report is one SQL
query over the municipality's decisions (no loop over cases in Python): the decision that
governs each case on the counting day, then the newest of them per child, then the groups
(GROUPING SETS: per unit, per age or trinn, per organisation, per competence, and the total).

When a vedtak counts ("i kraft på tellingsdagen", the same for both reports):
- made on or before the counting day (``decided_on`` ≤ day): a vedtak made later did not exist
  then, even if its period starts earlier;
- of a case, the vedtak that governs it on the day is its newest one (vedtaksdato, then id)
  whose period had begun: ``starts_on`` ≤ day, or, with no start date, the day it was made. A
  change (endringsvedtak) or an appeal's new vedtak takes over from its start; a continuation
  decided before the day but starting after it leaves the old vedtak in force until then.
  The ``superseded`` flag is not read: it says which vedtak governs *today*, and a report for a
  past counting day must see which governed *then*;
- that vedtak grants help (innvilget or delvis innvilget; an avslag counts nothing) and its
  period has not ended (``ends_on`` ≥ day, or no end date: open-ended counts);
- the case was not closed on or before the day (moved, started school, help declined);
- a child with more than one case counted once, with the newest of its vedtak in force; its
  unit is that case's unit (the case's kindergarten or school, copied onto the vedtak).

Small counts: the figures themselves are exact. ``report_tables(..., suppress=True)`` hides
counts from 1 to 4 as the director's dashboard does (decisions/suppression.py, with the hours of
a hidden row hidden with it); the director's page and its downloads always suppress (the
director sees aggregates, never a child, and a kindergarten with one three-year-old with a
vedtak names that child). The management command prints the exact figures: it is what the
municipality reports to Udir (BASIL and GSI are entered per kindergarten and school, exact),
run by someone with access to the server; ``--prikket`` gives the suppressed tables.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.exports import spreadsheet_row, spreadsheet_value, workbook_without_formulas
from decisions import suppression
from decisions.dashboard.tables import Cell, Row, Table
from referrals import case_kinds
from referrals.case_kinds import CaseKind
from referrals.models import Assessment
from teams.models import Unit

BASIL, GSI = "basil", "gsi"
# A counting day may lie ahead (BASIL's 15 December is prepared in late November): a year.
DAY_AHEAD = timedelta(days=366)
# The band of a child whose age (BASIL) or trinn (GSI) is outside the report's rows.
OUTSIDE = -1


@dataclass(frozen=True)
class Report:
    slug: str
    title: Promise
    law: str  # the rule the counted vedtak are made under
    unit_kind: str
    counting_day: tuple[int, int]  # (month, day)
    bands: tuple[int, ...]  # ages 0–6 or trinn 1–10
    band_title: Promise
    # The case kinds (referrals/case_kinds.py) whose vedtak the report counts, the first the
    # one whose hours, organisation and competence the tables show for a child with several.
    kinds: tuple[str, ...] = ()
    # The kinds counted per child in columns of their own: the municipality's supplementary
    # figures (DOMAIN part two § 4), not the report's verified fields. A kind here and not in
    # ``kinds`` is counted only in its column (BASIL: § 38 tegnspråk beside item 6A's § 31).
    split: tuple[str, ...] = ()


REPORTS = {
    BASIL: Report(
        BASIL,
        _("BASIL – barn med vedtak om spesialpedagogisk hjelp"),
        # BASIL item 6A: children with a vedtak under barnehageloven § 31 (DOMAIN part two § 4).
        "barnehageloven § 31",
        Unit.Kind.KINDERGARTEN,
        (12, 15),
        (0, 1, 2, 3, 4, 5, 6),
        _("Alder på tellingsdagen"),
        kinds=(CaseKind.BHL_31,),
        # § 38 tegnspråkopplæring is not item 6A: shown beside it, as supplementary.
        split=(CaseKind.BHL_38,),
    ),
    GSI: Report(
        GSI,
        _("GSI – elever med enkeltvedtak etter opplæringslova kapittel 11"),
        # GSI: pupils with an enkeltvedtak, with hours with a teacher, with an assistant (Prop.
        # 57 L (2022–2023) ch. 25 quoting GSI): since 1 August 2024 the enkeltvedtak of the
        # 2023 Act's chapter 11: § 11-6 individually adapted education, § 11-4 personal
        # assistance, § 11-5 physical adaptation (DOMAIN part two § 1). Not every vedtak at a
        # school: a case of another kind there is not counted.
        "opplæringslova kapittel 11 (§§ 11-4, 11-5 og 11-6)",
        Unit.Kind.SCHOOL,
        (10, 1),
        tuple(range(1, 11)),
        _("Trinn"),
        kinds=(CaseKind.OPPL_11_6, CaseKind.OPPL_11_4, CaseKind.OPPL_11_5),
        # The split per kind: GSI's fields after 2024 are not verified (DOMAIN part two § 4).
        split=(CaseKind.OPPL_11_6, CaseKind.OPPL_11_4, CaseKind.OPPL_11_5),
    ),
}

# The definitions, in plain Norwegian, next to the code that counts them: the page shows them
# under the tables, the command prints them, the exports carry them (and the README quotes
# them). (term, definition) per report, translated when shown (lazy).
_IN_FORCE = _(
    "Et vedtak er i kraft på tellingsdagen når det er fattet senest den dagen, er det nyeste "
    "vedtaket i saken som har begynt å gjelde (fra-datoen, eller vedtaksdatoen når fra-dato "
    "mangler, er senest tellingsdagen), innvilger hjelp helt eller delvis (avslag telles ikke), "
    "ikke er utløpt (til-datoen er tellingsdagen eller senere; uten til-dato gjelder det til "
    "det blir avløst), og saken ikke er avsluttet før eller på tellingsdagen. Et vedtak som "
    "begynner å gjelde etter tellingsdagen, telles ikke; et endringsvedtak eller nytt vedtak "
    "etter klage tar over fra sin fra-dato."
)
_ONCE = _(
    "Hvert barn telles én gang, også med flere vedtak i kraft: med det nyeste (etter "
    "vedtaksdato) og i enheten til saken det hører til."
)
_SUPPLEMENT = _(
    "Kommunens egne tilleggstall, ikke kontrollert mot feltene i BASIL: timer per uke, "
    "organisering, kompetanse og assistent."
)
DEFINITIONS: dict[str, list[tuple[Promise, Promise]]] = {
    BASIL: [
        (
            _("Tellingsdag"),
            _("15. desember (BASIL, årsmelding for barnehagene). Kan velges."),
        ),
        (
            _("Barn med vedtak (BASIL 6A)"),
            _(
                "Barn i kommunens barnehager med vedtak om spesialpedagogisk hjelp etter "
                "barnehageloven § 31 som er i kraft på tellingsdagen."
            ),
        ),
        (_("I kraft"), _IN_FORCE),
        (_("Ett barn, én gang"), _ONCE),
        (
            _("Barnehage"),
            _("Barnehagen saken hører til (enheter av typen barnehage i kommunen)."),
        ),
        (
            _("Alder"),
            _(
                "Hele år fylt på tellingsdagen (et barn som fyller tre år på "
                "tellingsdagen, er tre år). Barn over seks år står som «annen alder»."
            ),
        ),
        (
            _("Timer per uke"),
            _("Summen av vedtatte timer spesialpedagogisk hjelp per uke i vedtakene."),
        ),
        (
            _("Organisering og kompetanse"),
            _(
                "Slik vedtaket sier: individuelt, i gruppe, innenfor eller utenfor barnets "
                "gruppe; kompetansen til den som gir hjelpen. «Ikke oppgitt» når vedtaket "
                "ikke sier det."
            ),
        ),
        (
            _("Med assistent"),
            _("Barn der vedtaket også gir hjelp av assistent."),
        ),
        (_("Tilleggstall"), _SUPPLEMENT),
        (
            _("Tegnspråkopplæring (tilleggstall)"),
            _(
                "Barn med vedtak om tegnspråkopplæring etter barnehageloven § 38 i kraft på "
                "tellingsdagen. Ikke en del av BASIL 6A: kommunens eget tilleggstall. Et barn "
                "med bare et slikt vedtak står i tabellene med 0 under 6A."
            ),
        ),
    ],
    GSI: [
        (
            _("Tellingsdag"),
            _("1. oktober (GSI, grunnskolens informasjonssystem). Kan velges."),
        ),
        (
            _("Elever med enkeltvedtak"),
            _(
                "Elever ved kommunens skoler med enkeltvedtak etter opplæringslova kapittel "
                "11 som er i kraft på tellingsdagen: individuelt tilrettelagt opplæring "
                "(§ 11-6), personleg assistanse (§ 11-4) eller fysisk tilrettelegging og "
                "tekniske hjelpemiddel (§ 11-5). Andre vedtak ved skolen telles ikke."
            ),
        ),
        (_("I kraft"), _IN_FORCE),
        (_("Én elev, én gang"), _ONCE),
        (
            _("Skole"),
            _("Skolen saken hører til (enheter av typen skole i kommunen)."),
        ),
        (
            _("Trinn"),
            _(
                "Klassens trinn der eleven har klasse. Ellers regnet ut fra fødselsåret: et "
                "barn født i år Å begynner på 1. trinn i "
                "august året Å + 6. På tellingsdagen i skoleåret som begynte i august år S "
                "går eleven på trinn S − (Å + 6) + 1. Elever som da ikke er på 1.–10. trinn "
                "(fremskutt eller utsatt skolestart, gått om et år), står som «utenfor "
                "1.–10.»."
            ),
        ),
        (
            _("Timer med lærer"),
            _(
                "Elever der vedtaket gir timer per uke og sier hvilken kompetanse (lærer, "
                "spesialpedagog, logoped eller annen fagperson) som gir dem."
            ),
        ),
        (
            _("Timer med assistent"),
            _("Elever der vedtaket gir hjelp av assistent."),
        ),
        (
            _("Timer per uke"),
            _(
                "Summen av vedtatte timer per uke (ikke årstimer: GSI spør om årstimer, og "
                "omregningen er ikke kontrollert)."
            ),
        ),
        (
            _("Etter vedtakstype (tilleggstall)"),
            _(
                "Elever med vedtak i kraft etter § 11-6, § 11-4 og § 11-5, hver for seg: en "
                "elev med flere slike vedtak står i hver av kolonnene, men én gang i «Elever "
                "med enkeltvedtak». Kommunens egne tilleggstall: feltene i GSI etter 2024 er "
                "ikke kontrollert mot dem. Timer med lærer telles fra vedtaket etter § 11-6."
            ),
        ),
    ],
}


def default_day(report: str, today: date) -> date:
    """The counting day the municipality is working on: this year's, once it has passed or is
    less than a month ahead (BASIL's 15 December is prepared from late November); else last
    year's (GSI's 1 October, in the spring, is last autumn's report)."""
    month, day = REPORTS[report].counting_day
    this_year = date(today.year, month, day)
    if this_year <= today or (this_year - today).days <= 31:
        return this_year
    return date(today.year - 1, month, day)


def school_year_start(day: date) -> int:
    """The year the school year that ``day`` falls in began (school starts in August)."""
    return day.year if day.month >= 8 else day.year - 1


# --- the query -------------------------------------------------------------------------------

# One query: the governing vedtak per case on the day (DISTINCT ON the case, newest first among
# those made and begun by the day), those in force, the newest per child (DISTINCT ON the
# child), then every group at once. GROUPING(...) tells the groups apart: 0b0111 is a unit's
# row, 0b1011 an age's or trinn's, 0b1101 an organisation's, 0b1110 a competence's, 0b1111 the
# total. Reads the municipality's decisions from decision_scope_decided_on (municipality,
# decided_on ≤ day) and joins the case and the child by primary key.
_SQL = """
WITH governing AS (
    SELECT DISTINCT ON (d.referral_id)
        d.id, d.referral_id, d.unit_id, d.outcome, d.decided_on, d.ends_on, d.hours_per_week,
        d.organisation, d.competence, d.assistant
    FROM decisions_decision d
    WHERE d.municipality_id = %(municipality)s AND d.unit_id = ANY(%(units)s)
      AND d.decided_on <= %(day)s AND COALESCE(d.starts_on, d.decided_on) <= %(day)s
    ORDER BY d.referral_id, d.decided_on DESC, d.id DESC
), in_force AS (
    -- the vedtak in force of the report's kinds and its split's; per child, which of the
    -- report's kinds (main) and of the split's (k1–k3) it has one of
    SELECT g.*, r.child_id, r.kind, c.birth_date, sc.trinn,
        bool_or(r.kind = ANY(%(kinds)s)) OVER child AS main,
        bool_or(r.kind = %(k1)s) OVER child AS k1,
        bool_or(r.kind = %(k2)s) OVER child AS k2,
        bool_or(r.kind = %(k3)s) OVER child AS k3
    FROM governing g
    JOIN referrals_referral r ON r.id = g.referral_id
    JOIN referrals_child c ON c.id = r.child_id
    LEFT JOIN teams_schoolclass sc ON sc.id = c.school_class_id
    WHERE g.outcome IN ('granted', 'partly')
      AND (g.ends_on IS NULL OR g.ends_on >= %(day)s)
      AND (r.closed_on IS NULL OR r.closed_on > %(day)s)
      AND r.kind = ANY(%(all_kinds)s)
    WINDOW child AS (PARTITION BY r.child_id)
), counted AS (
    -- one row per child: the newest vedtak of the report's first kind, else of its kinds,
    -- else of the split's
    SELECT DISTINCT ON (child_id)
        unit_id, hours_per_week, organisation, competence, assistant, birth_date, trinn,
        kind = %(first)s AS first_kind, main, k1, k2, k3
    FROM in_force
    ORDER BY child_id, kind = %(first)s DESC, kind = ANY(%(kinds)s) DESC, decided_on DESC,
        id DESC
), banded AS (
    SELECT unit_id, hours_per_week, organisation, competence, assistant, first_kind, main,
        k1, k2, k3,
        CASE WHEN b.band BETWEEN %(band_min)s AND %(band_max)s THEN b.band ELSE -1 END AS band
    FROM counted,
    LATERAL (SELECT CASE WHEN %(report)s = 'basil'
        THEN date_part('year', age(%(day)s::timestamp, birth_date::timestamp))::int
        -- GSI: the class's trinn where the pupil has a class, else from the birth year
        ELSE COALESCE(trinn, %(school_year)s - (date_part('year', birth_date)::int + 6) + 1)
        END AS band) b
)
SELECT GROUPING(unit_id, band, organisation, competence), unit_id, band, organisation,
    competence, count(*) FILTER (WHERE main),
    count(*) FILTER (WHERE main AND assistant),
    count(*) FILTER (WHERE main AND first_kind AND hours_per_week > 0 AND competence <> ''),
    COALESCE(sum(hours_per_week) FILTER (WHERE main), 0),
    count(*) FILTER (WHERE k1), count(*) FILTER (WHERE k2), count(*) FILTER (WHERE k3)
FROM banded
GROUP BY GROUPING SETS ((unit_id), (band), (organisation), (competence), ())
"""


@dataclass
class Counts:
    children: int = 0
    assistant: int = 0  # the vedtak also grants an assistant
    teacher: int = 0  # hours per week with a stated competence (GSI: "timer med lærer")
    hours: Decimal = Decimal(0)
    # Children with a vedtak in force of each of the report's split kinds (Report.split).
    by_kind: dict[str, int] = field(default_factory=dict)

    def value(self, name: str) -> int | Decimal:
        """A column's number: an attribute, or "kind:<kind>" for a split kind's."""
        if name.startswith("kind:"):
            return self.by_kind.get(name[5:], 0)
        return getattr(self, name)


@dataclass
class Figures:
    report: Report
    municipality: object  # teams.Municipality
    day: date
    units: list  # the units counted (the municipality's of the report's kind), in order
    total: Counts = field(default_factory=Counts)
    by_unit: dict[int, Counts] = field(default_factory=dict)
    by_band: dict[int, Counts] = field(default_factory=dict)  # OUTSIDE for the rest
    by_organisation: dict[str, Counts] = field(default_factory=dict)  # "" not stated
    by_competence: dict[str, Counts] = field(default_factory=dict)


def report_figures(report: str, *, municipality, units, day: date) -> Figures:
    """The exact figures of ``report`` for ``municipality`` on ``day``, counted over ``units``
    (the caller's scope: the municipality's units of the report's kind). One query."""
    spec = REPORTS[report]
    units = [u for u in units if u.kind == spec.unit_kind and u.municipality_id == municipality.pk]
    fig = Figures(spec, municipality, day, units)
    if not units:
        return fig
    params = {
        "municipality": municipality.pk,
        "units": [u.pk for u in units],
        "day": day,
        "report": report,
        "school_year": school_year_start(day),
        "band_min": spec.bands[0],
        "band_max": spec.bands[-1],
        "kinds": [str(k) for k in spec.kinds],
        "first": str(spec.kinds[0]),
        "all_kinds": sorted({str(k) for k in (*spec.kinds, *spec.split)}),
        # up to three split kinds (None: a column never counted)
        **{f"k{i + 1}": (str(spec.split[i]) if i < len(spec.split) else None) for i in range(3)},
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    for (
        grouping,
        unit_id,
        band,
        organisation,
        competence,
        n,
        assistant,
        teacher,
        hours,
        *split,
    ) in rows:
        by_kind = {str(k): split[i] for i, k in enumerate(spec.split)}
        counts = Counts(n, assistant, teacher, hours, by_kind)
        if grouping == 0b0111:
            fig.by_unit[unit_id] = counts
        elif grouping == 0b1011:
            fig.by_band[band] = counts
        elif grouping == 0b1101:
            fig.by_organisation[organisation] = counts
        elif grouping == 0b1110:
            fig.by_competence[competence] = counts
        else:
            fig.total = counts
    return fig


# --- the tables ------------------------------------------------------------------------------


def _band_label(report: Report, band: int) -> str:
    if report.slug == BASIL:
        if band == OUTSIDE:
            return str(_("Annen alder"))
        return str(_("%(n)s år") % {"n": band})
    if band == OUTSIDE:
        return str(_("Utenfor 1.–10."))
    return str(_("%(n)s. trinn") % {"n": band})


def _choice_rows(choices) -> list[tuple[str, str]]:
    """The choices in their order, and "not stated" for a vedtak that does not say."""
    return [(key, str(label)) for key, label in choices] + [("", str(_("Ikke oppgitt")))]


def _columns(report: Report) -> list[tuple[str, str]]:
    """(name of the Counts value, header) of each table's number columns: the report's, then
    its split kinds' (the municipality's supplementary figures, marked so)."""
    if report.slug == GSI:
        columns = [
            ("children", str(_("Elever med enkeltvedtak"))),
            ("teacher", str(_("Med timer med lærer (§ 11-6)"))),
            ("assistant", str(_("Med timer med assistent"))),
            ("hours", str(_("Timer per uke"))),
        ]
    else:
        columns = [
            ("children", str(_("Barn med vedtak (6A)"))),
            ("assistant", str(_("Med assistent"))),
            ("hours", str(_("Timer per uke"))),
        ]
    return columns + [
        (
            f"kind:{k}",
            str(_("%(basis)s (tilleggstall)") % {"basis": case_kinds.rule(k).legal_basis}),
        )
        for k in report.split
    ]


def report_tables(fig: Figures, *, suppress: bool) -> list[Table]:
    """The report's tables (per unit, per age or trinn, per organisation, per competence),
    each with the total as its last row. With ``suppress``, counts from 1 to 4 are hidden as
    on the dashboard, jointly over the tables (they share the total), and a row's hours are
    hidden with its count of children."""
    report = fig.report
    columns = _columns(report)
    groups = [
        (
            "enheter",
            str(_("Per barnehage") if report.slug == BASIL else _("Per skole")),
            str(_("Barnehage") if report.slug == BASIL else _("Skole")),
            [(u.pk, u.name) for u in fig.units],
            fig.by_unit,
        ),
        (
            "alder" if report.slug == BASIL else "trinn",
            str(_("Per alder") if report.slug == BASIL else _("Per trinn")),
            str(report.band_title),
            [(b, _band_label(report, b)) for b in (*report.bands, OUTSIDE)],
            fig.by_band,
        ),
        (
            "organisering",
            str(_("Per organisering")),
            str(_("Organisering")),
            _choice_rows(Assessment.Organisation.choices),
            fig.by_organisation,
        ),
        (
            "kompetanse",
            str(_("Per kompetanse")),
            str(_("Kompetanse")),
            _choice_rows(Assessment.Competence.choices),
            fig.by_competence,
        ),
    ]
    counted = [name for name, _h in columns if name != "hours"]
    values: dict = {("total", name): fig.total.value(name) for name in counted}
    equations = []
    for slug, _title, _head, rows, source in groups:
        for key, _label in rows:
            for name in counted:
                values[(slug, key, name)] = source.get(key, Counts()).value(name)
        for name in counted:
            equations.append(([(slug, key, name) for key, _l in rows], ("total", name)))
    hidden = suppression.suppress(values, equations) if suppress else set()

    def cells(counts: Counts, key) -> list[Cell]:
        out = []
        for name, _header in columns:
            if name == "hours":
                # one decimal with a decimal comma, like the dashboard's days (tables.rounded)
                out.append(Cell(counts.hours, (*key, "children") in hidden, kind="days"))
            else:
                out.append(Cell(counts.value(name), (*key, name) in hidden))
        return out

    total = Row(str(_("Alle")), cells(fig.total, ("total",)), True)
    return [
        Table(
            slug,
            title,
            [head, *(header for _n, header in columns)],
            [Row(label, cells(source.get(key, Counts()), (slug, key))) for key, label in rows]
            + [total],
        )
        for slug, title, head, rows, source in groups
    ]


def definitions_table(report: str) -> Table:
    return Table(
        "definisjoner",
        str(_("Definisjoner")),
        [str(_("Begrep")), str(_("Definisjon"))],
        [Row(term, [Cell(text, kind="text")]) for term, text in DEFINITIONS[report]],
    )


def heading(fig: Figures) -> list[str]:
    """The lines above the tables in an export: the report, the municipality, the day."""
    return [
        str(fig.report.title),
        str(_("Kommune: %(name)s (%(number)s)"))
        % {"name": fig.municipality.name, "number": fig.municipality.number},
        str(_("Tellingsdag: %(day)s")) % {"day": formats.date_format(fig.day, "SHORT_DATE_FORMAT")},
        str(_("Vedtak etter %(law)s")) % {"law": fig.report.law},
    ]


# --- the exports (cells through core.exports: nothing can become a formula) -------------------


def _csv_cell(cell: Cell) -> str:
    value = cell.export
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")  # Norwegian Excel reads a decimal comma
    return str(spreadsheet_value(value))


def report_csv(fig: Figures, tables: list[Table]) -> str:
    """Every table of the report in one file, one after the other under its title, with the
    definitions last: UTF-8 with a byte-order mark and semicolons, as the dashboard's CSV."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for line in heading(fig):
        writer.writerow(spreadsheet_row([line]))
    for table in [*tables, definitions_table(fig.report.slug)]:
        writer.writerow([])
        writer.writerow(spreadsheet_row([table.title]))
        writer.writerow(spreadsheet_row(table.columns))
        for row in table.rows:
            writer.writerow([spreadsheet_value(row.label), *(_csv_cell(c) for c in row.cells)])
        for line in table.legend:
            writer.writerow(spreadsheet_row([line]))
    return "\ufeff" + out.getvalue()


def report_xlsx(fig: Figures, tables: list[Table]) -> bytes:
    """One sheet per table, the report's heading on each, the definitions on the last sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for table in [*tables, definitions_table(fig.report.slug)]:
        sheet = book.create_sheet(table.slug)
        sheet.append(spreadsheet_row([table.title]))
        sheet["A1"].font = Font(bold=True, size=13)
        for line in heading(fig):
            sheet.append(spreadsheet_row([line]))
        sheet.append([])
        sheet.append(spreadsheet_row(table.columns))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(spreadsheet_row([row.label, *(c.export for c in row.cells)]))
            for cell, value in zip(sheet[sheet.max_row][1:], row.cells, strict=True):
                text = value.kind == "text"
                cell.alignment = Alignment(horizontal="left" if text else "right", wrap_text=text)
                cell.font = Font(bold=row.total)
        for line in table.legend:
            sheet.append(spreadsheet_row([line]))
        sheet.column_dimensions["A"].width = 36
        for letter in "BCDE":
            sheet.column_dimensions[letter].width = 22 if table.slug != "definisjoner" else 100
    workbook_without_formulas(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
