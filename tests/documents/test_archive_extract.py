"""manage.py archive_extract: a Noark 5 v5.0 arkivuttrekk of a municipality's closed cases,
valid against the published schemas (vendored in tests/documents/noark5/ with their source),
every checksum true, only the cases asked for, and the child's name never in the public
journal."""

import functools
import hashlib
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import weasyprint
import xmlschema
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from documents.archive import noark as n5
from documents.journal import register
from documents.models import Document
from referrals.access_log import AccessLogEntry
from referrals.models import Attachment, CaseEvent, Referral
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

OSLO = ZoneInfo("Europe/Oslo")
SCHEMAS = Path(__file__).parent / "noark5"
PRODUCT_SCHEMAS = Path(__file__).resolve().parents[2] / "documents" / "archive" / "schemas"
NS = {
    "a": n5.ARKIVSTRUKTUR,
    "e": n5.ENDRINGSLOGG,
    "l": n5.LOEPENDE,
    "o": n5.OFFENTLIG,
    "addml": n5.ADDML,
}
CUTOFF = "2026-01-01"
# A parsed tree forgets its prefixes; xsi:type="saksmappe" is read in the default namespace.
DEFAULT = {"": n5.ARKIVSTRUKTUR, "xsi": n5.XSI}

_pdfs: dict[str, bytes] = {}


def pdf(text: str) -> bytes:
    """A small valid PDF/A-2b, as the letters are rendered (cached per text)."""
    if text not in _pdfs:
        html = f"<html><body><h1>{text}</h1><p>Rimelig</p></body></html>"
        _pdfs[text] = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")
    return _pdfs[text]


def final(referral, *, title, kind="decision", user, edition=1, replaces=None, body=None):
    data = pdf(body or title)
    return Document.objects.create(
        referral=referral,
        kind=kind,
        status=Document.Status.FINAL,
        title=title,
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        document_date=date(2025, 10, 1),
        finalised_by=user,
        finalised_at=timezone.now(),
        created_by=user,
        edition=edition,
        replaces=replaces,
    )


def closed_case(world, *, unit, closed_on, status="closed", child=None):
    child = child or ChildFactory(unit=unit)
    GuardianFactory(child=child, name="Kari Kvalheim")
    return ReferralFactory(
        child=child,
        status=status,
        received_on=date(2025, 3, 3),
        closed_on=closed_on,
        closed_reason="period_ended" if status == "closed" else "",
        advisor=world.advisor,
        created_by=world.advisor,
    )


@pytest.fixture
def cases(world, settings, tmp_path):
    """In Solvik: a closed case (kindergarten) with a referral in, a provisional reply in two
    versions (the first never journaled), a vedtak sent twice (both versions journaled) and an
    internal note; a withdrawn case (school) ended by its event before the cut-off; a case
    closed after the cut-off; an open case. In Bergtun: a closed case."""
    user = world.advisor
    child = ChildFactory(unit=world.unit_a, first_name="Sofie", last_name="Kvalheim")
    closed = closed_case(world, unit=world.unit_a, closed_on=date(2025, 11, 10), child=child)
    register(
        referral=closed,
        direction="I",
        title="Henvisning til PPT for Sofie Kvalheim (fnr 01012045678)",
        document_date=date(2025, 3, 1),
        correspondent="Kari Kvalheim",
        user=user,
    )
    settings.MEDIA_ROOT = str(tmp_path / "media")
    report = Attachment.objects.create(
        referral=closed,
        file=ContentFile(b"%PDF-1.4 pedagogisk rapport", name="rapport.pdf"),
        title="Pedagogisk rapport",
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=27,
        uploaded_by=user,
    )
    register(
        referral=closed,
        direction="I",
        title="Pedagogisk rapport fra barnehagen",
        document_date=date(2025, 3, 1),
        correspondent="Barnehage A",
        attachment=report,
        user=user,
    )
    reply_1 = final(closed, title="Foreløpig svar", kind="provisional_reply", user=user)
    reply_2 = final(
        closed,
        title="Foreløpig svar til Kari Kvalheim",
        kind="provisional_reply",
        user=user,
        edition=2,
        replaces=reply_1,
        body="Foreløpig svar, rettet",
    )
    register(
        referral=closed,
        direction="U",
        title=reply_2.title,
        document_date=date(2025, 3, 10),
        correspondent="Kari Kvalheim",
        document=reply_2,
        user=user,
    )
    vedtak_1 = final(closed, title="Vedtak om spesialpedagogisk hjelp for Sofie", user=user)
    register(
        referral=closed,
        direction="U",
        title=vedtak_1.title,
        document_date=date(2025, 5, 2),
        correspondent="Kari Kvalheim",
        document=vedtak_1,
        user=user,
    )
    vedtak_2 = final(
        closed,
        title="Vedtak om spesialpedagogisk hjelp for Sofie (rettet)",
        user=user,
        edition=2,
        replaces=vedtak_1,
    )
    register(
        referral=closed,
        direction="U",
        title=vedtak_2.title,
        document_date=date(2025, 5, 9),
        correspondent="Kari Kvalheim",
        document=vedtak_2,
        user=user,
    )
    note = final(closed, title="Notat fra observasjon", kind="note", user=user)
    register(
        referral=closed,
        direction="N",
        title=note.title,
        document_date=date(2025, 4, 1),
        document=note,
        user=user,
    )

    withdrawn = closed_case(world, unit=world.school, closed_on=None, status="withdrawn")
    CaseEvent.objects.create(
        referral=withdrawn,
        actor=user,
        action="referral.withdrawn",
        from_status="received",
        to_status="withdrawn",
        at=datetime(2025, 12, 20, 10, 0, tzinfo=OSLO),
    )
    register(
        referral=withdrawn,
        direction="I",
        title="Henvisning",
        document_date=date(2025, 9, 1),
        correspondent="Skole S",
        user=user,
    )

    later = closed_case(world, unit=world.unit_b, closed_on=date(2026, 2, 1))
    register(
        referral=later,
        direction="U",
        title="Vedtak",
        document_date=date(2026, 1, 5),
        correspondent="Foresatte",
        document=final(later, title="Vedtak, senere sak", user=user),
        user=user,
    )
    open_case = closed_case(world, unit=world.unit_a, closed_on=None, status="decided")
    final(open_case, title="Vedtak, åpen sak", user=user)
    elsewhere = closed_case(world, unit=world.other_unit, closed_on=date(2025, 10, 1))
    final(elsewhere, title="Vedtak i Bergtun", user=user)
    return dict(
        closed=closed,
        withdrawn=withdrawn,
        later=later,
        open=open_case,
        elsewhere=elsewhere,
        child=child,
        report=report,
        reply=(reply_1, reply_2),
        vedtak=(vedtak_1, vedtak_2),
    )


def extract(tmp_path, municipality="9901", closed_before=CUTOFF) -> Path:
    out = tmp_path / "uttrekk"
    call_command(
        "archive_extract",
        "--municipality",
        municipality,
        "--closed-before",
        closed_before,
        "--out",
        str(out),
    )
    return out


@functools.cache
def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def parse(path) -> ET.ElementTree:
    return ET.parse(path)  # noqa: S314 (the extract this test just wrote)


def test_the_extract_is_valid_against_the_published_schemas(cases, tmp_path):
    out = extract(tmp_path)
    for name in ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"):
        schema(f"{name}.xsd").validate(str(out / f"{name}.xml"))
    schema("addml.xsd").validate(str(out / "arkivuttrekk.xml"))


def test_a_missing_or_misplaced_element_fails_the_validation(cases, tmp_path):
    """The validation in the test above can fail: the same file with one required element
    removed, or two swapped, is refused."""
    out = extract(tmp_path)
    arkivstruktur = schema("arkivstruktur.xsd")
    tree = parse(str(out / "arkivstruktur.xml"))
    mappe = tree.find(".//a:mappe", NS)
    mappe.remove(mappe.find("a:saksstatus", NS))
    assert not arkivstruktur.is_valid(tree, namespaces=DEFAULT)

    tree = parse(str(out / "arkivstruktur.xml"))
    post = tree.find(".//a:registrering", NS)
    i = list(post).index(post.find("a:journalaar", NS))
    post[i], post[i + 1] = post[i + 1], post[i]  # journalsekvensnummer before journalaar
    assert not arkivstruktur.is_valid(tree, namespaces=DEFAULT)

    tree = parse(str(out / "endringslogg.xml"))
    change = tree.find("e:endring", NS)
    ref = change.find("e:referanseArkivenhet", NS)
    change.remove(ref)
    change.append(ref)  # moved to the end
    assert not schema("endringslogg.xsd").is_valid(tree, namespaces={"": n5.ENDRINGSLOGG})

    # and the untouched files pass (the same check, so the failures above are the changes)
    assert arkivstruktur.is_valid(parse(str(out / "arkivstruktur.xml")), namespaces=DEFAULT)


def test_every_checksum_matches_the_file_on_disk(cases, tmp_path):
    out = extract(tmp_path)
    tree = parse(str(out / "arkivstruktur.xml"))
    objects = tree.findall(".//a:dokumentobjekt", NS)
    stored = {d.sha256 for d in Document.objects.filter(status="final")}
    # the reply's two versions, the vedtak's two, the note, the report that came in
    assert len(objects) == 6
    for obj in objects:
        path = out / obj.findtext("a:referanseDokumentfil", namespaces=NS)
        data = path.read_bytes()
        assert obj.findtext("a:sjekksumAlgoritme", namespaces=NS) == "SHA256"
        assert obj.findtext("a:sjekksum", namespaces=NS) == hashlib.sha256(data).hexdigest()
        assert int(obj.findtext("a:filstoerrelse", namespaces=NS)) == len(data)
        assert data.startswith(b"%PDF")
        if obj.findtext("a:variantformat", namespaces=NS) == "Arkivformat":  # our PDF/A
            assert obj.findtext("a:sjekksum", namespaces=NS) in stored
            assert obj.findtext("a:format", namespaces=NS) == "fmt/477"
        else:  # the upload, as it came
            assert obj.findtext("a:variantformat", namespaces=NS) == "Produksjonsformat"
            assert data == b"%PDF-1.4 pedagogisk rapport"
    described = _addml_checksums(out / "arkivuttrekk.xml")
    assert {"arkivstruktur.xml", "endringslogg.xml", "arkivstruktur.xsd"} <= set(described)
    assert {"loependeJournal.xml", "offentligJournal.xml", "metadatakatalog.xsd"} <= set(described)
    for name, checksum in described.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == checksum, name


def _addml_checksums(path: Path) -> dict[str, str]:
    tree = parse(str(path))
    found = {}
    for file in tree.iterfind(".//addml:property[@name='file']", NS):
        name = file.findtext(
            "addml:properties/addml:property[@name='name']/addml:value", namespaces=NS
        )
        value = file.findtext(
            "addml:properties/addml:property[@name='checksum']/addml:properties"
            "/addml:property[@name='value']/addml:value",
            namespaces=NS,
        )
        found[name] = value
    return found


def test_only_the_municipalitys_cases_closed_before_the_date(cases, tmp_path):
    out = extract(tmp_path)
    tree = parse(str(out / "arkivstruktur.xml"))
    ids = {m.findtext("a:mappeID", namespaces=NS) for m in tree.iterfind(".//a:mappe", NS)}
    assert ids == {cases["closed"].reference, cases["withdrawn"].reference}
    statuses = {m.findtext("a:saksstatus", namespaces=NS) for m in tree.iterfind(".//a:mappe", NS)}
    assert statuses == {"Avsluttet"}
    # one klasse per law: the kindergarten case and the school case
    assert [k.findtext("a:klasseID", namespaces=NS) for k in tree.iterfind(".//a:klasse", NS)] == [
        "barnehage",
        "skole",
    ]
    files = {p.name for p in (out / "dokumenter").iterdir()}
    assert len(files) == 6
    for other in (cases["later"], cases["open"], cases["elsewhere"]):
        for doc in other.documents.all():
            assert f"{doc.pk:08d}.pdf" not in files
    journal = parse(str(out / "loependeJournal.xml"))
    assert journal.findtext(".//l:antallJournalposter", namespaces=NS) == "7"
    assert {
        r.findtext("l:saksmappe/l:mappeID", namespaces=NS)
        for r in journal.iterfind("l:journalregistrering", NS)
    } == ids
    # Bergtun gets its own case, and a later cut-off takes in the case closed in February.
    assert _mappe_ids(extract(tmp_path / "b", "Bergtun")) == {cases["elsewhere"].reference}
    assert cases["later"].reference in _mappe_ids(extract(tmp_path / "c", "9901", "2026-03-01"))


def _mappe_ids(out: Path) -> set[str]:
    tree = parse(str(out / "arkivstruktur.xml"))
    return {m.findtext("a:mappeID", namespaces=NS) for m in tree.iterfind(".//a:mappe", NS)}


def test_a_new_version_is_kept_beside_the_old_and_logged(cases, tmp_path):
    """arkivforskrifta § 11: a correction is added, the original kept. A version never
    journaled is an earlier dokumentobjekt of its successor; a version journaled on its own
    keeps its journalpost and the new one refers to it; both are in the endringslogg."""
    out = extract(tmp_path)
    tree = parse(str(out / "arkivstruktur.xml"))
    reply_1, reply_2 = cases["reply"]
    vedtak_1, vedtak_2 = cases["vedtak"]
    by_title = {
        desc.findtext("a:tittel", namespaces=NS): desc
        for desc in tree.iterfind(".//a:dokumentbeskrivelse", NS)
    }
    reply = by_title[reply_2.title]
    versions = [
        (o.findtext("a:versjonsnummer", namespaces=NS), o.findtext("a:sjekksum", namespaces=NS))
        for o in reply.iterfind("a:dokumentobjekt", NS)
    ]
    assert versions == [("1", reply_1.sha256), ("2", reply_2.sha256)]
    parents = {child: parent for parent in tree.iter() for child in parent}
    new_post = parents[by_title[vedtak_2.title]]
    old_post = parents[by_title[vedtak_1.title]]
    assert new_post.findtext("a:kryssreferanse/a:referanseTilRegistrering", namespaces=NS) == (
        old_post.findtext("a:systemID", namespaces=NS)
    )
    log = parse(str(out / "endringslogg.xml"))
    changes = {
        (
            c.findtext("e:referanseArkivenhet", namespaces=NS),
            c.findtext("e:referanseMetadata", namespaces=NS),
            c.findtext("e:tidligereVerdi", namespaces=NS),
            c.findtext("e:nyVerdi", namespaces=NS),
        )
        for c in log.iterfind("e:endring", NS)
    }
    reply_id = reply.findtext("a:systemID", namespaces=NS)
    vedtak_id = by_title[vedtak_2.title].findtext("a:systemID", namespaces=NS)
    assert (reply_id, "versjonsnummer", "1", "2") in changes
    assert (reply_id, "tittel", reply_1.title, reply_2.title) in changes
    assert (vedtak_id, "versjonsnummer", "1", "2") in changes
    for mappe in tree.iterfind(".//a:mappe", NS):
        closing = (mappe.findtext("a:systemID", namespaces=NS), "saksstatus")
        assert closing + ("Under behandling", "Avsluttet") in changes


def test_every_case_and_entry_is_screened_by_the_duty_of_confidentiality(cases, tmp_path):
    """offentleglova § 13 with forvaltningsloven § 13: each saksmappe, journalpost and
    document carries its skjerming with the legal basis."""
    out = extract(tmp_path)
    tree = parse(str(out / "arkivstruktur.xml"))
    units = [
        *tree.iterfind(".//a:mappe", NS),
        *tree.iterfind(".//a:registrering", NS),
        *tree.iterfind(".//a:dokumentbeskrivelse", NS),
    ]
    assert len(units) == 2 + 7 + 5
    for unit in units:
        assert unit.findtext("a:skjerming/a:tilgangsrestriksjon", namespaces=NS) == (
            "Unntatt offentlighet"
        )
        assert "§ 13" in unit.findtext("a:skjerming/a:skjermingshjemmel", namespaces=NS)
        assert "fvl. § 13" in unit.findtext("a:skjerming/a:skjermingshjemmel", namespaces=NS)


def test_the_public_journal_never_names_the_child_or_the_parents(cases, tmp_path):
    out = extract(tmp_path)
    public = (out / "offentligJournal.xml").read_text(encoding="utf-8")
    child = cases["child"]
    for secret in ("Sofie", "Kvalheim", "Kari", child.id_number, "01012045678"):
        assert secret not in public
    tree = parse(str(out / "offentligJournal.xml"))
    titles = [t.text for t in tree.iterfind(".//o:journalpost/o:offentligTittel", NS)]
    assert "Henvisning til PPT for ***** ***** (fnr *****)" in titles
    # The archive itself keeps the names (it is the archive), with the screened title beside.
    structure = (out / "arkivstruktur.xml").read_text(encoding="utf-8")
    assert "Sofie Kvalheim" in structure
    tree = parse(str(out / "arkivstruktur.xml"))
    for title in tree.iterfind(".//a:offentligTittel", NS):
        assert "Sofie" not in title.text and "Kvalheim" not in title.text


def test_the_product_ships_the_same_schemas_the_tests_validate_with():
    for path in SCHEMAS.glob("*.xsd"):
        assert (PRODUCT_SCHEMAS / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("bad", ["2026-13-01", "1.1.2026", "i morgen", "2026-02-30", ""])
def test_a_bad_date_is_a_clear_error(world, tmp_path, bad):
    with pytest.raises(CommandError, match="Ugyldig dato"):
        extract(tmp_path, closed_before=bad)


def test_a_date_out_of_range_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="mellom 2000 og 2100"):
        extract(tmp_path, closed_before="1899-01-01")


def test_an_unknown_municipality_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError, match="Fant ingen kommune"):
        extract(tmp_path, municipality="Atlantis")
    with pytest.raises(CommandError, match="Fant ingen kommune"):
        extract(tmp_path, municipality="0000")


def test_a_norwegian_date_and_a_name_are_understood(cases, tmp_path):
    out = extract(tmp_path, municipality="solvik", closed_before="01.01.2026")
    assert _mappe_ids(out) == {cases["closed"].reference, cases["withdrawn"].reference}


def test_nothing_to_extract_is_said_plainly(world, tmp_path):
    with pytest.raises(CommandError, match="ingen avsluttede saker"):
        extract(tmp_path)
    assert not (tmp_path / "uttrekk" / "arkivstruktur.xml").exists()


def test_it_never_writes_into_a_directory_that_holds_something(cases, tmp_path):
    (tmp_path / "uttrekk").mkdir()
    (tmp_path / "uttrekk" / "annet.txt").write_text("x")
    with pytest.raises(CommandError, match="ikke tom"):
        extract(tmp_path)


def test_a_document_whose_bytes_do_not_match_its_checksum_stops_the_extract(cases, tmp_path):
    """The archive gets what was finalised, or nothing: a stored file that no longer matches
    the SHA-256 kept at finalising is an error, not an archived document."""
    case = cases["closed"]
    data = pdf("Et annet dokument")
    tampered = Document.objects.create(
        referral=case,
        kind="note",
        status="final",
        title="Notat",
        pdf=data,
        sha256=hashlib.sha256(b"noe annet").hexdigest(),
        size=len(data),
    )
    register(
        referral=case,
        direction="N",
        title="Notat",
        document_date=date(2025, 4, 2),
        document=tampered,
        user=world_user(case),
    )
    with pytest.raises(CommandError, match="stemmer ikke med sjekksummen"):
        extract(tmp_path)
    # and the half-written package (children's data, no archive) is gone
    assert not (tmp_path / "uttrekk").exists()


def world_user(case):
    return case.advisor


def test_the_screening_replaces_names_and_numbers():
    assert n5.screen("Vedtak for Ola Nordmann-Li, 12345678901", ["Ola Nordmann-Li"]) == (
        "Vedtak for *****, *****"
    )
    assert n5.screen("Olas vedtak; Li og Nordmann", ["Ola Nordmann-Li"]) == (
        "***** vedtak; ***** og *****"
    )
    # never a piece of another word ("li" in "spesialpedagogisk")
    assert n5.screen("Spesialpedagogisk hjelp", ["Ola Li"]) == "Spesialpedagogisk hjelp"


def test_an_open_case_is_never_in_the_extract_whatever_the_date(cases, tmp_path):
    Referral.objects.filter(pk=cases["open"].pk).update(closed_on=date(2025, 1, 1))
    assert cases["open"].reference not in _mappe_ids(extract(tmp_path))


def test_a_missing_attachment_file_stops_the_extract(cases, tmp_path):
    cases["report"].file.delete(save=False)
    with pytest.raises(CommandError, match="finnes ikke lenger"):
        extract(tmp_path)


def test_each_extracted_case_is_in_the_access_log(cases, tmp_path):
    """The children's data left Rimelig: the innsynslogg says so, one export row per case."""
    extract(tmp_path)
    rows = AccessLogEntry.objects.filter(action="export", object_type="referral")
    assert {(r.object_id, r.child_id) for r in rows} == {
        (cases["closed"].pk, cases["closed"].child_id),
        (cases["withdrawn"].pk, cases["withdrawn"].child_id),
    }
    assert all(r.path.startswith("manage.py archive_extract") and r.user_id is None for r in rows)


def test_hostile_text_stays_text_and_the_files_stay_valid(cases, tmp_path):
    """Markup, entities and control characters typed into a title or a correspondent: escaped
    or dropped (XML 1.0 has no place for them), never breaking the file."""
    register(
        referral=cases["closed"],
        direction="I",
        title='<mappe>&amp; "Sofie" \x07\x1b</tittel>]]>',  # (PostgreSQL stores no NUL)
        document_date=date(2025, 6, 1),
        correspondent="=cmd|' /C calc'!A0 <b>",
        user=cases["closed"].advisor,
    )
    out = extract(tmp_path)
    for name in ("arkivstruktur", "loependeJournal", "offentligJournal"):
        schema(f"{name}.xsd").validate(str(out / f"{name}.xml"))
    titles = [
        t.text
        for t in parse(str(out / "arkivstruktur.xml")).iterfind(".//a:registrering/a:tittel", NS)
    ]
    assert '<mappe>&amp; "Sofie" </tittel>]]>' in titles
    assert "Sofie" not in (out / "offentligJournal.xml").read_text(encoding="utf-8")
