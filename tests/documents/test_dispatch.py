"""Dispatch of final letters (issue 20, deliverable 4): one shipment per guardian with parental
responsibility, sent by the Celery task (eager here: retries run in place) through the local
outbox or a local fake of SvarUt that refuses, hangs and counts what it received."""

import hashlib
import json
import threading
from datetime import date, timedelta
from functools import cache

import pytest
from django.db import connection
from django.utils import timezone

from documents.dispatch import services
from documents.dispatch.backends import LocalOutbox, PermanentDispatchError, SvarUt, postal_address
from documents.dispatch.tasks import recover_shipments, send_shipment
from documents.models import Document, Shipment
from referrals.models import CaseEvent
from tests.builders import case_at
from tests.factories import GuardianFactory
from tests.support import fake_svarut
from tests.support.fake_svarut import FakeSvarUt

ON = date(2026, 10, 28)


@cache
def tiny_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<p>x</p>").write_pdf()


def final_document(case, *, kind=Document.Kind.DECISION, title="Vedtak om spesialpedagogisk hjelp"):
    """A final letter made directly (the letters part makes them in the product)."""
    pdf = tiny_pdf()
    return Document.objects.create(
        referral=case,
        kind=kind,
        status=Document.Status.FINAL,
        title=title,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        document_date=ON,
        finalised_at=timezone.now(),
    )


def family_case(world, *, parents=2, without_responsibility=1):
    """A case whose child has ``parents`` guardians with parental responsibility and
    ``without_responsibility`` without (a stepparent, say), all with an address."""
    case = case_at("assessing", world=world, on=ON)
    child = case.child
    first = child.guardians.get()
    first.address = "Bjørkeveien 3, 1850 Solvik"
    first.save()
    for n in range(parents - 1):
        GuardianFactory(child=child, name=f"Forelder {n + 2}", address="Granlia 7, 1850 Solvik")
    for _n in range(without_responsibility):
        GuardianFactory(
            child=child,
            name="Uten foreldreansvar",
            parental_responsibility=False,
            address="Fjellveien 1, 1851 Solvik",
        )
    return case


def dispatched(world, case, django_capture_on_commit_callbacks, **kwargs):
    document = final_document(case, **kwargs)
    with django_capture_on_commit_callbacks() as callbacks:
        shipments = services.document_dispatch(document_id=document.pk, actor=world.office)
    assert len(callbacks) == 1  # the sending is enqueued once, after commit
    return document, shipments


@pytest.fixture
def outbox(settings, tmp_path):
    settings.DISPATCH_BACKEND = "local"
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


@pytest.fixture
def svarut(settings):
    settings.DISPATCH_BACKEND = "svarut"
    settings.SVARUT_USER, settings.SVARUT_PASSWORD = fake_svarut.USER, fake_svarut.PASSWORD
    settings.SVARUT_TIMEOUT_SECONDS = 1
    with FakeSvarUt() as fake:
        settings.SVARUT_URL = fake.url
        yield fake


# --- who gets a letter --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_final_letter_goes_once_to_each_guardian_with_parental_responsibility(
    world, outbox, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=2, without_responsibility=1)
    document, shipments = dispatched(world, case, django_capture_on_commit_callbacks)
    names = sorted(s.recipient_name for s in shipments)
    assert names == sorted(["Forelder 2", case.child.guardians.order_by("pk").first().name])
    assert "Uten foreldreansvar" not in names
    for shipment in shipments:
        send_shipment.apply(args=[shipment.pk])
        send_shipment.apply(args=[shipment.pk])  # run twice: still one letter
    rows = Shipment.objects.filter(document=document)
    assert {(r.status, r.attempts) for r in rows} == {(Shipment.Status.SENT, 1)}
    assert len(list(outbox.glob("*/*/metadata.json"))) == 2
    assert CaseEvent.objects.filter(referral=case, action="document.dispatched").count() == 1


@pytest.mark.django_db
def test_a_draft_is_not_sent(world, outbox):
    case = family_case(world)
    draft = Document.objects.create(referral=case, kind=Document.Kind.DECISION, title="Utkast")
    with pytest.raises(services.DispatchRefused, match="endelig"):
        services.document_dispatch(document_id=draft.pk, actor=world.office)
    assert not Shipment.objects.exists()


@pytest.mark.django_db
def test_a_guardian_without_an_address_stops_the_dispatch_with_a_message(world, outbox):
    case = case_at("assessing", world=world, on=ON)  # its guardian has no address
    document = final_document(case)
    with pytest.raises(services.DispatchRefused, match="Adressen mangler"):
        services.document_dispatch(document_id=document.pk, actor=world.office)
    assert not Shipment.objects.exists()


@pytest.mark.django_db
def test_no_guardian_with_parental_responsibility_is_refused(world, outbox):
    case = family_case(world)
    case.child.guardians.update(parental_responsibility=False)
    document = final_document(case)
    with pytest.raises(services.DispatchRefused, match="foreldreansvar"):
        services.document_dispatch(document_id=document.pk, actor=world.office)


@pytest.mark.django_db
def test_a_kind_in_unit_copy_also_goes_to_the_unit(world, outbox, monkeypatch):
    # No kind is in UNIT_COPY today (services.py says why); the mechanism is ready for one.
    monkeypatch.setitem(services.UNIT_COPY, Document.Kind.DECISION, "a rule naming the unit")
    case = family_case(world, parents=1, without_responsibility=0)
    shipments = services.document_dispatch(document_id=final_document(case).pk, actor=world.office)
    assert [s.unit_id for s in shipments] == [None, case.unit_id]


@pytest.mark.django_db
def test_a_double_dispatch_makes_one_set(world, outbox, django_capture_on_commit_callbacks):
    case = family_case(world)
    document, first = dispatched(world, case, django_capture_on_commit_callbacks)
    with pytest.raises(services.DispatchRefused, match="allerede"):
        services.document_dispatch(document_id=document.pk, actor=world.office)
    assert Shipment.objects.filter(document=document).count() == len(first) == 2


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_make_one_set(world, settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    case = family_case(world)
    document = final_document(case)
    barrier, outcomes = threading.Barrier(2), []

    def click():
        try:
            barrier.wait(5)
            services.document_dispatch(document_id=document.pk, actor=world.office)
            outcomes.append("queued")
        except services.DispatchRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["queued", "refused"]
    assert Shipment.objects.filter(document=document).count() == 2


# --- the local outbox ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_outbox_holds_the_pdf_and_its_metadata_once(
    world, outbox, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    day = timezone.localtime(shipment.queued_at).date().isoformat()
    folder = outbox / day / str(shipment.pk)
    assert shipment.external_id == f"utboks:{day}/{shipment.pk}"
    pdf = (folder / f"decision-{document.pk}.pdf").read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["recipient_name"] == shipment.recipient_name
    assert meta["recipient_address"] == "Bjørkeveien 3, 1850 Solvik"
    assert meta["title"] == document.title
    assert meta["case_reference"] == case.reference
    assert meta["sha256"] == document.sha256
    assert meta["confidential"] is True
    # nothing half-written is left beside it
    assert sorted(p.name for p in folder.parent.iterdir()) == [str(shipment.pk)]


@pytest.mark.django_db
def test_the_outbox_writes_atomically_and_never_twice(world, outbox, monkeypatch):
    case = family_case(world, parents=1, without_responsibility=0)
    document = final_document(case)
    shipment = services.document_dispatch(document_id=document.pk, actor=world.office)[0]
    box, meta = LocalOutbox(), services.metadata_for(shipment)

    # A crash while writing (the disk full at the metadata): no shipment appears.
    from documents.dispatch import backends

    real_write = backends._write
    calls = []

    def failing_write(path, data):
        calls.append(path.name)
        if path.name == "metadata.json":
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(backends, "_write", failing_write)
    with pytest.raises(backends.DispatchError, match="utboksen"):
        box.send(shipment, tiny_pdf(), meta)
    assert box.find(shipment, meta) is None
    day_dir = outbox / timezone.localtime(shipment.queued_at).date().isoformat()
    assert list(day_dir.iterdir()) == []  # the temporary directory is gone too

    monkeypatch.setattr(backends, "_write", real_write)
    first = box.send(shipment, tiny_pdf(), meta)
    folder = day_dir / str(shipment.pk)
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert box.send(shipment, b"%PDF-other", meta) == first  # already there: not written again
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written
    assert box.find(shipment, meta) == first


# --- SvarUt ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_svarut_gets_one_forsendelse_per_guardian_as_published(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=2, without_responsibility=1)
    document, shipments = dispatched(world, case, django_capture_on_commit_callbacks)
    for shipment in shipments:
        send_shipment.apply(args=[shipment.pk])
    assert len(svarut.forsendelser) == 2
    sent = svarut.forsendelser[0]
    body = sent["forsendelse"]
    assert body["tittel"] == document.title
    assert body["mottaker"]["postAdresse"] == {
        "navn": shipments[0].recipient_name,
        "adresse1": "Bjørkeveien 3",
        "postNummer": "1850",
        "postSted": "Solvik",
        "land": "Norge",
    }
    assert body["krevNiva4Innlogging"] is True  # taushetsbelagt (fvl. § 13)
    assert body["dokumenter"] == [
        {"filnavn": f"decision-{document.pk}.pdf", "mimeType": "application/pdf"}
    ]
    assert sent["files"] == [{"filename": f"decision-{document.pk}.pdf", "data": tiny_pdf()}]
    assert body["eksternReferanse"] == f"rimelig-{shipments[0].pk}-{document.sha256[:12]}"
    rows = Shipment.objects.filter(document=document).order_by("pk")
    assert [r.external_id for r in rows] == [f["id"] for f in svarut.forsendelser]
    assert {r.status for r in rows} == {Shipment.Status.SENT}


@pytest.mark.django_db
def test_svarut_refusing_is_retried_and_sent_once(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    svarut.refuse(2)
    send_shipment.apply(args=[shipment.pk])  # eager: the two retries run in place
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts, shipment.last_error) == (
        Shipment.Status.SENT,
        3,
        "",
    )
    assert len(svarut.forsendelser) == 1


@pytest.mark.django_db
def test_svarut_hanging_times_out_and_the_retry_finds_the_forsendelse_by_its_key(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    svarut.hang(1, seconds=3)  # kept by SvarUt, but no answer within the 1 s timeout

    with pytest.raises(services.DispatchError, match="innen 1 s"):
        services.shipment_send(shipment.pk)
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == (Shipment.Status.QUEUED, 1)
    assert "innen 1 s" in shipment.last_error
    assert len(svarut.forsendelser) == 1

    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == (Shipment.Status.SENT, 2)
    assert len(svarut.forsendelser) == 1  # the key found it: no second letter
    assert shipment.external_id == svarut.forsendelser[0]["id"]


@pytest.mark.django_db
def test_svarut_slow_but_within_the_timeout_is_simply_sent(
    world, svarut, settings, django_capture_on_commit_callbacks
):
    settings.SVARUT_TIMEOUT_SECONDS = 2
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    svarut.slow(0.3)
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts, len(svarut.forsendelser)) == ("sent", 1, 1)


@pytest.mark.django_db
def test_a_permanently_failing_svarut_fails_after_five_attempts_and_the_office_sees_it(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    svarut.refuse(99)
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == (Shipment.Status.FAILED, services.MAX_ATTEMPTS)
    assert shipment.last_error == "SvarUt svarte 500."  # short, and no personal data
    assert svarut.forsendelser == []
    from documents.dispatch.selectors import office_shipments

    assert list(office_shipments(world.office)) == [shipment]


@pytest.mark.django_db
def test_a_forsendelse_svarut_rejected_is_not_sent_again_and_the_shipment_fails(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    svarut.hang(1, seconds=3)
    with pytest.raises(services.DispatchError):
        services.shipment_send(shipment.pk)  # timed out; SvarUt has it, then rejects it
    svarut.statuses[svarut.forsendelser[0]["id"]] = "AVVIST"
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert (shipment.status, shipment.last_error) == (
        "failed",
        "SvarUt avviste forsendelsen (AVVIST).",
    )
    assert len(svarut.forsendelser) == 1
    assert ("GET", f"{fake_svarut.API}/{svarut.forsendelser[0]['id']}/status") in svarut.calls


@pytest.mark.django_db
def test_wrong_credentials_fail_at_once_without_retries(
    world, svarut, settings, django_capture_on_commit_callbacks
):
    settings.SVARUT_PASSWORD = "feil"
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == (Shipment.Status.FAILED, 1)
    assert "401" in shipment.last_error


@pytest.mark.django_db
def test_the_office_retries_a_failed_shipment_and_it_is_sent_once(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=1, without_responsibility=0)
    _document, [shipment] = dispatched(world, case, django_capture_on_commit_callbacks)
    svarut.refuse(services.MAX_ATTEMPTS)
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.FAILED
    with django_capture_on_commit_callbacks() as callbacks:
        services.shipment_retry(shipment_id=shipment.pk, actor=world.office)
    assert len(callbacks) == 1
    send_shipment.apply(args=[shipment.pk])
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == (Shipment.Status.SENT, 1)
    assert len(svarut.forsendelser) == 1
    with pytest.raises(services.DispatchRefused):
        services.shipment_retry(shipment_id=shipment.pk, actor=world.office)  # sent: never again


@pytest.mark.django_db
def test_a_shipment_left_sending_by_a_dead_worker_is_recovered_without_a_second_letter(
    world, svarut, django_capture_on_commit_callbacks
):
    case = family_case(world, parents=2, without_responsibility=0)
    _document, [reached, lost] = dispatched(world, case, django_capture_on_commit_callbacks)
    # The first worker died after SvarUt took the letter; the second died before it sent.
    SvarUt().send(reached, tiny_pdf(), services.metadata_for(reached))
    Shipment.objects.filter(pk__in=[reached.pk, lost.pk]).update(status="sending", attempts=1)
    assert len(svarut.forsendelser) == 1

    assert recover_shipments.apply().get() == {"sent": 2, "retry": 0}
    assert recover_shipments.apply().get() == {"sent": 0, "retry": 0}  # twice: nothing more
    reached.refresh_from_db()
    lost.refresh_from_db()
    assert (reached.status, lost.status) == ("sent", "sent")
    assert len(svarut.forsendelser) == 2
    assert (
        reached.external_id
        == svarut.by_eksternref(services.metadata_for(reached).idempotency_key)[0]["id"]
    )


@pytest.mark.django_db
def test_a_shipment_whose_workers_keep_dying_stops_at_five_attempts_and_fails(world, outbox):
    case = family_case(world, parents=1, without_responsibility=0)
    [shipment] = services.document_dispatch(document_id=final_document(case).pk, actor=world.office)
    Shipment.objects.filter(pk=shipment.pk).update(status="sending", attempts=services.MAX_ATTEMPTS)
    assert services.shipments_recover() == {"sent": 0, "retry": 0}
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert shipment.last_error == "Avbrutt etter gjentatte forsøk."
    assert not any(outbox.glob("*/*"))


@pytest.mark.django_db
def test_a_queued_shipment_whose_task_was_lost_is_sent_by_the_recovery(world, outbox):
    case = family_case(world, parents=1, without_responsibility=0)
    [shipment] = services.document_dispatch(document_id=final_document(case).pk, actor=world.office)
    assert services.shipments_to_recover() == []  # just queued: its task is on its way
    later = timezone.now() + services.UNSENT_AFTER + timedelta(minutes=1)
    assert services.shipments_to_recover(later) == [shipment.pk]
    assert services.shipments_recover(later) == {"sent": 1, "retry": 0}


@pytest.mark.django_db(transaction=True)
def test_a_worker_sending_right_now_is_left_alone_by_the_recovery(world, svarut, settings):
    """The deliver step holds the row lock during the call; the recovery skips a locked row."""
    settings.SVARUT_TIMEOUT_SECONDS = 5  # the slow answer below comes well within it
    case = family_case(world, parents=1, without_responsibility=0)
    [shipment] = services.document_dispatch(document_id=final_document(case).pk, actor=world.office)
    svarut.hang(1, seconds=1.0)
    results = {}

    def worker():
        try:
            results["worker"] = services.shipment_send(shipment.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert _wait(lambda: len(svarut.forsendelser) == 1)
    results["recovery"] = services.shipments_recover()
    thread.join(10)
    assert results == {"worker": True, "recovery": {"sent": 0, "retry": 0}}
    assert len(svarut.forsendelser) == 1


def _wait(predicate, timeout=5.0):
    from tests.support.processes import wait_for

    return wait_for(predicate, timeout, interval=0.02)


def test_an_address_without_postnummer_and_poststed_cannot_go_to_print():
    assert postal_address("A", "Storgata 1, 0150 Oslo")["postNummer"] == "0150"
    assert postal_address("A", "Storgata 1 0150 Oslo")["postSted"] == "Oslo"
    with pytest.raises(PermanentDispatchError):
        postal_address("A", "Storgata 1")
