"""Demo letters: a letterhead for each demo municipality (Bergtun writes nynorsk) and a few
drafts and final letters on demo cases, made through documents.letter_services as the
office and the advisor would."""

from core.errors import DomainError
from decisions.models import Decision
from documents import letter_services
from documents.models import Letterhead
from referrals.models import Referral
from teams.models import Municipality, Role

LETTERHEADS = {
    "9901": dict(
        name="Solvik kommune",
        department="Barnehagekontoret",
        address="Rådhusplassen 1",
        postal="1850 Solvik",
        org_number="999888777",
        phone="12 34 56 78",
        email="postmottak@solvik.kommune.example",
        signatory="Kari Kontor",
        signatory_title="Barnehagesjef",
        language="nb",
        appeal_body="Statsforvalteren i Oslo og Viken",
        appeal_body_address="Postboks 325, 1502 Moss",
    ),
    "9902": dict(
        name="Bergtun kommune",
        department="Barnehagekontoret",
        address="Kommunehuset, Storgata 2",
        postal="1860 Bergtun",
        org_number="999888666",
        email="postmottak@bergtun.kommune.example",
        signatory="Ola Bergtun",
        signatory_title="Einingsleiar barnehage",
        language="nn",
        appeal_body="Statsforvaltaren i Vestland",
        appeal_body_address="Postboks 7310, 5020 Bergen",
    ),
}


def _office(municipality) -> object | None:
    role = Role.objects.filter(kind=Role.Kind.OFFICE, municipality=municipality).first()
    return role.user if role else None


def _letter(actor, referral, kind, *, final: bool) -> bool:
    if not letter_services.may_write(actor, referral, kind):
        return False
    try:
        document = letter_services.create_draft(actor=actor, referral_id=referral.pk, kind=kind)
        if final:
            letter_services.finalise(actor=actor, document_id=document.pk)
    except DomainError:
        return False  # the case lacks something: the draft stays and says what
    return True


def seed_letters() -> dict:
    counts = {"letterheads": 0, "drafts": 0, "finals": 0}
    if Letterhead.objects.exists():
        return {"skipped": True, **counts}
    for municipality in Municipality.objects.filter(number__in=LETTERHEADS):
        _, made = Letterhead.objects.get_or_create(
            municipality=municipality, defaults=LETTERHEADS[municipality.number]
        )
        counts["letterheads"] += made
        office = _office(municipality)
        if office is None:
            continue
        decided = (
            Decision.objects.filter(referral__municipality=municipality, superseded=False, kind="")
            .exclude(reason="")
            .select_related("referral")
            .order_by("-decided_on", "pk")[:20]
        )
        made = 0
        for decision in decided:
            final = made < 2
            if made < 3 and _letter(office, decision.referral, "decision", final=final):
                counts["finals" if final else "drafts"] += 1
                made += 1
        waiting = Referral.objects.filter(
            municipality=municipality, status=Referral.Status.ASSESSING, unit__kind="kindergarten"
        ).order_by("pk")[:1]
        for referral in waiting:
            if _letter(office, referral, "provisional_reply", final=False):
                counts["drafts"] += 1
        assessed = Referral.objects.filter(
            municipality=municipality,
            status=Referral.Status.ASSESSED,
            advisor__isnull=False,
        ).select_related("advisor")[:1]
        for referral in assessed:
            if _letter(referral.advisor, referral, "assessment", final=True):
                counts["finals"] += 1
    return counts
