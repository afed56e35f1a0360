"""The dispatch pages: the office sends a final letter, the case shows each recipient's status,
the office's list shows what is queued or failed with "Prøv igjen"; scoped (404 outside), in
the access log, and with a constant number of queries."""

import pytest
from django.urls import reverse

from documents.dispatch import services
from documents.models import Shipment
from referrals.access_log import AccessLogEntry
from tests.documents.test_dispatch import family_case, final_document

Obj = AccessLogEntry.ObjectType


@pytest.fixture
def outbox(settings, tmp_path):
    settings.DISPATCH_BACKEND = "local"
    settings.OUTBOX_DIR = tmp_path / "outbox"


def _failed(world, case, *, n=1):
    """``n`` failed shipments of new final letters of ``case`` (one guardian each)."""
    rows = []
    for i in range(n):
        document = final_document(case, title=f"Vedtak {i}")
        for shipment in services.document_dispatch(document_id=document.pk, actor=world.office):
            Shipment.objects.filter(pk=shipment.pk).update(
                status="failed", attempts=5, last_error="SvarUt svarte 500."
            )
            rows.append(shipment)
    return rows


@pytest.mark.django_db
def test_the_office_sends_a_final_letter_and_a_second_click_is_refused(
    client, world, outbox, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=2, without_responsibility=1)
    document = final_document(case)
    client.force_login(world.office)
    url = reverse("documents:document_send", args=[document.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:case_shipments", args=[case.pk])
    assert len(callbacks) == 1
    assert Shipment.objects.filter(document=document).count() == 2
    again = client.post(url)
    assert again.status_code == 422
    assert "allerede sendt" in again.content.decode()
    assert Shipment.objects.filter(document=document).count() == 2
    printed = AccessLogEntry.objects.filter(action="print", object_type=Obj.DOCUMENT)
    assert {(e.object_id, e.child_id) for e in printed} == {(document.pk, case.child_id)}


@pytest.mark.django_db
def test_a_draft_cannot_be_sent_from_the_page(client, world, outbox):
    from documents.models import Document

    case = family_case(world)
    draft = Document.objects.create(referral=case, kind="decision", title="Utkast")
    client.force_login(world.office)
    response = client.post(reverse("documents:document_send", args=[draft.pk]))
    assert response.status_code == 422
    assert "Bare et endelig dokument kan sendes." in response.content.decode()
    assert not Shipment.objects.exists()


@pytest.mark.django_db
def test_the_case_page_shows_each_recipient_with_its_status(client, world, outbox):
    case = family_case(world, parents=2, without_responsibility=0)
    [failed] = _failed(world, case)[:1]
    client.force_login(world.advisor)
    response = client.get(reverse("documents:case_shipments", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert failed.recipient_name in page and "Forelder 2" in page
    assert "Feilet" in page and "SvarUt svarte 500." in page
    assert "Bjørkeveien 3, 1850 Solvik" in page
    assert AccessLogEntry.objects.filter(
        action="view", object_type=Obj.REFERRAL, object_id=case.pk, child_id=case.child_id
    ).exists()


@pytest.mark.django_db
def test_the_office_list_shows_failed_shipments_with_try_again(client, world, outbox):
    case = family_case(world, parents=1, without_responsibility=0)
    [failed] = _failed(world, case)
    sent_doc = final_document(case, title="Sendt brev")
    [sent] = services.document_dispatch(document_id=sent_doc.pk, actor=world.office)
    Shipment.objects.filter(pk=sent.pk).update(status="sent")
    client.force_login(world.office)
    response = client.get(reverse("documents:office_shipments"))
    page = response.content.decode()
    assert "Prøv igjen" in page and reverse("documents:shipment_retry", args=[failed.pk]) in page
    assert "Sendt brev" not in page  # sent: not the office's concern any more
    logged = AccessLogEntry.objects.filter(action="view", object_type=Obj.SHIPMENT)
    assert {(e.object_id, e.child_id) for e in logged} == {(failed.pk, case.child_id)}


@pytest.mark.django_db
def test_try_again_queues_the_shipment_and_a_sent_one_is_refused(
    client, world, outbox, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    [failed] = _failed(world, case)
    client.force_login(world.office)
    url = reverse("documents:shipment_retry", args=[failed.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(url).status_code == 302
    assert len(callbacks) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    refused = client.post(url)
    assert refused.status_code == 422
    assert "Bare en forsendelse som har feilet" in refused.content.decode()


@pytest.mark.django_db
def test_outside_the_scope_every_dispatch_page_is_a_404_and_logged(client, world, outbox):
    from teams.models import Role, Unit
    from tests.factories import RoleFactory, UserFactory

    case = family_case(world, parents=1, without_responsibility=0)
    [failed] = _failed(world, case)
    bergtun_office = UserFactory(email="kontor@bergtun.no")
    RoleFactory(
        user=bergtun_office,
        kind=Role.Kind.OFFICE,
        municipality=world.other_municipality,
        unit_kind=Unit.Kind.KINDERGARTEN,
    )
    for user in (bergtun_office, world.outsider, world.admin):
        client.force_login(user)
        assert client.get(reverse("documents:case_shipments", args=[case.pk])).status_code == 404
        assert client.post(reverse("documents:shipment_retry", args=[failed.pk])).status_code == 404
        send = reverse("documents:document_send", args=[failed.document_id])
        assert client.post(send).status_code == 404
    client.force_login(bergtun_office)
    listing = client.get(reverse("documents:office_shipments"))
    assert listing.status_code == 200 and failed.recipient_name not in listing.content.decode()
    denied = AccessLogEntry.objects.filter(action="denied", object_type=Obj.SHIPMENT)
    assert denied.count() == 3
    assert {e.child_id for e in denied} == {case.child_id}
    failed.refresh_from_db()
    assert failed.status == "failed"


@pytest.mark.django_db
def test_the_styrer_of_the_unit_reads_the_shipments_but_cannot_send_or_retry(client, world, outbox):
    case = family_case(world, parents=1, without_responsibility=0)
    [failed] = _failed(world, case)
    client.force_login(world.styrer_a)
    assert client.get(reverse("documents:case_shipments", args=[case.pk])).status_code == 200
    assert client.post(reverse("documents:shipment_retry", args=[failed.pk])).status_code == 403
    assert client.get(reverse("documents:office_shipments")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("letters", [1, 12])
def test_the_lists_keep_a_constant_number_of_queries(
    client, world, outbox, django_assert_num_queries, letters
):
    case = family_case(world, parents=2, without_responsibility=0)
    _failed(world, case, n=letters)
    client.force_login(world.office)
    client.get(reverse("documents:office_shipments"))  # the session and roles warmed up
    with django_assert_num_queries(OFFICE_QUERIES):
        response = client.get(reverse("documents:office_shipments"))
    assert response.content.decode().count("Prøv igjen") == 2 * letters
    with django_assert_num_queries(CASE_QUERIES):
        response = client.get(reverse("documents:case_shipments", args=[case.pk]))
    assert response.content.decode().count("SvarUt svarte 500.") == 2 * letters


# session, user, roles; the count and the page of shipments (document, case and child joined);
# the access log's one INSERT for the page's rows; the menu's unread notifications.
OFFICE_QUERIES = 7
# session, user, roles; the case (child, unit, advisor joined); its access-log row; the header's
# open pause; the shipments with their documents; the menu's unread notifications.
CASE_QUERIES = 8
