"""Every letter carries every legal element its law asks for: the PDF is read back with pypdf
and each element's heading, its source and the case's own fact are found in its text."""

from datetime import date

import pytest

from documents import letter_services, letters
from documents.models import Document
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.documents.test_letters_support import (
    ON,
    TODAY,
    appealed_case,
    decided_case,
    draft,
    letterhead,
    pdf_text,
    submitted_report,
)

# (kind, element, source, a fact of the case the element must state)
ELEMENTS = [
    (
        "provisional_reply",
        "reason",
        "forvaltningsloven § 11 a andre ledd",
        "Venter på logopedrapport",
    ),
    ("provisional_reply", "expected", "forvaltningsloven § 11 a andre ledd", "15.01.2027"),
    ("provisional_reply", "one_month", "forvaltningsloven § 11 a tredje ledd", "innen en måned"),
    ("assessment", "development", "barnehageloven § 34", "Forsinket språkutvikling"),
    ("assessment", "goals", "barnehageloven § 34", "Bruke setninger"),
    ("assessment", "help", "barnehageloven § 34", "Språkstimulering"),
    ("assessment", "organisation", "barnehageloven § 34", "I gruppe"),
    ("assessment", "hours", "barnehageloven § 34 andre ledd bokstav e", "7,5 timer per uke"),
    ("assessment", "competence", "barnehageloven § 34 andre ledd bokstav e", "Spesialpedagog"),
    ("assessment", "assistant", "barnehageloven § 34", "behov for assistent"),
    ("assessment", "child_views", "barnehageloven § 3", "Barnet"),
    ("assessment", "guardian_views", "barnehageloven § 32 andre ledd", "Foreldrene ønsker hjelp"),
    (
        "assessment",
        "conclusion",
        "barnehageloven §§ 34 og 35",
        "har behov for spesialpedagogisk hjelp",
    ),
    ("decision", "rules", "forvaltningsloven § 25 første ledd", "barnehageloven § 31"),
    ("decision", "facts", "forvaltningsloven § 25 andre ledd", "tilrådde 7,5 timer per uke"),
    ("decision", "considerations", "forvaltningsloven § 25 tredje ledd", "Følger tilrådingen."),
    ("decision", "content", "barnehageloven § 35", "Språkstimulering"),
    ("decision", "hours", "barnehageloven § 35", "7,5 timer per uke"),
    ("decision", "organisation", "barnehageloven § 35", "I gruppe"),
    ("decision", "competence", "barnehageloven § 35", "spesialpedagog"),
    ("decision", "assistant", "barnehageloven § 35", "assistent"),
    ("decision", "period", "barnehageloven § 35", "Fra 28.09.2026 til"),
    (
        "decision",
        "deviation",
        "barnehageloven § 35 første ledd",
        "følger den sakkyndige vurderingen",
    ),
    (
        "decision",
        "appeal_right",
        "forvaltningsloven §§ 27 tredje ledd og 28",
        "kan klage på vedtaket",
    ),
    ("decision", "appeal_period", "forvaltningsloven § 29", "tre uker fra den dagen dere fikk"),
    ("decision", "appeal_body", "forvaltningsloven § 28", "Statsforvalteren i Vestland"),
    ("decision", "appeal_how", "forvaltningsloven § 32", "Send klagen til Solvik kommune"),
    ("decision", "access", "forvaltningsloven §§ 18 og 19", "rett til å se dokumentene"),
    ("decision", "deferral", "forvaltningsloven § 42", "utsatt iverksetting"),
    (
        "change_decision",
        "changes",
        "forvaltningsloven § 25; barnehageloven § 35",
        "Timer per uke 7,5 10",
    ),
    (
        "change_decision",
        "considerations",
        "forvaltningsloven § 25 tredje ledd",
        "Barnet trenger mer.",
    ),
    ("change_decision", "appeal_period", "forvaltningsloven § 29", "tre uker"),
    ("change_decision", "deferral", "forvaltningsloven § 42", "utsatt iverksetting"),
    ("annual_report", "period", "barnehageloven § 32 tredje ledd", "Fra 01.10.2026 til 20.11.2026"),
    ("annual_report", "help_given", "barnehageloven § 32 tredje ledd", "språkgruppe"),
    ("annual_report", "development", "barnehageloven § 32 tredje ledd", "bruker flere ord"),
    ("annual_report", "recipients", "barnehageloven § 32 tredje ledd", "foreldrene og kommunen"),
    # issue 19: the school's IOP (opplæringslova § 11-10) and årleg evaluering (§ 11-11)
    ("iop", "goals", "opplæringslova § 11-10", "Lese korte tekster"),
    ("iop", "content", "opplæringslova § 11-10", "Lesetrening"),
    ("iop", "organisation", "opplæringslova § 11-10", "I liten gruppe med spesialpedagog"),
    ("iop", "subjects", "Udir: IOP-en holder seg innenfor vedtaket", "3,5 timer per uke"),
    ("iop", "decision", "opplæringslova § 11-6", "vedtaket datert"),
    ("annual_evaluation", "school_year", "opplæringslova § 11-11", "Skoleåret 2026/27"),
    ("annual_evaluation", "teaching_given", "opplæringslova § 11-11", "Fire økter i uka"),
    ("annual_evaluation", "development", "opplæringslova § 11-11", "målet i norsk er nådd"),
    ("annual_evaluation", "access", "opplæringslova § 11-11", "gjort tilgjengelig for eleven"),
    ("appeal_received", "received", "forvaltningsloven § 32", "mottok klagen deres 05.10.2026"),
    ("appeal_received", "review", "forvaltningsloven § 33", "Statsforvalteren i Vestland"),
    ("appeal_received", "deferral", "forvaltningsloven § 42", "utsatt iverksetting"),
    ("appeal_received", "access", "forvaltningsloven §§ 18 og 19", "se dokumentene"),
    ("appeal_forwarded", "forwarded", "forvaltningsloven § 33 fjerde ledd", "mottatt 05.10.2026"),
    ("appeal_forwarded", "decision", "forvaltningsloven § 32", "Vedtak datert 28.09.2026"),
    (
        "appeal_forwarded",
        "review",
        "forvaltningsloven § 33 andre ledd",
        "Kommunen står ved vedtaket",
    ),
    ("appeal_forwarded", "copy", "forvaltningsloven § 27", "Kopi til:"),
]

TEXTS = {
    "provisional_reply": {"reason": "Venter på logopedrapport.", "expected_on": "2027-01-15"},
    "appeal_forwarded": {"review": "Kommunen står ved vedtaket."},
}


def _ready_case(world, kind):
    """A case with what a letter of ``kind`` reads."""
    from decimal import Decimal

    from decisions import case_life
    from decisions import services as decisions
    from referrals.models import Assessment

    if kind == "provisional_reply":
        return case_at("assessing", world=world, on=ON)
    if kind in ("appeal_received", "appeal_forwarded"):
        referral = appealed_case(world)
    else:
        referral = decided_case(world)
    Assessment.objects.filter(referral=referral).update(
        development="Forsinket språkutvikling.",
        goals="Bruke setninger med tre ord.",
        kind_of_help="Språkstimulering i liten gruppe.",
        recommended_hours=Decimal("7.5"),
        assistant_needed=True,
        child_views="Barnet liker å leke med biler.",
    )
    decision = referral.decisions.get(superseded=False)
    type(decision).objects.filter(pk=decision.pk).update(
        hours_per_week=Decimal("7.5"),
        assistant=True,
        starts_on=decision.decided_on,
        ends_on=date(2027, 6, 30),
    )
    if kind in ("annual_report", "change_decision"):
        decisions.help_start_register(
            referral_id=referral.pk, started_on=date(2026, 10, 1), actor=world.office
        )
    if kind == "annual_report":
        submitted_report(world, referral)
    if kind == "change_decision":
        case_life.decision_change(
            referral_id=referral.pk,
            actor=world.office,
            changes_id=decision.pk,
            decided_on=date(2026, 11, 20),
            hours_per_week=Decimal("10"),
            organisation="group",
            competence="special_educator",
            assistant=True,
            starts_on=date(2026, 11, 23),
            ends_on=date(2027, 6, 30),
            reason="Barnet trenger mer.",
            deviation_reason="Økt behov etter ny kartlegging.",
        )
    return referral


def _school_case(world, kind):
    """A § 11-6 case of a pupil of class 5A with a final IOP (and a shared evaluation)."""
    from decisions import school_services as school
    from tests.decisions.school_plans import final_iop, pupil_case, written_evaluation

    referral = pupil_case(world)
    iop = final_iop(referral, world.rektor_a)
    if kind == "annual_evaluation":
        evaluation = written_evaluation(iop, world.rektor_a)
        school.evaluation_share(
            evaluation_id=evaluation.pk, actor=world.rektor_a, shared_on=iop.finalised_on
        )
    return referral


def final_letter(world, kind) -> Document:
    letterhead(world.municipality)
    if kind in ("iop", "annual_evaluation"):  # written by the school (its rektor here)
        referral = _school_case(world, kind)
        document = draft(world, referral, kind, actor=world.rektor_a)
        return letter_services.finalise(actor=world.rektor_a, document_id=document.pk)
    referral = _ready_case(world, kind)
    document = draft(world, referral, kind)
    if kind in TEXTS:
        document = letter_services.update_texts(
            actor=world.office, document_id=document.pk, version=document.version, texts=TEXTS[kind]
        )
    actor = world.advisor if kind == "assessment" else world.office
    return letter_services.finalise(actor=actor, document_id=document.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted({row[0] for row in ELEMENTS}))
def test_each_letter_carries_every_legal_element_in_its_pdf(world, kind):
    with frozen_today(TODAY):
        document = final_letter(world, kind)
    text = pdf_text(bytes(document.pdf))
    spec = letters.spec_for(kind)
    failures = []
    for row_kind, key, source, fact in ELEMENTS:
        if row_kind != kind:
            continue
        element = spec.element(key)
        assert element.source == source, f"{kind}.{key}: the spec names {element.source}"
        for wanted in (f"{element.nb} ({source})", fact):
            if wanted not in text:
                failures.append(f"{key}: {wanted!r}")
    assert failures == [], text


def test_the_table_covers_every_element_of_every_letter():
    covered = {(kind, key) for kind, key, _s, _f in ELEMENTS}
    every = {(kind, e.key) for kind, spec in letters.SPECS.items() for e in spec.elements}
    # An endringsvedtak carries the vedtak's elements too (checked for the vedtak above).
    every -= {("change_decision", e.key) for e in letters.SPECS["decision"].elements}
    assert every - covered == set()


@pytest.mark.django_db
def test_a_refusal_states_no_terms_of_help_but_every_appeal_element(world):
    letterhead(world.municipality)
    with frozen_today(TODAY):
        referral = decided_case(world, outcome="refused")
        document = draft(world, referral, "decision")
        document = letter_services.finalise(actor=world.office, document_id=document.pk)
    text = pdf_text(bytes(document.pdf))
    assert "Vedtak: Avslått" in text and "Avvik fra den sakkyndige vurderingen" in text
    assert "Omfang (barnehageloven § 35)" not in text
    for key in ("appeal_right", "appeal_period", "appeal_body", "appeal_how", "access", "deferral"):
        element = letters.spec_for("decision").element(key)
        assert f"{element.nb} ({element.source})" in text
