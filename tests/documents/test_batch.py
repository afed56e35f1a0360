"""Letter batches (documents/batch.py): each case's letter and its progress committed together,
one failing case not stopping the rest, a rerun after a crash making no duplicates, the
user's scope, and one batch for a double click. The job runs eagerly here (task.apply, as
decisions' task tests do); tests/documents/test_batch_worker.py runs it in a real worker."""

from datetime import date

import pytest

from core.errors import DomainError
from decisions.models import Deadline
from documents import batch as batches
from documents.batch_tasks import run_letter_batch
from documents.models import Document, LetterBatch, Letterhead
from referrals.models import Guardian
from tests.builders import case_at
from tests.conftest import frozen_today

TODAY = date(2026, 11, 25)  # the cases below: foreløpig svar due 30.11.2026
KIND = Document.Kind.PROVISIONAL_REPLY
REASON = {"reason": "Saken er til sakkyndig vurdering."}


def letterhead(municipality) -> Letterhead:
    return Letterhead.objects.create(
        municipality=municipality,
        name=f"{municipality.name} kommune",
        department="Barnehagekontoret",
        address="Rådhusgata 1",
        postal="9999 Solvik",
        org_number="999888777",
        signatory="Kari Nordmann",
        signatory_title="Barnehagesjef",
    )


@pytest.fixture
def cases(world):
    letterhead(world.municipality)
    made = [case_at("received", world=world) for _ in range(3)]
    # The middle case's child has no guardian with parental responsibility: nobody to send to.
    Guardian.objects.filter(child=made[1].child).update(parental_responsibility=False)
    return made


def run(batch, *, finalise=False, texts=REASON):
    with frozen_today(TODAY):
        run_letter_batch.apply(args=[batch.pk, finalise, texts]).get()
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db
def test_a_batch_makes_each_letter_and_names_what_a_case_lacks(world, cases):
    batch = batches.letter_batch_start(
        world.office, KIND, [c.pk for c in cases], finalise=True, texts=REASON, send=False
    )
    assert (batch.status, batch.total, batch.done) == (LetterBatch.Status.QUEUED, 3, 0)
    batch = run(batch, finalise=True)
    assert (batch.status, batch.done, batch.failed) == (LetterBatch.Status.FINISHED, 3, 1)
    assert batch.finished_at is not None
    assert [r["referral"] for r in batch.results] == [c.pk for c in cases]
    ok, lacking, ok2 = batch.results
    assert ok["error"] == "" and ok2["error"] == ""
    finals = Document.objects.filter(pk__in=[ok["document"], ok2["document"]])
    assert {d.status for d in finals} == {Document.Status.FINAL}
    assert all(len(d.sha256) == 64 for d in finals)
    # Each letter says when to expect an answer: the case's own vedtak deadline.
    for d in finals:
        due = Deadline.objects.get(referral=d.referral, kind="decision").due_on
        assert d.texts["expected_on"] == due.isoformat()
    # The failing case keeps its draft, which says what is missing, in Norwegian.
    assert "foreldreansvar" in lacking["error"]
    draft = Document.objects.get(pk=lacking["document"])
    assert draft.status == Document.Status.DRAFT
    assert draft.texts["reason"] == REASON["reason"]


@pytest.mark.django_db
def test_drafts_only_when_not_finalising(world, cases):
    batch = batches.letter_batch_start(world.office, KIND, [cases[0].pk], send=False)
    batch = run(batch)
    (row,) = batch.results
    assert row["error"] == ""
    assert Document.objects.get(pk=row["document"]).status == Document.Status.DRAFT


@pytest.mark.django_db
def test_a_rerun_after_a_crash_goes_on_without_duplicates(world, cases, monkeypatch):
    ids = [cases[0].pk, cases[2].pk]
    batch = batches.letter_batch_start(world.office, KIND, ids, finalise=True, send=False)
    real = batches._make_letter
    calls = []

    def dies_on_the_second_case(kind, referral_id, user, **kw):
        calls.append(referral_id)
        if len(calls) == 2:
            raise SystemExit("the worker was killed")  # not an Exception: nothing catches it
        return real(kind, referral_id, user, **kw)

    monkeypatch.setattr(batches, "_make_letter", dies_on_the_second_case)
    with pytest.raises(SystemExit):
        run(batch, finalise=True)
    batch.refresh_from_db()
    assert (batch.status, batch.done, len(batch.results)) == (LetterBatch.Status.RUNNING, 1, 1)
    monkeypatch.setattr(batches, "_make_letter", real)
    batch = run(batch, finalise=True)  # the task handed to the next worker
    assert (batch.status, batch.done, batch.failed) == (LetterBatch.Status.FINISHED, 2, 0)
    assert [r["referral"] for r in batch.results] == ids
    assert Document.objects.filter(referral_id__in=ids).count() == 2
    # A third run (a task delivered twice) changes nothing.
    batch = run(batch, finalise=True)
    assert (batch.done, Document.objects.filter(referral_id__in=ids).count()) == (2, 2)


@pytest.mark.django_db
def test_a_case_already_in_the_results_is_skipped(world, cases):
    batch = batches.letter_batch_start(world.office, KIND, [cases[0].pk], send=False)
    LetterBatch.objects.filter(pk=batch.pk).update(
        results=[{"referral": cases[0].pk, "document": None, "error": "x"}], done=1, failed=1
    )
    batch = run(batch)
    assert (batch.done, batch.failed, len(batch.results)) == (1, 1, 1)
    assert not Document.objects.filter(referral=cases[0]).exists()


@pytest.mark.django_db
def test_only_cases_the_user_may_make_the_letter_for_are_included(world, cases):
    elsewhere = case_at("received", world=world, unit=world.other_unit)
    school = case_at("received", world=world, unit=world.school)
    ids = [elsewhere.pk, cases[0].pk, school.pk, cases[2].pk, cases[0].pk]
    batch = batches.letter_batch_start(world.office, KIND, ids, send=False)
    # Another municipality's case is invisible; a school's is not the kindergarten office's.
    assert batch.referral_ids == [cases[0].pk, cases[2].pk]
    assert batch.total == 2
    with pytest.raises(DomainError):
        batches.letter_batch_start(world.office, KIND, [elsewhere.pk], send=False)
    with pytest.raises(DomainError):  # the advisor sees the case but does not decide
        batches.letter_batch_start(world.advisor, KIND, [cases[0].pk], send=False)


@pytest.mark.django_db
def test_a_kind_a_batch_cannot_make_is_refused(world, cases):
    with pytest.raises(DomainError):
        batches.letter_batch_start(world.office, Document.Kind.DECISION, [cases[0].pk])


@pytest.mark.django_db
def test_a_double_click_makes_one_batch(world, cases):
    ids = [c.pk for c in cases]
    first = batches.letter_batch_start(world.office, KIND, ids, send=False)
    second = batches.letter_batch_start(world.office, KIND, ids, send=False)
    assert first.pk == second.pk
    assert LetterBatch.objects.count() == 1
    other = batches.letter_batch_start(world.office, KIND, ids[:1], send=False)
    assert other.pk != first.pk


@pytest.mark.django_db
def test_a_user_who_lost_the_right_gets_a_failed_case_not_a_letter(world, cases):
    batch = batches.letter_batch_start(world.office, KIND, [cases[0].pk], send=False)
    world.office.roles.all().delete()
    batch = run(batch)
    assert (batch.done, batch.failed) == (1, 1)
    assert "tilgang" in batch.results[0]["error"]
    assert not Document.objects.exists()
