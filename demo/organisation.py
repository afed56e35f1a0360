"""The demo organisation: one PPT office serving two municipalities, their areas, about 40
kindergartens and 10 schools with classes on every trinn (1A, 1B … 10A, 10B), and one user per role
(issue 19 adds the rektors, a kontaktlærer and the school office). Idempotent: natural keys decide whether a
row exists, so a second run changes nothing. Synthetic; never for production."""

import random
from dataclasses import dataclass, field

from stdnum.no import orgnr

from teams.models import Area, Municipality, PPTOffice, Role, SchoolClass, Unit, User

DEMO_PASSWORD = "rimelig-demo"

MUNICIPALITIES = [
    ("Solvik kommune", "9901", ["Nord", "Sør", "Øst", "Vest"]),
    ("Bergtun kommune", "9902", ["Sentrum", "Ytre"]),
]
# Opplæringslova ch. 11: the municipality decides a pupil's case, usually delegated to the
# rektor (DOMAIN part two § 1, "Who decides"): Solvik has delegated it, Bergtun's school office
# decides itself, so the demo shows both.
SCHOOL_DECISIONS_BY_REKTOR = {"9901": True, "9902": False}
# Classes per trinn at every school (teams.SchoolClass; trinn 1–10, opplæringslova § 2-1).
CLASS_LETTERS = ("A", "B")
REKTOR_SCHOOL = "Solvik skole"
REKTOR2_SCHOOL = "Nordre Solvik skole"
TEACHER_CLASSES = ("5A", "5B")
KINDERGARTEN_NAMES = [
    "Solsikken",
    "Tusenfryd",
    "Eventyrskogen",
    "Blåbærtoppen",
    "Furulund",
    "Marihøna",
    "Regnbuen",
    "Trollskogen",
    "Kvitveisen",
    "Bjørkelia",
    "Humla",
    "Fjellstua",
    "Lykkeliten",
    "Sjøstjerna",
    "Vesletoppen",
    "Rosenhagen",
    "Nøtteliten",
    "Skogbrynet",
    "Bekkedalen",
    "Lerka",
    "Solbakken",
    "Maurtua",
    "Tyttebæret",
    "Vikatoppen",
    "Engelia",
    "Fiskeværet",
    "Kastanjen",
    "Nordlyset",
    "Gulsporven",
    "Heggeli",
    "Lønnebakken",
    "Måkeskjæret",
    "Ospelia",
    "Revehiet",
    "Sølvberget",
    "Tunet",
    "Ugla",
    "Vårsol",
    "Åkerlia",
    "Ekornet",
]
SCHOOL_NAMES = [
    "Solvik",
    "Nordre Solvik",
    "Haugen",
    "Fjordheim",
    "Bakkeli",
    "Bergtun",
    "Ytre Bergtun",
    "Strandvik",
    "Liaset",
    "Moen",
]


@dataclass
class DemoOrganisation:
    office: PPTOffice
    municipalities: list[Municipality]
    units: list[Unit]
    users: dict[str, User] = field(default_factory=dict)
    # (unit id, class name) → the school's class
    classes: dict[tuple[int, str], SchoolClass] = field(default_factory=dict)


def org_number(seed: int, *, prefix: str = "9") -> str:
    """A valid, unique organisation number per seed: the prefix, the seed, a counter, the check
    digit (the tests' factories use another prefix, so they never collide with the demo)."""
    for k in range(1000):
        for last in range(10):
            candidate = f"{prefix}{seed:04d}{k:03d}{last}"
            if orgnr.is_valid(candidate):
                return candidate
    raise ValueError(seed)


def _units(municipalities: list[Municipality], rng: random.Random) -> list[Unit]:
    units = []
    solvik, bergtun = municipalities
    for i, name in enumerate(KINDERGARTEN_NAMES):
        municipality = solvik if i < 30 else bergtun
        areas = list(municipality.areas.order_by("name"))
        units.append(
            (
                f"{name} barnehage",
                Unit.Kind.KINDERGARTEN,
                municipality,
                areas[i % len(areas)],
                Unit.Ownership.MUNICIPAL if i % 3 else Unit.Ownership.PRIVATE,
                1000 + i,
            )
        )
    for i, name in enumerate(SCHOOL_NAMES):
        municipality = solvik if i < 5 else bergtun
        areas = list(municipality.areas.order_by("name"))
        units.append(
            (
                f"{name} skole",
                Unit.Kind.SCHOOL,
                municipality,
                areas[i % len(areas)],
                Unit.Ownership.MUNICIPAL,
                2000 + i,
            )
        )
    result = []
    for name, kind, municipality, area, ownership, seed in units:
        unit, _ = Unit.objects.get_or_create(
            org_number=org_number(seed),
            defaults={
                "name": name,
                "kind": kind,
                "municipality": municipality,
                "area": area,
                "ownership": ownership,
            },
        )
        result.append(unit)
    return result


def _user(email: str, name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if user.is_superuser:
        # Earlier demos made the admin a superuser, who read every municipality's access log
        # and gave roles anywhere (issue 16): no municipality user is one.
        user.is_superuser = False
        user.save(update_fields=["is_superuser"])
    return user


def _role(user: User, kind: str, *, units=(), areas=(), classes=(), **attach) -> Role:
    role, _ = Role.objects.get_or_create(user=user, kind=kind, **attach)
    if units:
        role.units.set(units)
    if areas:
        role.areas.set(areas)
    if classes:
        role.classes.set(classes)
    return role


def seed_classes(units: list[Unit]) -> dict[tuple[int, str], SchoolClass]:
    """Every school's classes, trinn 1–10 with CLASS_LETTERS each; the missing ones in one
    insert (idempotent: the unit and name are unique). Returns them by (unit id, name)."""
    schools = [u for u in units if u.kind == Unit.Kind.SCHOOL]
    existing = {(c.unit_id, c.name): c for c in SchoolClass.objects.filter(unit__in=schools)}
    missing = [
        SchoolClass(unit=school, trinn=trinn, name=f"{trinn}{letter}")
        for school in schools
        for trinn in range(1, 11)
        for letter in CLASS_LETTERS
        if (school.pk, f"{trinn}{letter}") not in existing
    ]
    for c in SchoolClass.objects.bulk_create(missing):
        existing[c.unit_id, c.name] = c
    return existing


def seed_organisation(rng: random.Random) -> DemoOrganisation:
    municipalities = []
    for name, number, areas in MUNICIPALITIES:
        municipality, _ = Municipality.objects.get_or_create(number=number, defaults={"name": name})
        delegated = SCHOOL_DECISIONS_BY_REKTOR[number]
        if municipality.school_decisions_by_rektor != delegated:
            municipality.school_decisions_by_rektor = delegated
            municipality.save(update_fields=["school_decisions_by_rektor"])
        for area in areas:
            Area.objects.get_or_create(municipality=municipality, name=area)
        municipalities.append(municipality)
    office, _ = PPTOffice.objects.get_or_create(name="PPT for Solvik og Bergtun")
    office.municipalities.set(municipalities)
    units = _units(municipalities, rng)
    solvik, bergtun = municipalities
    by_name = {u.name: u for u in units}
    nord_sor = list(solvik.areas.filter(name__in=["Nord", "Sør"]))

    org = DemoOrganisation(office=office, municipalities=municipalities, units=units)
    users = org.users
    users["advisor"] = _user("radgiver@demo.no", "Ragnhild Rådgiver")
    _role(users["advisor"], Role.Kind.ADVISOR, ppt_office=office, areas=nord_sor)
    users["advisor2"] = _user("radgiver2@demo.no", "Petter Pedersen")
    _role(users["advisor2"], Role.Kind.ADVISOR, ppt_office=office)
    users["ppt_leader"] = _user("ppt-leder@demo.no", "Lise Leder")
    _role(users["ppt_leader"], Role.Kind.PPT_LEADER, ppt_office=office)
    users["unit_head"] = _user("styrer@demo.no", "Siri Styrer")
    _role(users["unit_head"], Role.Kind.UNIT_HEAD, units=[by_name["Solsikken barnehage"]])
    users["unit_head_b"] = _user("styrer2@demo.no", "Bjørn Bakke")
    _role(users["unit_head_b"], Role.Kind.UNIT_HEAD, units=[by_name["Blåbærtoppen barnehage"]])
    users["special_educator"] = _user("spesialpedagog@demo.no", "Sara Spesialpedagog")
    _role(users["special_educator"], Role.Kind.SPECIAL_EDUCATOR, municipality=solvik)
    users["office"] = _user("barnehagekontoret@demo.no", "Kari Kontor")
    _role(users["office"], Role.Kind.OFFICE, municipality=solvik, unit_kind=Unit.Kind.KINDERGARTEN)
    users["director"] = _user("kommunalsjef@demo.no", "Dag Direktør")
    _role(users["director"], Role.Kind.DIRECTOR, municipality=solvik)
    users["admin"] = _user("admin@demo.no", "Anne Admin", staff=True)
    _role(users["admin"], Role.Kind.ADMIN, municipality=solvik)
    users["platform"] = _user("drift@demo.no", "Per Plattform", staff=True)
    _role(users["platform"], Role.Kind.PLATFORM)
    users["other_office"] = _user("bergtun@demo.no", "Ola Bergtun")
    _role(users["other_office"], Role.Kind.OFFICE, municipality=bergtun)
    # Issue 19: the schools' people.
    classes = seed_classes(units)
    org.classes = classes
    school, school2 = by_name[REKTOR_SCHOOL], by_name[REKTOR2_SCHOOL]
    users["rektor"] = _user("rektor@demo.no", "Rita Rektor")
    _role(users["rektor"], Role.Kind.UNIT_HEAD, units=[school])
    users["rektor2"] = _user("rektor2@demo.no", "Rolf Rektor")
    _role(users["rektor2"], Role.Kind.UNIT_HEAD, units=[school2])
    users["teacher"] = _user("kontaktlarer@demo.no", "Tora Kontaktlærer")
    _role(
        users["teacher"],
        Role.Kind.TEACHER,
        units=[school],
        classes=[classes[school.pk, name] for name in TEACHER_CLASSES],
    )
    users["school_office"] = _user("skolekontoret@demo.no", "Sofie Skolekontor")
    _role(users["school_office"], Role.Kind.OFFICE, municipality=solvik, unit_kind=Unit.Kind.SCHOOL)
    return org
