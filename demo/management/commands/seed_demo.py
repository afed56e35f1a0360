"""manage.py seed_demo: the synthetic demo municipality. Lives in the demo app, above the app
chain (demo → decisions → referrals → teams), so it may seed every app; no product app imports it."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from decisions import delivery, flagging
from demo.case_life import seed_case_life
from demo.caseload import seed_caseload
from demo.consultations import seed_named_consultations
from demo.decisions import seed_dashboard_story, seed_decisions
from demo.delivery import seed_delivery
from demo.journal import seed_journal
from demo.letters import seed_letters
from demo.organisation import DEMO_PASSWORD, seed_organisation
from demo.pauses import seed_pause_ledger
from demo.pupils import seed_pupils
from demo.ressursteam import seed_ressursteam
from demo.school_work import seed_iops, seed_unit_referrals
from demo.shipments import seed_shipments
from demo.transition import seed_transition
from referrals.models import Referral

LOGINS = [
    ("radgiver@demo.no", "PP-rådgiver (områdene Nord og Sør i Solvik)"),
    ("radgiver2@demo.no", "PP-rådgiver (alle områder)"),
    ("ppt-leder@demo.no", "PP-leder (oversikt over kontorets kommuner, per rådgiver)"),
    ("styrer@demo.no", "Styrer, Solsikken barnehage"),
    ("styrer2@demo.no", "Styrer, Blåbærtoppen barnehage"),
    ("spesialpedagog@demo.no", "Spesialpedagog, Solvik"),
    ("barnehagekontoret@demo.no", "Barnehagekontoret, Solvik"),
    ("kommunalsjef@demo.no", "Kommunalsjef, Solvik"),
    ("admin@demo.no", "Systemansvarlig, Solvik (Django-admin for Solvik, ingen superbruker)"),
    ("drift@demo.no", "Plattformdrift (oppretter kommuner; ser ingen saker eller barn)"),
    ("bergtun@demo.no", "Barnehagekontoret, Bergtun (annen kommune)"),
    ("rektor@demo.no", "Rektor, Solvik skole (fatter vedtak: Solvik har delegert til rektor)"),
    ("rektor2@demo.no", "Rektor, Nordre Solvik skole"),
    ("kontaktlarer@demo.no", "Kontaktlærer, 5A og 5B på Solvik skole"),
    ("skolekontoret@demo.no", "Skolekontoret, Solvik"),
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
        parser.add_argument(
            "--children", type=int, default=3000, help="How many children (default 3000)."
        )
        parser.add_argument(
            "--referrals",
            type=int,
            default=800,
            help="How many cases, one per child (default 800).",
        )

    def handle(self, *args, force=False, seed=2026, children=3000, referrals=800, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo fills the database with synthetic people; it refuses to run when DEBUG "
                "is off. Use --force only on a database that is not production."
            )
        if children < 0 or referrals < 0 or referrals > children:
            raise CommandError("--referrals must be between 0 and --children (one child per case).")
        started = time.monotonic()
        rng = random.Random(seed)
        self.stdout.write("Organisasjon: kommuner, områder, enheter, brukere …")
        with transaction.atomic():
            org = seed_organisation(rng)
        self.stdout.write(
            f"  {len(org.municipalities)} kommuner, {len(org.units)} enheter, {len(org.users)} brukere"
        )
        self.stdout.write("Barn, foresatte og saker …")
        # One transaction: seed_caseload skips once children exist, so a half-done run must
        # leave nothing behind.
        with transaction.atomic():
            caseload = seed_caseload(
                org, rng, children=children, referrals=referrals, progress=self.stdout.write
            )
        with transaction.atomic():
            pupils = seed_pupils(org, rng, progress=self.stdout.write)
        self.stdout.write(
            f"  Elever: {len(org.classes)} klasser; {pupils['added']} elever lagt til på trinn "
            f"uten elever, {pupils['classes_set']} elever fikk klasse"
        )
        self.stdout.write("Vedtak, foreløpige svar, klager og frister …")
        today = timezone.localdate()
        counts = seed_decisions(rng, today=today, municipalities=org.municipalities)
        if not counts.get("skipped"):
            self.stdout.write(
                f"  {counts['decided']} vedtak ({counts['help_started']} med hjelp i gang, "
                f"{counts['appealed']} påklaget), {counts['replies']} foreløpige svar"
            )
        story = seed_dashboard_story(rng, today, org.municipalities)
        if not story.get("skipped"):
            self.stdout.write(
                f"  Oversikten: {story['overdue']} saker over fristen til Kastanjen barnehage, "
                f"{story['east']} nye saker i område Øst"
            )
        self.stdout.write(f"  {seed_pause_ledger(org, today=today)} pauser i pauseloggen")
        self.stdout.write(f"  Sakens videre liv: {seed_case_life(today)}")
        self.stdout.write(
            f"  Overgang barnehage–skole: {seed_transition(rng, today, org.municipalities[0])}"
        )
        self.stdout.write("Ressursteam, drøftinger, systemarbeid og tjenesteoversikt …")
        with transaction.atomic():
            team = seed_ressursteam(org, today=today, seed=seed)
            team["named"] = seed_named_consultations(org, today=today, seed=seed)
        self.stdout.write(
            f"  {team['meetings']} nye møter, {team['consultations']} anonyme og "
            f"{team['named']} navngitte drøftinger, {team['system_work']} registreringer av "
            f"systemarbeid, {team['services']} nye tjenester"
        )
        self.stdout.write(f"  Hjelp gitt: {seed_delivery(rng, today=today)}")
        # The journal's receipts first, then the letters (journalled as they are finalised),
        # then their shipments.
        self.stdout.write(f"  Journal og dokumenter: {seed_journal(today)}")
        self.stdout.write(f"  Brev: {seed_letters()}")
        self.stdout.write(f"  Forsendelser: {seed_shipments(today)}")
        # The schools' own work last: its services journal (and seed_journal above skips once
        # the journal has entries).
        self.stdout.write(
            f"  Henvisninger fra enhetene: {seed_unit_referrals(today, org.municipalities[0])}"
        )
        self.stdout.write(f"  IOP og årleg evaluering: {seed_iops(today, org.municipalities[0])}")
        # The morning's flags, so the office's worklist and inbox show today's picture.
        delivery.delivery_check(today)
        flagged = flagging.detect(today)
        self.stdout.write(f"  {flagged.deadlines} frister flagget i dag")
        self._report(caseload, time.monotonic() - started)
        self.stdout.write(
            self.style.SUCCESS(f"Demodata klare. Innlogging (passord for alle: {DEMO_PASSWORD}):")
        )
        for email, what in LOGINS:
            self.stdout.write(f"  {email:<28} {what}")

    def _report(self, caseload, seconds: float) -> None:
        if caseload.skipped:
            self.stdout.write("  Finnes fra før, ingenting lagt til:")
        labels = dict(Referral.Status.choices)
        states = ", ".join(
            f"{labels[s]}: {caseload.by_status[s]}" for s in labels if s in caseload.by_status
        )
        self.stdout.write(
            f"  {caseload.children} barn, {caseload.guardians} foresatte, "
            f"{caseload.referrals} saker, {caseload.events} hendelser"
        )
        if states:
            self.stdout.write(f"  Saker etter status: {states}")
        self.stdout.write(f"  ({seconds:.1f} s)")
