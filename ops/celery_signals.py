"""Celery's side of the structured logs: the worker and beat log through settings.LOGGING
(JSON in production), and a task carries the id of the request that sent it.

before_task_publish puts the current request id into the message headers; task_prerun
restores it (with the task's name and id) for every line the task logs.
"""

import logging.config

from celery import signals

from core import logging as log_context

HEADER = "rimelig_request_id"


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.before_task_publish.connect
def add_request_id(headers=None, **kwargs):
    rid = log_context.request_id.get()
    if rid and headers is not None and HEADER not in headers:
        headers[HEADER] = rid


@signals.task_prerun.connect
def enter_task(task_id=None, task=None, **kwargs):
    rid = (task.request.get(HEADER) if task is not None else None) or ""
    log_context.request_id.set(rid)
    log_context.task.set((getattr(task, "name", ""), task_id or ""))


@signals.task_postrun.connect
def leave_task(**kwargs):
    log_context.request_id.set("")
    log_context.task.set(None)
