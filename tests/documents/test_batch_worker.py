"""A letter batch made by a real Celery worker from the real Redis (as tests/test_celery_worker.py
does): the page's row shows each case as it is made, one case lacking data fails alone."""

import uuid

import pytest

from documents import batch as batches
from documents.batch_tasks import run_letter_batch
from documents.models import Document, LetterBatch
from referrals.models import Guardian
from tests.builders import case_at
from tests.documents.test_batch import KIND, REASON, letterhead
from tests.support.processes import env, start_worker, stop, wait_for


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_batch_and_one_case_lacking_data_fails_alone(world):
    letterhead(world.municipality)
    cases = [case_at("received", world=world) for _ in range(3)]
    Guardian.objects.filter(child=cases[1].child).update(parental_responsibility=False)
    batch = batches.letter_batch_start(
        world.office, KIND, [c.pk for c in cases], finalise=True, send=False
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker takes the task
    worker = start_worker(env(), "-Q", queue)
    try:
        run_letter_batch.apply_async(args=[batch.pk, True, REASON], queue=queue)

        def finished():
            batch.refresh_from_db()
            return batch.status == LetterBatch.Status.FINISHED

        ok = wait_for(finished, timeout=90)
    finally:
        log = stop(worker)
    assert ok, log
    assert (batch.total, batch.done, batch.failed) == (3, 3, 1)
    assert [bool(r["error"]) for r in batch.results] == [False, True, False]
    statuses = [Document.objects.get(pk=r["document"]).status for r in batch.results]
    assert statuses == ["final", "draft", "final"]
