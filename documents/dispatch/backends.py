"""Where a final letter goes: one interface, two implementations.

``Dispatcher.send(shipment, pdf_bytes, metadata) -> external_id`` hands one letter for one
recipient to a channel and returns the channel's id for it. ``Dispatcher.find(shipment)``
asks the channel whether it already has this shipment (by the shipment's idempotency key),
so a retry after a timeout, or the recovery of a shipment whose worker died, never makes a
second letter.

- ``LocalOutbox`` writes the shipment (the PDF and a metadata JSON) to
  ``OUTBOX_DIR/<date>/<shipment id>/`` for print and post: written to a temporary directory and
  renamed into place, so the print room never sees half a shipment; a directory that exists is
  the shipment already written, never written twice.
- ``SvarUt`` posts to KS Fiks SvarUt's published REST interface, ForsendelseRestServiceV1
  (https://github.com/ks-no/ks-no.github.io, content/svarut/integrasjon/
  ForsendelseRestServiceV1.md; the JSON models in github.com/ks-no/svarut-rest-klient,
  svarut-rest-klient/json/forsendelse.json): HTTP Basic with the municipality's service
  account (avsender and service password), ``GET /eksternref/{key}`` before anything is sent,
  ``POST /startNyForsendelse`` for an id, ``POST /{id}/sendForsendelse`` as multipart with the
  forsendelse JSON first and then the PDF.

Errors say what went wrong in a few words and never carry the recipient or the letter
(they end up in Shipment.last_error, shown to the office)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone


class DispatchError(Exception):
    """The channel did not take the letter this time; a retry may succeed."""


class PermanentDispatchError(DispatchError):
    """The channel refused the letter in a way a retry will not change (bad credentials, a
    letter it does not accept, a recipient without a postal address)."""


@dataclass(frozen=True)
class LetterMetadata:
    """What travels with the PDF (the outbox's metadata.json; SvarUt's forsendelse)."""

    recipient_name: str
    recipient_address: str
    title: str
    case_reference: str
    document_id: int
    document_date: str  # ISO date
    sha256: str
    filename: str
    # Taushetsbelagt (forvaltningsloven § 13 (1) nr. 1, "noens personlige forhold"): SvarUt then
    # asks for level 4 (BankID) login before the letter is shown.
    confidential: bool
    idempotency_key: str
    org_number: str = ""  # a unit's: SvarUt delivers to an organisation digitally


class Dispatcher(Protocol):
    channel: str

    def send(self, shipment, pdf_bytes: bytes, metadata: LetterMetadata) -> str: ...

    def find(self, shipment, metadata: LetterMetadata) -> str | None: ...


def idempotency_key(shipment, sha256: str) -> str:
    """One key per shipment and letter: SvarUt's eksternReferanse. The checksum's start keeps a
    key from another database (a test installation on the same service account) from
    matching."""
    return f"rimelig-{shipment.pk}-{sha256[:12]}"


# --- the local outbox ---------------------------------------------------------------------------


class LocalOutbox:
    channel = "local"

    def __init__(self, root: Path | None = None):
        self.root = Path(root or settings.OUTBOX_DIR)

    def _final(self, shipment) -> tuple[str, Path]:
        # The day it was queued, not today: a retry tomorrow finds the same directory.
        day = timezone.localtime(shipment.queued_at).date().isoformat()
        return f"{day}/{shipment.pk}", self.root / day / str(shipment.pk)

    def find(self, shipment, metadata: LetterMetadata) -> str | None:
        name, final = self._final(shipment)
        return f"utboks:{name}" if final.is_dir() else None

    def send(self, shipment, pdf_bytes: bytes, metadata: LetterMetadata) -> str:
        name, final = self._final(shipment)
        if final.is_dir():
            return f"utboks:{name}"  # written before (a retry, a recovered worker): not twice
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = final.parent / f".{shipment.pk}.{uuid.uuid4().hex}.tmp"
            tmp.mkdir(mode=0o700)
            try:
                _write(tmp / metadata.filename, pdf_bytes)
                _write(
                    tmp / "metadata.json",
                    json.dumps(asdict(metadata), ensure_ascii=False, indent=2).encode(),
                )
                try:
                    # rename(2) of a directory is atomic, and fails if the target exists and
                    # is not empty: two workers racing leave one shipment.
                    os.rename(tmp, final)
                except OSError:
                    if not final.is_dir():
                        raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            raise DispatchError(
                f"Kunne ikke skrive til utboksen ({exc.strerror or 'feil'})."
            ) from None
        return f"utboks:{name}"


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


# --- KS Fiks SvarUt -----------------------------------------------------------------------------

API_PATH = "/tjenester/api/forsendelse/v1"
# "1850 Solvik" at the end of an address line.
_POSTAL = re.compile(r"^(?P<street>.*?)[,\s]*(?P<code>\d{4})\s+(?P<place>[^,\d][^,]*)$")


def postal_address(name: str, address: str) -> dict:
    """SvarUt's postAdresse (navn and postSted required) from one address line
    "Gate 1, 1850 Solvik"; a line without postnummer and sted cannot go to print."""
    match = _POSTAL.match(address.strip())
    if not match:
        raise PermanentDispatchError("Mottakerens adresse mangler postnummer og poststed.")
    return {
        "navn": name,
        "adresse1": match.group("street").strip(" ,") or None,
        "postNummer": match.group("code"),
        "postSted": match.group("place").strip(),
        "land": "Norge",
    }


class SvarUt:
    channel = "svarut"

    def __init__(self, url=None, user=None, password=None, timeout=None):
        self.base = (url or settings.SVARUT_URL).rstrip("/") + API_PATH
        user = user if user is not None else settings.SVARUT_USER
        password = password if password is not None else settings.SVARUT_PASSWORD
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.auth = f"Basic {token}"
        self.timeout = timeout or settings.SVARUT_TIMEOUT_SECONDS

    # the calls

    def find(self, shipment, metadata: LetterMetadata) -> str | None:
        """The forsendelse SvarUt already has under this shipment's eksternReferanse."""
        key = urllib.parse.quote(metadata.idempotency_key, safe="")
        found = self._call("GET", f"/eksternref/{key}")
        ids = [_id_of(item) for item in (found or [])]
        return next((i for i in ids if i), None)

    def status(self, forsendelse_id: str) -> str:
        return (self._call("GET", f"/{forsendelse_id}/status") or {}).get("status", "")

    def send(self, shipment, pdf_bytes: bytes, metadata: LetterMetadata) -> str:
        # Asked first: a send that timed out may have reached SvarUt all the same.
        existing = self.find(shipment, metadata)
        if existing:
            # There, but refused by SvarUt's own validation: sending it again would be refused
            # again; the office must see it (ForsendelsesStatus AVVIST).
            if self.status(existing) == "AVVIST":
                raise PermanentDispatchError("SvarUt avviste forsendelsen (AVVIST).")
            return existing
        forsendelse_id = _id_of(self._call("POST", "/startNyForsendelse"))
        if not forsendelse_id:
            raise DispatchError("SvarUt ga ingen forsendelses-id.")
        body, content_type = _multipart(self.forsendelse(metadata), metadata.filename, pdf_bytes)
        self._call(
            "POST",
            f"/{forsendelse_id}/sendForsendelse",
            body=body,
            content_type=content_type,
        )
        return forsendelse_id

    @staticmethod
    def forsendelse(metadata: LetterMetadata) -> dict:
        """The forsendelse JSON (forsendelse.json's required tittel and mottaker, and the
        document)."""
        return {
            "tittel": metadata.title,
            "mottaker": _recipient(metadata),
            "avgivendeSystem": "Rimelig",
            "eksternReferanse": metadata.idempotency_key,
            "krevNiva4Innlogging": metadata.confidential,
            "kunDigitalLevering": False,
            "kryptert": False,
            "utskriftsKonfigurasjon": {"utskriftMedFarger": False, "tosidig": True},
            "dokumenter": [{"filnavn": metadata.filename, "mimeType": "application/pdf"}],
        }

    # HTTP

    def _call(self, method: str, path: str, *, body: bytes | None = None, content_type=None):
        # SVARUT_URL is http(s) only (config/settings.py's read_url): never a file: URL.
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310
        request.add_header("Authorization", self.auth)
        request.add_header("Accept", "application/json")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in (408, 429) or exc.code >= 500:
                raise DispatchError(f"SvarUt svarte {exc.code}.") from None
            raise PermanentDispatchError(f"SvarUt avviste forsendelsen ({exc.code}).") from None
        except TimeoutError:
            raise DispatchError(f"SvarUt svarte ikke innen {self.timeout:g} s.") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise DispatchError(f"SvarUt svarte ikke innen {self.timeout:g} s.") from None
            raise DispatchError("Fikk ikke kontakt med SvarUt.") from None
        except OSError:
            raise DispatchError("Forbindelsen til SvarUt ble brutt.") from None
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise DispatchError("SvarUt svarte med noe som ikke er JSON.") from None


def _recipient(metadata: LetterMetadata) -> dict:
    if metadata.org_number:
        return {"digitalAdresse": {"organisasjonsNummer": metadata.org_number}}
    return {"postAdresse": postal_address(metadata.recipient_name, metadata.recipient_address)}


def _id_of(value) -> str:
    """ForsendelsesId is {"id": "…"}; tolerate a bare string."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else ""


def _multipart(forsendelse: dict, filename: str, pdf: bytes) -> tuple[bytes, str]:
    """multipart/form-data: the part named "forsendelse" first, then the files in the order
    of ``dokumenter``, each with the same filename (KS: "Send med dokumenter")."""
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="forsendelse"\r\n'
        "Content-Type: application/json; charset=utf-8\r\n\r\n"
    ).encode()
    file_head = (
        f"\r\n--{boundary}\r\n"
        f'Content-Disposition: form-data; name="filer"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + json.dumps(forsendelse, ensure_ascii=False).encode() + file_head + pdf + tail
    return body, f"multipart/form-data; boundary={boundary}"


def dispatcher_for(channel: str) -> Dispatcher:
    if channel == "svarut":
        return SvarUt()
    return LocalOutbox()
