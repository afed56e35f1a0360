"""The documents app's Celery tasks: each part keeps its tasks in its own module; importing them
here lets the worker's autodiscovery (documents.tasks) register them."""

from documents.dispatch import tasks as dispatch_tasks  # noqa: F401
