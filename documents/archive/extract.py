"""A Noark 5 v5.0 arkivuttrekk of one municipality's closed cases (issue 20, deliverable 5).

arkivlova § 14 and arkivforskrifta § 5 (a controlled, verifiable export): the package holds

    arkivstruktur.xml      arkiv → arkivdel → klassifikasjonssystem → klasse (barnehage, skole)
                           → saksmappe per case → journalpost per journal entry
                           → dokumentbeskrivelse → dokumentobjekt per version (SHA-256)
    endringslogg.xml       each case's closing and each document replaced by a new version
    loependeJournal.xml    the journal of the cases' entries, in journal-number order
    offentligJournal.xml   the same with every name and long number screened
    dokumenter/            the final PDF/A files, as finalised (their checksum is checked)
    *.xsd                  the schemas the files follow
    arkivuttrekk.xml       the ADDML description with every XML and XSD file's SHA-256

Everything is streamed: cases come from the database in chunks (``.iterator``), each case's
PDFs are read in one query of their own and written straight to disk, and every XML file is
written element by element (lxml's ``xmlfile``), so a municipality's archive never sits in
memory."""

import hashlib
import mimetypes
import shutil
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Count, DateField, Max, Min, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from referrals import states
from referrals.access_log import AccessLogEntry
from referrals.models import CaseEvent, Referral
from teams.models import Unit

from ..models import Document, JournalEntry, Letterhead
from . import noark as n5
from .addml import write_addml
from .noark import OSLO, Builder, XmlStream, d, dt, system_id

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMAS = (
    "arkivstruktur.xsd",
    "metadatakatalog.xsd",
    "endringslogg.xsd",
    "loependeJournal.xsd",
    "offentligJournal.xsd",
    "addml.xsd",
)
DOCUMENT_DIR = "dokumenter"
SYSTEM = "Rimelig"
CHUNK = 100  # cases per database round trip

A = Builder(n5.ARKIVSTRUKTUR)
E = Builder(n5.ENDRINGSLOGG)

# klasse: one per kind of unit, the two laws a PPT case falls under.
KLASSER = {
    Unit.Kind.KINDERGARTEN: (
        "barnehage",
        "Spesialpedagogisk hjelp og tilrettelegging i barnehagen (barnehageloven)",
    ),
    Unit.Kind.SCHOOL: (
        "skole",
        "Individuell tilrettelegging og spesialundervisning i skolen (opplæringslova kap. 11)",
    ),
}

KIND_TO_DOKUMENTTYPE = {value: str(label) for value, label in Document.Kind.choices}


class ArchiveError(Exception):
    """The extract cannot be written (a message for the person running it, in Norwegian)."""


@dataclass
class ExtractResult:
    out: Path
    cases: int = 0
    journal_entries: int = 0
    document_files: int = 0
    document_bytes: int = 0
    changes: int = 0
    files: dict = field(default_factory=dict)  # name → sha256 of the XML and XSD files


# --- what goes in ---------------------------------------------------------------------------


def closed_cases(*, municipality, closed_before: date):
    """The municipality's cases in the closed group (states.CLOSED) that ended before
    ``closed_before``. A closed case ended on its closed_on; a withdrawn case (which has no
    closed_on) on the day of the event that withdrew it."""
    closing = CaseEvent.objects.filter(
        referral=OuterRef("pk"), to_status__in=states.CLOSED
    ).order_by("-at", "-pk")
    return (
        Referral.objects.filter(municipality=municipality, status__in=states.CLOSED)
        .annotate(
            closed_at=Subquery(closing.values("at")[:1]),
            closed_by_name=Subquery(closing.values("actor__full_name")[:1]),
        )
        .annotate(
            ended_on=Coalesce(
                "closed_on", TruncDate("closed_at", tzinfo=OSLO), output_field=DateField()
            )
        )
        .filter(ended_on__lt=closed_before)
    )


def _cases_for_writing(selected):
    final = (
        Document.objects.filter(status=Document.Status.FINAL)
        .defer("pdf", "texts")
        .select_related("finalised_by", "created_by")
    )
    entries = JournalEntry.objects.select_related(
        "registered_by", "attachment__uploaded_by"
    ).order_by("number_in_case")
    return (
        selected.select_related("child", "unit", "advisor", "created_by")
        .prefetch_related(
            "child__guardians",
            Prefetch("journal_entries", queryset=entries, to_attr="entries"),
            Prefetch("documents", queryset=final, to_attr="finals"),
        )
        .order_by("unit__kind", "ended_on", "pk")
    )


# --- the package ----------------------------------------------------------------------------


def write_extract(*, municipality, closed_before: date, out: Path) -> ExtractResult:
    """Write the arkivuttrekk of ``municipality``'s cases closed before ``closed_before`` into
    the empty (or new) directory ``out``. Raises ArchiveError when nothing can be written.
    The archive's texts are bokmål whatever language the command runs in (the labels of the
    case's choices included): an archive is not translated."""
    with translation.override("nb"):
        return _write_extract(municipality, closed_before, Path(out))


def _write_extract(municipality, closed_before: date, out: Path) -> ExtractResult:
    if out.exists() and any(out.iterdir()):
        raise ArchiveError(_("Mappen %(out)s finnes og er ikke tom.") % {"out": out})
    selected = closed_cases(municipality=municipality, closed_before=closed_before)
    summary = selected.aggregate(
        cases=Count("pk"), first=Min("created_at"), received=Min("received_on")
    )
    if not summary["cases"]:
        raise ArchiveError(
            _("%(m)s har ingen avsluttede saker avsluttet før %(day)s: ingenting å trekke ut.")
            % {"m": municipality.name, "day": closed_before.strftime("%d.%m.%Y")}
        )
    created = not out.exists()
    outermost = not connection.in_atomic_block  # (a test runs inside its own transaction)
    try:
        with transaction.atomic():
            if outermost:
                # One snapshot for both passes (the structure and the journals): a case closed
                # while the extract runs is in neither, never in one only.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            (out / DOCUMENT_DIR).mkdir(parents=True, exist_ok=True)
            ctx = _Context(municipality, closed_before, out, summary)
            _write_structure(ctx, _cases_for_writing(selected))
            _write_journals(ctx, selected)
            for name in SCHEMAS:
                shutil.copyfile(SCHEMA_DIR / name, out / name)
            write_addml(ctx)
    except BaseException:
        # Half an extract holds children's data and is no archive: it does not stay behind.
        _remove(out, created)
        raise
    return ctx.result


def _remove(out: Path, created: bool) -> None:
    if created:
        shutil.rmtree(out, ignore_errors=True)
        return
    for path in out.iterdir():  # it was empty when we began
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


class _Context:
    """What the writers share: the municipality, the period and the running counts."""

    def __init__(self, municipality, closed_before, out, summary):
        self.municipality = municipality
        self.closed_before = closed_before
        self.out = out
        self.now = timezone.now()
        self.first = summary["first"]
        # the archive period starts with the earliest case: its referral, or its registration
        created = summary["first"].astimezone(OSLO).date()
        self.period_start = min(filter(None, (summary["received"], created)))
        self.result = ExtractResult(out=out)
        self.log_rows = []
        self.command = (
            f"manage.py archive_extract --municipality {municipality.number} "
            f"--closed-before {closed_before.isoformat()}"
        )
        self.counts = {"mappe": 0, "registrering": 0, "dokumentbeskrivelse": 0}
        self.counts.update({"dokumentobjekt": 0, "endring": 0, "journalregistrering": 0})
        letterhead = Letterhead.objects.filter(municipality=municipality).first()
        self.creator_id = (
            letterhead.org_number if letterhead else f"kommunenummer {municipality.number}"
        )
        self.creator_name = letterhead.name if letterhead else f"{municipality.name} kommune"
        self.unit_name = (letterhead.department if letterhead else "") or "PP-tjenesten"

    def log_export(self, case) -> None:
        """The access log (innsynslogg) gets one export row per case and child that left in
        the extract; no user (a command run on the server), the command as its path. Written
        in batches, and before the package is complete: a failed write stops the extract."""
        self.log_rows.append(
            AccessLogEntry(
                action=AccessLogEntry.Action.EXPORT,
                object_type=AccessLogEntry.ObjectType.REFERRAL,
                object_id=case.pk,
                child_id=case.child_id,
                role="system",
                path=self.command[:500],
                status=200,
            )
        )
        if len(self.log_rows) >= 500:
            self.flush_log()

    def flush_log(self) -> None:
        AccessLogEntry.objects.bulk_create(self.log_rows)
        self.log_rows = []

    @property
    def period_end(self) -> date:
        return self.closed_before - timedelta(days=1)

    def archive_title(self) -> str:
        return _("%(unit)s, %(m)s kommune: avsluttede saker") % {
            "unit": self.unit_name,
            "m": self.municipality.name,
        }


def _write_structure(ctx: _Context, cases) -> None:
    m = ctx.municipality
    day = ctx.closed_before.strftime("%d.%m.%Y")
    with ExitStack() as files:
        xf = files.enter_context(
            XmlStream(ctx.out / "arkivstruktur.xml", "arkiv", n5.ARKIVSTRUKTUR, "arkivstruktur.xsd")
        )
        log = files.enter_context(
            XmlStream(
                ctx.out / "endringslogg.xml", "endringslogg", n5.ENDRINGSLOGG, "endringslogg.xsd"
            )
        )
        _leaves(
            xf,
            ("systemID", system_id("arkiv", m.number)),
            ("tittel", ctx.archive_title()),
            (
                "beskrivelse",
                _("Uttrekk fra Rimelig av saker avsluttet før %(day)s.") % {"day": day},
            ),
            ("arkivstatus", "Avsluttet"),
            ("dokumentmedium", n5.DOKUMENTMEDIUM),
            ("opprettetDato", dt(ctx.first)),
            ("opprettetAv", SYSTEM),
            ("avsluttetDato", dt(ctx.now)),
            ("avsluttetAv", SYSTEM),
        )
        creator = A.el("arkivskaper")
        A.subs(creator, [("arkivskaperID", ctx.creator_id), ("arkivskaperNavn", ctx.creator_name)])
        xf.write(creator)
        xf.open("arkivdel")
        _leaves(
            xf,
            ("systemID", system_id("arkivdel", f"{m.number}:{ctx.closed_before}")),
            ("tittel", _("Saker avsluttet før %(day)s") % {"day": day}),
            ("arkivdelstatus", n5.ARKIVDELSTATUS),
            ("dokumentmedium", n5.DOKUMENTMEDIUM),
            ("opprettetDato", dt(ctx.first)),
            ("opprettetAv", SYSTEM),
            ("avsluttetDato", dt(ctx.now)),
            ("avsluttetAv", SYSTEM),
            ("arkivperiodeStartDato", d(ctx.period_start)),
            ("arkivperiodeSluttDato", d(ctx.period_end)),
        )
        xf.open("klassifikasjonssystem")
        _leaves(
            xf,
            ("systemID", system_id("klassifikasjonssystem", m.number)),
            ("klassifikasjonstype", "Emnebasert, ett nivå"),
            ("tittel", _("Sakstype etter lov")),
            ("opprettetDato", dt(ctx.first)),
            ("opprettetAv", SYSTEM),
        )
        current_kind = None
        # closing(): a server-side cursor left open by an error is closed here, inside the
        # transaction, not later by the garbage collector after the rollback.
        rows = files.enter_context(closing(cases.iterator(chunk_size=CHUNK)))
        for case in rows:
            if case.unit.kind != current_kind:
                if current_kind is not None:
                    xf.close()  # the klasse before
                current_kind = case.unit.kind
                klasse_id, title = KLASSER.get(current_kind, (current_kind, current_kind))
                xf.open("klasse")
                _leaves(
                    xf,
                    ("systemID", system_id("klasse", f"{m.number}:{klasse_id}")),
                    ("klasseID", klasse_id),
                    ("tittel", title),
                    ("opprettetDato", dt(ctx.first)),
                    ("opprettetAv", SYSTEM),
                )
            mappe, changes = _saksmappe(ctx, case)
            xf.write(mappe)
            for change in changes:
                log.write(change)
            ctx.result.cases += 1
            ctx.log_export(case)
        ctx.flush_log()


def _leaves(xf, *pairs) -> None:
    for tag, text in pairs:
        xf.write(A.el(tag, text))


# --- one case -------------------------------------------------------------------------------


def _names(case) -> list[str]:
    child = case.child
    return [child.first_name, child.last_name, *(g.name for g in child.guardians.all())]


def _case_title(case) -> str:
    child = case.child
    return _("PPT-sak for %(name)s, født %(born)s") % {
        "name": child.full_name,
        "born": child.birth_date.strftime("%d.%m.%Y"),
    }


def _public_case_title(case) -> str:
    return _("PPT-sak for %(name)s") % {"name": n5.SCREENED}


def _user(user) -> str:
    return (user.full_name or user.email) if user else SYSTEM


def _skjerming(parent, metadata, document: bool) -> None:
    skjerming = A.sub(parent, "skjerming")
    A.sub(skjerming, "tilgangsrestriksjon", n5.TILGANGSRESTRIKSJON)
    A.sub(skjerming, "skjermingshjemmel", n5.SKJERMINGSHJEMMEL)
    for value in metadata:
        A.sub(skjerming, "skjermingMetadata", value)
    if document:
        A.sub(skjerming, "skjermingDokument", n5.SKJERMING_DOKUMENT)


def _merknad(parent, text, at, by) -> None:
    merknad = A.sub(parent, "merknad")
    A.subs(
        merknad,
        [("merknadstekst", text), ("merknadsdato", dt(at)), ("merknadRegistrertAv", by)],
    )


def _endring(ref, metadata, at, by, before, after):
    change = E.el("endring")
    E.subs(
        change,
        [
            ("referanseArkivenhet", ref),
            ("referanseMetadata", metadata),
            ("endretDato", dt(at)),
            ("endretAv", by),
            ("tidligereVerdi", before),
            ("nyVerdi", after),
        ],
    )
    return change


def _saksmappe(ctx, case):
    """The case's saksmappe element and its endringslogg entries."""
    mappe_id = system_id("saksmappe", case.pk)
    closed_at = case.closed_at or case.ended_on
    closed_by = case.closed_by_name or _user(case.advisor)
    mappe = A.el("mappe", xsi__type="saksmappe")
    A.subs(
        mappe,
        [
            ("systemID", mappe_id),
            ("mappeID", case.reference),
            ("tittel", _case_title(case)),
            ("offentligTittel", _public_case_title(case)),
            ("dokumentmedium", n5.DOKUMENTMEDIUM),
            ("opprettetDato", dt(case.created_at)),
            ("opprettetAv", _user(case.created_by)),
            ("avsluttetDato", dt(closed_at)),
            ("avsluttetAv", closed_by),
        ],
    )
    child = case.child
    part = A.sub(mappe, "part")
    A.subs(
        part, [("partID", child.id_number), ("partNavn", child.full_name), ("partRolle", "Barn")]
    )
    for guardian in child.guardians.all():
        part = A.sub(mappe, "part")
        A.subs(part, [("partNavn", guardian.name), ("partRolle", "Foresatt")])
    if case.previous_id:
        ref = A.sub(mappe, "kryssreferanse")
        A.sub(ref, "referanseTilMappe", system_id("saksmappe", case.previous_id))
    reason = case.get_closed_reason_display() if case.closed_reason else case.withdrawn_reason
    if reason:
        _merknad(mappe, _("Avsluttet: %(reason)s") % {"reason": reason}, closed_at, closed_by)
    _skjerming(mappe, n5.SKJERMING_MAPPE, document=True)
    changes = [
        _endring(
            mappe_id, "saksstatus", closed_at, closed_by, n5.SAKSSTATUS_OPEN, n5.SAKSSTATUS_CLOSED
        )
    ]
    names = _names(case)
    finals = {doc.pk: doc for doc in case.finals}
    journaled = {e.document_id: e for e in case.entries if e.document_id in finals}
    chains = {pk: _chain(doc, finals, journaled) for pk, doc in finals.items() if pk in journaled}
    files = _write_files(ctx, case, {v.pk: v for chain in chains.values() for v in chain})
    for entry in case.entries:
        mappe.append(
            _journalpost(
                ctx, case.reference, entry, finals, journaled, chains, files, names, changes
            )
        )
        ctx.counts["registrering"] += 1
        ctx.result.journal_entries += 1
    received = case.received_on or case.created_at.astimezone(OSLO).date()
    A.subs(
        mappe,
        [
            ("saksaar", received.year),
            ("sakssekvensnummer", case.pk),
            ("saksdato", d(received)),
            ("administrativEnhet", ctx.unit_name),
            ("saksansvarlig", _user(case.advisor) if case.advisor else _("Ikke tildelt")),
            ("saksstatus", n5.SAKSSTATUS_CLOSED),
        ],
    )
    ctx.counts["mappe"] += 1
    ctx.counts["endring"] += len(changes)
    ctx.result.changes += len(changes)
    return mappe, changes


def _chain(doc, finals, journaled) -> list:
    """``doc`` and the earlier versions it replaces that have no journal entry of their own,
    oldest first: versions of one document are dokumentobjekter of one dokumentbeskrivelse."""
    chain = [doc]
    previous = finals.get(doc.replaces_id)
    while previous is not None and previous.pk not in journaled:
        chain.insert(0, previous)
        previous = finals.get(previous.replaces_id)
    return chain


def _write_files(ctx, case, wanted) -> dict:
    """Write the case's final PDFs to dokumenter/ (one query, one file at a time) and return
    {document id: (path, sha256, size)}. A file whose bytes no longer match the checksum kept
    when it was finalised stops the extract: the archive must get what was finalised."""
    if not wanted:
        return {}
    files = {}
    query = Document.objects.filter(pk__in=wanted).values_list("pk", "pdf")
    with closing(query.iterator(chunk_size=4)) as rows:
        _write_pdfs(ctx, case, wanted, rows, files)
    return files


def _write_pdfs(ctx, case, wanted, rows, files) -> None:
    for pk, pdf in rows:
        data = bytes(pdf or b"")
        digest = hashlib.sha256(data).hexdigest()
        if digest != wanted[pk].sha256:
            raise ArchiveError(
                _(
                    "Dokument %(pk)s i %(ref)s: innholdet stemmer ikke med sjekksummen fra da det "
                    "ble ferdigstilt. Uttrekket er stoppet."
                )
                % {"pk": pk, "ref": case.reference}
            )
        path = f"{DOCUMENT_DIR}/{pk:08d}.pdf"
        (ctx.out / path).write_bytes(data)
        files[pk] = (path, digest, len(data))
        ctx.result.document_files += 1
        ctx.result.document_bytes += len(data)


def _journalpost(ctx, case_ref, entry, finals, journaled, chains, files, names, changes):
    post_id = system_id("journalpost", entry.pk)
    post = A.el("registrering", xsi__type="journalpost")
    by = _user(entry.registered_by)
    A.subs(
        post,
        [
            ("systemID", post_id),
            ("opprettetDato", dt(entry.registered_at)),
            ("opprettetAv", by),
            ("arkivertDato", dt(entry.registered_at)),
            ("arkivertAv", by),
        ],
    )
    _skjerming(post, n5.SKJERMING_JOURNALPOST, document=True)
    doc = finals.get(entry.document_id)
    notes, earlier_post = [], None
    if doc is not None:
        chain = chains[doc.pk]
        post.append(_dokumentbeskrivelse(ctx, entry, doc, chain, files, changes, finals))
        replaced = finals.get(chain[0].replaces_id)
        if replaced is not None and replaced.pk in journaled:
            earlier_post = journaled[replaced.pk]
            notes.append(
                _("Ny versjon (%(new)s) av dokumentet i journalpost %(old)s.")
                % {"new": doc.edition, "old": earlier_post.identifier}
            )
        newer = next((f for f in finals.values() if f.replaces_id == doc.pk), None)
        if newer is not None and newer.pk in journaled:
            notes.append(
                _("Erstattet av versjon %(new)s i journalpost %(post)s.")
                % {"new": newer.edition, "post": journaled[newer.pk].identifier}
            )
    if entry.attachment_id:
        number = 2 if doc is not None else 1
        post.append(_attachment(ctx, case_ref, entry, number))
    A.subs(
        post,
        [
            ("registreringsID", entry.identifier),
            ("tittel", entry.title),
            ("offentligTittel", n5.screen(entry.title, names)),
        ],
    )
    for note in notes:
        _merknad(post, note, entry.registered_at, by)
    if earlier_post is not None:
        ref = A.sub(post, "kryssreferanse")
        A.sub(ref, "referanseTilRegistrering", system_id("journalpost", earlier_post.pk))
    if entry.correspondent:
        party = A.sub(post, "korrespondansepart")
        A.subs(
            party,
            [
                ("korrespondanseparttype", n5.KORRESPONDANSEPARTTYPE[entry.direction]),
                ("korrespondansepartNavn", entry.correspondent),
            ],
        )
    A.subs(
        post,
        [
            ("journalaar", entry.year),
            ("journalsekvensnummer", entry.sequence),
            ("journalpostnummer", entry.number_in_case),
            ("journalposttype", n5.JOURNALPOSTTYPE[entry.direction]),
            ("journalstatus", n5.JOURNALSTATUS),
            ("journaldato", d(entry.registered_at)),
            ("dokumentetsDato", d(entry.document_date)),
            ("mottattDato", dt(entry.registered_at) if entry.direction == "I" else None),
        ],
    )
    return post


def _dokumentbeskrivelse(ctx, entry, doc, chain, files, changes, finals):
    desc_id = system_id("dokumentbeskrivelse", entry.pk)
    desc = A.el("dokumentbeskrivelse")
    first = chain[0]
    A.subs(
        desc,
        [
            ("systemID", desc_id),
            ("dokumenttype", KIND_TO_DOKUMENTTYPE.get(doc.kind, doc.kind)),
            ("dokumentstatus", n5.DOKUMENTSTATUS),
            ("tittel", doc.title),
            ("forfatter", _user(doc.finalised_by) if doc.finalised_by_id else None),
            ("opprettetDato", dt(first.created_at)),
            ("opprettetAv", _user(first.created_by or first.finalised_by)),
            ("dokumentmedium", n5.DOKUMENTMEDIUM),
            ("tilknyttetRegistreringSom", n5.HOVEDDOKUMENT),
            ("dokumentnummer", 1),
            ("tilknyttetDato", dt(entry.registered_at)),
            ("tilknyttetAv", _user(entry.registered_by)),
        ],
    )
    _skjerming(desc, n5.SKJERMING_DOKUMENT_METADATA, document=True)
    for version in chain:
        path, digest, size = files[version.pk]
        obj = A.sub(desc, "dokumentobjekt")
        A.subs(
            obj,
            [
                ("systemID", system_id("dokumentobjekt", f"{entry.pk}:{version.pk}")),
                ("versjonsnummer", version.edition),
                ("variantformat", n5.VARIANTFORMAT),
                ("format", n5.FORMAT),
                ("formatDetaljer", n5.FORMAT_DETALJER),
                ("opprettetDato", dt(version.finalised_at or version.created_at)),
                ("opprettetAv", _user(version.finalised_by)),
                ("referanseDokumentfil", path),
                ("sjekksum", digest),
                ("sjekksumAlgoritme", n5.SJEKKSUM_ALGORITME),
                ("filstoerrelse", size),
            ],
        )
        ctx.counts["dokumentobjekt"] += 1
    # arkivforskrifta § 11: a correction is added, the original kept; the log says when and by
    # whom each new version came, against the version it replaced.
    for older, newer in pairwise(chain):
        _version_changes(changes, desc_id, older, newer)
    replaced_elsewhere = finals.get(chain[0].replaces_id)  # a version journaled on its own
    if replaced_elsewhere is not None:
        _version_changes(changes, desc_id, replaced_elsewhere, chain[0])
    ctx.counts["dokumentbeskrivelse"] += 1
    return desc


def _attachment(ctx, case_ref, entry, number):
    """A file that came in with the journal entry (the referral's attachments): copied in
    blocks from the attachment storage, checksummed on the way. It is kept as it came
    (variantformat Produksjonsformat, its MIME type as format): Rimelig does not convert
    uploads to an archive format."""
    attachment = entry.attachment
    ext = mimetypes.guess_extension(attachment.content_type) or ""
    path = f"{DOCUMENT_DIR}/vedlegg-{attachment.pk:08d}{ext}"
    digest, size = hashlib.sha256(), 0
    try:
        with attachment.file.open("rb") as source, open(ctx.out / path, "wb") as target:
            for block in source.chunks():
                digest.update(block)
                target.write(block)
                size += len(block)
    except FileNotFoundError:
        raise ArchiveError(
            _("Vedlegget «%(title)s» i %(ref)s finnes ikke lenger på disken. Uttrekket er stoppet.")
            % {"title": attachment.title, "ref": case_ref}
        ) from None
    ctx.result.document_files += 1
    ctx.result.document_bytes += size
    uploaded_by = _user(attachment.uploaded_by)
    desc = A.el("dokumentbeskrivelse")
    A.subs(
        desc,
        [
            ("systemID", system_id("vedlegg", f"{entry.pk}:{attachment.pk}")),
            ("dokumenttype", str(Document.Kind.INCOMING.label)),
            ("dokumentstatus", n5.DOKUMENTSTATUS),
            ("tittel", attachment.title),
            ("opprettetDato", dt(attachment.uploaded_at)),
            ("opprettetAv", uploaded_by),
            ("dokumentmedium", n5.DOKUMENTMEDIUM),
            ("tilknyttetRegistreringSom", n5.HOVEDDOKUMENT if number == 1 else n5.VEDLEGG),
            ("dokumentnummer", number),
            ("tilknyttetDato", dt(entry.registered_at)),
            ("tilknyttetAv", _user(entry.registered_by)),
        ],
    )
    _skjerming(desc, n5.SKJERMING_DOKUMENT_METADATA, document=True)
    obj = A.sub(desc, "dokumentobjekt")
    A.subs(
        obj,
        [
            ("systemID", system_id("vedleggsfil", f"{entry.pk}:{attachment.pk}")),
            ("versjonsnummer", 1),
            ("variantformat", n5.PRODUKSJONSFORMAT),
            ("format", attachment.content_type),
            ("formatDetaljer", _("Innkommet fil, ikke konvertert til arkivformat")),
            ("opprettetDato", dt(attachment.uploaded_at)),
            ("opprettetAv", uploaded_by),
            ("referanseDokumentfil", path),
            ("sjekksum", digest.hexdigest()),
            ("sjekksumAlgoritme", n5.SJEKKSUM_ALGORITME),
            ("filstoerrelse", size),
        ],
    )
    ctx.counts["dokumentbeskrivelse"] += 1
    ctx.counts["dokumentobjekt"] += 1
    return desc


def _version_changes(changes, desc_id, older, newer) -> None:
    at, by = newer.finalised_at or newer.created_at, _user(newer.finalised_by)
    changes.append(
        _endring(desc_id, "versjonsnummer", at, by, str(older.edition), str(newer.edition))
    )
    if older.title != newer.title:
        changes.append(_endring(desc_id, "tittel", at, by, older.title, newer.title))


# --- the journals ---------------------------------------------------------------------------


def _write_journals(ctx, selected) -> None:
    """loependeJournal.xml and offentligJournal.xml: the selected cases' journal entries in
    journal-number order. Both schemas need at least one entry; without any, neither is written
    (arkivuttrekk.xml then lists only the files there are)."""
    entries = JournalEntry.objects.filter(referral__in=selected.values("pk"))
    stats = entries.aggregate(n=Count("pk"), first=Min("registered_at"), last=Max("registered_at"))
    if not stats["n"]:
        return
    rows = (
        entries.select_related(
            "referral__child", "referral__unit", "referral__advisor", "registered_by"
        )
        .prefetch_related("referral__child__guardians")
        .order_by("year", "sequence")
    )
    lb, ob = Builder(n5.LOEPENDE), Builder(n5.OFFENTLIG)
    with ExitStack() as files:
        lj, oj = (
            files.enter_context(XmlStream(ctx.out / f"{name}.xml", name, ns, f"{name}.xsd"))
            for name, ns in (("loependeJournal", n5.LOEPENDE), ("offentligJournal", n5.OFFENTLIG))
        )
        for xf, b in ((lj, lb), (oj, ob)):
            head = b.el("journalhode")
            b.subs(
                head,
                [
                    ("journalStartDato", d(stats["first"])),
                    ("journalSluttDato", d(stats["last"])),
                    (
                        "seleksjon",
                        _("Journalposter i saker avsluttet før %(day)s")
                        % {"day": ctx.closed_before.strftime("%d.%m.%Y")},
                    ),
                    ("antallJournalposter", stats["n"]),
                ],
            )
            creator = b.sub(head, "arkivskaper")
            b.subs(
                creator, [("arkivskaperID", ctx.creator_id), ("arkivskaperNavn", ctx.creator_name)]
            )
            xf.write(head)
        for entry in files.enter_context(closing(rows.iterator(chunk_size=500))):
            lj.write(_journal_row(ctx, lb, entry, public=False))
            oj.write(_journal_row(ctx, ob, entry, public=True))
            ctx.counts["journalregistrering"] += 1


def _journal_row(ctx, b: Builder, entry, *, public: bool):
    case = entry.referral
    names = _names(case)
    row = b.el("journalregistrering")
    klasse_id, klasse_title = KLASSER.get(case.unit.kind, (case.unit.kind, case.unit.kind))
    klasse = b.sub(row, "klasse")
    b.subs(klasse, [("klasseID", klasse_id), ("tittel", klasse_title)])
    received = case.received_on or case.created_at.astimezone(OSLO).date()
    mappe = b.sub(row, "saksmappe")
    b.subs(
        mappe,
        [("mappeID", case.reference), ("saksaar", received.year), ("sakssekvensnummer", case.pk)],
    )
    if public:
        b.subs(
            mappe,
            [
                ("offentligTittel", _public_case_title(case)),
                ("administrativEnhet", ctx.unit_name),
                ("tilgangsrestriksjon", n5.TILGANGSRESTRIKSJON),
                ("skjermingshjemmel", n5.SKJERMINGSHJEMMEL),
            ],
        )
    else:
        b.subs(
            mappe,
            [
                ("tittel", _case_title(case)),
                ("offentligTittel", _public_case_title(case)),
                ("skjermingMetadata", n5.SKJERMING_MAPPE[0]),
                ("administrativEnhet", ctx.unit_name),
                ("saksansvarlig", _user(case.advisor) if case.advisor else _("Ikke tildelt")),
            ],
        )
    post = b.sub(row, "journalpost")
    b.subs(
        post,
        [
            ("systemID", system_id("journalpost", entry.pk)),
            ("registreringsID", entry.identifier),
            ("journalaar", entry.year),
            ("journalsekvensnummer", entry.sequence),
            ("journalpostnummer", entry.number_in_case),
        ],
    )
    if not public:
        b.sub(post, "tittel", entry.title)
    b.subs(
        post,
        [
            ("offentligTittel", n5.screen(entry.title, names)),
            ("skjermingMetadata", n5.SKJERMING_JOURNALPOST[0]),
            ("journaldato", d(entry.registered_at)),
            ("dokumentetsDato", d(entry.document_date)),
            ("administrativEnhet", ctx.unit_name),
            ("tilgangsrestriksjon", n5.TILGANGSRESTRIKSJON),
            ("skjermingshjemmel", n5.SKJERMINGSHJEMMEL),
        ],
    )
    party = b.sub(post, "korrespondansepart")
    kind = n5.KORRESPONDANSEPARTTYPE[entry.direction]
    if entry.correspondent:
        name = n5.SCREENED if public else entry.correspondent
    else:  # an internal note without a named recipient: the service itself
        kind, name = n5.KORRESPONDANSEPARTTYPE["N"], ctx.unit_name
    b.subs(party, [("korrespondanseparttype", kind), ("korrespondansepartNavn", name)])
    if not public and entry.correspondent:
        b.sub(
            party, "skjermingMetadata", n5.SKJERMING_JOURNALPOST[1 if entry.direction == "I" else 2]
        )
    return row
