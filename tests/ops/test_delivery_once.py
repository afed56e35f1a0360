"""A digest the mail server accepted is sent: a failure while saying goodbye (QUIT timing out
under load) must not put it back to pending, or it would be delivered twice (what the fault
suite's SIGKILL test caught)."""

from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from decisions import flagging
from decisions.models import Notification
from tests.decisions.conftest import received_case


class AcceptsThenTimesOutOnQuit(EmailBackend):
    """Like the SMTP backend: opens a connection if none is open, closes what it opened."""

    opened = False

    def open(self):
        if self.opened:
            return False
        self.opened = True
        return True

    def send_messages(self, messages):
        new = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if new:
                self.close()

    def close(self):
        raise TimeoutError("QUIT timed out")


@pytest.mark.django_db
def test_a_failure_after_the_server_accepted_does_not_send_the_digest_again(world, settings):
    received_case(world)
    note_id = flagging.detect(date(2026, 11, 25)).notification_ids[0]
    settings.MAILERS = {
        "default": {"BACKEND": f"{__name__}.AcceptsThenTimesOutOnQuit", "OPTIONS": {}}
    }
    assert flagging.deliver(note_id) is True
    assert flagging.deliver(note_id) is False
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=note_id).status == Notification.Status.SENT
