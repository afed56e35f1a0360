"""The Noark 5 v5.0 vocabulary the extract writes: namespaces, the values the metadata catalogue
prescribes (Noark 5 vedlegg 1, metadatakatalogen: "all codes replaced by self-explanatory
text"), stable identifiers and the screening of names for the public journal.

Pure helpers (no database): extract.py builds the files from them."""

import hashlib
import re
import uuid
from datetime import date, datetime, time
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

ARKIVSTRUKTUR = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
ENDRINGSLOGG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
LOEPENDE = "http://www.arkivverket.no/standarder/noark5/loependeJournal"
OFFENTLIG = "http://www.arkivverket.no/standarder/noark5/offentligJournal"
ADDML = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

OSLO = ZoneInfo("Europe/Oslo")

# Every systemID is a UUID derived from the row it describes, so a second extract of the same
# case gives the same identifiers (an archive can match what it already holds).
_NAMESPACE = uuid.UUID("6f1d1b0e-4a52-5d0e-9a39-72696d656c69")


def system_id(kind: str, key) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


# M082 journalposttype
JOURNALPOSTTYPE = {
    "I": "Inngående dokument",
    "U": "Utgående dokument",
    "N": "Organinternt dokument for oppfølging",
}
# M087 korrespondanseparttype: the other party of an incoming or outgoing document.
KORRESPONDANSEPARTTYPE = {"I": "Avsender", "U": "Mottaker", "N": "Intern mottaker"}
SAKSSTATUS_CLOSED = "Avsluttet"  # M052
SAKSSTATUS_OPEN = "Under behandling"  # M052, the value before closing (endringslogg)
JOURNALSTATUS = "Arkivert"  # M053
DOKUMENTSTATUS = "Dokumentet er ferdigstilt"  # M054: what is delivered must be final
ARKIVDELSTATUS = "Avsluttet periode"  # M051: what is delivered has a closed period
HOVEDDOKUMENT = "Hoveddokument"  # M217
VEDLEGG = "Vedlegg"  # M217
VARIANTFORMAT = "Arkivformat"  # M700
PRODUKSJONSFORMAT = "Produksjonsformat"  # M700: an upload kept as it came
# M701 format, from PRONOM: fmt/477 is PDF/A-2b, what documents.letters renders.
FORMAT = "fmt/477"
FORMAT_DETALJER = "PDF/A-2b (ISO 19005-2:2011)"
SJEKKSUM_ALGORITME = "SHA256"  # M706
DOKUMENTMEDIUM = "Elektronisk arkiv"  # M300

# Screening (M500–M503). Every PPT case is subject to the duty of confidentiality:
# forvaltningsloven § 13 første ledd nr. 1 (personal matters), so its documents are exempt from
# public access by offentleglova § 13 ("opplysningar som er underlagde teieplikt").
TILGANGSRESTRIKSJON = "Unntatt offentlighet"  # M500
SKJERMINGSHJEMMEL = "Offl. § 13, jf. fvl. § 13 første ledd nr. 1"  # M501
SKJERMING_MAPPE = ("Skjerming tittel mappe - utvalgte ord", "Skjerming navn part i sak")
SKJERMING_JOURNALPOST = (
    "Skjerming tittel registrering - utvalgte ord",
    "Skjerming navn avsender",
    "Skjerming navn mottaker",
)
SKJERMING_DOKUMENT_METADATA = ("Skjerming tittel dokumentbeskrivelse",)
SKJERMING_DOKUMENT = "Skjerming av hele dokumentet"  # M503
SCREENED = "*****"

# Long digit runs (a fødselsnummer, a D-number, a phone number) never reach a public title.
_DIGITS = re.compile(r"\d[\d ]{5,}\d")


def screen(text: str, names) -> str:
    """``text`` with each of ``names`` (and every part of them) and every long digit run
    replaced by *****: the offentlig tittel of M025 ("utvalgte ord" screened)."""
    words = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        words.add(name)
        words.update(part for part in re.split(r"[\s\-]+", name) if len(part) > 1)
    out = _DIGITS.sub(SCREENED, text)
    for word in sorted(words, key=len, reverse=True):
        # whole words, and the genitive ("Sofies"); never a piece of another word
        pattern = rf"(?<!\w){re.escape(word)}s?(?!\w)"
        out = re.sub(pattern, SCREENED, out, flags=re.IGNORECASE)
    return out


def dt(value: datetime | date | None) -> str:
    """xs:dateTime in Oslo time, seconds precision (a date is its midnight)."""
    if value is None:
        value = datetime.now(OSLO)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0), tzinfo=OSLO)
    return value.astimezone(OSLO).replace(microsecond=0).isoformat()


def d(value: date | datetime) -> str:
    """xs:date (a datetime is taken as its Oslo calendar day)."""
    if isinstance(value, datetime):
        value = value.astimezone(OSLO).date()
    return value.isoformat()


class Builder:
    """Small element builder (xml.etree, local names: each file has one default namespace,
    declared once on its root by XmlStream): ``b.sub(parent, "tittel", text)``."""

    def __init__(self, namespace: str):
        self.ns = namespace

    def el(self, tag: str, text=None, **attrib) -> ET.Element:
        element = ET.Element(tag, {k.replace("__", ":"): v for k, v in attrib.items()})
        if text is not None:
            element.text = clean(text)
        return element

    def sub(self, parent, tag: str, text=None) -> ET.Element:
        element = ET.SubElement(parent, tag)
        if text is not None:
            element.text = clean(text)
        return element

    def subs(self, parent, pairs) -> None:
        """Children in the given order; a None or empty value is left out (optional)."""
        for tag, text in pairs:
            if text is not None and text != "":
                self.sub(parent, tag, text)


# XML 1.0 allows no control characters but tab and newlines; a title typed with one must not
# make the whole extract unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value) -> str:
    return _NOT_XML.sub("", str(value))


def fragment(element, level: int = 0) -> str:
    """``element`` as indented XML text (its names as they are: unprefixed, in the file's
    default namespace, or with the xsi: prefix the root declares)."""
    ET.indent(element, space="  ", level=level)
    parts = []

    def walk(e):
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in e.attrib.items())
        if len(e) == 0 and not e.text:
            parts.append(f"<{e.tag}{attrs}/>")
        else:
            parts.append(f"<{e.tag}{attrs}>")
            if e.text:
                parts.append(escape(e.text))
            for child in e:
                walk(child)
            parts.append(f"</{e.tag}>")
        if e.tail and e is not element:
            parts.append(e.tail)

    walk(element)
    return "  " * level + "".join(parts) + "\n"


class XmlStream:
    """One XML file written as it goes: the root (with its namespace and schema location),
    elements opened and closed around the parts, and each part (a case, a journal row)
    serialised and forgotten. Nothing but the open path is held in memory."""

    def __init__(self, path, root: str, namespace: str, schema: str, **attrib):
        self.fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        extra = "".join(f" {k}={quoteattr(v)}" for k, v in attrib.items())
        self.fh.write('<?xml version="1.0" encoding="utf-8"?>\n')
        self.fh.write(
            f'<{root} xmlns="{namespace}" xmlns:xsi="{XSI}" '
            f'xsi:schemaLocation="{namespace} {schema}"{extra}>\n'
        )
        self.stack = [root]

    def open(self, tag: str) -> None:
        self.fh.write(f"{'  ' * len(self.stack)}<{tag}>\n")
        self.stack.append(tag)

    def close(self) -> None:
        tag = self.stack.pop()
        self.fh.write(f"{'  ' * len(self.stack)}</{tag}>\n")

    def write(self, element) -> None:
        self.fh.write(fragment(element, len(self.stack)))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                while self.stack:
                    self.close()
        finally:
            self.fh.close()


def sha256_of(path) -> str:
    """The file's SHA-256, read in blocks (a package's files are never read whole)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
