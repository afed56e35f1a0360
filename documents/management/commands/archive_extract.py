"""manage.py archive_extract --municipality 4601 --closed-before 2026-01-01 [--out DIR]

Writes a Noark 5 v5.0 arkivuttrekk of the municipality's closed cases (closed or withdrawn)
that ended before the date: documents/archive/extract.py."""

import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.archive import ArchiveError, write_extract
from teams.models import Municipality

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NORWEGIAN = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def parse_day(text: str) -> date:
    """2026-01-01 or 01.01.2026, a real day between 2000 and 2100 (nothing else)."""
    text = (text or "").strip()
    iso, nb = _ISO.match(text), _NORWEGIAN.match(text)
    try:
        if iso:
            day = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif nb:
            day = date(int(nb[3]), int(nb[2]), int(nb[1]))
        else:
            raise ValueError(text)
    except ValueError:
        raise CommandError(
            _(
                "Ugyldig dato «%(text)s» for --closed-before: skriv ÅÅÅÅ-MM-DD (2026-01-01) "
                "eller DD.MM.ÅÅÅÅ (01.01.2026)."
            )
            % {"text": text[:40]}
        ) from None
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise CommandError(
            _("Datoen %(day)s for --closed-before må ligge mellom 2000 og 2100.")
            % {"day": day.strftime("%d.%m.%Y")}
        )
    return day


def find_municipality(text: str) -> Municipality:
    """By its four-digit number or its name (case-insensitive)."""
    text = (text or "").strip()[:100]
    found = Municipality.objects.filter(number=text).first() if text.isdigit() else None
    found = found or Municipality.objects.filter(name__iexact=text).first()
    if found is None:
        raise CommandError(
            _("Fant ingen kommune med nummer eller navn «%(text)s».") % {"text": text}
        )
    return found


class Command(BaseCommand):
    help = gettext_lazy(
        "Skriver et Noark 5-arkivuttrekk (v5.0) av kommunens saker som ble avsluttet før datoen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipality", required=True, help=gettext_lazy("kommunenummer eller navn")
        )
        parser.add_argument(
            "--closed-before", required=True, help=gettext_lazy("saker avsluttet før denne datoen")
        )
        parser.add_argument(
            "--out", help=gettext_lazy("mappen uttrekket skrives til (tom eller ny)")
        )

    def handle(self, *args, **options):
        municipality = find_municipality(options["municipality"])
        closed_before = parse_day(options["closed_before"])
        out = Path(
            options["out"]
            or Path(settings.BASE_DIR)
            / "var"
            / "arkivuttrekk"
            / f"{municipality.number}-{closed_before.isoformat()}"
        )
        try:
            result = write_extract(municipality=municipality, closed_before=closed_before, out=out)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "Arkivuttrekk skrevet til %(out)s: %(cases)s saker, %(entries)s journalposter, "
                "%(files)s dokumentfiler (%(bytes)s byte)."
            )
            % {
                "out": result.out,
                "cases": result.cases,
                "entries": result.journal_entries,
                "files": result.document_files,
                "bytes": result.document_bytes,
            }
        )
