"""The journal (arkivforskrifta §§ 14–15): numbers per municipality and year, the document
number within the case, what comes in is journalled once, and an entry is never changed
(arkivlova § 5, arkivforskrifta § 11)."""

import threading
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, connections, transaction

from documents import journal
from documents.models import JournalEntry
from referrals.attachments import attachment_add
from referrals.models import Referral
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.documents.conftest import tiny_pdf

IN = JournalEntry.Direction.IN


def _register(referral, title="Svar", **kw):
    return journal.register(
        referral=referral, direction=IN, title=title, document_date=date(2026, 11, 2), **kw
    )


def _numbers(referral):
    return list(
        JournalEntry.objects.filter(referral=referral)
        .order_by("number_in_case")
        .values_list("year", "sequence", "number_in_case")
    )


@pytest.mark.django_db
def test_numbers_run_per_municipality_and_year(world):
    with frozen_today(date(2026, 12, 1)):
        first = case_at("received", world=world)  # its receipt: 2026/1
        second = case_at("received", world=world, unit=world.unit_b)  # 2026/2
        other = case_at("received", world=world, unit=world.other_unit)  # Bergtun's 2026/1
        reply = _register(first)
    assert _numbers(first) == [(2026, 1, 1), (2026, 3, 2)]
    assert _numbers(second) == [(2026, 2, 1)]
    assert _numbers(other) == [(2026, 1, 1)]
    assert reply.identifier == "2026/000003"
    with frozen_today(date(2027, 1, 4)):
        new_year = _register(second)
        bergtun = _register(other)
    # A new year starts at 1 in each municipality; the case's own numbering runs on.
    assert (new_year.year, new_year.sequence, new_year.number_in_case) == (2027, 1, 2)
    assert (bergtun.year, bergtun.sequence, bergtun.number_in_case) == (2027, 1, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(world):
    with frozen_today(date(2026, 12, 1)):
        cases = [case_at("received", world=world) for _ in range(2)]
        barrier = threading.Barrier(4)
        errors = []

        def work(referral):
            try:
                barrier.wait()
                for _ in range(5):
                    with transaction.atomic():
                        _register(referral)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                connections.close_all()

        # Two threads on each case: four connections competing for one counter row.
        threads = [threading.Thread(target=work, args=(c,)) for c in cases for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    entries = JournalEntry.objects.filter(referral__in=cases)
    sequences = sorted(entries.values_list("sequence", flat=True))
    assert sequences == list(range(1, 23))  # 2 receipts + 20 registrations, no gap, no repeat
    for case in cases:
        in_case = sorted(entries.filter(referral=case).values_list("number_in_case", flat=True))
        assert in_case == list(range(1, 12))


@pytest.mark.django_db
def test_the_referral_is_journalled_once_when_ppt_receives_it(world):
    with frozen_today(date(2026, 12, 1)):
        case = case_at("awaiting_consent", world=world, on=date(2026, 11, 20))
        entries = list(JournalEntry.objects.filter(referral=case))
        assert len(entries) == 1
        receipt = entries[0]
        assert (receipt.direction, receipt.number_in_case) == (IN, 1)
        assert receipt.title == "Henvisning til PP-tjenesten"
        assert receipt.correspondent == world.unit_a.name
        assert receipt.document_date == date(2026, 11, 20)
        assert receipt.registered_by == world.advisor
        # The consent that starts the clock is another event of the case: no second receipt.
        from referrals import services

        guardian = case.child.guardians.get()
        services.consent_register(
            referral_id=case.pk,
            guardian_id=guardian.pk,
            purpose="assessment",
            given_on=date(2026, 11, 21),
            actor=world.advisor,
        )
        assert Referral.objects.get(pk=case.pk).status == "received"
        assert JournalEntry.objects.filter(referral=case).count() == 1


@pytest.mark.django_db
def test_a_draft_is_not_journalled_and_its_attachments_come_in_with_it(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with frozen_today(date(2026, 12, 1)):
        draft = case_at("draft", world=world)
        upload = SimpleUploadedFile("r.pdf", tiny_pdf(), content_type="application/pdf")
        attachment = attachment_add(
            referral_id=draft.pk, uploaded_file=upload, title="Logopedrapport", actor=world.advisor
        )
        assert not JournalEntry.objects.filter(referral=draft).exists()
        from referrals import services

        services.referral_submit(
            referral_id=draft.pk, actor=world.advisor, received_on=date(2026, 11, 30)
        )
        entries = list(JournalEntry.objects.filter(referral=draft).order_by("number_in_case"))
        assert [e.attachment_id for e in entries] == [None, attachment.pk]
        assert entries[1].title == "Vedlegg til henvisning: Logopedrapport"
        # An attachment after the receipt is journalled as it comes; none twice.
        upload = SimpleUploadedFile("s.pdf", tiny_pdf(), content_type="application/pdf")
        later = attachment_add(
            referral_id=draft.pk, uploaded_file=upload, title="Legeerklæring", actor=world.advisor
        )
    entries = list(JournalEntry.objects.filter(referral=draft).order_by("number_in_case"))
    assert [e.attachment_id for e in entries] == [None, attachment.pk, later.pk]
    assert entries[2].registered_by == world.advisor


@pytest.mark.django_db
def test_an_appeal_received_is_journalled_from_the_guardians(world):
    case = case_at("appealed", world=world)
    appeal_entries = JournalEntry.objects.filter(referral=case, title="Klage på vedtak")
    assert appeal_entries.count() == 1
    entry = appeal_entries.get()
    guardian = case.child.guardians.get()
    assert (entry.direction, entry.correspondent) == (IN, guardian.name)
    assert entry.document_date == case.decisions.get().appeals.get().received_on
    assert entry.registered_by == world.office


# --- an entry is never changed (arkivlova § 5; arkivforskrifta § 11: correct by adding) -----


@pytest.fixture
def entry(world):
    case = case_at("received", world=world)
    return JournalEntry.objects.get(referral=case)


@pytest.mark.django_db
def test_a_journal_entry_cannot_be_changed_through_the_orm(entry):
    entry.title = "Endret"
    with pytest.raises(DatabaseError, match="journal_append_only"), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError, match="journal_append_only"), transaction.atomic():
        entry.delete()
    assert JournalEntry.objects.get(pk=entry.pk).title == "Henvisning til PP-tjenesten"


@pytest.mark.django_db
def test_a_journal_entry_cannot_be_changed_by_a_queryset_update(entry):
    with pytest.raises(DatabaseError, match="journal_append_only"), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(correspondent="Noen andre")
    with pytest.raises(DatabaseError, match="journal_append_only"), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    assert JournalEntry.objects.get(pk=entry.pk).correspondent == "Barnehage A"


@pytest.mark.django_db
def test_a_journal_entry_cannot_be_changed_by_raw_sql(entry):
    for sql in (
        "UPDATE documents_journalentry SET sequence = 99 WHERE id = %s",
        "DELETE FROM documents_journalentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="journal_append_only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).sequence == entry.sequence
