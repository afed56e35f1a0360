"""manage.py national_report basil|gsi [--date YYYY-MM-DD] [--municipality NUMBER|NAME]
[--format table|csv|xlsx] [--out FILE] [--prikket]: the national reports (BASIL, GSI) for one
municipality, counted as decisions/national_reports.py defines them.

The exact figures, unsuppressed: this is the municipality's own reporting to Udir, run by
someone with access to the server (--prikket suppresses small counts as the dashboard does)."""

import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core import limits
from decisions import national_reports as nr
from teams.models import Municipality, Unit

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value: str) -> date:
    """A counting day, strictly YYYY-MM-DD, between 2000-01-01 and a year from today."""
    if not _ISO_DAY.fullmatch(value or ""):
        raise CommandError(f"Ugyldig dato «{value}»: skriv den som ÅÅÅÅ-MM-DD, f.eks. 2026-12-15.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Datoen «{value}» finnes ikke.") from None
    if message := limits.date_bound_error(day, latest=limits.today() + nr.DAY_AHEAD):
        raise CommandError(str(message))
    return day


def find_municipality(value: str | None) -> Municipality:
    """By its four-digit number or its name (with or without "kommune"); the only one when
    there is just one."""
    if value is None:
        found = list(Municipality.objects.order_by("number")[:2])
        if len(found) == 1:
            return found[0]
        raise CommandError("Velg kommune med --municipality (kommunenummer eller navn).")
    value = value.strip()[:100]
    found = list(
        Municipality.objects.filter(number=value)
        if value.isdigit()
        else Municipality.objects.filter(
            Q(name__iexact=value) | Q(name__iexact=f"{value} kommune")
        )[:2]
    )
    if len(found) != 1:
        raise CommandError(
            f"Fant ingen kommune «{value}»."
            if not found
            else f"Flere kommuner heter «{value}»: bruk kommunenummeret."
        )
    return found[0]


class Command(BaseCommand):
    help = "Count BASIL (15 December) or GSI (1 October) for one municipality."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=sorted(nr.REPORTS), help="basil or gsi")
        parser.add_argument("--date", dest="day", help="Counting day, YYYY-MM-DD.")
        parser.add_argument("--municipality", help="Municipality number or name.")
        parser.add_argument("--format", default="table", choices=["table", "csv", "xlsx"])
        parser.add_argument("--out", help="Write to this file (required for xlsx).")
        parser.add_argument(
            "--prikket", action="store_true", help="Hide counts 1-4 as the dashboard does."
        )

    def handle(self, *args, report, day, municipality, format, out, prikket, **options):
        day = parse_day(day) if day is not None else nr.default_day(report, limits.today())
        if format == "xlsx" and not out:
            raise CommandError("En Excel-fil må skrives til en fil: bruk --out FIL.xlsx.")
        place = find_municipality(municipality)
        units = list(
            Unit.objects.filter(municipality=place, kind=nr.REPORTS[report].unit_kind).order_by(
                "name", "pk"
            )
        )
        fig = nr.report_figures(report, municipality=place, units=units, day=day)
        tables = nr.report_tables(fig, suppress=prikket)
        if format == "xlsx":
            Path(out).write_bytes(nr.report_xlsx(fig, tables))
        elif format == "csv":
            text = nr.report_csv(fig, tables)
            if out:
                Path(out).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
        else:
            text = _table_text(fig, tables)
            if out:
                Path(out).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
        if out:
            self.stderr.write(f"Skrev {out}.")


def _table_text(fig, tables) -> str:
    """The tables as aligned plain text, then the definitions."""
    lines = [*nr.heading(fig), ""]
    for table in tables:
        width = max(len(table.columns[0]), *(len(r.label) for r in table.rows))
        widths = [max(len(c), 8) for c in table.columns[1:]]
        lines.append(table.title)
        lines.append(
            "  ".join(
                [
                    table.columns[0].ljust(width),
                    *(c.rjust(w) for c, w in zip(table.columns[1:], widths, strict=True)),
                ]
            )
        )
        for row in table.rows:
            cells = (c.text.rjust(w) for c, w in zip(row.cells, widths, strict=True))
            lines.append("  ".join([row.label.ljust(width), *cells]))
        lines.extend(table.legend)
        lines.append("")
    lines.append("Definisjoner")
    for term, text in nr.DEFINITIONS[fig.report.slug]:
        lines.append(f"- {term}: {text}")
    return "\n".join(lines) + "\n"
