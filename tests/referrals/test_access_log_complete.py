"""The access log complete (issue 16, deliverable 6): every refusal on a URL that names a
child's data writes its row, every page that shows a child (a form shown again included)
writes a view row, and the watched URLs come from the URL patterns, not a hand list."""

import re
from datetime import date

import pytest
from django.urls import reverse

from decisions.models import Deadline, Notification
from referrals.access_log import (
    CHILD_DATA_APPS,
    AccessLogEntry,
    check_urls_watched,
    url_patterns,
    watch_for,
)
from referrals.consultations import consultation_consent_register
from teams.ressursteam_models import Meeting
from tests.builders import case_at
from tests.support.factories_decisions import AppealFactory, DeadlineFlagFactory, DecisionFactory

MISSING = 987654
# Apps whose URLs carry object ids but never name a child (DESIGN.md): the ressursteam's
# anonymous arenas and units (teams), and configuration (the admin, another engineer's part).
NO_CHILD_APPS = {"teams", "admin"}
# Apps whose views write their own rows for every view and refusal: the JSON API (api/views.py,
# api/errors.py: the client as the actor; tests/api/ checks the rows).
SELF_LOGGING_APPS = {"api"}
_KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def _id_kwargs(route: str) -> list[str]:
    return [k for k in _KWARG.findall(route) if k in ("pk", "id", "object_id") or k.endswith("_pk")]


def rows():
    return list(AccessLogEntry.objects.order_by("pk"))


# --- derived from the URL patterns ---------------------------------------------------------------


def test_every_url_with_an_object_id_is_watched_or_names_no_child():
    """Walks get_resolver(): a new URL with an object id in referrals or decisions that the
    log cannot name fails here (and in manage.py check); a new app with ids must be
    classified too."""
    seen = 0
    for route, app_name, name in url_patterns():
        if not _id_kwargs(route):
            continue
        seen += 1
        if app_name in CHILD_DATA_APPS:
            watch = watch_for(route, app_name)
            assert watch is not None and watch.object_type, (name, route)
            assert all(kind for kind, _kw in watch.ids), (name, route)
            assert {kw for _kind, kw in watch.ids} == set(_id_kwargs(route)), (name, route)
        else:
            assert app_name in NO_CHILD_APPS | SELF_LOGGING_APPS, (
                f"{app_name}:{name} ({route}) is not classified"
            )
    assert seen > 30
    assert check_urls_watched(None) == []


def test_an_unknown_segment_is_not_silently_unwatched():
    assert watch_for("nytt/<int:pk>/", "referrals").object_type is None
    assert watch_for("saker/<int:pk>/nytt/<int:thing_pk>/", "decisions").ids[-1][0] is None
    assert watch_for("ressursteam/enhet/<int:pk>/", "teams") is None


def _watched_id_urls():
    for route, app_name, name in url_patterns():
        watch = watch_for(route, app_name)
        if watch is not None and watch.ids:
            yield f"{app_name}:{name}", route, watch


@pytest.mark.parametrize(
    "name,route,watch", list(_watched_id_urls()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_refusal_on_every_watched_url_is_one_denied_row(client, world, name, route, watch):
    """Every URL that names a child's data, with an id nobody may see: 403/404 and its row."""
    kwargs = {kw: MISSING for _kind, kw in watch.ids}
    kwargs.update({k: "pause" for k in _KWARG.findall(route) if k not in kwargs})
    url = reverse(name, kwargs=kwargs)
    client.force_login(world.office)
    response = client.get(url)
    if response.status_code == 405:  # POST only
        response = client.post(url, {})
    assert response.status_code in (403, 404), (name, response.status_code)
    [row] = rows()
    assert (row.action, row.object_type, row.object_id, row.status) == (
        "denied",
        watch.object_type,
        MISSING,
        response.status_code,
    )


# --- the refusals the issue found missing --------------------------------------------------------


@pytest.fixture
def case(world):
    return case_at("received", world=world, on=date(2026, 10, 28))


def test_withdrawing_a_consultation_consent_of_another_units_child_is_logged(client, world, case):
    guardian = case.child.guardians.get()
    consent = consultation_consent_register(
        child_id=case.child_id,
        guardian_id=guardian.pk,
        given_on=date(2026, 10, 1),
        actor=world.advisor,
    )
    client.force_login(world.styrer_b)
    url = reverse("referrals:consultation_consent_withdraw", args=[case.child_id, consent.pk])
    assert client.post(url, {"withdrawn_on": "01.11.2026"}).status_code == 404
    [row] = rows()
    assert (row.action, row.object_type, row.object_id, row.child_id) == (
        "denied",
        "consent",
        consent.pk,
        case.child_id,
    )


def test_a_styrer_posting_to_the_named_consultations_is_logged(client, world):
    meeting = Meeting.objects.create(
        unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor
    )
    client.force_login(world.styrer_a)
    url = reverse("referrals:meeting_named", args=[meeting.pk])
    assert client.post(url, {"barn": 1}).status_code == 403
    [row] = rows()
    assert (row.action, row.object_type, row.object_id, row.status) == (
        "denied",
        "meeting",
        meeting.pk,
        403,
    )


def test_flag_appeal_and_notification_refusals_name_their_child(client, world, case):
    decision = DecisionFactory(
        referral=case, decided_on=date(2026, 11, 2), decided_by=world.office, refused=True
    )
    appeal = AppealFactory(
        decision=decision, received_on=date(2026, 11, 3), registered_by=world.office
    )
    deadline = Deadline.objects.filter(referral=case).first()
    flag = DeadlineFlagFactory(
        deadline=deadline, level="approaching", flagged_on=date(2026, 11, 25)
    )
    note = Notification.objects.create(recipient=world.office, day=date(2026, 11, 25))
    client.force_login(world.styrer_b)
    assert client.post(reverse("decisions:flag_acknowledge", args=[flag.pk])).status_code == 404
    assert client.get(reverse("decisions:appeal_update", args=[appeal.pk])).status_code == 404
    client.force_login(world.advisor)
    assert client.get(reverse("decisions:notification_detail", args=[note.pk])).status_code == 404
    got = [(r.object_type, r.object_id, r.child_id, r.action) for r in rows()]
    assert got == [
        ("flag", flag.pk, case.child_id, "denied"),
        ("appeal", appeal.pk, case.child_id, "denied"),
        ("notification", note.pk, None, "denied"),  # a digest names no single child
    ]


@pytest.mark.parametrize("persona", ["advisor", "styrer_a", "director"])
def test_a_403_on_the_access_log_search_is_logged(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("referrals:access_log_search")).status_code == 403
    [row] = rows()
    assert (row.action, row.object_type, row.object_id, row.status) == (
        "denied",
        "access_log",
        None,
        403,
    )


def test_a_404_on_a_list_page_is_not_a_refusal(client, world):
    client.force_login(world.advisor)
    client.get(reverse("referrals:caseload"), {"side": "abc"})
    assert rows() == []


# --- forms shown again -------------------------------------------------------------------------


def test_forms_posted_with_errors_show_the_child_and_write_a_view_row(client, world, case):
    guardian = case.child.guardians.get()
    client.force_login(world.advisor)
    posts = [
        (reverse("referrals:child_edit", args=[case.child_id]), "child", case.child_id),
        (reverse("referrals:guardian_edit", args=[guardian.pk]), "guardian", guardian.pk),
        (reverse("referrals:guardian_new", args=[case.child_id]), "child", case.child_id),
        (reverse("referrals:consent_new", args=[case.pk]), "referral", case.pk),
        (reverse("referrals:referral_edit", args=[case.pk]), "referral", case.pk),
    ]
    for url, object_type, object_id in posts:
        before = len(rows())
        response = client.post(url, {})
        assert response.status_code in (200, 422), url
        assert case.child.first_name in response.content.decode(), url
        [row] = rows()[before:]
        assert (row.action, row.object_type, row.object_id, row.child_id) == (
            "view",
            object_type,
            object_id,
            case.child_id,
        ), url


def test_a_decision_form_posted_with_errors_writes_a_view_row(client, world, case):
    client.force_login(world.office)
    response = client.post(reverse("decisions:provisional_reply_new", args=[case.pk]), {})
    assert response.status_code in (200, 422)
    [row] = rows()
    assert (row.action, row.object_type, row.child_id) == ("view", "referral", case.child_id)


def test_a_page_that_logs_itself_gets_no_second_row(client, world, case):
    client.force_login(world.advisor)
    assert client.get(reverse("referrals:case_detail", args=[case.pk])).status_code == 200
    assert len(rows()) == 1
