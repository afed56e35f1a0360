"""The kinds of case PPT runs, as data: each with its legal basis, who decides, whether a
sakkyndig vurdering is required, the consent rule, the assessment's and the vedtak's required
content, the deadlines that run and the follow-up documents (issue 19).

Pure Python (no models, no database): referrals/models.py takes ``CaseKind`` as the choices of
Referral.kind; services, forms, the case page, the dashboard and the demo read ``RULES``. A
rule changed here is changed everywhere; each rule names its source (law and paragraph),
checked by tests/referrals/test_case_kinds.py.

Sources: barnehageloven (lov 17. juni 2005 nr. 64) §§ 31–38; opplæringslova 2023
(LOV-2023-06-09-30) chapter 11 and § 10-2; forvaltningsloven §§ 11 a, 17, 24–25, 28–29
(../shared/DOMAIN.md, part two § 1).
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class CaseKind(TextChoices):
    """Referral.kind (the database's choices)."""

    BHL_31 = "bhl_31", _("Spesialpedagogisk hjelp (barnehageloven § 31)")
    BHL_37 = "bhl_37", _("Tilrettelegging for barn med nedsatt funksjonsevne (barnehageloven § 37)")
    BHL_38 = "bhl_38", _("Tegnspråkopplæring (barnehageloven § 38)")
    OPPL_11_6 = "oppl_11_6", _("Individuelt tilrettelagd opplæring (opplæringslova § 11-6)")
    OPPL_11_4 = "oppl_11_4", _("Personleg assistanse (opplæringslova § 11-4)")
    OPPL_11_5 = (
        "oppl_11_5",
        _("Fysisk tilrettelegging og tekniske hjelpemiddel (opplæringslova § 11-5)"),
    )


class UnitKind(TextChoices):
    """teams.Unit.Kind's values, repeated here so this module needs no models."""

    KINDERGARTEN = "kindergarten", _("Barnehage")
    SCHOOL = "school", _("Skole")


class DecidedBy(TextChoices):
    # The municipality decides; in Rimelig its kindergarten office (teams.Role OFFICE).
    OFFICE = "office", _("Kommunen (barnehagekontoret)")
    # The municipality decides, usually delegated to the pupil's rektor (DOMAIN part two § 1,
    # "Who decides"); teams.Municipality.school_decisions_by_rektor says whether it is.
    RECTOR_WHERE_DELEGATED = (
        "rector_where_delegated",
        _("Rektor der kommunen har delegert det, ellers kommunen"),
    )


class ConsentBy(TextChoices):
    # barnehageloven § 32 first paragraph: the parents.
    PARENTS = "parents", _("Foreldrene")
    # opplæringslova § 11-7 third paragraph: "eleven eller foreldra".
    PUPIL_OR_PARENTS = "pupil_or_parents", _("Eleven eller foreldrene")


class FollowUp(TextChoices):
    # barnehageloven § 32 third paragraph: once a year, to the parents and the municipality.
    ANNUAL_REPORT = "annual_report", _("Årsrapport")
    # opplæringslova § 11-10: the school writes an IOP for every § 11-6 pupil.
    IOP = "iop", _("Individuell opplæringsplan (IOP)")
    # opplæringslova § 11-11: once a year, the pupil or the parents get access.
    ANNUAL_EVALUATION = "annual_evaluation", _("Årleg evaluering")


@dataclass(frozen=True)
class Element:
    """One required element of an assessment or a vedtak: the model field that holds it, its
    label and its source."""

    field: str
    label: str
    source: str


@dataclass(frozen=True)
class KindRule:
    kind: CaseKind
    unit_kind: UnitKind
    legal_basis: str
    decided_by: DecidedBy
    # Whether the vedtak needs a sakkyndig vurdering first.
    assessment_required: bool
    assessment_source: str
    consent_by: ConsentBy
    consent_source: str
    # Consent before the assessment and, again, before the vedtak.
    consent_before_assessment: bool
    consent_before_decision: bool
    # The elements a completed assessment must hold (referrals.Assessment's fields).
    assessment_content: tuple[Element, ...]
    # The elements a granted vedtak must hold (decisions.Decision's fields).
    decision_content: tuple[Element, ...]
    # A vedtak that departs from the assessment must give its reasons (Decision.deviation_reason).
    deviation_needs_reason: bool
    deviation_source: str
    # The deadline kinds (referrals.clock.DeadlineKind values) that run on this kind of case.
    deadlines: tuple[str, ...]
    follow_up: tuple[FollowUp, ...]
    # The vedtak's period follows the school year (1 August to 31 July) unless set otherwise.
    school_year_period: bool
    # The child's or pupil's own views are recorded (the source).
    views_source: str
    # Another kind whose assessment covers this one when the pupil needs both (§ 11-7 first
    # paragraph: one holistic assessment).
    covered_by_assessment_of: tuple["CaseKind", ...] = field(default=())

    @property
    def is_school(self) -> bool:
        return self.unit_kind == UnitKind.SCHOOL

    @property
    def label(self) -> str:
        return str(self.kind.label)


# --- the required content -------------------------------------------------------------------

BHL_34_CONTENT = (
    Element("development", _("Barnets utvikling og vansker"), "barnehageloven § 34"),
    Element("goals", _("Realistiske mål for utvikling og læring"), "barnehageloven § 34"),
    Element("kind_of_help", _("Hva slags hjelp som gir god utvikling"), "barnehageloven § 34"),
    Element("organisation", _("Organisering av hjelpen"), "barnehageloven § 34"),
    Element("recommended_hours", _("Omfang (timer per uke)"), "barnehageloven § 34"),
    Element("competence", _("Kompetanse hos den som gir hjelpen"), "barnehageloven § 34"),
    Element("child_views", _("Barnets egne synspunkter"), "barnehageloven § 3"),
    Element("guardian_views", _("Foreldrenes synspunkter"), "barnehageloven § 32"),
)

OPPL_11_8_CONTENT = (
    Element("benefit", _("a) Elevens utbytte av opplæringen"), "opplæringslova § 11-8 a"),
    Element(
        "benefit_obstacles",
        _("b) Hvorfor eleven ikke har eller ikke kan få tilfredsstillende utbytte"),
        "opplæringslova § 11-8 b",
    ),
    Element("goals", _("c) Realistiske læringsmål"), "opplæringslova § 11-8 c"),
    Element(
        "kind_of_help",
        _("d) Tiltak som kan gi tilfredsstillende utbytte"),
        "opplæringslova § 11-8 d",
    ),
    Element(
        "teacher_competence",
        _("e) Kompetansen lærerne bør ha, dersom det skal gjøres unntak fra § 11-9"),
        "opplæringslova § 11-8 e",
    ),
    Element("child_views", _("Elevens egne synspunkter"), "opplæringslova § 10-2"),
    Element("guardian_views", _("Foreldrenes synspunkter"), "opplæringslova § 11-7 tredje ledd"),
)

BHL_35_DECISION = (
    Element("hours_per_week", _("Omfang (timer per uke)"), "barnehageloven § 35"),
    Element("organisation", _("Organisering"), "barnehageloven § 35"),
    Element("competence", _("Kompetanse"), "barnehageloven § 35"),
    Element("starts_on", _("Fra dato"), "barnehageloven § 35"),
    Element("reason", _("Begrunnelse"), "forvaltningsloven § 25"),
)

OPPL_11_6_DECISION = (
    Element("hours_per_week", _("Omfang (timer per uke)"), "opplæringslova § 11-6"),
    Element("organisation", _("Organisering"), "opplæringslova § 11-6"),
    Element("competence", _("Kompetanse"), "opplæringslova § 11-9"),
    Element("starts_on", _("Fra dato"), "opplæringslova § 11-6"),
    Element("reason", _("Begrunnelse"), "forvaltningsloven § 25"),
)

# §§ 11-4, 11-5, bhl. §§ 37 and 38: what the help is and from when, with reasons.
PLAIN_DECISION = (
    Element("starts_on", _("Fra dato"), "forvaltningsloven § 24"),
    Element("reason", _("Begrunnelse"), "forvaltningsloven § 25"),
)


D = ("provisional_reply", "assessment", "decision", "help_start", "renewal", "appeal", "delivery")

RULES: dict[str, KindRule] = {
    CaseKind.BHL_31: KindRule(
        kind=CaseKind.BHL_31,
        unit_kind=UnitKind.KINDERGARTEN,
        legal_basis="barnehageloven § 31",
        decided_by=DecidedBy.OFFICE,
        assessment_required=True,
        assessment_source="barnehageloven § 33",
        consent_by=ConsentBy.PARENTS,
        consent_source="barnehageloven § 32 første ledd",
        consent_before_assessment=True,
        consent_before_decision=True,
        assessment_content=BHL_34_CONTENT,
        decision_content=BHL_35_DECISION,
        deviation_needs_reason=True,
        deviation_source="barnehageloven § 35 og forvaltningsloven § 25",
        deadlines=(*D, "annual_report", "school_start"),
        follow_up=(FollowUp.ANNUAL_REPORT,),
        school_year_period=False,
        views_source="barnehageloven § 3",
    ),
    CaseKind.BHL_37: KindRule(
        kind=CaseKind.BHL_37,
        unit_kind=UnitKind.KINDERGARTEN,
        legal_basis="barnehageloven § 37",
        decided_by=DecidedBy.OFFICE,
        # Udir: § 37 needs no sakkyndig vurdering; the municipality decides with the parents.
        assessment_required=False,
        assessment_source="barnehageloven § 37",
        consent_by=ConsentBy.PARENTS,
        consent_source="barnehageloven § 37",
        consent_before_assessment=False,
        consent_before_decision=True,
        assessment_content=(),
        decision_content=PLAIN_DECISION,
        deviation_needs_reason=False,
        deviation_source="",
        deadlines=("provisional_reply", "decision", "help_start", "appeal"),
        follow_up=(),
        school_year_period=False,
        views_source="barnehageloven § 3",
    ),
    CaseKind.BHL_38: KindRule(
        kind=CaseKind.BHL_38,
        unit_kind=UnitKind.KINDERGARTEN,
        legal_basis="barnehageloven § 38",
        decided_by=DecidedBy.OFFICE,
        assessment_required=True,
        assessment_source="barnehageloven § 38",
        consent_by=ConsentBy.PARENTS,
        consent_source="barnehageloven § 32 første ledd",
        consent_before_assessment=True,
        consent_before_decision=True,
        # Udir (2020): whether a § 38 vedtak must state hours, organisation and competence is
        # unresolved (referred to KD); we ask for the assessment's core and the vedtak's start.
        assessment_content=BHL_34_CONTENT[:3] + BHL_34_CONTENT[6:],
        decision_content=PLAIN_DECISION,
        deviation_needs_reason=True,
        deviation_source="forvaltningsloven § 25",
        deadlines=(*D, "annual_report"),
        follow_up=(),
        school_year_period=False,
        views_source="barnehageloven § 3",
    ),
    CaseKind.OPPL_11_6: KindRule(
        kind=CaseKind.OPPL_11_6,
        unit_kind=UnitKind.SCHOOL,
        legal_basis="opplæringslova § 11-6",
        decided_by=DecidedBy.RECTOR_WHERE_DELEGATED,
        assessment_required=True,
        assessment_source="opplæringslova § 11-7 første ledd",
        consent_by=ConsentBy.PUPIL_OR_PARENTS,
        consent_source="opplæringslova § 11-7 tredje ledd",
        consent_before_assessment=True,
        consent_before_decision=True,
        assessment_content=OPPL_11_8_CONTENT,
        decision_content=OPPL_11_6_DECISION,
        deviation_needs_reason=True,
        deviation_source="opplæringslova § 11-7 andre ledd",
        deadlines=D,
        follow_up=(FollowUp.IOP, FollowUp.ANNUAL_EVALUATION),
        school_year_period=True,
        views_source="opplæringslova § 10-2",
    ),
    CaseKind.OPPL_11_4: KindRule(
        kind=CaseKind.OPPL_11_4,
        unit_kind=UnitKind.SCHOOL,
        legal_basis="opplæringslova § 11-4",
        decided_by=DecidedBy.RECTOR_WHERE_DELEGATED,
        assessment_required=False,
        assessment_source="opplæringslova § 11-7 første ledd",
        consent_by=ConsentBy.PUPIL_OR_PARENTS,
        consent_source="opplæringslova § 11-7 tredje ledd",
        consent_before_assessment=False,
        consent_before_decision=True,
        assessment_content=(),
        decision_content=PLAIN_DECISION,
        deviation_needs_reason=False,
        deviation_source="",
        deadlines=("provisional_reply", "decision", "help_start", "appeal"),
        follow_up=(),
        school_year_period=True,
        views_source="opplæringslova § 10-2",
        covered_by_assessment_of=(CaseKind.OPPL_11_6,),
    ),
}


# § 11-5 follows § 11-4's rules (a vedtak without an assessment unless the pupil also needs
# § 11-6, opplæringslova § 11-7 first paragraph); only its basis differs.
RULES[CaseKind.OPPL_11_5] = replace(
    RULES[CaseKind.OPPL_11_4], kind=CaseKind.OPPL_11_5, legal_basis="opplæringslova § 11-5"
)


def rule(kind: str) -> KindRule:
    """The rule of a kind (a KeyError for a kind the table lacks)."""
    return RULES[kind]


def kinds_for_unit(unit_kind: str) -> list[CaseKind]:
    """The kinds a case of a unit of ``unit_kind`` may have, in the table's order."""
    return [k for k, r in RULES.items() if r.unit_kind == unit_kind]


def kind_choices_for_unit(unit_kind: str) -> list[tuple[str, str]]:
    return [(k.value, k.label) for k in kinds_for_unit(unit_kind)]


def decider_label(rule: KindRule, delegated_to_rektor: bool) -> str:
    """Who makes the vedtak of a case of ``rule``'s kind, in words for the case page and the
    decision form: the kindergarten office; for a school kind the rektor where the municipality
    has delegated it (teams.Municipality.school_decisions_by_rektor), else the school office
    (referrals.scoping.can_decide decides the same)."""
    if rule.decided_by == DecidedBy.RECTOR_WHERE_DELEGATED:
        if delegated_to_rektor:
            return str(_("Rektor ved skolen (delegert av kommunen)"))
        return str(_("Kommunen (skolekontoret)"))
    return str(DecidedBy.OFFICE.label)


# --- the school year and the school levels --------------------------------------------------

# Opplæringslova: the school year runs from 1 August to 31 July (Udir's practice: a vedtak is
# normally made per school year; DOMAIN part one § 1.2).
SCHOOL_YEAR_START = (8, 1)


def school_year_of(day: date) -> int:
    """The year the school year containing ``day`` began (1 August)."""
    return day.year if (day.month, day.day) >= SCHOOL_YEAR_START else day.year - 1


def school_year_period(day: date) -> tuple[date, date]:
    """The school year containing ``day``: 1 August to 31 July."""
    start = school_year_of(day)
    return date(start, 8, 1), date(start + 1, 7, 31)


def school_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def trinn_from_birth(birth_date: date, on: date) -> int | None:
    """The trinn a pupil born ``birth_date`` is in on ``on`` by age (opplæringslova § 2-1: school
    starts in the calendar year the child turns six), None outside 1.–10. A pupil's class
    (teams.SchoolClass.trinn) wins where it is known."""
    trinn = school_year_of(on) - (birth_date.year + 6) + 1
    return trinn if 1 <= trinn <= 10 else None


def school_start_year(birth_date: date) -> int:
    """The year (1 August) a child born ``birth_date`` starts school (§ 2-1)."""
    return birth_date.year + 6


class SchoolLevel(TextChoices):
    """The dashboard's split of pupils (Prop. 57 L: the share with a vedtak rises by trinn)."""

    L1_4 = "1-4", _("1.–4. trinn")
    L5_7 = "5-7", _("5.–7. trinn")
    L8_10 = "8-10", _("8.–10. trinn")


def school_level(trinn: int | None) -> str:
    """The level of a trinn ("" for none)."""
    if trinn is None:
        return ""
    if 1 <= trinn <= 4:
        return SchoolLevel.L1_4
    if 5 <= trinn <= 7:
        return SchoolLevel.L5_7
    if 8 <= trinn <= 10:
        return SchoolLevel.L8_10
    return ""
