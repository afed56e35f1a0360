"""Dispatch through a real Celery worker and Redis (its own redis-server, so no other test's
worker takes the tasks) against the fake SvarUt: the queued shipments are sent once each, and a
shipment a dead worker left "sending" after SvarUt took it is recovered without a second
letter."""

import pytest

from documents.dispatch import services
from documents.dispatch.backends import SvarUt
from documents.models import Shipment
from tests.documents.test_dispatch import family_case, final_document, tiny_pdf
from tests.support import fake_svarut
from tests.support.fake_svarut import FakeSvarUt
from tests.support.processes import (
    env,
    free_port,
    manage,
    start_redis,
    start_worker,
    stop,
    wait_for,
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_shipment_once_and_recovers_a_dead_workers(
    world, settings, monkeypatch
):
    monkeypatch.setattr(services, "enqueue", lambda ids: None)  # published below, to our Redis
    port = free_port()
    with FakeSvarUt() as svarut:
        settings.DISPATCH_BACKEND = "svarut"
        settings.SVARUT_URL, settings.SVARUT_TIMEOUT_SECONDS = svarut.url, 2
        settings.SVARUT_USER, settings.SVARUT_PASSWORD = fake_svarut.USER, fake_svarut.PASSWORD
        case = family_case(world, parents=2, without_responsibility=1)
        queued = services.document_dispatch(document_id=final_document(case).pk, actor=world.office)
        other = family_case(world, parents=1, without_responsibility=0)
        [orphan] = services.document_dispatch(
            document_id=final_document(other).pk, actor=world.office
        )
        # A worker took the orphan, SvarUt got it, and the worker died before it wrote "sent".
        SvarUt().send(orphan, tiny_pdf(), services.metadata_for(orphan))
        Shipment.objects.filter(pk=orphan.pk).update(status="sending", attempts=1)

        environment = env(
            REDIS_URL=f"redis://127.0.0.1:{port}/0",
            DISPATCH_BACKEND="svarut",
            SVARUT_URL=svarut.url,
            SVARUT_USER=fake_svarut.USER,
            SVARUT_PASSWORD=fake_svarut.PASSWORD,
            SVARUT_TIMEOUT_SECONDS=2,
        )
        redis = start_redis(port)
        worker = start_worker(environment)
        try:
            ids = [s.pk for s in queued]
            manage(
                environment,
                "shell",
                "-c",
                "from documents.dispatch.tasks import send_shipment, recover_shipments; "
                f"[send_shipment.delay(i) for i in {ids!r}]; "
                f"[send_shipment.delay(i) for i in {ids!r}]; "  # twice: still one letter each
                "recover_shipments.delay()",
            )
            done = wait_for(lambda: Shipment.objects.filter(status="sent").count() == 3, timeout=90)
        finally:
            log = stop(worker)
            redis.terminate()
            redis.wait(10)
        assert done, log
        assert len(svarut.forsendelser) == 3
        refs = [f["forsendelse"]["eksternReferanse"] for f in svarut.forsendelser]
        assert len(set(refs)) == 3
        orphan.refresh_from_db()
        assert orphan.external_id == svarut.forsendelser[0]["id"]
