"""Structured logs (core/logging.py, ops/middleware.py, ops/celery_signals.py): one JSON
line per request with its id and the user's id, never a child's name; the request id carried
into the Celery tasks the request sends."""

import io
import json
import logging

import pytest
from django.urls import reverse

from core import logging as log_context
from core.logging import ContextFilter, JsonFormatter
from ops import celery_signals
from ops.middleware import incoming_or_new
from tests.factories import ChildFactory


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_its_id_and_no_childs_name(client, world, json_log):
    child = ChildFactory(unit=world.unit_a, first_name="Sigrunn", last_name="Vesleblom")
    client.force_login(world.advisor)
    json_log.seek(0)
    json_log.truncate()
    response = client.get(reverse("referrals:child_detail", args=[child.pk]))
    assert response.status_code == 200
    assert "Vesleblom" in response.content.decode()  # the page shows the name ...
    output = json_log.getvalue()
    assert "Vesleblom" not in output and "Sigrunn" not in output  # ... the log never
    assert child.id_number not in output
    lines = [json.loads(line) for line in output.splitlines()]
    rid = response["X-Request-ID"]
    mine = [entry for entry in lines if entry.get("event") == "request"]
    assert len(mine) == 1
    assert mine[0]["request_id"] == rid
    assert mine[0]["user_id"] == world.advisor.pk
    assert mine[0]["status"] == 200
    assert mine[0]["path"] == f"/barn/{child.pk}/" or str(child.pk) in mine[0]["path"]
    assert all(entry.get("request_id") == rid for entry in lines)


@pytest.mark.django_db
def test_an_incoming_request_id_is_kept_only_when_it_is_a_safe_token(client):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="proxy-abc123DEF")
    assert response["X-Request-ID"] == "proxy-abc123DEF"
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID='x"\n{"level": "forged"}')
    assert response["X-Request-ID"] != 'x"\n{"level": "forged"}'
    assert len(response["X-Request-ID"]) == 32
    assert incoming_or_new("short") != "short"


def test_a_task_carries_the_request_id_that_sent_it_into_its_log_lines(json_log):
    headers: dict = {}
    token = log_context.request_id.set("req-0123456789")
    try:
        celery_signals.add_request_id(headers=headers)
    finally:
        log_context.request_id.reset(token)
    assert headers == {celery_signals.HEADER: "req-0123456789"}

    class Request(dict):
        pass

    class Task:
        name = "decisions.send_notification"
        request = Request(headers)

    # In the worker: the task's lines carry the request id and the task's name and id.
    celery_signals.enter_task(task_id="task-1", task=Task())
    logging.getLogger("decisions.tasks").info("notification %s sent", 42)
    celery_signals.leave_task(task_id="task-1")
    logging.getLogger("decisions.tasks").info("after the task")
    during, after = (json.loads(line) for line in json_log.getvalue().splitlines())
    assert during["request_id"] == "req-0123456789"
    assert (during["task_name"], during["task_id"]) == ("decisions.send_notification", "task-1")
    assert during["message"] == "notification 42 sent"
    assert "request_id" not in after and "task_id" not in after


def test_the_text_format_under_debug_and_json_in_production(settings):
    from core.logging import config

    assert "()" in config("json", "INFO")["formatters"]["default"]
    assert "format" in config("text", "INFO")["formatters"]["default"]
