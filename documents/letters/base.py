"""The shape of a letter spec: what a letter reads from the case, which parts the case worker
writes, which legal elements it carries (each with its source), and what the case lacks."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextPart:
    """A free-text part of a letter the case worker writes (never a fact the case holds)."""

    key: str
    label: str
    max_length: int
    kind: str = "text"  # "text" (multi-line) or "date" (stored as ISO, shown 25.11.2026)
    help: str = ""


@dataclass(frozen=True)
class LegalElement:
    """One element the law asks the letter to carry: its heading in bokmål and nynorsk, and
    the rule it comes from (printed in the letter beside the heading)."""

    key: str
    source: str
    nb: str
    nn: str

    def heading(self, language: str) -> str:
        return self.nn if language == "nn" else self.nb


# Who may make a letter of a kind (letter_services.may_write reads it).
OFFICE = (
    "office"  # the kindergarten office of the case's municipality (referrals.scoping.can_decide)
)
ASSESSOR = "assessor"  # the case's PP-rådgiver or a PP-leder
REPORTER = "reporter"  # the office or the head of the case's unit
SCHOOL = "school"  # the rektor or the pupil's teacher (decisions.school_services.can_write_iop)


@dataclass(frozen=True)
class LetterSpec:
    kind: str
    title_nb: str
    title_nn: str
    # Which of Document.decision / annual_report / appeal / iop / evaluation the letter is made from (None: the
    # case itself, and for the sakkyndig vurdering the case's Assessment).
    reads: str | None
    writers: str
    texts: tuple[TextPart, ...]
    elements: tuple[LegalElement, ...]
    template: str
    # (facts) -> messages; facts is documents.letters.facts.LetterFacts
    lacks: Callable = field(default=lambda facts: [])

    def title(self, language: str) -> str:
        return self.title_nn if language == "nn" else self.title_nb

    def text_part(self, key: str) -> TextPart | None:
        return next((t for t in self.texts if t.key == key), None)

    def element(self, key: str) -> LegalElement:
        return next(e for e in self.elements if e.key == key)
