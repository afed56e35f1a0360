"""The Dokumenter tab, registering an incoming document and a note, reading and printing a
document: who sees what, the access log, and a fixed number of queries."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import Document, JournalEntry
from referrals.access_log import AccessLogEntry
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.documents.conftest import final_document, tiny_pdf

TODAY = date(2026, 12, 1)


@pytest.fixture
def case(world):
    with frozen_today(TODAY):
        return case_at("assessing", world=world)


def _upload(content: bytes, name="svar.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _post_incoming(client, case, content, **extra):
    data = {
        "title": "Svar fra foreldrene",
        "sender": "Kari Nordmann",
        "document_date": "2026-11-30",
        "file": _upload(content),
        **extra,
    }
    with frozen_today(TODAY):
        return client.post(reverse("documents:incoming_new", args=[case.pk]), data)


@pytest.mark.django_db
def test_an_incoming_pdf_is_stored_final_and_journalled(client, world, case):
    client.force_login(world.advisor)
    pdf = tiny_pdf(2)
    response = _post_incoming(client, case, pdf)
    assert response.status_code == 302
    document = Document.objects.get(referral=case)
    assert (document.kind, document.status) == ("incoming", "final")
    assert bytes(document.pdf) == pdf
    import hashlib

    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    entry = JournalEntry.objects.get(document=document)
    assert (entry.direction, entry.correspondent, entry.number_in_case) == ("I", "Kari Nordmann", 2)
    assert entry.document_date == date(2026, 11, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 this is an exe renamed to .pdf",
        b"%PDF-1.7\n this starts like a PDF but is not one",
        b"<html><body>not a pdf</body></html>",
    ],
    ids=["exe", "pdf-header-only", "html"],
)
def test_an_upload_that_is_not_a_pdf_is_refused_at_the_field(client, world, case, content):
    client.force_login(world.advisor)
    before = JournalEntry.objects.count()
    response = _post_incoming(client, case, content)
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "Filen er ikke en PDF (innholdet ble sjekket, ikke filnavnet)."
    ]
    assert not Document.objects.exists()
    assert JournalEntry.objects.count() == before


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused(client, world, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(world.advisor)
    response = _post_incoming(client, case, tiny_pdf())
    assert response.status_code == 422
    assert "for stor" in response.context["form"].errors["file"][0]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_note_is_journalled_internal_and_hidden_from_the_styrer(client, world, case):
    client.force_login(world.advisor)
    with frozen_today(TODAY):
        response = client.post(
            reverse("documents:note_new", args=[case.pk]),
            {
                "title": "Samtale med logoped",
                "text": "Notat <b>uten</b> HTML.",
                "document_date": "2026-12-01",
            },
        )
    assert response.status_code == 302
    note = Document.objects.get(referral=case, kind="note")
    assert bytes(note.pdf).startswith(b"%PDF-")
    assert JournalEntry.objects.get(document=note).direction == "N"
    tab = reverse("documents:case_documents", args=[case.pk])
    assert "Samtale med logoped" in client.get(tab).content.decode()
    # The unit's head sees the case, not PPT's internal notes (documents/selectors.py).
    client.force_login(world.styrer_a)
    page = client.get(tab)
    assert page.status_code == 200
    assert "Samtale med logoped" not in page.content.decode()
    assert client.get(reverse("documents:document_view", args=[note.pk])).status_code == 404


@pytest.mark.django_db
def test_the_styrer_cannot_download_a_note_by_its_pdf_address(client, world, case):
    note = final_document(case, by=world.advisor, kind="note", title="Notat")
    client.force_login(world.advisor)
    assert client.get(reverse("documents:document_pdf", args=[note.pk])).status_code == 200
    client.force_login(world.styrer_a)
    assert client.get(reverse("documents:document_pdf", args=[note.pk])).status_code == 404


@pytest.mark.django_db
def test_the_styrer_sees_incoming_documents_and_the_journal(client, world, case):
    document = final_document(case, title="Uttalelse fra fastlege", by=world.advisor)
    client.force_login(world.styrer_a)
    page = client.get(reverse("documents:case_documents", args=[case.pk])).content.decode()
    assert "Uttalelse fra fastlege" in page
    assert "Henvisning til PP-tjenesten" in page
    assert client.get(reverse("documents:document_view", args=[document.pk])).status_code == 200


# --- reading and printing: logged, and 404 outside one's scope --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "action"), [("documents:document_view", "view"), ("documents:document_print", "print")]
)
def test_reading_a_document_is_logged(client, world, case, url, action):
    document = final_document(case, by=world.advisor)
    client.force_login(world.office)
    response = client.get(reverse(url, args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content == bytes(document.pdf)
    row = AccessLogEntry.objects.get(user=world.office, object_type="document")
    assert (row.action, row.object_id, row.child_id) == (action, document.pk, case.child_id)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["styrer_b", "outsider", "director", "admin"])
@pytest.mark.parametrize("url", ["documents:document_view", "documents:document_print"])
def test_a_document_outside_ones_scope_is_404_and_the_refusal_is_logged(
    client, world, case, persona, url
):
    document = final_document(case, by=world.advisor)
    user = getattr(world, persona)
    if persona == "admin":  # the municipality's administrator, staff in the admin
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client.force_login(user)
    assert client.get(reverse(url, args=[document.pk])).status_code == 404
    row = AccessLogEntry.objects.get(user=user)
    assert (row.action, row.object_type, row.object_id) == ("denied", "document", document.pk)
    assert row.child_id == case.child_id  # the lookup registered in DocumentsConfig.ready


@pytest.mark.django_db
def test_the_tab_is_404_for_another_municipality(client, world, case):
    client.force_login(world.outsider)
    assert client.get(reverse("documents:case_documents", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_the_tab_logs_the_view_of_the_case(client, world, case):
    client.force_login(world.advisor)
    client.get(reverse("documents:case_documents", args=[case.pk]))
    row = AccessLogEntry.objects.get(user=world.advisor)
    assert (row.action, row.object_type, row.object_id) == ("view", "referral", case.pk)


# --- a fixed number of queries with 1 and 50 documents -----------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_tab_runs_the_same_queries_with_1_and_50_documents(
    client, world, case, django_assert_num_queries
):
    from documents import journal

    client.force_login(world.advisor)
    url = reverse("documents:case_documents", args=[case.pk])
    document = final_document(case, by=world.advisor)
    journal.register(
        referral=case, direction="I", title="Svar", document_date=TODAY, document=document
    )
    one = _count(client, url)
    for n in range(49):
        document = final_document(case, title=f"Brev {n}", by=world.advisor)
        journal.register(
            referral=case,
            direction="U",
            title=document.title,
            document_date=TODAY,
            document=document,
            correspondent="Kari Nordmann",
        )
    # 8: the session, the user, the roles; the case with child, unit and advisor; its open
    # pause; the documents with who finalised and made them (no pdf); the journal; the
    # access-log row. The same with 50 documents and 51 journal entries.
    with django_assert_num_queries(8):
        page = client.get(url)
    assert page.content.decode().count("/vis/") == 50
    assert {"pdf"} <= page.context["documents"][0].get_deferred_fields()
    assert one == 8


@pytest.mark.django_db
def test_a_registered_incoming_document_cannot_be_changed(world, case):
    from django.db import DatabaseError, transaction

    from documents.models import ImmutableError

    document = final_document(case, by=world.advisor)
    document.title = "Endret"
    with pytest.raises(ImmutableError):
        document.save()
    with pytest.raises(DatabaseError, match="document_final_unchanged"), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(pdf=b"%PDF-1.4 annet")
    assert Document.objects.get(pk=document.pk).title == "Svar fra foreldrene"
