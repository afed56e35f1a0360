"""The demo's journal (issue 20): every received demo case journalled as PPT would have done it
(the referral, its attachments, its appeals), and a few incoming documents and a note on the
cases of Solsikken barnehage, so radgiver@demo.no and styrer@demo.no both see a Dokumenter tab
with something in it. Through documents.services (the journal's one writer); skipped once the
journal has entries."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.html import format_html

from documents import services
from documents.models import JournalEntry
from referrals import states
from referrals.models import Referral
from teams.models import Role, User

INCOMING = [
    ("Svar fra foreldrene på foreløpig svar", "Foresatte", 2),
    ("Uttalelse fra fastlege", "Solvik legekontor", 5),
    ("Rapport fra logoped", "Logopedtjenesten i Solvik", 9),
]
WORKING = (
    states.Status.ASSESSING,
    states.Status.ASSESSED,
    states.Status.DECIDED,
    states.Status.HELP_STARTED,
)


def _demo_pdf(title: str, sender: str, day: date) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 (heavy, only when seeding)

    html = format_html(
        "<html><body style='font-family:sans-serif'><p>{}</p><p>{}</p><h1>{}</h1>"
        "<p>Syntetisk demodokument. Ingen ekte personopplysninger.</p></body></html>",
        sender,
        day.strftime("%d.%m.%Y"),
        title,
    )
    return HTML(string=html).write_pdf()


@transaction.atomic
def seed_journal(today: date) -> dict:
    counts = {"entries": 0, "incoming": 0, "notes": 0}
    if JournalEntry.objects.exists():
        return {"skipped": True, **counts}
    cases = (
        Referral.objects.exclude(status=states.Status.DRAFT)
        .select_related("unit", "advisor")
        .prefetch_related("decisions__appeals", "child__guardians")
        .order_by("received_on", "pk")
    )
    for case in cases:
        counts["entries"] += len(services.journal_case_received(referral=case, actor=case.advisor))
        for decision in case.decisions.all():
            for appeal in decision.appeals.all():
                services.journal_appeal(referral=case, appeal=appeal, actor=decision.decided_by)
                counts["entries"] += 1
    role = Role.objects.filter(kind=Role.Kind.UNIT_HEAD, user__email="styrer@demo.no").first()
    advisor = User.objects.filter(email="radgiver@demo.no").first()
    if role is None or advisor is None:
        return counts
    solsikken = (
        Referral.objects.filter(unit__in=role.units.all(), status__in=WORKING)
        .order_by("received_on", "pk")
        .first()
    )
    if solsikken is None:
        return counts
    for title, sender, days_ago in INCOMING:
        day = today - timedelta(days=days_ago)
        data = _demo_pdf(title, sender, day)
        services.incoming_register(
            referral_id=solsikken.pk,
            title=title,
            sender=sender,
            document_date=day,
            file=SimpleUploadedFile("demo.pdf", data, content_type="application/pdf"),
            actor=advisor,
        )
        counts["incoming"] += 1
    services.note_register(
        referral_id=solsikken.pk,
        title="Notat fra observasjon i barnehagen",
        text="Observerte barnet i frilek og samlingsstund. Tas med i den sakkyndige vurderingen.",
        document_date=today - timedelta(days=1),
        actor=advisor,
    )
    counts["notes"] += 1
    counts["entries"] += counts["incoming"] + counts["notes"]
    counts["case"] = solsikken.reference
    return counts
