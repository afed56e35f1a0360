"""The letters made here (issue 20): one spec per Document.Kind that is a letter, the facts a
letter is read from, and what a case lacks for it. Rendering is in documents/pdf.py."""

from .base import ASSESSOR, OFFICE, REPORTER, SCHOOL, LegalElement, LetterSpec, TextPart
from .facts import LetterFacts, collect
from .specs import HELP_ONLY, SPECS

__all__ = [
    "ASSESSOR",
    "OFFICE",
    "REPORTER",
    "SCHOOL",
    "SPECS",
    "LegalElement",
    "LetterFacts",
    "LetterSpec",
    "TextPart",
    "collect",
    "elements_for",
    "is_letter",
    "missing",
    "spec_for",
]


def is_letter(kind: str) -> bool:
    return kind in SPECS


def spec_for(kind: str) -> LetterSpec:
    return SPECS[kind]


def elements_for(facts: LetterFacts) -> list[LegalElement]:
    """The legal elements this letter carries (a refusal states no terms of help)."""
    spec = SPECS[facts.document.kind]
    if spec.reads == "decision" and not facts.helps:
        return [e for e in spec.elements if e.key not in HELP_ONLY]
    return list(spec.elements)


def missing(document, facts: LetterFacts | None = None) -> list[str]:
    """What the case lacks for ``document`` (Norwegian messages); empty when it may be
    finalised."""
    return SPECS[document.kind].lacks(facts or collect(document))
