"""Shared builders of the letter tests (no tests here): a letterhead, cases at the stage a
letter needs, and the text of a PDF as pypdf reads it."""

import io
import re
from datetime import date

from pypdf import PdfReader

from decisions import services as decisions
from decisions.models import AnnualReport
from documents import letter_services
from documents.models import Letterhead
from tests.builders import case_at

ON = date(2026, 9, 1)  # the case came in; the vedtak follows ~2 months later (tests/builders)
TODAY = date(2026, 11, 25)


def letterhead(municipality, **kw) -> Letterhead:
    values = dict(
        name=f"{municipality.name} kommune",
        department="Barnehagekontoret",
        address="Rådhusgata 1",
        postal="9900 Solvik",
        org_number="964964964",
        signatory="Kari Nordmann",
        signatory_title="Barnehagesjef",
        appeal_body="Statsforvalteren i Vestland",
        appeal_body_address="Postboks 7310, 5020 Bergen",
    )
    values.update(kw)
    return Letterhead.objects.create(municipality=municipality, **values)


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace collapsed (a heading may wrap)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def draft(world, referral, kind, actor=None):
    actor = actor or (world.advisor if kind == "assessment" else world.office)
    return letter_services.create_draft(actor=actor, referral_id=referral.pk, kind=kind)


def submitted_report(world, referral) -> AnnualReport:
    decision = referral.decisions.get(superseded=False)
    return AnnualReport.objects.create(
        referral=referral,
        decision=decision,
        period_from=date(2026, 10, 1),
        period_to=date(2026, 11, 20),
        help_given="To økter i uka med språkgruppe.",
        development="Barnet bruker flere ord og leker mer med andre.",
        status=AnnualReport.Status.SUBMITTED,
        submitted_on=date(2026, 11, 20),
        written_by=world.styrer_a,
    )


def appealed_case(world):
    return case_at("appealed", world=world, on=ON)


def decided_case(world, outcome="granted"):
    """A decided case whose vedtak states its period (the builders' vedtak leaves it open)."""
    referral = case_at("decided", world=world, on=ON, outcome=outcome)
    decision = referral.decisions.get(superseded=False)
    if outcome != "refused":
        type(decision).objects.filter(pk=decision.pk).update(
            starts_on=decision.decided_on, ends_on=date(2027, 6, 30)
        )
    return referral


def notify(world, referral, on=date(2026, 11, 3)):
    decisions.decision_notified_register(
        referral_id=referral.pk, notified_on=on, actor=world.office
    )
