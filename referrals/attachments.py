"""Attachments on a case: what may be uploaded, storing it, and reading it back.

The type is decided by the file's first bytes (``filetype``), never by its name or the
browser's Content-Type: a renamed .exe is refused, and the type we later serve comes from
the content. Files live under settings.MEDIA_ROOT (outside the web root, no MEDIA_URL
route) with a random name; they are only ever served by views.attachments.attachment_download
after the scoping check.
"""

import logging
import math
import re
import zipfile
from pathlib import Path

import filetype
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.forms import once_token
from referrals import states
from referrals.models import Attachment, Referral
from referrals.services import CaseError, case_event_record
from referrals.signals import case_changed

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MB = 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

# Sniffed type -> (type served and stored, extension for the download name, label on the page).
ALLOWED_TYPES: dict[str, tuple[str, str, str]] = {
    PDF: (PDF, "pdf", "PDF"),
    "image/png": ("image/png", "png", "PNG"),
    # An animated PNG is a PNG; filetype names it separately.
    "image/apng": ("image/png", "png", "PNG"),
    "image/jpeg": ("image/jpeg", "jpg", "JPEG"),
    "image/gif": ("image/gif", "gif", "GIF"),
    "image/webp": ("image/webp", "webp", "WEBP"),
    "image/heic": ("image/heic", "heic", "HEIC"),
    DOCX: (DOCX, "docx", "Word"),
    XLSX: (XLSX, "xlsx", "Excel"),
    PPTX: (PPTX, "pptx", "PowerPoint"),
    ODT: (ODT, "odt", "OpenDocument-tekst"),
    ODS: (ODS, "ods", "OpenDocument-regneark"),
    "application/msword": ("application/msword", "doc", "Word"),
    "application/vnd.ms-excel": ("application/vnd.ms-excel", "xls", "Excel"),
}
# filetype recognises these by the names of the first entries of a zip; the archive must also
# open as a zip, or a truncated or forged header would pass.
ZIP_BASED = {DOCX, XLSX, PPTX, ODT, ODS}

# What the browser's file picker offers; a hint only, the content still decides.
ACCEPT = ",".join(
    [
        ".pdf",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".heic",
        ".docx",
        ".xlsx",
        ".pptx",
        ".odt",
        ".ods",
        ".doc",
        ".xls",
    ]
)

SNIFF_BYTES = 8192  # what filetype reads; its zip matchers look within the first 6000 bytes


def attachment_max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def format_megabytes(size: int, *, round_up: bool = False) -> str:
    """20971520 -> "20 MB", 52428800 -> "50,0 MB" (round_up: never shows a too-big file as the limit)."""
    value = size / MB
    if round_up:
        value = math.ceil(value * 10) / 10
        return f"{value:.1f} MB".replace(".", ",")
    if value == int(value):
        return f"{int(value)} MB"
    return f"{value:.1f} MB".replace(".", ",")


def max_size_label() -> str:
    return format_megabytes(attachment_max_bytes())


def _sniff(uploaded_file) -> str | None:
    """The sniffed MIME type of an allowed file, or None. Leaves the file at position 0."""
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    if kind.mime in ZIP_BASED:
        try:
            # Reads the central directory only; nothing is decompressed.
            with zipfile.ZipFile(uploaded_file) as archive:
                archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            uploaded_file.seek(0)
    return kind.mime


def attachment_check_file(uploaded_file) -> str:
    """The content type to store for an acceptable upload; raises CaseError(field="file")."""
    limit = attachment_max_bytes()
    if uploaded_file.size > limit:
        raise CaseError(
            _("Filen er for stor (%(size)s). Største tillatte størrelse er %(limit)s.")
            % {
                "size": format_megabytes(uploaded_file.size, round_up=True),
                "limit": format_megabytes(limit),
            },
            field="file",
        )
    sniffed = _sniff(uploaded_file)
    if sniffed is None:
        raise CaseError(
            _(
                "Filen er ikke en PDF, et bilde eller et kontordokument "
                "(innholdet ble sjekket, ikke filnavnet)."
            ),
            field="file",
        )
    return ALLOWED_TYPES[sniffed][0]


# --- service ---------------------------------------------------------------------------------


def attachment_add(*, referral_id: int, uploaded_file, title: str, actor) -> Attachment:
    """Store an uploaded file on a case, journal it and tell decisions.

    Nothing is half-saved: a failed file write leaves no row (the transaction rolls back), and
    a failed insert, journal write or signal handler removes the file already written.
    """
    content_type = attachment_check_file(uploaded_file)
    stored_name = None
    try:
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=referral_id)
            if not states.allowed("upload", referral.status):  # the state table's rule
                raise CaseError(
                    _("Saken har status «%(status)s», så det kan ikke legges til vedlegg.")
                    % {"status": referral.get_status_display()}
                )
            attachment = Attachment(
                referral=referral,
                title=title.strip(),
                original_name=Path(uploaded_file.name or "").name[:255],
                content_type=content_type,
                size=uploaded_file.size,
                uploaded_by=actor,
            )
            stored_name = _store(attachment, uploaded_file)
            attachment.save()
            # No original file name in the journal: it may carry a child's name or id number.
            case_event_record(
                referral=referral,
                actor=actor,
                action="attachment.uploaded",
                detail={
                    "attachment_id": attachment.pk,
                    "title": attachment.title,
                    "content_type": content_type,
                    "size": attachment.size,
                },
            )
            case_changed.send(sender=Referral, referral=referral, action="attachment.uploaded")
    except BaseException:
        if stored_name:
            _delete_quietly(stored_name)
        raise
    return attachment


def _store(attachment: Attachment, uploaded_file) -> str:
    """Write the file; a full disk or a permission error is the user's clear message, not a 500."""
    field = Attachment._meta.get_field("file")
    # attachments/<referral>/<uuid> (models._attachment_path), never the uploaded name.
    name = field.generate_filename(attachment, "upload")
    uploaded_file.seek(0)
    try:
        attachment.file = field.storage.save(name, uploaded_file, max_length=field.max_length)
    except OSError as error:
        _delete_quietly(name)  # a disk that filled up mid-write leaves a partial file
        logger.exception("Could not write an attachment of case %s", attachment.referral_id)
        raise CaseError(
            _(
                "Filen kunne ikke lagres. Prøv igjen, og kontakt systemansvarlig hvis feilen "
                "fortsetter."
            ),
            field="file",
        ) from error
    return attachment.file.name


def _delete_quietly(name: str) -> None:
    storage = Attachment._meta.get_field("file").storage
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not remove the file of a failed attachment upload")


# --- reading ---------------------------------------------------------------------------------


def attachments_for_case(referral: Referral) -> list[Attachment]:
    """The case page's attachments, newest first, with uploader and a type label (one query)."""
    attachments = list(referral.attachments.select_related("uploaded_by"))
    for attachment in attachments:
        attachment.type_label = type_label(attachment.content_type)
        attachment.size_label = size_label(attachment.size)
    return attachments


def size_label(size: int) -> str:
    """KB below a megabyte (at least "1 KB"), else MB with one decimal: "245 KB", "3,4 MB"."""
    if size < MB:
        return f"{max(1, math.ceil(size / 1024))} KB"
    return f"{size / MB:.1f} MB".replace(".", ",")


def attachment_section(referral: Referral, *, can_edit: bool) -> dict:
    """Context for templates/referrals/_attachments.html."""
    return {
        "attachments": attachments_for_case(referral),
        "can_edit": can_edit,
        "attachment_accept": ACCEPT,
        "attachment_max_label": max_size_label(),
        # the upload form's one-time token (core/views.py run_form): a double click adds one file
        "attachment_once": once_token(),
    }


def type_label(content_type: str) -> str:
    for served, _ext, label in ALLOWED_TYPES.values():
        if served == content_type:
            return label
    return content_type


def download_name(attachment: Attachment) -> str:
    """A file name safe for Content-Disposition: the title (or the uploaded name's stem) and
    the extension of the sniffed type, so the name never contradicts the content."""
    ext = next(
        (e for served, e, _l in ALLOWED_TYPES.values() if served == attachment.content_type), ""
    )
    base = attachment.title or Path(attachment.original_name).stem
    base = re.sub(r"[^\w\s.()-]", "", base)
    base = re.sub(r"\s+", " ", base).strip(" .")[:100] or "vedlegg"
    return f"{base}.{ext}" if ext else base
