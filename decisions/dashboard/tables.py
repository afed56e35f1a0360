"""The dashboard's tables: the figures as rows of cells, with small counts suppressed
(decisions/suppression.py), exactly as the page shows them and the exports carry them."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from decisions import suppression
from decisions.dashboard.figures import Figures
from decisions.dashboard.scope import ADVISOR_SLUG, PHASES
from referrals import case_kinds

_TENTH = Decimal("0.1")


def rounded(value: float | int | Decimal) -> int | Decimal:
    """A share or a number of days as the page shows it and the exports write it: to one
    decimal, halves up (175.85 → 175.9, never 175.8 on the page and 175.9 in Excel); a whole
    number without its decimal. Through the number's shortest decimal form (str), so a float's
    binary rounding (175.85 is 175.8499… in binary) cannot tip it."""
    tenths = Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return int(tenths) if tenths == tenths.to_integral_value() else tenths


@dataclass
class Cell:
    value: int | float | None
    hidden: bool = False
    kind: str = "count"  # count, share (0–100), days, text

    @property
    def mark(self) -> str:
        """A hidden cell's mark: "<5" for a small count, "⋯" for a cell hidden to protect one."""
        return suppression.mark(self.value, count=self.kind == "count")

    @property
    def secondary(self) -> bool:
        return self.hidden and self.mark == suppression.SECONDARY

    @property
    def text(self) -> str:
        """What the page shows (Norwegian number format)."""
        if self.hidden:
            return self.mark
        if self.value is None:
            return "–"
        if self.kind == "text":
            return str(self.value)
        if self.kind == "share":
            return f"{formats.number_format(rounded(self.value), use_l10n=True)} %"
        if self.kind == "days":
            return formats.number_format(rounded(self.value), use_l10n=True)
        if type(self.value) is int:
            # number_format(value, 0, force_grouping=True) for a whole count, without its
            # machinery: a table per unit of a large municipality has 1,500 cells.
            return f"{self.value:,}".replace(",", str(formats.get_format("THOUSAND_SEPARATOR")))
        return formats.number_format(self.value, 0, use_l10n=True, force_grouping=True)

    @property
    def export(self) -> int | float | str:
        """What a spreadsheet cell holds: the number the page shows (a number, not text), the
        hidden cell's mark, or empty."""
        if self.hidden:
            return self.mark
        if self.value is None:
            return ""
        if self.kind in ("share", "days"):
            value = rounded(self.value)
            return value if isinstance(value, int) else float(value)
        return self.value

    @property
    def chart(self) -> int | float | None:
        """What a chart may draw: never a hidden number."""
        return None if self.hidden else self.value


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]  # the header, first column included
    rows: list[Row]
    note: str = ""

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for r in self.rows for c in r.cells)

    @property
    def has_small(self) -> bool:
        return any(c.hidden and not c.secondary for r in self.rows for c in r.cells)

    @property
    def has_secondary(self) -> bool:
        return any(c.secondary for r in self.rows for c in r.cells)

    @property
    def legend(self) -> list[str]:
        """The marks used in the table, explained (under the table and in the exports)."""
        lines = []
        if self.has_small:
            lines.append(str(LEGEND_SMALL))
        if self.has_secondary:
            lines.append(str(LEGEND_SECONDARY))
        return lines


LEGEND_SMALL = _(
    "<5: færre enn fem saker (mellom 1 og 4). Skjult så ingen kan kjenne igjen et barn."
)
LEGEND_SECONDARY = _(
    "⋯: skjult fordi et tall under fem ellers kunne regnes ut fra summen. Tallet er 0 eller "
    "minst 5 (en andel eller et antall dager er skjult av samme grunn)."
)


def _grid(
    rows: list[tuple[object, str, list[int]]],
    total: tuple[str, list[int]] | None,
    *,
    row_sums: tuple[int, list[int]] | None = None,
) -> list[Row]:
    """Rows of counts with their column totals as equations (and, with ``row_sums`` =
    (total column, part columns), each row's parts adding up to its total column)."""
    values, equations = {}, []
    width = len(rows[0][2]) if rows else len(total[1]) if total else 0
    for key, _label, counts in rows:
        for c, v in enumerate(counts):
            values[(key, c)] = v
    if total is not None:
        for c, v in enumerate(total[1]):
            values[("total", c)] = v
        equations += suppression.column_equations([k for k, _l, _v in rows], range(width), "total")
    if row_sums is not None:
        whole, parts = row_sums
        keys = [k for k, _l, _v in rows] + (["total"] if total is not None else [])
        equations += [([(k, p) for p in parts], (k, whole)) for k in keys]
    hidden = suppression.suppress(values, equations)
    result = [
        Row(label, [Cell(v, (key, c) in hidden) for c, v in enumerate(counts)])
        for key, label, counts in rows
    ]
    if total is not None:
        result.append(
            Row(total[0], [Cell(v, ("total", c) in hidden) for c, v in enumerate(total[1])], True)
        )
    return result


def _phase_table(fig: Figures) -> Table:
    rows = []
    for key, _status, label in PHASES:
        p = fig.phases[key]
        ok = p["open"] - p["approaching"] - p["overdue"]
        rows.append((key, str(label), [p["open"], ok, p["approaching"], p["overdue"]]))
    totals = [sum(r[2][c] for r in rows) for c in range(4)]
    return Table(
        "faser",
        str(_("Åpne saker etter fase nå")),
        [
            str(_("Fase")),
            str(_("Åpne saker")),
            str(_("Innen fristen")),
            str(_("Nærmer seg frist")),
            str(_("Over fristen")),
        ],
        _grid(rows, (str(_("Alle åpne saker")), totals), row_sums=(0, [1, 2, 3])),
        str(
            _(
                "Saker i fasen i dag. Over fristen: minst én frist i saken er passert uten å være "
                "møtt. Nærmer seg: minst én frist er innenfor varslingstiden, ingen er passert."
            )
        ),
    )


SHARE_LABELS = {
    "decision": _("Vedtak innen fristen (tre måneder fra T0)"),
    "provisional_reply": _("Foreløpig svar innen en måned, der det trengtes"),
    "help_start": _("Hjelpen startet innen fristen"),
}


def _share_table(fig: Figures) -> Table:
    rows = []
    for name, label in SHARE_LABELS.items():
        s = fig.shares[name]
        values = {"on": s["on_time"], "late": s["total"] - s["on_time"], "all": s["total"]}
        hidden = suppression.suppress(values, [(["on", "late"], "all")])
        share = 100 * s["on_time"] / s["total"] if s["total"] else None
        cells = [Cell(values[k], k in hidden) for k in ("on", "late", "all")]
        cells.append(Cell(share, bool(hidden), "share"))
        rows.append(Row(str(label), cells))
    return Table(
        "frister",
        str(_("Frister overholdt i perioden")),
        [
            str(_("Frist")),
            str(_("Innen fristen")),
            str(_("For sent eller ikke møtt")),
            str(_("Frister i perioden")),
            str(_("Andel innen fristen")),
        ],
        rows,
        str(
            _(
                "Frister som falt i perioden: møtt, eller passert uten å være møtt. Foreløpig "
                "svar telles bare der vedtaket ikke kom innen en måned."
            )
        ),
    )


WAIT_LABELS = {
    "assessment": _("Fra T0 til sakkyndig vurdering"),
    "decision": _("Fra T0 til vedtak"),
    "help": _("Fra vedtak til hjelpen startet"),
}


def _wait_table(fig: Figures) -> Table:
    rows = []
    for name, label in WAIT_LABELS.items():
        w = fig.waits[name]
        few = w["n"] < 5  # the median of one or two cases is those cases' own waiting time
        rows.append(
            Row(
                str(label),
                [
                    Cell(w["n"], suppression.is_small(w["n"])),
                    Cell(None if few else w["median"], kind="days"),
                    Cell(None if few else w["p90"], kind="days"),
                ],
            )
        )
    return Table(
        "ventetid",
        str(_("Ventetid i dager")),
        [str(_("Strekning")), str(_("Saker")), str(_("Median")), str(_("90-persentil"))],
        rows,
        str(
            _(
                "Saker der steget skjedde i perioden. Median: halvparten ventet kortere. "
                "90-persentil: ni av ti ventet kortere. Vises ikke for færre enn fem saker."
            )
        ),
    )


def _month_table(fig: Figures) -> Table:
    rows = [
        (
            i,
            formats.date_format(m["month"], "YEAR_MONTH_FORMAT"),
            [m["received"], m["decided"], m["open"]],
        )
        for i, m in enumerate(fig.months)
    ]
    # Received and decided add up over the months; the caseload is a stock, it has no total.
    values = {(i, c): v for i, _l, counts in rows for c, v in enumerate(counts)}
    totals = [sum(m["received"] for m in fig.months), sum(m["decided"] for m in fig.months)]
    values.update({("total", c): v for c, v in enumerate(totals)})
    keys = [i for i, _l, _c in rows]
    hidden = suppression.suppress(values, suppression.column_equations(keys, [0, 1], "total"))
    result = [
        Row(label, [Cell(v, (i, c) in hidden) for c, v in enumerate(counts)])
        for i, label, counts in rows
    ]
    result.append(
        Row(
            str(_("Sum")),
            [Cell(v, ("total", c) in hidden) for c, v in enumerate(totals)] + [Cell(None)],
            True,
        )
    )
    return Table(
        "maned",
        str(_("Inn og ut per måned")),
        [
            str(_("Måned")),
            str(_("Henvisninger mottatt")),
            str(_("Vedtak fattet")),
            str(_("Åpne saker ved månedsslutt")),
        ],
        result,
        str(
            _(
                "Åpne saker: fristene løper (T0), uten vedtak og ikke trukket. For inneværende "
                "måned: i dag."
            )
        ),
    )


def _place_tables(fig: Figures) -> tuple[Table, Table]:
    """Per area and per unit, suppressed together: a unit's counts add up to its area's."""
    values, equations = {}, []
    cols = ["approaching", "overdue"]
    for a in fig.areas:
        for c in cols:
            values[("area", a["id"], c)] = a[c]
    for u in fig.units:
        for c in cols:
            values[("unit", u["id"], c)] = u[c]
    for c in cols:
        values[("total", c)] = sum(a[c] for a in fig.areas)
        equations.append(([("area", a["id"], c) for a in fig.areas], ("total", c)))
        for a in fig.areas:
            parts = [("unit", u["id"], c) for u in fig.units if u["area_id"] == a["id"]]
            equations.append((parts, ("area", a["id"], c)))
    hidden = suppression.suppress(values, equations)

    def cells(prefix, ident):
        keys = [(prefix, ident, c) if ident is not None else (prefix, c) for c in cols[::-1]]
        return [Cell(values[k], k in hidden) for k in keys]

    total_row = Row(str(_("Alle")), cells("total", None), True)
    header = [str(_("Over fristen")), str(_("Nærmer seg frist"))]
    areas = Table(
        "omrader",
        str(_("Saker over fristen per område")),
        [str(_("Område")), *header],
        _ranked([Row(a["name"], cells("area", a["id"])) for a in fig.areas]) + [total_row],
        str(_("Åpne saker i dag, flest over fristen først.")),
    )
    area_name = {a["id"]: a["name"] for a in fig.areas}
    unit_rows = [
        Row(
            u["name"], [Cell(area_name.get(u["area_id"], ""), kind="text"), *cells("unit", u["id"])]
        )
        for u in fig.units
    ]
    units = Table(
        "enheter",
        str(_("Saker over fristen per enhet")),
        [str(_("Enhet")), str(_("Område")), *header],
        _ranked(unit_rows, first=1)
        + [Row(str(_("Alle")), [Cell("", kind="text"), *cells("total", None)], True)],
        str(_("Enheter med saker over eller nær fristen i dag, flest over fristen først.")),
    )
    return areas, units


def _ranked(rows: list[Row], first: int = 0) -> list[Row]:
    """Most overdue first, by what the reader sees: a hidden count is ranked with the "<5"s
    (after every shown count above zero, before the zeros), or its place in the ranking would
    tell how big it is."""

    return sorted(rows, key=lambda r: (_rank(r.cells[first]), _rank(r.cells[first + 1]), r.label))


def _rank(cell: Cell) -> tuple:
    if cell.hidden:
        return (1, 0)
    return (0, -cell.value) if cell.value else (2, 0)


def _advisor_table(fig: Figures) -> Table:
    """Open cases per advisor, most overdue first (ranked by what is shown, as _ranked does),
    the unassigned cases last."""
    # The unassigned cases (advisor None) last, whatever their count.
    advisors = sorted(fig.advisors, key=lambda a: a["id"] is None)
    rows = [
        (
            a["id"],
            a["name"] if a["id"] is not None else str(_("Ikke tildelt rådgiver")),
            [
                a["open"],
                a["open"] - a["approaching"] - a["overdue"],
                a["approaching"],
                a["overdue"],
            ],
        )
        for a in advisors
    ]
    totals = [sum(r[2][c] for r in rows) for c in range(4)]
    grid = _grid(rows, (str(_("Alle")), totals), row_sums=(0, [1, 2, 3]))
    named = sum(1 for a in advisors if a["id"] is not None)
    ranked = sorted(grid[:named], key=lambda r: (_rank(r.cells[3]), _rank(r.cells[2]), r.label))
    return Table(
        ADVISOR_SLUG,
        str(_("Åpne saker per rådgiver nå")),
        [
            str(_("Rådgiver")),
            str(_("Åpne saker")),
            str(_("Innen fristen")),
            str(_("Nærmer seg frist")),
            str(_("Over fristen")),
        ],
        ranked + grid[named:],
        str(
            _(
                "Åpne saker i dag etter rådgiveren saken er tildelt, flest over fristen først. "
                "Vises bare for PP-ledelsen."
            )
        ),
    )


APPEAL_ROWS = [
    ("received", _("Klager mottatt")),
    ("pending", _("Til behandling i kommunen")),
    ("reversed", _("Omgjort av kommunen")),
    ("sent", _("Sendt til Statsforvalteren")),
    ("awaiting", _("Venter på Statsforvalteren")),
    ("upheld", _("Stadfestet av Statsforvalteren")),
    ("changed", _("Endret av Statsforvalteren")),
    ("remanded", _("Opphevet og sendt tilbake")),
]


def _appeal_table(fig: Figures) -> Table:
    values = dict(fig.appeals)
    hidden = suppression.suppress(
        values,
        [
            (["pending", "reversed", "sent"], "received"),
            (["awaiting", "upheld", "changed", "remanded"], "sent"),
        ],
    )
    nested = {"awaiting", "upheld", "changed", "remanded"}
    return Table(
        "klager",
        str(_("Klager på vedtak")),
        [str(_("Klager")), str(_("Antall"))],
        [
            Row(("– " if key in nested else "") + str(label), [Cell(values[key], key in hidden)])
            for key, label in APPEAL_ROWS
        ],
        str(_("Klager mottatt i perioden, etter hvor de er nå.")),
    )


# The counts per case kind and school level (issue 19), in their columns' order; "not_overdue",
# "on" and "late" are not shown but take part in the suppression: open = overdue + not overdue,
# and the share on time shows "on" of "deadlines" (= on + late).
KIND_COLUMNS = ("open", "overdue", "received", "decided", "deadlines")
_KIND_HIDDEN = ("not_overdue", "on", "late")


def _kind_tables(fig: Figures) -> tuple[Table, Table]:
    """Per case kind ("Etter sakstype") and, for pupils, per school level ("Etter skoletrinn"),
    suppressed together: the kinds add up to the total, the levels to the pupils' total, and
    so do the school kinds (the pupils' row is the level table's total)."""
    school_kinds = [k for k in fig.kinds if case_kinds.RULES[k].is_school]
    levels = [*case_kinds.SchoolLevel.values, ""]
    sums: dict = {}

    def add(key, r):
        row = sums.setdefault(key, dict.fromkeys(KIND_COLUMNS + _KIND_HIDDEN, 0))
        for c in KIND_COLUMNS:
            row[c] += r[c]
        row["not_overdue"] += r["open"] - r["overdue"]
        row["on"] += r["on_time"]
        row["late"] += r["deadlines"] - r["on_time"]

    for k in fig.kinds:
        sums[("kind", k)] = dict.fromkeys(KIND_COLUMNS + _KIND_HIDDEN, 0)
    for level in levels:
        sums[("level", level)] = dict.fromkeys(KIND_COLUMNS + _KIND_HIDDEN, 0)
    sums[("total",)] = dict.fromkeys(KIND_COLUMNS + _KIND_HIDDEN, 0)
    sums[("pupils",)] = dict.fromkeys(KIND_COLUMNS + _KIND_HIDDEN, 0)
    for r in fig.by_kind:
        if r["kind"] not in case_kinds.RULES:
            continue  # not a kind of the table (never: Referral.kind's choices are its keys)
        add(("kind", r["kind"]), r)
        add(("total",), r)
        if case_kinds.RULES[r["kind"]].is_school:
            add(("level", r["school_level"]), r)
            add(("pupils",), r)
    values = {(*key, c): v for key, row in sums.items() for c, v in row.items()}
    equations = []
    for c in KIND_COLUMNS + _KIND_HIDDEN:
        equations.append(([("kind", k, c) for k in fig.kinds], ("total", c)))
        equations.append(([("level", lv, c) for lv in levels], ("pupils", c)))
        equations.append(([("kind", k, c) for k in school_kinds], ("pupils", c)))
    for key in sums:
        equations.append(([(*key, "overdue"), (*key, "not_overdue")], (*key, "open")))
        equations.append(([(*key, "on"), (*key, "late")], (*key, "deadlines")))
    hidden = suppression.suppress(values, equations)

    def cells(key) -> list[Cell]:
        row = [Cell(values[(*key, c)], (*key, c) in hidden) for c in KIND_COLUMNS]
        share_hidden = any((*key, c) in hidden for c in ("on", "late", "deadlines"))
        total = values[(*key, "deadlines")]
        share = 100 * values[(*key, "on")] / total if total else None
        return [*row, Cell(share, share_hidden, "share")]

    columns = [
        str(_("Åpne saker nå")),
        str(_("Over fristen nå")),
        str(_("Henvisninger mottatt")),
        str(_("Første vedtak fattet")),
        str(_("Vedtaksfrister i perioden")),
        str(_("Andel vedtak innen fristen")),
    ]
    note = str(
        _(
            "Åpne saker og saker over fristen i dag; henvisninger, første vedtak og "
            "vedtaksfrister i perioden. Vedtaksfrister: møtt, eller passert uten å være møtt."
        )
    )
    kinds = Table(
        "sakstype",
        str(_("Etter sakstype")),
        [str(_("Sakstype")), *columns],
        [Row(str(case_kinds.RULES[k].label), cells(("kind", k))) for k in fig.kinds]
        + [Row(str(_("Alle saker")), cells(("total",)), True)],
        note,
    )
    level_labels = dict(case_kinds.SchoolLevel.choices)
    level_rows = [
        Row(str(level_labels[lv]), cells(("level", lv))) for lv in case_kinds.SchoolLevel.values
    ]
    # Pupils past the tenth trinn or without a known trinn: shown only when there are any.
    if any(values[("level", "", c)] for c in KIND_COLUMNS):
        level_rows.append(Row(str(_("Trinn ikke kjent")), cells(("level", ""))))
    levels_table = Table(
        "skoletrinn",
        str(_("Elever etter skoletrinn")),
        [str(_("Skoletrinn")), *columns],
        [*level_rows, Row(str(_("Alle elevsaker")), cells(("pupils",)), True)],
        str(
            _(
                "Saker etter opplæringslova kapittel 11. Trinnet er klassens der eleven har "
                "klasse, ellers regnet ut fra fødselsdatoen den dagen saken kom inn."
            )
        ),
    )
    return kinds, levels_table


def dashboard_tables(fig: Figures) -> dict[str, Table]:
    areas, units = _place_tables(fig)
    by_kind, by_level = _kind_tables(fig)
    tables = [
        _phase_table(fig),
        by_kind,
        by_level,
        _share_table(fig),
        _wait_table(fig),
        _month_table(fig),
        areas,
        units,
        _appeal_table(fig),
    ]
    if fig.advisors is not None:
        tables.append(_advisor_table(fig))
    return {t.slug: t for t in tables}
