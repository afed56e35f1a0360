"""The dashboard's share of decided hours delivered (issue 18): per month, per area and per
unit, from the weeks registered (decisions.DeliveryWeek) in the period, with the same
small-count suppression as the other tables: a cell that rests on one to four vedtak (children)
is hidden with its hours and share, and the counts of units add up to their area's and the
areas' to the total (decisions/suppression.py).

One query, whatever the size of the archive: the rollup decisions.DeliveryMonth (per unit
and month, kept by the services) of the chosen units in the period, from the index
deliverymonth_scope_month, summed in Python (a few thousand rows for a year of a large
municipality). Decided hours are those of the weeks registered (each week stores its vedtak's
hours for that week); a week nobody registered is shown on the case page and flagged by the
morning check, not counted here. A unit's row over several months counts the vedtak of its
busiest month (the rollup cannot tell the same vedtak in two months apart): a lower bound of
the vedtak behind its sums, so a cell is never shown on fewer than five; an area's and the
total's are the sums of their units'.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from decisions import suppression
from decisions.dashboard.tables import Cell, Row, Table

DELIVERY_SLUGS = ("levert-maned", "levert-omrader", "levert-enheter")

# Summed by PostgreSQL, one row per unit and one per month (GROUPING SETS): a unit's vedtak
# are those of its busiest month (max), a month's the sum over its units.
_SQL = """
    SELECT m.unit_id, m.month, sum(m.vedtak), max(m.vedtak), sum(m.hours_decided),
           sum(m.hours_given)
    FROM decisions_deliverymonth m
    WHERE m.municipality_id = ANY(%(municipalities)s) AND m.unit_id = ANY(%(units)s)
      AND m.month BETWEEN %(start)s AND %(end)s
    GROUP BY GROUPING SETS ((m.unit_id), (m.month))
"""


@dataclass
class Sums:
    vedtak: int = 0
    decided: Decimal = Decimal(0)
    given: Decimal = Decimal(0)


@dataclass
class DeliveryFigures:
    units: list = field(default_factory=list)  # Unit instances with their area
    per_unit: dict[int, Sums] = field(default_factory=dict)
    per_month: dict[date, Sums] = field(default_factory=dict)
    total: Sums = field(default_factory=Sums)
    months: list[date] = field(default_factory=list)


def delivery_figures(*, units, period) -> DeliveryFigures:
    fig = DeliveryFigures(units=list(units), months=[m[0] for m in period.months()])
    if not fig.units:
        return fig
    params = {
        "municipalities": sorted({u.municipality_id for u in fig.units}),
        "units": [u.pk for u in fig.units],
        "start": period.start.replace(day=1),
        "end": period.end,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        for unit_id, month, vedtak, busiest, decided, given in cursor.fetchall():
            if unit_id is not None:
                fig.per_unit[unit_id] = Sums(busiest, decided, given)
                fig.total.vedtak += busiest
                fig.total.decided += decided
                fig.total.given += given
            else:
                fig.per_month[month] = Sums(vedtak, decided, given)
    return fig


def _share(sums: Sums) -> float | None:
    if not sums.decided:
        return None
    return round(float(sums.given * 100 / sums.decided), 1)


def _hours(value: Decimal) -> int:
    return int(value.quantize(Decimal(1)))


def _cells(sums: Sums, hidden: bool) -> list[Cell]:
    """Vedtak, decided hours, given hours, share: all hidden with a hidden count of vedtak."""
    return [
        Cell(sums.vedtak, hidden),
        Cell(_hours(sums.decided), hidden),
        Cell(_hours(sums.given), hidden),
        Cell(_share(sums), hidden, kind="share"),
    ]


COLUMNS = [_("Vedtak"), _("Vedtatte timer"), _("Gitte timer"), _("Andel levert")]


def delivery_tables(fig: DeliveryFigures) -> list[Table]:
    areas: dict[int, tuple[str, Sums, list[int]]] = {}
    for unit in fig.units:
        sums = fig.per_unit.get(unit.pk, Sums())
        name, area_sums, unit_ids = areas.setdefault(unit.area_id, (unit.area.name, Sums(), []))
        # A vedtak belongs to one unit: the units' counts add up to the area's.
        area_sums.vedtak += sums.vedtak
        area_sums.decided += sums.decided
        area_sums.given += sums.given
        unit_ids.append(unit.pk)
    values = {("unit", u.pk): fig.per_unit.get(u.pk, Sums()).vedtak for u in fig.units}
    values |= {("area", a): s.vedtak for a, (_n, s, _u) in areas.items()}
    values[("total",)] = fig.total.vedtak
    equations = [([("area", a) for a in areas], ("total",))]
    equations += [([("unit", u) for u in ids], ("area", a)) for a, (_n, _s, ids) in areas.items()]
    hidden = suppression.suppress(values, equations)
    header = [str(c) for c in COLUMNS]
    total = Row(str(_("Alle")), _cells(fig.total, ("total",) in hidden), True)

    month_values = {m: fig.per_month.get(m, Sums()).vedtak for m in fig.months}
    month_hidden = suppression.primary(month_values)
    months = Table(
        "levert-maned",
        str(_("Levert hjelp per måned")),
        [str(_("Måned")), *header],
        [
            Row(
                formats.date_format(m, "F Y").capitalize(),
                _cells(fig.per_month.get(m, Sums()), m in month_hidden),
            )
            for m in fig.months
        ]
        + [total],
        str(
            _(
                "Andelen av vedtatte timer som er gitt, i ukene som er registrert (uken regnes i "
                "måneden mandagen er i)."
            )
        ),
    )
    area_table = Table(
        "levert-omrader",
        str(_("Levert hjelp per område")),
        [str(_("Område")), *header],
        [
            Row(name, _cells(sums, ("area", a) in hidden))
            for a, (name, sums, _ids) in sorted(areas.items(), key=lambda i: i[1][0])
        ]
        + [total],
        str(_("Andelen av vedtatte timer som er gitt i perioden.")),
    )
    unit_rows = [
        Row(
            u.name,
            [
                Cell(u.area.name, kind="text"),
                *_cells(fig.per_unit.get(u.pk, Sums()), ("unit", u.pk) in hidden),
            ],
        )
        for u in fig.units
        if fig.per_unit.get(u.pk)
    ]
    unit_table = Table(
        "levert-enheter",
        str(_("Levert hjelp per enhet")),
        [str(_("Enhet")), str(_("Område")), *header],
        sorted(unit_rows, key=lambda r: (r.cells[4].hidden, r.cells[4].value or 0))
        + [Row(str(_("Alle")), [Cell("", kind="text"), *total.cells], True)],
        str(_("Enheter med registrert hjelp i perioden, lavest andel levert først.")),
    )
    return [months, area_table, unit_table]
