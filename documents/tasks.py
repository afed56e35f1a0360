"""The documents app's Celery tasks: each part keeps its tasks in its own module; importing them
here lets the worker's autodiscovery (documents.tasks) register them."""

from documents.batch_tasks import run_letter_batch  # noqa: F401
from documents.dispatch import tasks as dispatch_tasks  # noqa: F401
