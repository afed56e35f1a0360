"""arkivuttrekk.xml: the package's ADDML 8.3 description, by the structure Arkivverket
publishes for a Noark 5 extract (addml-standard, "maler/noark5.xml" and "Bruk av komponenter
i ADDML"): who made the archive, its period, and one data object per XML file with its
schemas, each file with its SHA-256 and the number of its main elements. Written last, when
every file it describes is on disk. The documents' own checksums are in arkivstruktur.xml,
whose checksum is here."""

from django.utils.translation import gettext as _

from . import noark as n5

B = n5.Builder(n5.ADDML)

# file → (schemas, the element counted) in the order Noark lists them; metadatakatalog.xsd is
# imported by each main schema.
DATA_OBJECTS = (
    ("arkivstruktur", ("arkivstruktur.xsd",), ("mappe", "registrering")),
    ("endringslogg", ("endringslogg.xsd",), ("endring",)),
    ("loependeJournal", ("loependeJournal.xsd",), ("journalregistrering",)),
    ("offentligJournal", ("offentligJournal.xsd",), ("journalregistrering",)),
)


def _prop(parent, name, value=None, data_type=None):
    prop = B.sub(parent, "property")
    prop.set("name", name)
    if data_type:
        prop.set("dataType", data_type)
    if value is not None:
        B.sub(prop, "value", value)
    return prop


def _props(parent):
    return B.sub(parent, "properties")


def _file(parent, out, name):
    """property "file": name, format XML 1.0 and its SHA-256."""
    file = _props(_prop(parent, "file"))
    _prop(file, "name", name)
    _prop(_props(_prop(file, "format", "XML")), "version", "1.0")
    checksum = _props(_prop(file, "checksum"))
    _prop(checksum, "algorithm", "SHA-256")
    _prop(checksum, "value", n5.sha256_of(out / name))


def _schema(parent, out, name, main: bool):
    schema = _prop(parent, "schema", "main" if main else None)
    props = _props(schema)
    _file(props, out, name)
    _prop(_props(_prop(props, "type", "XML Schema")), "version", "1.0")


def write_addml(ctx) -> None:
    out = ctx.out
    dataset = B.el("dataset")
    B.sub(dataset, "description", ctx.archive_title())
    reference = B.sub(dataset, "reference")
    context = B.sub(B.sub(reference, "context"), "additionalElements")
    creators = _element(context, "recordCreators")
    _element(B.sub(creators, "additionalElements"), "recordCreator", ctx.creator_name)
    _element(context, "systemType", _("Fagsystem med Noark 5-uttrekk"))
    _element(context, "systemName", "Rimelig")
    _element(context, "archive", ctx.archive_title())
    content = B.sub(B.sub(reference, "content"), "additionalElements")
    period = _props(_element(content, "archivalPeriod"))
    _prop(period, "startDate", n5.d(ctx.first))
    _prop(period, "endDate", n5.d(ctx.period_end))

    package = B.sub(B.sub(dataset, "dataObjects"), "dataObject")
    package.set("name", _("Noark 5-arkivuttrekk"))
    info = _props(_prop(_props(package), "info"))
    _prop(_props(_prop(info, "type", "Noark 5")), "version", "5.0")
    extra = _props(_prop(info, "additionalInfo"))
    _prop(extra, "inneholderSkjermetInformasjon", "true", "boolean")
    _prop(extra, "omfatterDokumenterSomErKassert", "false", "boolean")
    _prop(extra, "inneholderDokumenterSomSkalKasseres", "false", "boolean")
    _prop(extra, "inneholderVirksomhetsspesifikkeMetadata", "false", "boolean")
    _prop(extra, "antallDokumentfiler", ctx.result.document_files, "integer")

    objects = B.sub(package, "dataObjects")
    for name, schemas, counted in DATA_OBJECTS:
        filename = f"{name}.xml"
        if not (out / filename).exists():
            continue
        obj = B.sub(objects, "dataObject")
        obj.set("name", name)
        props = _props(obj)
        _file(props, out, filename)
        for schema in schemas:
            _schema(props, out, schema, main=True)
        _schema(props, out, "metadatakatalog.xsd", main=False)
        counts = _props(_prop(props, "info"))
        for element in counted:
            occurrences = _props(_prop(counts, "numberOfOccurrences", element))
            _prop(occurrences, "elementPath", f"//{element}")
            _prop(occurrences, "value", ctx.counts[element], "integer")
        ctx.result.files[filename] = n5.sha256_of(out / filename)

    name = _("Noark 5-arkivuttrekk")
    with n5.XmlStream(out / "arkivuttrekk.xml", "addml", n5.ADDML, "addml.xsd", name=name) as xf:
        xf.write(dataset)
    ctx.result.files["arkivuttrekk.xml"] = n5.sha256_of(out / "arkivuttrekk.xml")


def _element(parent, name, value=None):
    element = B.sub(parent, "additionalElement")
    element.set("name", name)
    if value is not None:
        B.sub(element, "value", value)
    return element
