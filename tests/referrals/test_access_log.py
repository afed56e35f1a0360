"""The access log (innsynslogg): append-only in PostgreSQL, one row per sensitive page, one
row per refused attempt, pruned only by its command, and read by the municipality's admin."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, InternalError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from referrals.access_log import (
    AccessLogEntry,
    AppendOnlyError,
    access_log_record,
    check_requests_not_atomic,
    client_ip,
)
from referrals.management.commands.prune_access_log import prune_access_log
from referrals.models import Attachment, Consent
from teams.models import Role
from tests.builders import case_at, pause_reason
from tests.factories import (
    AreaFactory,
    ChildFactory,
    ReferralFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
)
from tests.support.factories_decisions import AppealFactory, DecisionFactory

MIDDLEWARE = "referrals.access_log.AccessLogDeniedMiddleware"
TABLE = AccessLogEntry._meta.db_table


@pytest.fixture(autouse=True)
def denied_middleware(settings):
    """The refused-attempt middleware, right after AuthenticationMiddleware (as in settings)."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        stack = list(settings.MIDDLEWARE)
        at = stack.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        settings.MIDDLEWARE = [*stack[:at], MIDDLEWARE, *stack[at:]]


@pytest.fixture
def case(world, settings, tmp_path):
    """A case of unit A under assessment, with a guardian's consent and a stored attachment."""
    settings.MEDIA_ROOT = tmp_path
    child = ChildFactory(unit=world.unit_a, first_name="Emma", last_name="Olsen")
    referral = case_at("assessing", world=world, child=child, on=date(2026, 10, 28))
    attachment = Attachment(
        referral=referral,
        title="Rapport",
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=world.advisor,
    )
    attachment.file.save("x", ContentFile(b"%PDF-1.4"), save=True)
    referral.refresh_from_db()
    return referral


def rows():
    return list(AccessLogEntry.objects.order_by("pk"))


def entry(**overrides):
    # `at` from the test's clock, not the database's default now(): under RIMELIG_TODAY (a
    # frozen clock) PostgreSQL's now() is still the real day.
    values = {"action": "view", "object_type": "child", "path": "/barn/1/", "status": 200}
    values["at"] = timezone.now()
    return AccessLogEntry.objects.create(**{**values, **overrides})


# --- append-only -------------------------------------------------------------------------------


def test_an_insert_into_the_access_log_works(db):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (role, action, object_type, path, status) "  # noqa: S608
            "VALUES ('', 'view', 'child', '/barn/1/', 200) RETURNING at"
        )
        (at,) = cursor.fetchone()
    assert at is not None  # the database's clock filled it in
    assert AccessLogEntry.objects.count() == 1


def test_an_update_on_the_access_log_fails_in_postgresql(db):
    row = entry()
    refused = pytest.raises(InternalError, match="append-only: UPDATE refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET status = 500 WHERE id = %s", [row.pk])  # noqa: S608
    assert AccessLogEntry.objects.get().status == 200


def test_a_delete_on_the_access_log_fails_in_postgresql(db):
    entry()
    refused = pytest.raises(InternalError, match="append-only: DELETE refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    assert AccessLogEntry.objects.count() == 1


def test_the_application_has_no_way_to_change_or_delete_a_row(db):
    row = entry()
    row.status = 500
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=row.pk).update(status=500)
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().status == 200


# --- pruning -----------------------------------------------------------------------------------


def test_prune_deletes_only_rows_older_than_the_retention(db, settings, capsys):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    old = [entry(at=now - timedelta(days=31)) for _ in range(3)]
    kept = [entry(at=now - timedelta(days=29)), entry()]

    call_command("prune_access_log")

    assert "Slettet 3 rader eldre enn 30 dager" in capsys.readouterr().out
    assert {r.pk for r in rows()} == {r.pk for r in kept}
    assert not AccessLogEntry.objects.filter(pk__in=[r.pk for r in old]).exists()


def test_after_a_prune_a_delete_is_refused_again(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    entry(at=timezone.now() - timedelta(days=40))
    entry()
    assert prune_access_log() == 1
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    assert AccessLogEntry.objects.count() == 1


def test_prune_works_through_a_backlog_in_batches(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    for _ in range(5):
        entry(at=timezone.now() - timedelta(days=100))
    assert prune_access_log(batch=2) == 5
    assert AccessLogEntry.objects.count() == 0


# --- what a view writes ------------------------------------------------------------------------


def test_viewing_a_case_as_the_advisor_adds_one_view_row(client, world, case):
    client.force_login(world.advisor)
    response = client.get(reverse("referrals:case_detail", args=[case.pk]))

    assert response.status_code == 200
    [row] = rows()
    assert (row.user, row.role, row.action, row.object_type) == (
        world.advisor,
        "advisor",
        "view",
        "referral",
    )
    assert (row.object_id, row.child_id, row.status) == (case.pk, case.child_id, 200)
    assert row.path == f"/saker/{case.pk}/"
    assert row.ip == "127.0.0.1"


def test_viewing_a_case_as_the_styrer_of_another_unit_is_404_and_one_denied_row(
    client, world, case
):
    client.force_login(world.styrer_b)
    response = client.get(reverse("referrals:case_detail", args=[case.pk]))

    assert response.status_code == 404
    [row] = rows()
    assert (row.user, row.role, row.action, row.status) == (
        world.styrer_b,
        "unit_head",
        "denied",
        404,
    )
    # The attempt is listed on the child's log, though the styrer never learned who it is.
    assert (row.object_type, row.object_id, row.child_id) == ("referral", case.pk, case.child_id)


def test_a_403_on_a_case_is_one_denied_row(client, world, case):
    client.force_login(world.office)
    response = client.get(reverse("referrals:assessment_edit", args=[case.pk]))

    assert response.status_code == 403
    [row] = rows()
    assert (row.action, row.status, row.object_id) == ("denied", 403, case.pk)


def test_a_case_that_does_not_exist_is_a_denied_row_without_a_child(client, world):
    client.force_login(world.advisor)
    assert client.get(reverse("referrals:case_detail", args=[987654])).status_code == 404
    [row] = rows()
    assert (row.action, row.object_id, row.child_id) == ("denied", 987654, None)


def test_a_pk_too_large_for_bigint_is_still_a_404_and_a_denied_row(client, world):
    client.force_login(world.advisor)
    assert client.get("/saker/99999999999999999999/").status_code == 404
    [row] = rows()
    assert (row.action, row.object_id) == ("denied", None)


def test_a_404_outside_case_urls_is_not_logged(client, world):
    client.force_login(world.advisor)
    assert client.get("/finnes-ikke/").status_code == 404
    assert rows() == []


def test_downloading_an_attachment_adds_one_download_row(client, world, case):
    attachment = case.attachments.get()
    client.force_login(world.styrer_a)
    url = reverse("referrals:attachment_download", args=[case.pk, attachment.pk])
    response = client.get(url)

    assert response.status_code == 200
    [row] = rows()
    assert (row.action, row.object_type, row.object_id, row.child_id) == (
        "download",
        "attachment",
        attachment.pk,
        case.child_id,
    )


def test_an_export_adds_one_export_row(client, world):
    from decisions.dashboard import TABLE_SLUGS

    client.force_login(world.director)
    url = reverse(
        "decisions:dashboard_export", kwargs={"table": sorted(TABLE_SLUGS)[0], "fmt": "csv"}
    )
    assert client.get(url).status_code == 200
    [row] = rows()
    assert (row.user, row.action, row.object_type, row.path) == (
        world.director,
        "export",
        "export",
        url,
    )
    assert (row.object_id, row.child_id) == (None, None)  # aggregates name no child


def test_posting_a_form_with_errors_is_a_view_row_and_a_saved_one_none(client, world, case):
    """A form shown again shows the child again (issue 16): one view row. A POST that saves
    and redirects shows nothing; its changes are the history's business."""
    client.force_login(world.advisor)
    url = reverse("referrals:case_transition", args=[case.pk, "pause"])
    assert client.post(url, {}).status_code == 422
    assert [(r.action, r.status, r.child_id) for r in rows()] == [("view", 422, case.child_id)]
    today = timezone.localdate().strftime("%d.%m.%Y")
    reason = pause_reason(case).pk
    assert client.post(url, {"reason": reason, "started_on": today}).status_code == 302
    assert len(rows()) == 1


def _appeal(world, case):
    decision = DecisionFactory(
        referral=case,
        decided_on=date(2026, 11, 2),
        decided_by=world.office,
        refused=True,
        superseded=True,
    )
    return AppealFactory(
        decision=decision, received_on=date(2026, 11, 3), registered_by=world.office
    )


SENSITIVE_PAGES = [
    # (URL name, persona, kwargs from the case)
    ("referrals:case_detail", "advisor", lambda w, c: {"pk": c.pk}),
    ("referrals:case_detail", "styrer_a", lambda w, c: {"pk": c.pk}),
    ("referrals:child_detail", "office", lambda w, c: {"pk": c.child_id}),
    ("referrals:child_edit", "advisor", lambda w, c: {"pk": c.child_id}),
    ("referrals:guardian_new", "advisor", lambda w, c: {"pk": c.child_id}),
    (
        "referrals:guardian_edit",
        "advisor",
        lambda w, c: {"pk": c.child.guardians.get().pk},
    ),
    ("referrals:referral_new", "advisor", lambda w, c: {"pk": c.child_id}),
    ("referrals:referral_edit", "advisor", lambda w, c: {"pk": c.pk}),
    ("referrals:consent_new", "advisor", lambda w, c: {"pk": c.pk}),
    (
        "referrals:consent_withdraw",
        "advisor",
        lambda w, c: {"pk": c.pk, "consent_pk": Consent.objects.get(referral=c).pk},
    ),
    ("referrals:assessment_edit", "advisor", lambda w, c: {"pk": c.pk}),
    (
        "referrals:attachment_download",
        "office",
        lambda w, c: {"pk": c.pk, "attachment_pk": c.attachments.get().pk},
    ),
    ("decisions:case_clock", "office", lambda w, c: {"pk": c.pk}),
    ("decisions:provisional_reply_new", "office", lambda w, c: {"pk": c.pk}),
    ("decisions:decision_new", "office", lambda w, c: {"pk": c.pk}),
    ("decisions:help_start", "office", lambda w, c: {"pk": c.pk}),
    ("decisions:appeal_new", "office", lambda w, c: {"pk": c.pk}),
    ("decisions:appeal_update", "office", lambda w, c: {"pk": _appeal(w, c).pk}),
    ("referrals:access_log_child", "admin", lambda w, c: {"pk": c.child_id}),
    ("referrals:access_log_user", "admin", lambda w, c: {"pk": w.advisor.pk}),
]


@pytest.mark.parametrize(
    "name,persona,kwargs", SENSITIVE_PAGES, ids=[f"{n}-{p}" for n, p, _ in SENSITIVE_PAGES]
)
def test_each_sensitive_page_adds_exactly_one_row_per_get(
    client, world, case, name, persona, kwargs
):
    url = reverse(name, kwargs=kwargs(world, case))
    client.force_login(getattr(world, persona))
    for visit in (1, 2):
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert AccessLogEntry.objects.count() == visit
    row = rows()[-1]
    assert row.user == getattr(world, persona)
    assert row.path == url
    assert row.action in ("view", "download")
    if name != "referrals:access_log_user":
        assert row.child_id == case.child_id


def test_every_case_and_child_url_is_watched_for_refusals():
    """Every URL of referrals and decisions says what it names (derived from the URL
    patterns: tests/referrals/test_access_log_complete.py walks them all)."""
    from referrals.access_log import unwatched_urls

    assert unwatched_urls() == []


def test_when_the_row_cannot_be_written_the_page_fails(client, world, case, monkeypatch):
    """Fail closed: no page with a child's data that the log does not account for."""

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLogEntry.objects, "create", broken)
    client.force_login(world.advisor)
    with pytest.raises(DatabaseError):
        client.get(reverse("referrals:case_detail", args=[case.pk]))


def test_the_identity_number_never_appears_in_the_log(client, world, case):
    child = case.child
    client.force_login(world.advisor)
    client.get(reverse("referrals:child_detail", args=[child.pk]))
    client.get(reverse("referrals:child_edit", args=[child.pk]))
    client.post(reverse("referrals:caseload"), {"q": child.id_number})
    client.force_login(world.styrer_b)
    client.get(reverse("referrals:child_detail", args=[child.pk]))
    client.force_login(world.admin)
    client.post(
        reverse("referrals:access_log_search"),
        {"find": "child", "child-case_or_id": child.id_number},
    )
    client.get(reverse("referrals:access_log_child", args=[child.pk]))

    assert AccessLogEntry.objects.count() >= 4
    fields = [f.attname for f in AccessLogEntry._meta.concrete_fields]
    for values in AccessLogEntry.objects.values_list(*fields):
        for value in values:
            assert child.id_number not in str(value)


# --- where the address comes from ---------------------------------------------------------------


@pytest.mark.parametrize(
    "proxies,forwarded,expected",
    [
        (0, "", "10.0.0.9"),
        (0, "203.0.113.7", "10.0.0.9"),  # no trusted proxy: the header is the client's word
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left entry may be forged
        (2, "198.51.100.1, 203.0.113.7", "198.51.100.1"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer hops than proxies: don't guess
        (1, "not-an-address", "10.0.0.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_an_anonymous_request_is_recorded_without_a_user(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/barn/1/")
    request.user = AnonymousUser()
    row = access_log_record(request, action="denied", object_type="child", object_id=1, status=404)
    assert (row.user, row.role, row.ip) == (None, "", "127.0.0.1")


def test_requests_wrapped_in_a_transaction_are_refused_by_a_check(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "ATOMIC_REQUESTS", True)
    assert [e.id for e in check_requests_not_atomic(None)] == ["referrals.E001"]


# --- the admin's pages ---------------------------------------------------------------------------


def test_the_admin_sees_both_visits_of_two_users_on_the_childs_page(client, world, case):
    for persona in (world.advisor, world.office):
        client.force_login(persona)
        assert client.get(reverse("referrals:case_detail", args=[case.pk])).status_code == 200
    client.force_login(world.admin)
    response = client.get(reverse("referrals:access_log_child", args=[case.child_id]))

    assert response.status_code == 200
    shown = [(r["user"], r["action"]) for r in response.context["rows"]]
    assert (world.advisor, "Åpnet") in shown and (world.office, "Åpnet") in shown
    text = response.text
    assert "Alice" in text and "Charlie" in text
    assert case.reference in text
    assert "PP-rådgiver" in text and "Barnehagekontoret" in text


def test_the_childs_page_shows_refused_attempts(client, world, case):
    client.force_login(world.styrer_b)
    client.get(reverse("referrals:case_detail", args=[case.pk]))
    client.force_login(world.admin)
    response = client.get(reverse("referrals:access_log_child", args=[case.child_id]))
    assert "Avvist" in response.text and "Berit" in response.text


@pytest.fixture
def other_admin(world):
    user = UserFactory(email="astrid@bergtun.no", full_name="Astrid Bergtun")
    RoleFactory(user=user, kind=Role.Kind.ADMIN, municipality=world.other_municipality)
    return user


def test_the_admin_of_another_municipality_gets_404(client, world, case, other_admin):
    client.force_login(other_admin)
    assert (
        client.get(reverse("referrals:access_log_child", args=[case.child_id])).status_code == 404
    )
    assert (
        client.get(reverse("referrals:access_log_user", args=[world.advisor.pk])).status_code == 404
    )


@pytest.mark.parametrize("persona", ["advisor", "styrer_a", "office", "director", "no_roles"])
def test_the_log_pages_are_403_for_everyone_but_the_admin(client, world, case, persona):
    client.force_login(getattr(world, persona))
    for url in (
        reverse("referrals:access_log_search"),
        reverse("referrals:access_log_child", args=[case.child_id]),
        reverse("referrals:access_log_user", args=[world.advisor.pk]),
    ):
        assert client.get(url).status_code == 403


def test_a_superuser_sees_no_municipalitys_log(client, world, case, other_admin):
    # Issue 16: a superuser read every municipality's children here. It works for no
    # municipality, so it has no children and no log of them (teams.scoping).
    boss = UserFactory(email="root@test.no", is_superuser=True, is_staff=True)
    other_child = ChildFactory(unit=world.other_unit)
    client.force_login(boss)
    for url in (
        reverse("referrals:access_log_search"),
        reverse("referrals:access_log_child", args=[other_child.pk]),
        reverse("referrals:access_log_child", args=[case.child_id]),
        reverse("referrals:access_log_user", args=[other_admin.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_users_page_lists_what_they_opened_in_the_admins_municipality_only(client, world, case):
    # An advisor of an interkommunal PPT office sees children in both municipalities.
    world.office_ppt.municipalities.add(world.other_municipality)
    other_child = ChildFactory(unit=world.other_unit)
    client.force_login(world.advisor)
    client.get(reverse("referrals:child_detail", args=[case.child_id]))
    assert client.get(reverse("referrals:child_detail", args=[other_child.pk])).status_code == 200

    client.force_login(world.admin)
    response = client.get(reverse("referrals:access_log_user", args=[world.advisor.pk]))

    assert response.status_code == 200
    assert [r["child_id"] for r in response.context["rows"]] == [case.child_id]
    # The admin's own look at the log is written, but under the admin, not the advisor.
    assert AccessLogEntry.objects.filter(user=world.admin, object_type="access_log").count() == 1


@pytest.mark.parametrize("n", [1, 30])
def test_the_childs_log_page_runs_the_same_queries_for_1_and_30_rows(
    client, world, case, django_assert_num_queries, n
):
    users = [UserFactory() for _ in range(n)]
    for user in users:
        entry(user=user, child_id=case.child_id, role="advisor")
    client.force_login(world.admin)
    # 1 session, 2 user, 3 roles, 4 the child (scoped through the admin's municipalities),
    # 5 the INSERT of this visit, 6 the paginator's count, 7 the page of rows with their users.
    with django_assert_num_queries(7):
        response = client.get(reverse("referrals:access_log_child", args=[case.child_id]))
    assert len(response.context["rows"]) == n + 1


@pytest.mark.parametrize("n", [1, 30])
def test_the_users_log_page_runs_the_same_queries_for_1_and_30_rows(
    client, world, case, django_assert_num_queries, n
):
    for _ in range(n):
        entry(user=world.advisor, child_id=case.child_id, role="advisor")
    client.force_login(world.admin)
    # 1 session, 2 user, 3 roles, 4 the user (scoped), 5 the INSERT, 6 the paginator's
    # count, 7 the page of rows.
    with django_assert_num_queries(7):
        response = client.get(reverse("referrals:access_log_user", args=[world.advisor.pk]))
    assert len(response.context["rows"]) == n


# --- the search page ---------------------------------------------------------------------------


def search(client, **data):
    return client.post(reverse("referrals:access_log_search"), data)


def test_the_search_finds_the_child_by_case_number(client, world, case):
    client.force_login(world.admin)
    for value in (case.reference, str(case.pk), case.reference.lower()):
        response = search(client, find="child", **{"child-case_or_id": value})
        assert response.status_code == 302
        assert response["Location"] == reverse("referrals:access_log_child", args=[case.child_id])


def test_the_search_finds_the_child_by_identity_number_without_putting_it_in_the_url(
    client, world, case
):
    client.force_login(world.admin)
    response = search(client, find="child", **{"child-case_or_id": case.child.id_number})
    assert response.status_code == 302
    assert case.child.id_number not in response["Location"]
    assert response["Location"] == reverse("referrals:access_log_child", args=[case.child_id])


def test_the_search_finds_a_user_by_email(client, world):
    client.force_login(world.admin)
    response = search(client, find="user", **{"user-email": "ALICE@test.no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:access_log_user", args=[world.advisor.pk])


def test_the_search_does_not_find_another_municipalitys_case_or_user(client, world, other_admin):
    elsewhere = ReferralFactory(
        child=ChildFactory(unit=world.other_unit), created_by=world.outsider
    )
    client.force_login(world.admin)
    response = search(client, find="child", **{"child-case_or_id": elsewhere.reference})
    assert response.status_code == 422
    assert "Fant ingen sak eller barn" in response.text
    response = search(client, find="user", **{"user-email": other_admin.email})
    assert response.status_code == 422
    assert "Fant ingen bruker" in response.text


def test_the_search_page_itself_writes_nothing_to_the_log(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("referrals:access_log_search")).status_code == 200
    assert rows() == []


def test_a_user_of_a_unit_in_the_municipality_is_found(client, world):
    """A styrer holds no municipality role: found through their unit."""
    area = AreaFactory(municipality=world.municipality)
    unit = UnitFactory(area=area)
    styrer = UserFactory(email="ny.styrer@test.no")
    RoleFactory(user=styrer, kind=Role.Kind.UNIT_HEAD, units=[unit])
    client.force_login(world.admin)
    assert client.get(reverse("referrals:access_log_user", args=[styrer.pk])).status_code == 200
