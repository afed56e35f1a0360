"""The demo's shipments (demo/shipments.py): sent letters and one failed shipment for the
office's list; a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from documents.models import Shipment


@pytest.mark.django_db
def test_the_demo_has_sent_shipments_and_one_failed_for_the_office(settings, tmp_path):
    settings.DEBUG = True
    settings.OUTBOX_DIR = tmp_path
    call_command("seed_demo", "--children", "300", "--referrals", "120", stdout=StringIO())
    statuses = list(Shipment.objects.values_list("status", flat=True))
    assert statuses.count("failed") == 1
    assert statuses.count("sent") >= 3
    assert len(list(tmp_path.glob("*/*/metadata.json"))) == statuses.count("sent")
    call_command("seed_demo", "--children", "300", "--referrals", "120", stdout=StringIO())
    assert Shipment.objects.count() == len(statuses)
