"""The case's journal (arkivforskrifta §§ 14–15): one entry for every document in or out.

``register`` is the only writer. Numbers are journalår/sekvensnummer per municipality (the
counter row is locked, so two registrations never share a number) and a running document
number within the case."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import JournalCounter, JournalEntry


def register(
    *,
    referral,
    direction: str,
    title: str,
    document_date,
    correspondent: str = "",
    document=None,
    attachment=None,
    user=None,
) -> JournalEntry:
    """Journal one document of ``referral``; call inside the service's transaction."""
    year = timezone.localdate().year
    with transaction.atomic():
        JournalCounter.objects.bulk_create(
            [JournalCounter(municipality_id=referral.municipality_id, year=year)],
            ignore_conflicts=True,
        )
        counter = JournalCounter.objects.select_for_update().get(
            municipality_id=referral.municipality_id, year=year
        )
        counter.last += 1
        counter.save(update_fields=["last"])
        in_case = JournalEntry.objects.filter(referral=referral).aggregate(n=Max("number_in_case"))
        return JournalEntry.objects.create(
            municipality_id=referral.municipality_id,
            referral=referral,
            year=year,
            sequence=counter.last,
            number_in_case=(in_case["n"] or 0) + 1,
            direction=direction,
            title=title[:200],
            correspondent=correspondent[:200],
            document_date=document_date,
            document=document,
            attachment=attachment,
            registered_by=user,
        )
