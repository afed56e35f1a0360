"""Letters rendered from the case's own data: HTML from the templates under
templates/documents/letters/<nb|nn>/, PDF/A-2b by WeasyPrint with the project's own fonts.

No external resources (PDF/A, and no letter may call out of the house): the url_fetcher
serves only the fonts shipped in documents/fonts/ and data: URIs (the embedded logo), and
refuses every other URL, file or network."""

import base64
from pathlib import Path
from urllib.request import url2pathname

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import letters
from .letters.facts import day, hours

FONTS_DIR = (Path(__file__).resolve().parent / "fonts").resolve()
CSS_TEMPLATE = "documents/letters/letter.css"
LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


class RefusedURL(ValueError):
    pass


class ProjectFetcher(URLFetcher):
    """Fetches the project's fonts and data: URIs; refuses anything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"))

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if path.is_relative_to(FONTS_DIR) and path.is_file():
                return super().fetch(url, headers)
        raise RefusedURL(f"Refused outside resource: {url[:200]}")


def logo_data_uri(letterhead) -> str:
    """The letterhead's logo as a data: URI (embedded, never fetched), or "" without one."""
    if letterhead is None or not letterhead.logo:
        return ""
    kind = LOGO_TYPES.get(Path(letterhead.logo.name).suffix.lower())
    if kind is None:
        return ""
    try:
        with letterhead.logo.open("rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return ""
    if len(data) > LOGO_MAX_BYTES:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def _elements(facts) -> dict:
    return {
        e.key: {"heading": e.heading(facts.language), "source": e.source}
        for e in letters.elements_for(facts)
    }


def _terms(facts, decision) -> dict:
    """A decision's terms, formatted (empty strings where unset)."""
    if decision is None:
        return {}
    return {
        "decided_on": day(decision.decided_on),
        "outcome": facts.label(decision, "outcome"),
        "hours": hours(decision.hours_per_week),
        "organisation": facts.label(decision, "organisation"),
        "competence": facts.label(decision, "competence"),
        "assistant": decision.assistant,
        "starts_on": day(decision.starts_on),
        "ends_on": day(decision.ends_on),
        "provider_name": decision.provider_name,
    }


def _changes(facts) -> list[dict]:
    """An endringsvedtak's changed terms, old → new (the terms the letter states)."""
    if facts.decision is None or facts.changed is None:
        return []
    old, new = _terms(facts, facts.changed), _terms(facts, facts.decision)
    labels = {
        "nb": {
            "outcome": "Utfall",
            "hours": "Timer per uke",
            "organisation": "Organisering",
            "competence": "Kompetanse",
            "assistant": "Assistent",
            "starts_on": "Fra",
            "ends_on": "Til",
        },
        "nn": {
            "outcome": "Utfall",
            "hours": "Timar per veke",
            "organisation": "Organisering",
            "competence": "Kompetanse",
            "assistant": "Assistent",
            "starts_on": "Frå",
            "ends_on": "Til",
        },
    }[facts.language]
    yes_no = {"nb": ("Ja", "Nei"), "nn": ("Ja", "Nei")}[facts.language]
    rows = []
    for key, label in labels.items():
        before, after = old.get(key), new.get(key)
        if before != after:
            if key == "assistant":
                before, after = (yes_no[0] if v else yes_no[1] for v in (before, after))
            rows.append({"label": label, "old": before or "–", "new": after or "–"})
    return rows


def letter_context(document, facts=None) -> dict:
    facts = facts or letters.collect(document)
    spec = letters.spec_for(document.kind)
    a = facts.assessment
    report = facts.annual_report
    appeal = facts.appeal
    return {
        "document": document,
        "spec": spec,
        "title": document.title or spec.title(facts.language),
        "lh": facts.letterhead,
        "logo": logo_data_uri(facts.letterhead),
        "date": day(document.document_date or timezone.localdate()),
        "reference": facts.referral.reference,
        "child": facts.child,
        "child_birth": day(facts.child.birth_date),
        "guardians": facts.guardians,
        "guardian_names": facts.guardian_names,
        "texts": {key: facts.text(key) for key in (t.key for t in spec.texts)},
        "expected_on": _iso_day(facts.text("expected_on")),
        "el": _elements(facts),
        "helps": facts.helps,
        "decision": facts.decision,
        "terms": _terms(facts, facts.decision),
        "changes": _changes(facts),
        "departs": bool(facts.departs),
        "appeal_until": facts.appeal_until,
        "assessment": a,
        "assessment_completed": day(a.completed_on) if a else "",
        "assessment_hours": hours(a.recommended_hours) if a else "",
        "assessment_organisation": facts.label(a, "organisation"),
        "assessment_competence": facts.label(a, "competence"),
        "assessment_conclusion": facts.label(a, "conclusion"),
        "report": report,
        "report_from": day(report.period_from) if report else "",
        "report_to": day(report.period_to) if report else "",
        "appeal": appeal,
        "appeal_received": day(appeal.received_on) if appeal else "",
        # issue 19: the school's IOP and årleg evaluering
        **_school_plan_context(facts),
        "received_on": day(facts.referral.received_on),
        "edition": document.edition,
        "replaces_date": day(document.replaces.document_date) if document.replaces_id else "",
    }


def _school_plan_context(facts) -> dict:
    iop, evaluation = facts.iop, facts.evaluation
    if iop is None:
        return {}
    return {
        "iop": iop,
        "iop_year": iop.school_year_label,
        "iop_final": day(iop.finalised_on),
        "iop_subjects": [
            {"subject": s.subject, "hours": hours(s.hours_per_week)} for s in iop.subjects.all()
        ],
        "iop_decision": iop.decision,
        "iop_decision_on": day(iop.decision.decided_on),
        "iop_decision_hours": hours(iop.decision.hours_per_week),
        "evaluation": evaluation,
        "evaluation_shared": day(evaluation.shared_on) if evaluation else "",
    }


def _iso_day(text: str) -> str:
    from datetime import date

    try:
        return day(date.fromisoformat(text)) if text else ""
    except ValueError:
        return ""


def _render_html(document, *, preview: bool, facts=None) -> str:
    language = "nn" if document.language == "nn" else "nb"
    context = {**letter_context(document, facts), "preview": preview, "language": language}
    # Numbers and dates are formatted above; the locale only decides the engine's own output.
    with translation.override("nb"):
        return render_to_string(
            f"documents/letters/{language}/{letters.spec_for(document.kind).template}", context
        )


def preview_html(document) -> str:
    """The letter as HTML for the browser (the article only; every value escaped by the
    template engine)."""
    return _render_html(document, preview=True)


def render_pdf(document, facts=None) -> bytes:
    """The letter as PDF/A-2b bytes."""
    html = _render_html(document, preview=False, facts=facts)
    fetcher = ProjectFetcher()
    font_config = FontConfiguration()
    base_url = FONTS_DIR.as_uri() + "/"
    css = CSS(
        string=render_to_string(CSS_TEMPLATE),
        base_url=base_url,
        url_fetcher=fetcher,
        font_config=font_config,
    )
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[css], font_config=font_config, pdf_variant="pdf/a-2b"
    )
