"""The batch pages (documents/batch_views.py): the worklist's offer, the start from it, the
batch page and its polled fragment, the list; 404 for anyone else's batch; constant queries."""

from datetime import date

import pytest
from django.urls import reverse

from documents import batch as batches
from documents.batch_tasks import run_letter_batch
from documents.models import Document, LetterBatch
from referrals.access_log import AccessLogEntry
from teams.models import Role, Unit
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.documents.test_batch import KIND, REASON, letterhead
from tests.factories import ReferralFactory, RoleFactory, UserFactory

TODAY = date(2026, 11, 25)


@pytest.fixture
def due(world):
    letterhead(world.municipality)
    return [case_at("received", world=world) for _ in range(2)]


@pytest.mark.django_db
def test_the_worklist_offers_this_weeks_provisional_replies(client, world, due):
    client.force_login(world.office)
    with frozen_today(TODAY):
        page = client.get(reverse("decisions:worklist")).content.decode()
        offer = client.get(reverse("documents:batch_new"), headers={"HX-Request": "true"})
    assert reverse("documents:batch_new") in page
    assert offer.status_code == 200
    assert "frist denne uka (2)" in offer.content.decode()


@pytest.mark.django_db
def test_posting_the_offer_starts_one_batch_and_goes_to_its_page(client, world, due):
    client.force_login(world.office)
    with frozen_today(TODAY):
        form = client.get(reverse("documents:batch_new")).context["form"]
        data = {
            "utvalg": "forelopig-svar-uke",
            "grunn": "Vi venter på vurderingen.",
            "once": form["once"].value(),
        }
        first = client.post(reverse("documents:batch_new"), data)
        again = client.post(reverse("documents:batch_new"), data)  # the double click
    batch = LetterBatch.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse(
        "documents:batch_detail", args=[batch.pk]
    )
    assert again.status_code == 302
    assert batch.referral_ids == [c.pk for c in due]
    assert batch.created_by == world.office


@pytest.mark.django_db
def test_a_start_without_a_reason_is_refused_at_the_field(client, world, due):
    client.force_login(world.office)
    with frozen_today(TODAY):
        response = client.post(reverse("documents:batch_new"), {"utvalg": "forelopig-svar-uke"})
    assert response.status_code == 422
    assert "Skriv hvorfor sakene tar tid." in response.content.decode()
    assert not LetterBatch.objects.exists()


@pytest.mark.django_db
def test_another_users_batch_is_a_404_and_logged(client, world, due):
    batch = batches.letter_batch_start(world.office, KIND, [due[0].pk], send=False)
    colleague = UserFactory(email="colleague@test.no")
    RoleFactory(
        user=colleague,
        kind=Role.Kind.OFFICE,
        municipality=world.municipality,
        unit_kind=Unit.Kind.KINDERGARTEN,
    )
    for user in (colleague, world.outsider, world.advisor):
        client.force_login(user)
        for name in ("documents:batch_detail", "documents:batch_progress"):
            assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    denied = AccessLogEntry.objects.filter(action="denied", object_type="batch", object_id=batch.pk)
    assert denied.count() == 6


@pytest.mark.django_db
def test_the_fragment_polls_while_running_and_stops_when_finished(client, world, due):
    batch = batches.letter_batch_start(world.office, KIND, [c.pk for c in due], send=False)
    client.force_login(world.office)
    url = reverse("documents:batch_progress", args=[batch.pk])
    htmx = {"HX-Request": "true"}
    running = client.get(url, headers=htmx).content.decode()
    assert 'hx-trigger="every 1s"' in running and f'hx-get="{url}"' in running
    assert 'role="progressbar"' in running and 'aria-valuenow="0"' in running
    assert "0 av 2 saker behandlet" in running
    with frozen_today(TODAY):
        run_letter_batch.apply(args=[batch.pk, False, REASON]).get()
    finished = client.get(url, headers=htmx).content.decode()
    assert "<title>" in client.get(url).content.decode()  # opened as a page: the batch's page
    assert "hx-trigger" not in finished and "hx-get" not in finished
    assert 'aria-valuenow="2"' in finished and "2 av 2 saker behandlet" in finished
    assert due[0].child.full_name in finished
    # The cases the page showed are in the access log, with their children.
    shown = AccessLogEntry.objects.filter(object_type="referral", action="view", user=world.office)
    assert {(e.object_id, e.child_id) for e in shown} >= {(c.pk, c.child_id) for c in due}


def _batch_with(world, n):
    referrals = ReferralFactory.create_batch(n, unit=world.unit_a)
    docs = [
        Document.objects.create(
            referral=r, kind=KIND, title="Foreløpig svar", created_by=world.office
        )
        for r in referrals
    ]
    results = [
        {"referral": r.pk, "document": d.pk, "error": "" if i % 2 else "Mangler dato."}
        for i, (r, d) in enumerate(zip(referrals, docs, strict=True))
    ]
    return LetterBatch.objects.create(
        kind=KIND,
        referral_ids=[r.pk for r in referrals],
        total=n,
        done=n,
        failed=len([x for x in results if x["error"]]),
        results=results,
        status=LetterBatch.Status.FINISHED,
        created_by=world.office,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_the_batch_page_makes_the_same_queries_for_1_and_50_results(
    client, world, n, django_assert_num_queries
):
    batch = _batch_with(world, n)
    client.force_login(world.office)
    url = reverse("documents:batch_detail", args=[batch.pk])
    client.get(url)  # warm: the session, the user's roles
    # session, user, roles and their units, the batch, the access log row of the batch, the
    # cases with their children, the letters, the access log rows of the cases (one INSERT)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == n + 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_the_list_makes_the_same_queries_for_1_and_30_batches(
    client, world, n, django_assert_num_queries
):
    for _ in range(n):
        LetterBatch.objects.create(kind=KIND, total=2, created_by=world.office)
    client.force_login(world.office)
    client.get(reverse("documents:batch_list"))
    with django_assert_num_queries(5):  # session, user, roles and their units, the batches
        response = client.get(reverse("documents:batch_list"))
    assert response.content.decode().count(reverse("documents:batch_detail", args=[1])[:12]) >= n
