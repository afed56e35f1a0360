"""manage.py seed_demo: the synthetic demo municipality. Lives in decisions, the top of the
app chain (decisions → referrals → teams), so it may seed every app without importing upward."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from teams.demo import DEMO_PASSWORD, seed_organisation

LOGINS = [
    ("radgiver@demo.no", "PP-rådgiver (områdene Nord og Sør i Solvik)"),
    ("radgiver2@demo.no", "PP-rådgiver (alle områder)"),
    ("styrer@demo.no", "Styrer, Solsikken barnehage"),
    ("styrer2@demo.no", "Styrer, Blåbærtoppen barnehage"),
    ("spesialpedagog@demo.no", "Spesialpedagog, Solvik"),
    ("barnehagekontoret@demo.no", "Barnehagekontoret, Solvik"),
    ("kommunalsjef@demo.no", "Kommunalsjef, Solvik"),
    ("admin@demo.no", "Systemansvarlig, Solvik (Django-admin)"),
    ("bergtun@demo.no", "Barnehagekontoret, Bergtun (annen kommune)"),
]


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic demo municipality (idempotent; refused in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same seed, same data)."
        )

    def handle(self, *args, force=False, seed=2026, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo fills the database with synthetic people; it refuses to run when DEBUG "
                "is off. Use --force only on a database that is not production."
            )
        rng = random.Random(seed)
        self.stdout.write("Organisasjon: kommuner, områder, enheter, brukere …")
        with transaction.atomic():
            org = seed_organisation(rng)
        self.stdout.write(
            f"  {len(org.municipalities)} kommuner, {len(org.units)} enheter, {len(org.users)} brukere"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demodata klare. Innlogging (passord for alle: {DEMO_PASSWORD}):")
        )
        for email, what in LOGINS:
            self.stdout.write(f"  {email:<28} {what}")
