"""The demo's named consultations: a few children at the ressursteam kindergartens discussed by
name, each under a guardian's consent to a named discussion; where the child already has a
case that started after the meeting, the consultation points at it (the case page shows it).
Idempotent: adds nothing once named consultations exist. Synthetic; never for production."""

import random
from datetime import timedelta

from referrals.models import Child, ConsultationConsent, NamedConsultation
from teams.ressursteam_models import BtiLevel, Meeting

NAMED = [
    (
        "Foreldrene er bekymret for språket; barnehagen ser lite samspill i lek.",
        "Språkgruppe, bildestøtte, foreldresamtale.",
        "Henvis til PPT for sakkyndig vurdering med pedagogisk rapport.",
        "PP-rådgiver sender henvisningsskjemaet til foreldrene.",
        BtiLevel.TWO_SERVICES,
    ),
    (
        "Barnet har motoriske vansker og sliter i påkledning og lek ute.",
        "Motorisk lek hver dag; helsestasjonen er informert.",
        "Fysioterapeut observerer; vurder henvisning etter to måneder.",
        "Helsesykepleier kontakter fysioterapitjenesten.",
        BtiLevel.TWO_SERVICES,
    ),
]


def seed_named_consultations(org, *, today, seed: int = 2026) -> int:
    if NamedConsultation.objects.exists():
        return 0
    rng = random.Random(seed + 11)
    advisor = org.users["advisor"]
    created = 0
    meetings = list(Meeting.objects.filter(held_on__lt=today).order_by("unit_id", "held_on"))
    by_unit: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_unit.setdefault(meeting.unit_id, []).append(meeting)
    for unit_id, unit_meetings in sorted(by_unit.items()):
        children = list(
            Child.objects.filter(unit_id=unit_id, guardians__isnull=False)
            .distinct()
            .prefetch_related("guardians", "referrals")
            .order_by("pk")[:3]
        )
        for child in children:
            meeting = rng.choice(unit_meetings)
            guardian = next((g for g in child.guardians.all() if g.parental_responsibility), None)
            if guardian is None:
                continue
            consent = ConsultationConsent.objects.create(
                child=child,
                guardian=guardian,
                given_on=meeting.held_on - timedelta(days=rng.randint(3, 14)),
                registered_by=advisor,
            )
            question, tried, advice, follow, level = rng.choice(NAMED)
            later = [r for r in child.referrals.all() if r.created_at.date() > meeting.held_on]
            NamedConsultation.objects.create(
                child=child,
                meeting=meeting,
                consent=consent,
                question=question,
                tried=tried,
                advice=advice,
                follow_up=follow,
                bti_level=level,
                created_by=advisor,
                referral=later[0] if later else None,
            )
            created += 1
    return created
