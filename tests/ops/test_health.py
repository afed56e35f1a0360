"""Liveness, readiness with its dead-man check, the 503 page when the database is down, and
the dead-man status shown to the admin (ops/health.py, ops/errors.py)."""

import json
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from ops import errors, health
from teams.models import TaskRun
from tests.factories import UserFactory


@pytest.fixture
def worker_answers(monkeypatch):
    monkeypatch.setattr(
        health, "check_worker", lambda redis_ok=True: health.Check("celery_worker", True)
    )


def _ran(hours_ago: float) -> TaskRun:
    return TaskRun.objects.create(
        name="flag_deadlines", finished_at=timezone.now() - timedelta(hours=hours_ago)
    )


@pytest.mark.django_db
def test_liveness_answers_without_the_database_a_session_or_a_known_host(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/helse/", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_is_200_when_everything_answers_and_the_job_ran_recently(client, worker_answers):
    _ran(hours_ago=3)
    response = client.get(reverse("health_ready"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "celery_worker": "ok", "flagging_job": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("hours_ago", [None, 27])
def test_the_dead_man_check_fails_when_the_job_never_ran_or_ran_over_26_hours_ago(
    client, worker_answers, hours_ago
):
    if hours_ago:
        _ran(hours_ago)
    response = client.get(reverse("health_ready"))
    assert response.status_code == 503
    assert response.json()["checks"]["flagging_job"] == "error"


@pytest.mark.django_db
def test_readiness_fails_fast_when_redis_is_unreachable(client, settings, monkeypatch):
    _ran(hours_ago=1)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = client.get(reverse("health_ready"))
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "error"
    assert response.json()["checks"]["celery_worker"] == "error"


@pytest.mark.django_db
def test_only_staff_see_details_and_nobody_sees_personal_data(client, world, worker_answers):
    _ran(hours_ago=1)
    client.force_login(world.office)
    plain = client.get(reverse("health_ready")).content.decode()
    assert "details" not in json.loads(plain)
    staff = UserFactory(email="drift@test.no", full_name="Drift Driftesen", is_staff=True)
    client.force_login(staff)
    detailed = client.get(reverse("health_ready")).content.decode()
    assert "last run" in json.loads(detailed)["details"]["flagging_job"]
    for text in (plain, detailed):
        assert "@" not in text
        assert "Driftesen" not in text and world.office.full_name not in text


def test_a_database_error_answers_503_with_retry_after_and_other_errors_500(rf):
    request = rf.get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Midlertidig utilgjengelig" in response.content.decode()
    try:
        raise ValueError("bug")
    except ValueError:
        assert errors.server_error(request).status_code == 500


@pytest.mark.django_db
def test_the_admin_index_and_the_system_admins_home_show_the_dead_man_status(client, world):
    superuser = UserFactory(email="root@test.no", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Har aldri kjørt" in page
    _ran(hours_ago=30)
    client.force_login(world.admin)
    page = client.get(reverse("home")).content.decode()
    assert "Har ikke kjørt på over 26 timer" in page
    _ran(hours_ago=1)
    assert "Kjørte sist" in client.get(reverse("home")).content.decode()
    client.force_login(world.office)
    assert "Morgenjobben" not in client.get(reverse("home")).content.decode()
