"""The letter batch's Celery task (documents/batch.py does the work). It takes the batch's id,
runs unscoped (each case is checked against the rights of the batch's owner as it is made) and
is safe to run twice: a task handed to a second worker after the first died (acks_late and
task_reject_on_worker_lost in config/celery.py) goes on from the first case not in results."""

from celery import shared_task

from documents.batch import letter_batch_run


@shared_task(name="documents.run_letter_batch", acks_late=True)
def run_letter_batch(batch_id: int, finalise: bool = False, texts: dict | None = None) -> dict:
    batch = letter_batch_run(batch_id, finalise=finalise, texts=texts)
    return {"batch": batch.pk, "done": batch.done, "failed": batch.failed}
