"""The schools' own work in the demo (issue 19), through the services:

- referrals written by the unit (referrals/services/unit_referral.py): the rektor of Solvik
  skole and the styrer of Solsikken have each sent one that PPT has not yet received (PPT's
  arrivals), and the rektor has one still in writing; PPT has registered one parents' own
  request (barnehageloven § 33, opplæringslova § 11-7 first paragraph);
- IOPs (opplæringslova § 11-10) for the § 11-6 pupils with a vedtak in force at the rektors'
  schools, written by the rektor or, for the pupils of the kontaktlærer's classes, by her; one
  left as a draft; årleg evalueringer (§ 11-11) for some, made available to the pupil and the
  parents, one still a draft (decisions/school_services.py).

Idempotent: each part skips once it has its rows. Synthetic."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from decisions import school_services
from decisions.school_models import Iop
from demo.organisation import REKTOR2_SCHOOL, REKTOR_SCHOOL
from referrals import case_kinds
from referrals.models import Child, Consent, Referral
from referrals.services import CaseError, consent_register
from referrals.services import unit_referral as unit_services
from teams.models import Municipality, Role, Unit

K = case_kinds.CaseKind

SCHOOL_REFERRAL = {
    "concern": "Eleven leser langt under forventet nivå for trinnet og henger etter i "
    "matematikk; gapet til klassen har økt dette skoleåret.",
    "tried": "Lesekurs i liten gruppe i seks uker og tilpasset lekseplan; lite fremgang.",
    "report_subjects": "Norsk: leser langsomt og uten flyt. Matematikk: usikker på "
    "tallforståelse. Engelsk: følger muntlig undervisning.",
    "report_adapted": "Tilpasset opplæring (§ 11-1) med egen arbeidsplan; intensiv opplæring "
    "(§ 11-2) i lesing uten tilstrekkelig effekt.",
    "report_social": "Trives i klassen og har gode venner.",
    "guardian_views": "Foreldrene er enige i henvisningen og ønsker at eleven får hjelp i "
    "klassen så langt det går.",
    "child_views": "Eleven sier at lesing er vanskelig og at det hjelper med ro rundt seg.",
}
KINDERGARTEN_REFERRAL = {
    "concern": "Barnet har et lite ordforråd for alderen og blir ofte misforstått av de "
    "andre barna.",
    "tried": "Språkgruppe to ganger i uka siden høsten; noe bedre forståelse.",
    "report_language": "Bruker korte setninger; TRAS viser forsinket språkutvikling.",
    "report_play": "Leker mest parallelt med andre.",
    "guardian_views": "Foreldrene ønsker at PPT vurderer om barnet trenger spesialpedagogisk "
    "hjelp.",
    "child_views": "Barnet liker best å leke ute med bilene.",
}


def _head(email: str):
    role = Role.objects.filter(user__email=email).prefetch_related("units").first()
    return (role.user, role.units.first()) if role else (None, None)


def _free_child(unit: Unit, exclude=()) -> Child | None:
    """A child of the unit with no case yet (one open case per child)."""
    return (
        Child.objects.filter(unit=unit, referrals__isnull=True)
        .exclude(pk__in=exclude)
        .order_by("pk")
        .first()
    )


def _write(actor, child: Child, kind: str, values: dict, *, send: bool, today: date) -> bool:
    try:
        with transaction.atomic():
            ref = unit_services.unit_referral_create(
                actor=actor, child_id=child.pk, kind=kind, **values
            )
            if not send:
                return True
            guardian = child.guardians.filter(
                parental_responsibility=True, lives_with_child=True
            ).first()
            consent_register(
                referral_id=ref.pk,
                guardian_id=guardian.pk,
                purpose=Consent.Purpose.ASSESSMENT,
                given_on=today - timedelta(days=3),
                actor=actor,
            )
            ref.refresh_from_db()
            unit_services.unit_referral_send(referral_id=ref.pk, version=ref.version, actor=actor)
        return True
    except CaseError:
        return False


def seed_unit_referrals(today: date, municipality: Municipality) -> dict:
    counts = {"sent": 0, "writing": 0, "parents": 0}
    rektor, school = _head("rektor@demo.no")
    styrer, kindergarten = _head("styrer@demo.no")
    if rektor is None or styrer is None:
        return {"skipped": True, **counts}
    mine = Referral.objects.filter(
        source=Referral.Source.UNIT, status=Referral.Status.DRAFT, unit__in=[school, kindergarten]
    )
    if mine.exists():
        return {"skipped": True, **counts}
    used = []
    for actor, unit, kind, values, send in (
        (rektor, school, K.OPPL_11_6, SCHOOL_REFERRAL, True),
        (styrer, kindergarten, K.BHL_31, KINDERGARTEN_REFERRAL, True),
        (rektor, school, K.OPPL_11_6, {"concern": SCHOOL_REFERRAL["concern"]}, False),
    ):
        child = _free_child(unit, used)
        if child is not None and _write(actor, child, kind, values, send=send, today=today):
            used.append(child.pk)
            counts["sent" if send else "writing"] += 1
    # The parents' own request, registered by PPT the day they phoned.
    other = Unit.objects.filter(municipality=municipality, name=REKTOR2_SCHOOL).first()
    advisor = Role.objects.filter(user__email="radgiver@demo.no").first()
    child = _free_child(other) if other else None
    if child is not None and advisor is not None:
        try:
            with transaction.atomic():
                unit_services.parents_request_register(
                    actor=advisor.user,
                    child_id=child.pk,
                    unit=other,
                    kind=K.OPPL_11_6,
                    requested_on=today - timedelta(days=2),
                    concern="Foreldrene ringte: eleven gruer seg til skolen og sier at "
                    "lesing og skriving er for vanskelig.",
                )
            counts["parents"] = 1
        except CaseError:
            pass
    return counts


# --- IOPs and årleg evalueringer -------------------------------------------------------------

IOP_TEXTS = {
    "goals": "Lese en enkel tekst med flyt og forståelse; skrive korte tekster med stor "
    "bokstav og punktum; addisjon og subtraksjon med tierovergang.",
    "content": "Lesetrening med lydbøker og tilpassede tekster, skriving med skrivestøtte, "
    "konkreter i matematikk.",
    "organisation": "I liten gruppe med spesialpedagog fire økter i uka, ellers i klassen med "
    "ekstra lærer; ukeplan med egne mål.",
}
EVALUATION_TEXTS = {
    "teaching_given": "Eleven har fått individuelt tilrettelagt opplæring i norsk og "
    "matematikk i liten gruppe som planlagt; tre økter falt bort ved lærerfravær.",
    "development": "Eleven leser nå enkle tekster med bedre flyt og har nådd målet i "
    "addisjon; skrivemålet er delvis nådd og videreføres.",
}


def _subjects(hours: Decimal | None) -> list[tuple[str, Decimal]]:
    """The vedtak's hours over norsk and matematikk (an IOP stays within its vedtak: Udir)."""
    total = hours or Decimal(4)
    norsk = (total / 2).quantize(Decimal("0.5"))
    return [("Norsk", norsk), ("Matematikk", total - norsk)]


def seed_iops(today: date, municipality: Municipality) -> dict:
    counts = {"iops": 0, "final": 0, "evaluations": 0, "shared": 0}
    if Iop.objects.filter(referral__municipality=municipality).exists():
        return {"skipped": True, **counts}
    teacher = Role.objects.filter(user__email="kontaktlarer@demo.no").first()
    taught = set(teacher.classes.values_list("pk", flat=True)) if teacher else set()
    writers = []
    for email, name in (("rektor@demo.no", REKTOR_SCHOOL), ("rektor2@demo.no", REKTOR2_SCHOOL)):
        role = Role.objects.filter(user__email=email).first()
        if role is not None:
            writers.append((role.user, name))
    cases = []
    for rektor, name in writers:
        for case in (
            Referral.objects.filter(unit__name=name, municipality=municipality, kind=K.OPPL_11_6)
            .select_related("child")
            .order_by("pk")
        ):
            if school_services.iop_decision(case, today=today) is not None:
                writer = teacher.user if case.child.school_class_id in taught else rektor
                cases.append((case, writer))
    for i, (case, writer) in enumerate(cases):
        decision = school_services.iop_decision(case, today=today)
        try:
            with transaction.atomic():
                iop = school_services.iop_create(referral_id=case.pk, actor=writer)
                iop = school_services.iop_update(
                    iop_id=iop.pk,
                    actor=writer,
                    version=iop.version,
                    subjects=_subjects(decision.hours_per_week),
                    **IOP_TEXTS,
                )
        except CaseError:
            continue
        counts["iops"] += 1
        if i == len(cases) - 1 and i > 0:
            break  # the last one stays a draft, being written
        school_services.iop_finalise(iop_id=iop.pk, actor=writer, version=iop.version)
        counts["final"] += 1
        if i % 2:
            continue  # every other plan has its evaluation
        evaluation = school_services.evaluation_create(iop_id=iop.pk, actor=writer)
        evaluation = school_services.evaluation_update(
            evaluation_id=evaluation.pk,
            actor=writer,
            version=evaluation.version,
            **EVALUATION_TEXTS,
        )
        counts["evaluations"] += 1
        if i == 0:
            continue  # the first stays a draft
        school_services.evaluation_share(evaluation_id=evaluation.pk, actor=writer, shared_on=today)
        counts["shared"] += 1
    return counts
