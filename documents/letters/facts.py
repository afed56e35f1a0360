"""What a letter is made from: the case's own data, read once per render (a handful of
queries), formatted the Norwegian way (25.11.2026, 7,5)."""

from dataclasses import dataclass, field
from datetime import date

from core.forms import hours_text
from decisions.models import Decision
from decisions.services import appeal_deadline, deviations
from referrals.models import Assessment

# Nynorsk labels of the case's choices (the models' labels are bokmål).
NN_LABELS = {
    "individual": "Individuelt",
    "group": "I gruppe",
    "inside_group": "Innanfor gruppa til barnet",
    "outside_group": "Utanfor gruppa til barnet",
    "special_educator": "Spesialpedagog",
    "pedagogue": "Barnehagelærar/pedagog",
    "speech_therapist": "Logoped",
    "other": "Anna fagperson",
    "granted": "Innvilga",
    "partly": "Delvis innvilga",
    "refused": "Avslått",
    "needs_help": "Barnet har behov for spesialpedagogisk hjelp",
    "no_need": "Barnet har ikkje behov for spesialpedagogisk hjelp",
}


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def hours(value) -> str:
    return hours_text(value) if value is not None else ""


@dataclass
class LetterFacts:
    document: object
    referral: object
    child: object
    guardians: list
    letterhead: object | None
    language: str
    texts: dict
    assessment: Assessment | None = None
    decision: Decision | None = None
    changed: Decision | None = None  # the vedtak an endringsvedtak changes
    appeal: object | None = None
    annual_report: object | None = None
    iop: object | None = None  # issue 19: decisions.Iop (opplæringslova § 11-10)
    evaluation: object | None = None  # decisions.AnnualEvaluation (§ 11-11)
    departs: list[str] = field(default_factory=list)

    def label(self, obj, name: str) -> str:
        """A choice's label in the letter's language."""
        value = getattr(obj, name, "") if obj is not None else ""
        if not value:
            return ""
        if self.language == "nn" and value in NN_LABELS:
            return NN_LABELS[value]
        return str(getattr(obj, f"get_{name}_display")())

    def text(self, key: str) -> str:
        return (self.texts.get(key) or "").strip()

    @property
    def helps(self) -> bool:
        """A vedtak that grants help (in full or in part): it states the help's terms."""
        return self.decision is not None and self.decision.outcome != Decision.Outcome.REFUSED

    @property
    def guardian_names(self) -> str:
        return ", ".join(g.name for g in self.guardians)

    @property
    def appeal_until(self) -> str:
        """Forvaltningsloven § 29: three weeks from the day the notice reached the parents
        (decisions.services.appeal_deadline); printed only when that day is known."""
        if self.decision is None or self.decision.notified_on is None:
            return ""
        return day(appeal_deadline(self.decision))


def collect(document) -> LetterFacts:
    """The facts of ``document`` (its case, child, guardians with parental responsibility,
    letterhead and the case object it is made from)."""
    referral = document.referral
    child = referral.child
    guardians = [g for g in child.guardians.all() if g.parental_responsibility]
    letterhead = getattr(referral.municipality, "letterhead", None)
    try:
        assessment = referral.assessment
    except Assessment.DoesNotExist:
        assessment = None
    facts = LetterFacts(
        document=document,
        referral=referral,
        child=child,
        guardians=guardians,
        letterhead=letterhead,
        language=document.language,
        texts=document.texts or {},
        assessment=assessment,
        decision=document.decision,
        appeal=document.appeal,
        annual_report=document.annual_report,
        iop=document.iop,
        evaluation=document.evaluation,
    )
    if facts.evaluation is not None and facts.iop is None:
        facts.iop = facts.evaluation.iop
    if facts.appeal is not None and facts.decision is None:
        facts.decision = facts.appeal.decision
    if facts.decision is not None:
        facts.changed = facts.decision.changes
        d = facts.decision
        facts.departs = deviations(
            assessment,
            refused=d.outcome == Decision.Outcome.REFUSED,
            hours=d.hours_per_week,
            organisation=d.organisation,
            competence=d.competence,
            assistant=d.assistant,
        )
    return facts
