"""The PDF is PDF/A-2b as far as pypdf can tell (XMP pdfaid part 2 conformance B, an output
intent, every font embedded) and calls out of nothing: no URI, Launch or remote-go-to
action, no external resource; the fetcher refuses anything but the project's fonts."""

import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from documents import letter_services, pdf
from tests.conftest import frozen_today
from tests.documents.test_letters_support import TODAY, decided_case, draft, letterhead, pdf_text

HOSTILE = '<img src="http://evil.example/x.png"><script>alert(1)</script>=HYPERLINK("http://x")'


@pytest.fixture
def final_pdf(world):
    letterhead(world.municipality)
    with frozen_today(TODAY):
        referral = decided_case(world)
        document = draft(world, referral, "decision")
        letter_services.update_texts(
            actor=world.office, document_id=document.pk, version=1, texts={"intro": HOSTILE}
        )
        document = letter_services.finalise(actor=world.office, document_id=document.pk)
    return PdfReader(io.BytesIO(bytes(document.pdf))), bytes(document.pdf)


def _walk(obj, seen=None):
    """Every dictionary reachable from ``obj`` (each indirect object once)."""
    seen = set() if seen is None else seen
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if hasattr(obj, "keys"):
        yield obj
        for key in list(obj):
            if key not in ("/Parent", "/P"):
                yield from _walk(obj.raw_get(key), seen)
    elif isinstance(obj, list):
        for item in obj:
            yield from _walk(item, seen)


@pytest.mark.django_db
def test_the_xmp_metadata_says_pdfa_2b(final_pdf):
    reader, _data = final_pdf
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    part = re.search(r"pdfaid:part(?:>|=\")\s*(\d)", xmp)
    conformance = re.search(r"pdfaid:conformance(?:>|=\")\s*([A-Za-z])", xmp)
    assert part and part.group(1) == "2"
    assert conformance and conformance.group(1).upper() == "B"


@pytest.mark.django_db
def test_it_has_an_output_intent(final_pdf):
    reader, _data = final_pdf
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert [i.get_object()["/S"] for i in intents] == ["/GTS_PDFA1"]
    assert "/DestOutputProfile" in intents[0].get_object()


@pytest.mark.django_db
def test_every_font_is_embedded(final_pdf):
    reader, _data = final_pdf
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for part in font.get("/DescendantFonts", [font]):
                descriptor = part.get_object()["/FontDescriptor"].get_object()
                fonts.append(descriptor)
    assert fonts
    assert all("/FontFile2" in d or "/FontFile3" in d for d in fonts)


@pytest.mark.django_db
def test_nothing_in_it_calls_out(final_pdf):
    reader, _data = final_pdf
    actions = set()
    for obj in _walk(reader.trailer["/Root"]):
        if "/S" in obj and obj.get("/Type") in (None, "/Action"):
            actions.add(obj["/S"])
        assert "/URI" not in obj and "/F" not in obj or obj.get("/Type") != "/Filespec"
        assert "/JavaScript" not in obj and "/OpenAction" not in obj and "/AA" not in obj
    assert actions & {"/URI", "/Launch", "/GoToR", "/ImportData", "/JavaScript"} == set()


@pytest.mark.django_db
def test_hostile_free_text_is_printed_as_text_not_fetched(final_pdf):
    _reader, data = final_pdf
    text = pdf_text(data).replace(" ", "")
    assert "<script>alert(1)</script>" in text
    assert "evil.example" in text  # the tag is text in the letter, its URL never fetched


@pytest.mark.django_db
def test_the_preview_escapes_every_value(world):
    letterhead(world.municipality, name="<b>Solvik</b>")
    with frozen_today(TODAY):
        referral = decided_case(world)
        document = draft(world, referral, "decision")
        document = letter_services.update_texts(
            actor=world.office, document_id=document.pk, version=1, texts={"intro": HOSTILE}
        )
    html = pdf.preview_html(document)
    assert "<script>" not in html and "<b>Solvik" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Solvik" in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/font.ttf",
        "https://example.org/x.css",
        "file:///etc/passwd",
        (pdf.FONTS_DIR / ".." / "models.py").as_uri(),
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_anything_outside_the_project_fonts(url):
    with pytest.raises(ValueError):
        pdf.ProjectFetcher().fetch(url)


def test_the_fetcher_serves_the_project_fonts():
    response = pdf.ProjectFetcher().fetch((pdf.FONTS_DIR / "DejaVuSans.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"
