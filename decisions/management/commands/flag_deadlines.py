"""manage.py flag_deadlines [--date YYYY-MM-DD]: the morning job, the same code beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from decisions.tasks import flag_deadlines


class Command(BaseCommand):
    help = "Flag deadlines that are approaching or overdue and queue the office's digests."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="Run as of this day (YYYY-MM-DD).")

    def handle(self, *args, day=None, **options):
        if day is not None:
            try:
                datetime.date.fromisoformat(day)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD, e.g. 2026-11-25.") from None
        with transaction.atomic():  # digests are queued when this commits
            result = flag_deadlines(day)
        self.stdout.write(
            f"{result['deadlines']} frister å følge opp, {result['flags_created']} nye flagg, "
            f"{len(result['notifications'])} sammendrag i kø."
        )
