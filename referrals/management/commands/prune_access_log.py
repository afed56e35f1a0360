"""manage.py prune_access_log: delete access-log rows older than ACCESS_LOG_RETENTION_DAYS.

The only deletion the access log allows: the table's trigger refuses a DELETE unless the
transaction has switched ``rimelig.prune_access_log`` on, which happens here, around the DELETE
only. Run it as the database role that owns the table (daily is plenty).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from referrals.access_log import AccessLogEntry

# Rows per transaction: a first run after years without pruning must not hold one huge
# transaction (and its locks) open.
BATCH = 10_000


def prune_access_log(*, now=None, batch: int = BATCH) -> int:
    """Delete rows older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('rimelig.prune_access_log', 'on', true)")
            # The oldest first, through accesslog_at; S608: the table name is ours, not input.
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN "  # noqa: S608
                f"(SELECT id FROM {table} WHERE at < %s ORDER BY at LIMIT %s)",
                [cutoff, batch],
            )
            deleted = cursor.rowcount
            cursor.execute("SELECT set_config('rimelig.prune_access_log', 'off', true)")
        total += deleted
        if deleted < batch:
            return total


class Command(BaseCommand):
    help = "Delete access-log rows older than ACCESS_LOG_RETENTION_DAYS."

    def handle(self, *args, **options):
        days = settings.ACCESS_LOG_RETENTION_DAYS
        count = prune_access_log()
        self.stdout.write(f"Slettet {count} rader eldre enn {days} dager fra tilgangsloggen.")
