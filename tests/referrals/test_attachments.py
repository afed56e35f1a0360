"""Attachments on a case: the type is sniffed from the content, the size is capped, nothing is
half-saved, and files are served only to those who may see the case."""

import io
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from referrals import attachments as attachments_module
from referrals.attachments import (
    DOCX,
    attachment_add,
    attachment_section,
    attachments_for_case,
    format_megabytes,
    size_label,
)
from referrals.models import Attachment, CaseEvent, Referral, attachment_storage
from referrals.services import CaseError
from referrals.signals import case_changed
from tests.factories import ChildFactory, ReferralFactory

MB = 1024 * 1024
NOT_ALLOWED = (
    "Filen er ikke en PDF, et bilde eller et kontordokument "
    "(innholdet ble sjekket, ikke filnavnet)."
)
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A real 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_bytes() -> bytes:
    """The smallest Word document filetype recognises: [Content_Types].xml first (as Word
    writes it), then a word/ part among the next entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notater.txt", "Ikke et kontordokument")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    # The browser's claimed type is deliberately whatever the test says: it must not matter.
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def case(world):
    child = ChildFactory(unit=world.unit_a)
    return ReferralFactory(
        child=child,
        status=Referral.Status.RECEIVED,
        advisor=world.advisor,
        created_by=world.advisor,
    )


@pytest.fixture
def stored_pdf(case, world, media) -> Attachment:
    return attachment_add(
        referral_id=case.pk,
        uploaded_file=upload("rapport.pdf", PDF_BYTES),
        title="Logopedrapport mai",
        actor=world.advisor,
    )


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload_url(case) -> str:
    return reverse("referrals:attachment_upload", args=[case.pk])


def download_url(case, attachment) -> str:
    return reverse("referrals:attachment_download", args=[case.pk, attachment.pk])


def post_upload(client, user, case, file, title="Rapport fra barnehagen"):
    client.force_login(user)
    return client.post(upload_url(case), {"title": title, "file": file})


def file_error(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


# --- uploading -------------------------------------------------------------------------------


def test_advisor_uploads_a_pdf_and_it_is_journaled(client, world, case, media):
    received = []

    def listener(sender, referral, action, **kwargs):
        received.append((referral.pk, action))

    case_changed.connect(listener)
    try:
        response = post_upload(client, world.advisor, case, upload("rapport.pdf", PDF_BYTES))
    finally:
        case_changed.disconnect(listener)

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:case_detail", args=[case.pk])
    attachment = Attachment.objects.get()
    assert attachment.referral == case
    assert attachment.title == "Rapport fra barnehagen"
    assert attachment.original_name == "rapport.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.uploaded_by == world.advisor
    assert attachment.file.read() == PDF_BYTES
    event = CaseEvent.objects.get(referral=case, action="attachment.uploaded")
    assert event.actor == world.advisor
    assert event.detail["attachment_id"] == attachment.pk
    assert "rapport.pdf" not in str(event.detail)
    assert received == [(case.pk, "attachment.uploaded")]


def test_the_file_on_disk_lives_under_media_root_with_a_random_name(client, world, case, media):
    child = case.child
    name = f"{child.first_name} {child.id_number}.pdf"
    post_upload(client, world.advisor, case, upload(name, PDF_BYTES))

    attachment = Attachment.objects.get()
    (on_disk,) = files_under(media)
    assert Path(attachment.file.path) == on_disk
    assert on_disk.parent == media / "attachments" / str(case.pk)
    assert child.id_number not in str(on_disk)
    assert child.first_name not in str(on_disk)
    assert on_disk.suffix == ""
    assert len(on_disk.name) == 32  # a uuid4 hex


def test_upload_responses_never_put_the_identity_number_in_a_url(client, world, case, media):
    id_number = case.child.id_number
    ok = post_upload(client, world.advisor, case, upload(f"{id_number}.pdf", PDF_BYTES))
    refused = post_upload(client, world.advisor, case, upload(f"{id_number}.pdf", b"MZ\x90\x00"))

    assert id_number not in ok["Location"]
    assert refused.status_code == 422  # refused: issue 17
    assert id_number not in refused.content.decode()
    html = render_to_string(
        "referrals/_attachments.html",
        {"referral": case, **attachment_section(case, can_edit=True)},
    )
    assert id_number not in html


def test_a_png_is_accepted(client, world, case, media):
    response = post_upload(
        client, world.advisor, case, upload("tegning.png", png_bytes(), "image/png")
    )

    assert response.status_code == 302
    assert Attachment.objects.get().content_type == "image/png"


def test_a_docx_is_accepted(client, world, case, media):
    response = post_upload(
        client,
        world.advisor,
        case,
        upload("vurdering.docx", docx_bytes(), "application/octet-stream"),
    )

    assert response.status_code == 302
    assert Attachment.objects.get().content_type == DOCX


def test_the_content_decides_the_type_not_the_name(client, world, case, media):
    post_upload(client, world.advisor, case, upload("skanning.pdf", png_bytes()), title="Skanning")
    attachment = Attachment.objects.get()

    response = client.get(download_url(case, attachment))

    assert attachment.content_type == "image/png"
    assert response["Content-Type"] == "image/png"
    assert 'filename="Skanning.png"' in response["Content-Disposition"]


def test_an_exe_renamed_to_pdf_is_refused_and_nothing_is_saved(client, world, case, media):
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    response = post_upload(client, world.advisor, case, upload("rapport.pdf", exe))

    assert response.status_code == 422  # refused: issue 17
    assert file_error(response) == [NOT_ALLOWED]
    assert NOT_ALLOWED in response.content.decode()
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(action="attachment.uploaded").exists()
    assert files_under(media) == []


def test_a_plain_zip_renamed_to_docx_is_refused(client, world, case, media):
    response = post_upload(client, world.advisor, case, upload("vurdering.docx", plain_zip_bytes()))

    assert file_error(response) == [NOT_ALLOWED]
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_a_docx_header_that_is_not_a_readable_zip_is_refused(client, world, case, media):
    truncated = docx_bytes()[:200]
    response = post_upload(client, world.advisor, case, upload("vurdering.docx", truncated))

    assert file_error(response) == [NOT_ALLOWED]
    assert not Attachment.objects.exists()


def test_a_50_mb_upload_is_refused_with_the_default_limit(client, world, case, media):
    big = b"%PDF-1.4\n" + b"0" * (50 * MB - 9)
    response = post_upload(client, world.advisor, case, upload("stor.pdf", big))

    message = "Filen er for stor (50,0 MB). Største tillatte størrelse er 20 MB."
    assert response.status_code == 422  # refused: issue 17
    assert file_error(response) == [message]
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_the_limit_comes_from_the_setting(client, world, case, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    content = b"%PDF-1.4\n" + b"0" * (MB + MB // 2)
    response = post_upload(client, world.advisor, case, upload("stor.pdf", content))

    assert file_error(response) == [
        "Filen er for stor (1,6 MB). Største tillatte størrelse er 1 MB."
    ]
    assert not Attachment.objects.exists()


def test_a_missing_title_is_shown_next_to_the_field(client, world, case, media):
    response = post_upload(client, world.advisor, case, upload("r.pdf", PDF_BYTES), title="")

    assert response.status_code == 422  # refused: issue 17
    assert "title" in response.context["form"].errors
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("status", [Referral.Status.CLOSED, Referral.Status.WITHDRAWN])
def test_a_closed_or_withdrawn_case_refuses_uploads(client, world, case, media, status):
    Referral.objects.filter(pk=case.pk).update(status=status)
    response = post_upload(client, world.advisor, case, upload("r.pdf", PDF_BYTES))

    assert response.status_code == 422  # refused: issue 17
    assert "så det kan ikke legges til vedlegg" in response.content.decode()
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_styrer_of_the_unit_may_not_upload(client, world, case, media):
    response = post_upload(client, world.styrer_a, case, upload("r.pdf", PDF_BYTES))

    assert response.status_code == 403
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", ["styrer_b", "director", "outsider", "no_roles"])
def test_those_who_cannot_see_the_case_get_404_on_upload(client, world, case, media, persona):
    response = post_upload(client, getattr(world, persona), case, upload("r.pdf", PDF_BYTES))

    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_upload_is_post_only(client, world, case):
    client.force_login(world.advisor)
    assert client.get(upload_url(case)).status_code == 405


# --- nothing half-saved ----------------------------------------------------------------------


def test_a_failed_journal_write_removes_the_stored_file(world, case, media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(attachments_module, "case_event_record", broken)
    with pytest.raises(RuntimeError):
        attachment_add(
            referral_id=case.pk,
            uploaded_file=upload("r.pdf", PDF_BYTES),
            title="Rapport",
            actor=world.advisor,
        )

    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_a_failed_file_write_saves_no_row_and_says_so(client, world, case, media, monkeypatch):
    def full_disk(name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(attachment_storage, "_save", full_disk)
    response = post_upload(client, world.advisor, case, upload("r.pdf", PDF_BYTES))

    assert response.status_code == 422  # refused: issue 17
    assert file_error(response) == [
        "Filen kunne ikke lagres. Prøv igjen, og kontakt systemansvarlig hvis feilen fortsetter."
    ]
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(action="attachment.uploaded").exists()


def test_the_service_checks_the_file_itself(world, case, media):
    with pytest.raises(CaseError) as raised:
        attachment_add(
            referral_id=case.pk,
            uploaded_file=upload("r.pdf", b"MZ" + b"\x00" * 100),
            title="Rapport",
            actor=world.advisor,
        )

    assert raised.value.field == "file"
    assert files_under(media) == []


# --- downloading -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["advisor", "styrer_a", "office"])
def test_those_who_see_the_case_download_the_bytes(client, world, case, stored_pdf, persona):
    client.force_login(getattr(world, persona))
    response = client.get(download_url(case, stored_pdf))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Logopedrapport mai.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("persona", ["styrer_b", "director", "outsider", "no_roles"])
def test_those_who_cannot_see_the_case_get_404_on_download(
    client, world, case, stored_pdf, persona
):
    client.force_login(getattr(world, persona))

    assert client.get(download_url(case, stored_pdf)).status_code == 404


def test_an_attachment_of_another_case_via_this_case_url_is_404(client, world, case, stored_pdf):
    other_case = ReferralFactory(child=ChildFactory(unit=world.unit_a), created_by=world.advisor)
    client.force_login(world.advisor)

    url = reverse("referrals:attachment_download", args=[other_case.pk, stored_pdf.pk])
    assert client.get(url).status_code == 404


def test_anonymous_download_goes_to_login(client, case, stored_pdf):
    response = client.get(download_url(case, stored_pdf))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_row_without_its_file_is_404_not_500(client, world, case, stored_pdf):
    Path(stored_pdf.file.path).unlink()
    client.force_login(world.advisor)

    assert client.get(download_url(case, stored_pdf)).status_code == 404


def test_the_download_name_is_made_safe(client, world, case, media):
    attachment = attachment_add(
        referral_id=case.pk,
        uploaded_file=upload("x.pdf", PDF_BYTES),
        title='../../etc/"passwd"; rapport',
        actor=world.advisor,
    )
    client.force_login(world.advisor)

    response = client.get(download_url(case, attachment))

    assert response["Content-Disposition"] == 'attachment; filename="etcpasswd rapport.pdf"'


# --- the case page's section -----------------------------------------------------------------


def render_section(case, can_edit: bool) -> str:
    return render_to_string(
        "referrals/_attachments.html",
        {"referral": case, **attachment_section(case, can_edit=can_edit)},
    )


def test_the_section_lists_attachments_with_download_links(world, case, stored_pdf):
    Attachment.objects.filter(pk=stored_pdf.pk).update(
        uploaded_at=datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    )
    html = render_section(case, can_edit=False)

    assert "Logopedrapport mai" in html
    assert download_url(case, stored_pdf) in html
    assert "<td>PDF</td>" in html
    assert "1 KB" in html
    assert world.advisor.full_name in html
    assert "25.11.2026" in html
    assert "<form" not in html


def test_the_section_offers_the_upload_form_to_those_who_may_edit(case, media):
    html = render_section(case, can_edit=True)

    assert f'action="{upload_url(case)}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="title"' in html and 'name="file"' in html
    assert "20 MB" in html


def test_the_section_of_a_closed_case_offers_no_upload(case, media):
    case.status = Referral.Status.CLOSED
    html = render_section(case, can_edit=True)

    assert "<form" not in html
    assert "så det kan ikke legges til vedlegg" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_the_section_costs_one_query_whatever_the_number_of_rows(
    world, case, media, django_assert_num_queries, rows
):
    for n in range(rows):
        attachment_add(
            referral_id=case.pk,
            uploaded_file=upload(f"{n}.pdf", PDF_BYTES),
            title=f"Vedlegg {n}",
            actor=world.advisor if n % 2 else world.advisor_south,
        )

    # 1: the case's attachments joined with their uploaders; rendering adds none.
    with django_assert_num_queries(1):
        items = attachments_for_case(case)
        render_to_string("referrals/_attachments.html", {"referral": case, "attachments": items})

    assert len(items) == rows


@pytest.mark.parametrize(
    ("size", "label"),
    [
        (1, "1 KB"),
        (1024, "1 KB"),
        (1025, "2 KB"),
        (250_000, "245 KB"),
        (MB, "1,0 MB"),
        (int(3.44 * MB), "3,4 MB"),
    ],
)
def test_sizes_read_in_kb_or_mb(size, label):
    assert size_label(size) == label


def test_a_too_big_file_is_never_shown_as_the_limit():
    assert format_megabytes(20 * MB) == "20 MB"
    assert format_megabytes(20 * MB + 1, round_up=True) == "20,1 MB"


@pytest.mark.parametrize("status", list(Referral.Status))
def test_the_upload_service_follows_the_state_table(world, media, status):
    """referrals/states.py's "upload" row, not a list of its own, decides where a file may go."""
    from referrals import states

    referral = ReferralFactory(
        status=status, child=ChildFactory(unit=world.unit_a), created_by=world.advisor
    )

    def add():
        return attachment_add(
            referral_id=referral.pk,
            uploaded_file=upload("rapport.pdf", PDF_BYTES),
            title="Rapport",
            actor=world.advisor,
        )

    if states.allowed("upload", status):
        assert add().referral_id == referral.pk
    else:
        with pytest.raises(CaseError):
            add()
        assert not Attachment.objects.filter(referral=referral).exists()


def test_a_double_click_on_last_opp_adds_one_file(client, world, case, media):
    """The case page's upload form carries a one-time token (core/views.py run_form)."""
    import re

    from django.core.cache import cache

    cache.clear()
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:case_detail", args=[case.pk])).text
    upload_form = page.split(f'action="{upload_url(case)}"')[1]
    token = re.search(r'name="once" value="([^"]+)"', upload_form).group(1)
    for _click in range(2):
        response = client.post(
            upload_url(case),
            {"title": "Rapport", "file": upload("r.pdf", PDF_BYTES), "once": token},
        )
        assert response.status_code == 302
    assert Attachment.objects.filter(referral=case).count() == 1
