"""The demo's ressursteam: members, a year of monthly meetings at a few kindergartens with
anonymous consultations and follow-up, PPT's system work, and the services overview of both
municipalities. Idempotent: natural keys (member, meeting per unit and day, service name)
decide whether a row exists, and system work is added only when there is none. Synthetic;
never for production. Uses its own random generator so the rest of the demo stays the same."""

import random
from datetime import date, timedelta
from decimal import Decimal

from teams.models import Unit
from teams.ressursteam_models import (
    AnonymousConsultation,
    BtiLevel,
    FollowUp,
    Meeting,
    Service,
    SystemWork,
    TeamMember,
)
from teams.scoping import visible_units

TEAM_UNITS = [
    "Solsikken barnehage",
    "Blåbærtoppen barnehage",
    "Tusenfryd barnehage",
    "Eventyrskogen barnehage",
]
NURSES = ["Hege Helsesøster", "Mona Moen", "Tone Tvedt", "Ingrid Lie"]

CONCERNS = [
    (
        "Gutt, 4 år, bruker få ord og blir frustrert når han ikke blir forstått.",
        "Språkgrupper to ganger i uken siden høsten, bildestøtte i samlingsstund.",
        "Fortsett språkgruppen; kartlegg med TRAS før neste møte. Snakk med foreldrene om "
        "hørselstest på helsestasjonen.",
        "Pedagogisk leder kartlegger; tas opp igjen om to måneder.",
        BtiLevel.ONE_SERVICE,
    ),
    (
        "Jente, 3 år, trekker seg unna lek og sitter mye alene.",
        "Fast voksen i frilek, små lekegrupper på to–tre barn.",
        "Observer leken med Alle med; veiledning til personalet om relasjonsbygging.",
        "PP-rådgiver observerer i gruppen neste måned.",
        BtiLevel.CONCERN,
    ),
    (
        "Barn, 5 år, mye utagering i overganger og ved påkledning.",
        "Dagtavle med bilder, forvarsel før overganger, en voksen følger i garderoben.",
        "Lag en felles plan for overgangene; vurder samarbeid med helsesykepleier om søvn.",
        "Styrer kaller inn til foreldresamtale med helsesykepleier.",
        BtiLevel.TWO_SERVICES,
    ),
    (
        "Gutt, 2 år, går ustøtt og faller ofte sammenlignet med jevnaldrende.",
        "Motorisk lek ute hver dag, trappetrening med voksen.",
        "Foreldrene bør ta det opp på helsestasjonen; fysioterapeut kan komme på observasjon.",
        "Helsesykepleier tar kontakt med fysioterapitjenesten.",
        BtiLevel.TWO_SERVICES,
    ),
    (
        "Jente, 4 år, flerspråklig, forstår lite norsk etter ett år i barnehagen.",
        "Språkkommode, begrepsopplæring, foreldresamtaler med tolk.",
        "Kartlegg morsmålet med tolk; fortsett begrepsopplæringen. Vent med henvisning.",
        "Ny drøfting om tre måneder.",
        BtiLevel.ONE_SERVICE,
    ),
    (
        "Barn, 5 år, bekymring for omsorgssituasjonen hjemme og mye fravær.",
        "Samtaler med foreldrene; barnehagen har dokumentert fraværet.",
        "Drøft anonymt med barnevernet; vurder familieveiledning. Bred samhandling trengs.",
        "Styrer tar anonym kontakt med barnevernet denne uken.",
        BtiLevel.BROAD,
    ),
]
AGENDA = "1. Oppfølging fra forrige møte\n2. Drøftinger\n3. Tema: {theme}\n4. Eventuelt"
THEMES = [
    "språkmiljøet i småbarnsavdelingen",
    "overganger i hverdagen",
    "lek og vennskap",
    "samarbeid med foreldre",
    "tilrettelegging i grupperom",
    "observasjon med Alle med",
]
FOLLOW_UPS = [
    ("Kartlegge språk med TRAS i storbarnsavdelingen", "Pedagogisk leder"),
    ("Invitere fysioterapeut til observasjon", "Helsesykepleier"),
    ("Planlegge personalmøte om overganger", "Styrer"),
    ("Sende tema for neste møte til teamet", "PP-rådgiver"),
    ("Kontakte familieveiledningen om foreldrekurs", "Styrer"),
]
SYSTEM_WORK = [
    (SystemWork.Topic.COMPETENCE, "Kurs for personalet om språkstimulering i hverdagen."),
    (SystemWork.Topic.GUIDANCE, "Veiledning av pedagogiske ledere om observasjon."),
    (SystemWork.Topic.ORGANISATION, "Organisering av lekegrupper på storbarnsavdelingen."),
    (SystemWork.Topic.COMPETENCE, "Personalmøte om inkluderende fellesskap."),
    (SystemWork.Topic.GUIDANCE, "Veiledning av styrer om overganger og dagsrytme."),
    (SystemWork.Topic.OTHER, "Deltok i planmøte om ny rutine ved undring og bekymring."),
]

SERVICES = [
    (
        "Helsestasjonen",
        Service.AgeGroup.PRESCHOOL,
        "Helsekontroller og vaksiner 0–5 år, oppfølging av vekst og utvikling, "
        "foreldreveiledning og hjemmebesøk.",
        "Helsestasjonen, {m}. Telefon 33 00 10 00, hverdager 08–15.",
        "Foreldre tar kontakt selv. Barnehagen kan kontakte helsesykepleier med foreldrenes "
        "samtykke.",
    ),
    (
        "Skolehelsetjenesten",
        Service.AgeGroup.SCHOOL,
        "Helsesykepleier på hver skole: samtaler, vaksiner, oppfølging av helse og trivsel.",
        "Helsesykepleier på skolen; se skolens nettside for kontortid.",
        "Elever og foreldre tar kontakt direkte; skolen med samtykke.",
    ),
    (
        "PP-tjenesten (PPT)",
        Service.AgeGroup.BOTH,
        "Sakkyndige vurderinger, råd og veiledning til barnehager og skoler, systemarbeid og "
        "deltakelse i ressursteam.",
        "PPT for Solvik og Bergtun. Telefon 33 00 20 00. Konsultasjonstelefon for "
        "barnehagene tirsdager 12–14.",
        "Henvisningsskjema med samtykke fra foresatte; drøft gjerne anonymt i ressursteamet først.",
    ),
    (
        "Barneverntjenesten",
        Service.AgeGroup.BOTH,
        "Råd og veiledning, hjelpetiltak i hjemmet og undersøkelser ved bekymring for omsorgen.",
        "Barneverntjenesten, {m}. Telefon 33 00 30 00. Barnevernvakten utenom kontortid: 116 123.",
        "Send bekymringsmelding skriftlig. Anonyme drøftinger er mulig på telefon.",
    ),
    (
        "Fysio- og ergoterapitjenesten for barn",
        Service.AgeGroup.BOTH,
        "Vurdering og oppfølging av motorikk, sansemotorikk og hjelpemidler; veiledning i "
        "barnehage og skole.",
        "Fysioterapeutene på helsestasjonen, telefon 33 00 40 00.",
        "Henvisning fra lege eller helsestasjon; barnehagen kan drøfte med samtykke.",
    ),
    (
        "BUP – barne- og ungdomspsykiatrisk poliklinikk",
        Service.AgeGroup.BOTH,
        "Utredning og behandling av psykiske vansker hos barn og unge (spesialisthelsetjenesten).",
        "BUP, sykehuset i regionen. Telefon 33 00 50 00.",
        "Henvisning fra fastlege eller barneverntjenesten. Dialogbasert inntak sammen med "
        "PPT og psykisk helsetjeneste.",
    ),
    (
        "Familieveiledning",
        Service.AgeGroup.BOTH,
        "Foreldreveiledning (ICDP, De utrolige årene), samtaler med familier og foreldrekurs.",
        "Familiens hus, {m}. Telefon 33 00 60 00.",
        "Familiene tar kontakt selv, eller via helsestasjon, barnehage eller skole.",
    ),
    (
        "Logoped",
        Service.AgeGroup.BOTH,
        "Utredning og trening av tale, språk, stamming og uttale; veiledning til personalet.",
        "Logopedene i PPT, telefon 33 00 20 10.",
        "Henvises gjennom PPT (henvisningsskjema, «Logoped»).",
    ),
    (
        "Psykisk helsetjeneste for barn og unge",
        Service.AgeGroup.BOTH,
        "Lavterskel samtaler for barn, unge og foreldre ved lettere psykiske vansker.",
        "Psykisk helsetjeneste, {m}. Telefon 33 00 70 00.",
        "Ingen henvisning trengs; ta kontakt direkte.",
    ),
    (
        "Spesialpedagogisk team",
        Service.AgeGroup.PRESCHOOL,
        "Gir spesialpedagogisk hjelp etter vedtak i barnehagene, og veiledning av personalet.",
        "Spesialpedagogisk team, barnehagekontoret, telefon 33 00 80 00.",
        "Etter enkeltvedtak om spesialpedagogisk hjelp (barnehageloven § 31).",
    ),
    (
        "Helsesykepleier i barnehagen",
        Service.AgeGroup.PRESCHOOL,
        "Fast helsesykepleier i ressursteamet: råd om helse, søvn, mat og utvikling.",
        "Via helsestasjonen, {m}.",
        "Tas opp i ressursteamet eller direkte med foreldrenes samtykke.",
    ),
]


def _meeting_day(today: date, months_back: int) -> date:
    index = today.year * 12 + today.month - 1 - months_back
    day = date(index // 12, index % 12 + 1, 10)
    while day.weekday() >= 5:  # the team meets on a weekday
        day += timedelta(days=1)
    return day


def seed_services(municipalities) -> int:
    created = 0
    for municipality in municipalities:
        short = municipality.name.replace(" kommune", "")
        for name, age, offers, contact, refer in SERVICES:
            _obj, new = Service.objects.get_or_create(
                municipality=municipality,
                name=name,
                defaults={
                    "age_group": age,
                    "offers": offers,
                    "contact": contact.format(m=short),
                    "how_to_refer": refer,
                },
            )
            created += new
    return created


def seed_ressursteam(org, *, today: date, seed: int = 2026) -> dict:
    """Members, twelve monthly meetings (the last twelve months, not this one) at a few
    kindergartens, their consultations and follow-up, a year of system work, the services."""
    rng = random.Random(seed + 9)
    users = org.users
    # the styrers' kindergartens and two more the demo advisor (areas Nord and Sør) serves
    visible = visible_units(users["advisor"], roles=("advisor",)).filter(
        municipality__number="9901", kind=Unit.Kind.KINDERGARTEN
    )
    units = list(visible.filter(name__in=TEAM_UNITS[:2]))
    units += list(visible.exclude(name__in=TEAM_UNITS[:2]).order_by("name")[:2])
    heads = {
        "Solsikken barnehage": users.get("unit_head"),
        "Blåbærtoppen barnehage": users.get("unit_head_b"),
    }
    counts = {"meetings": 0, "consultations": 0, "follow_ups": 0, "system_work": 0}
    for i, unit in enumerate(sorted(units, key=lambda u: u.name)):
        head = heads.get(unit.name)
        advisor = users["advisor"]
        for name, service, user in [
            (head.full_name if head else f"Styrer i {unit.name}", "unit_head", head),
            (advisor.full_name, "ppt", advisor),
            (NURSES[i % len(NURSES)], "health_nurse", None),
        ]:
            TeamMember.objects.get_or_create(
                unit=unit, name=name, service=service, defaults={"user": user}
            )
        for back in range(12, 0, -1):
            held_on = _meeting_day(today, back)
            theme = THEMES[(back + i) % len(THEMES)]
            meeting, created = Meeting.objects.get_or_create(
                unit=unit,
                held_on=held_on,
                defaults={
                    "agenda": AGENDA.format(theme=theme),
                    "minutes": f"Gjennomgang av oppfølgingspunkter. Tema: {theme}. "
                    "Teamet drøftet saker anonymt og avtalte oppfølging.",
                    "created_by": advisor,
                },
            )
            if not created:
                continue
            counts["meetings"] += 1
            for question, tried, advice, follow, level in rng.sample(CONCERNS, rng.randint(1, 3)):
                AnonymousConsultation.objects.create(
                    meeting=meeting,
                    question=question,
                    tried=tried,
                    advice=advice,
                    follow_up=follow,
                    bti_level=level,
                    created_by=advisor,
                )
                counts["consultations"] += 1
            for description, responsible in rng.sample(FOLLOW_UPS, rng.randint(1, 2)):
                due = held_on + timedelta(days=rng.choice([14, 21, 28]))
                done = due < today - timedelta(days=20) or (due < today and rng.random() < 0.5)
                FollowUp.objects.create(
                    meeting=meeting,
                    description=description,
                    responsible=responsible,
                    due_on=due,
                    done_on=min(due, today) if done else None,
                )
                counts["follow_ups"] += 1
    if not SystemWork.objects.exists():
        counts["system_work"] = _seed_system_work(org, rng, today)
    counts["services"] = seed_services(org.municipalities)
    return counts


def _seed_system_work(org, rng: random.Random, today: date) -> int:
    rows = []
    team = list(Unit.objects.filter(meetings__isnull=False).distinct().order_by("pk"))
    for advisor_key, per_month in (("advisor", (3, 6)), ("advisor2", (1, 4))):
        advisor = org.users[advisor_key]
        # only units the advisor works with (radgiver: areas Nord and Sør)
        solvik = list(
            visible_units(advisor, roles=("advisor",))
            .filter(municipality__number="9901", kind=Unit.Kind.KINDERGARTEN)
            .order_by("pk")
        )
        for back in range(12):
            for _n in range(rng.randint(*per_month)):
                day = today - timedelta(days=back * 30 + rng.randint(0, 27))
                topic, text = rng.choice(SYSTEM_WORK)
                rows.append(
                    SystemWork(
                        # half of the demo advisor's at the ressursteam kindergartens
                        unit=rng.choice(team if team and rng.random() < 0.5 else solvik),
                        advisor=advisor,
                        worked_on=day,
                        hours=Decimal(rng.choice([1, 1.5, 2, 2.5, 3, 4])).quantize(Decimal("0.1")),
                        topic=topic,
                        description=text,
                    )
                )
    SystemWork.objects.bulk_create(rows)
    return len(rows)
