"""The demo's people: Norwegian and foreign names, streets and postcodes, and the children and
guardians made from them (demo/caseload.py plans their cases). Synthetic, never for production."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from demo.organisation import CLASS_LETTERS
from referrals.case_kinds import school_year_of
from referrals.models import Child, Guardian
from teams.models import Unit

if TYPE_CHECKING:
    from demo.caseload import _Seeder

R = Guardian.Relation

# --- names ------------------------------------------------------------------------------------

GIRLS = [
    "Nora", "Emma", "Olivia", "Ella", "Sofie", "Leah", "Frida", "Ingrid", "Sara", "Maja",
    "Astrid", "Selma", "Amalie", "Ida", "Hedda", "Thea", "Tiril", "Aurora", "Linnea", "Hanna",
    "Vilde", "Mathilde", "Jenny", "Oline", "Live", "Eva", "Alma", "Solveig", "Tuva", "Mia",
    "Ylva", "Åsne", "Synnøve", "Sølvi", "Kaja", "Sunniva", "Signe", "Julie", "Aisha", "Mariam",
]  # fmt: skip
BOYS = [
    "Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas", "Liam", "Henrik", "Oskar",
    "Aksel", "Elias", "Isak", "Theodor", "Magnus", "Johannes", "Ludvig", "Sander", "Tobias",
    "Mathias", "Kasper", "Sverre", "Håkon", "Even", "Vetle", "Brage", "Torje", "Eirik",
    "Sindre", "Iver", "Mikkel", "Ola", "Bjørnar", "Ådne", "Jørgen", "Sølve", "Ørjan", "Ali",
    "Mohammad", "Kevin",
]  # fmt: skip
SURNAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Svendsen", "Eide",
    "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen",
    "Rasmussen", "Lunde", "Solheim", "Berge", "Moe", "Nygård", "Bakke", "Holm", "Lien", "Hauge",
    "Sæther", "Aas", "Myhre", "Ødegård", "Løken", "Østby", "Bråthen", "Nguyen", "Khan", "Tran",
    "Hussain", "Ahmed",
]  # fmt: skip
WOMEN = [
    "Kari", "Ingrid", "Silje", "Hanne", "Marte", "Camilla", "Ida", "Marianne", "Linn",
    "Kristine", "Maria", "Ane", "Heidi", "Tonje", "Guro", "Ingvild", "Stine", "Therese",
    "Cecilie", "Julie", "Mona", "Siri", "Hilde", "Renate", "Åse", "Trine", "Marit", "Sølvi",
]  # fmt: skip
MEN = [
    "Ola", "Anders", "Thomas", "Martin", "Kristian", "Jon", "Erik", "Lars", "Morten", "Espen",
    "Andreas", "Per", "Stian", "Geir", "Knut", "Trond", "Jørgen", "Håvard", "Øyvind", "Bjørn",
    "Fredrik", "Eirik", "Torstein", "Rune", "Vegard", "Kjetil", "Ørjan", "Pål",
]  # fmt: skip


@dataclass(frozen=True)
class Names:
    girls: list[str]
    boys: list[str]
    women: list[str]
    men: list[str]
    # "Male|Female" where the surname has a female form (Polish, Lithuanian).
    surnames: list[str]


NORWEGIAN = Names(GIRLS, BOYS, WOMEN, MEN, SURNAMES)
FOREIGN_NAMES = {
    "arabisk": Names(
        girls=["Layla", "Amira", "Maryam", "Yasmin", "Nour", "Sara"],
        boys=["Omar", "Yusuf", "Adam", "Ali", "Ibrahim", "Zaid"],
        women=["Fatima", "Rania", "Huda", "Samira"],
        men=["Ahmed", "Mohammed", "Khaled", "Hassan"],
        surnames=["Hassan", "Al-Sayed", "Haddad", "Ibrahim", "Mahmoud", "Khalil"],
    ),
    "polsk": Names(
        girls=["Zofia", "Zuzanna", "Maja", "Hanna", "Julia", "Lena"],
        boys=["Jakub", "Kacper", "Szymon", "Antoni", "Filip", "Franciszek"],
        women=["Agnieszka", "Katarzyna", "Magdalena", "Joanna"],
        men=["Tomasz", "Piotr", "Paweł", "Michał"],
        surnames=[
            "Kowalski|Kowalska",
            "Wiśniewski|Wiśniewska",
            "Nowak",
            "Wójcik",
            "Mazur",
            "Zieliński|Zielińska",
        ],
    ),
    "somali": Names(
        girls=["Hodan", "Ayaan", "Ifrah", "Sahra", "Hamdi", "Nasteho"],
        boys=["Abdi", "Mohamed", "Hamza", "Abdirahman", "Yahye", "Mahad"],
        women=["Faadumo", "Hibo", "Khadra", "Amina"],
        men=["Abdullahi", "Hassan", "Omar", "Ismail"],
        surnames=["Farah", "Warsame", "Abdullahi", "Mohamud", "Osman", "Jama"],
    ),
    "tigrinja": Names(
        girls=["Selam", "Semhar", "Helen", "Luwam", "Saron", "Eden"],
        boys=["Yonas", "Filmon", "Natnael", "Robel", "Abel", "Daniel"],
        women=["Tsega", "Mehret", "Senait", "Almaz"],
        men=["Tesfay", "Yohannes", "Berhane", "Kibrom"],
        surnames=["Tesfay", "Gebremedhin", "Haile", "Kidane", "Tekle", "Ghebreyesus"],
    ),
    "ukrainsk": Names(
        girls=["Sofiia", "Anna", "Solomiia", "Zlata", "Mariia", "Viktoriia"],
        boys=["Maksym", "Artem", "Bohdan", "Oleksandr", "Mykyta", "Denys"],
        women=["Olena", "Iryna", "Oksana", "Nataliia"],
        men=["Andrii", "Serhii", "Dmytro", "Volodymyr"],
        surnames=["Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Tkachenko", "Kravchenko"],
    ),
    "litauisk": Names(
        girls=["Emilija", "Gabija", "Austėja", "Lėja", "Urtė", "Kamilė"],
        boys=["Lukas", "Matas", "Jokūbas", "Nojus", "Dominykas", "Kajus"],
        women=["Rasa", "Jurgita", "Inga", "Vilma"],
        men=["Tomas", "Mindaugas", "Darius", "Andrius"],
        surnames=[
            "Kazlauskas|Kazlauskienė",
            "Petrauskas|Petrauskienė",
            "Jankauskas|Jankauskienė",
            "Stankevičius|Stankevičienė",
        ],
    ),
}
# Mother tongue of the family; the rest speak Norwegian (share per thousand).
FOREIGN_TONGUES = {
    "arabisk": 30, "polsk": 35, "somali": 20, "tigrinja": 20, "ukrainsk": 25, "litauisk": 20,
}  # fmt: skip
STREETS = [
    "Bjørkeveien", "Storgata", "Skoleveien", "Fjordgata", "Granlia", "Kirkebakken",
    "Solbergveien", "Havnegata", "Løkkeveien", "Furuveien", "Nedre Bakke", "Åsveien",
    "Mølleveien", "Strandgata", "Tunveien", "Lyngveien",
]  # fmt: skip
POSTCODES = {"9901": "1850 Solvik", "9902": "1860 Bergtun"}


def _surname(raw: str, female: bool) -> str:
    male, _, fem = raw.partition("|")
    return fem if female and fem else male


def _email(name: str, rng: random.Random) -> str:
    text = name.lower().translate(
        str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ł": "l", " ": "."})
    )
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    suffix = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
    return f"{text}{suffix}@example.no"


def _phone(rng: random.Random) -> str:
    return f"9{rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 999):03d}"


# --- children and guardians -----------------------------------------------------------------------


@dataclass
class _Family:
    child: Child
    names: Names
    tongue: str
    surname: str
    address: str
    guardians: list[Guardian] = field(default_factory=list)


def _make_family(seeder: _Seeder, unit: Unit, *, trinn: int | None = None) -> _Family:
    rng = seeder.rng
    tongue = "norsk"
    roll = rng.randint(1, 1000)
    for name, share in FOREIGN_TONGUES.items():
        roll -= share
        if roll <= 0:
            tongue = name
            break
    names = FOREIGN_NAMES.get(tongue, NORWEGIAN)
    female = rng.random() < 0.48
    surname = rng.choice(names.surnames)
    school_class = None
    if unit.kind == Unit.Kind.KINDERGARTEN:  # aged 1–5, not yet at school
        birth_date = seeder.today - timedelta(days=rng.randint(366, 5 * 365))
        # never of school age: at the oldest, starting school next August (§ 2-1)
        birth_date = max(birth_date, date(school_year_of(seeder.today) - 5, 1, 1))
    else:
        # A pupil on a trinn of 1–10, born in the year that puts them there (opplæringslova
        # § 2-1: school starts in August of the year the child turns six; case_kinds
        # .trinn_from_birth), in one of the trinn's classes.
        trinn = trinn or rng.randint(1, 10)
        year = school_year_of(seeder.today) - 5 - trinn
        birth_date = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        school_class = seeder.classes.get((unit.pk, f"{trinn}{rng.choice(CLASS_LETTERS)}"))
    # Some children of families who came recently have a D-number (day + 40).
    dnr = tongue != "norsk" and rng.random() < (0.3 if tongue == "ukrainsk" else 0.1)
    child = Child(
        municipality_id=unit.municipality_id,
        unit=unit,
        school_class=school_class,
        first_name=rng.choice(names.girls if female else names.boys),
        last_name=_surname(surname, female),
        birth_date=birth_date,
        id_number=seeder.id_number(unit.municipality_id, birth_date, "dnr" if dnr else "fnr"),
        sex=Child.Sex.FEMALE if female else Child.Sex.MALE,
        mother_tongue=tongue,
        needs_interpreter=tongue != "norsk" and rng.random() < 0.15,
        created_at=seeder.at(seeder.today - timedelta(days=rng.randint(30, 700))),
    )
    street = f"{rng.choice(STREETS)} {rng.randint(1, 80)}"
    address = f"{street}, {POSTCODES.get(unit.municipality.number, '1850 Solvik')}"
    return _Family(child, names, tongue, surname, address)


def _guardian(seeder: _Seeder, fam: _Family, relation: str, **flags) -> Guardian:
    rng = seeder.rng
    female = relation != R.FATHER
    first = rng.choice(fam.names.women if female else fam.names.men)
    surname = _surname(fam.surname, female)
    if fam.tongue == "norsk" and female and rng.random() < 0.3:
        surname = rng.choice(SURNAMES)  # kept her own name
    name = f"{first} {surname}"
    foreign = fam.tongue != "norsk"
    lives_with = flags.get("lives_with_child", True)
    other_home = f"{rng.choice(STREETS)} {rng.randint(1, 80)}, " + fam.address.split(", ")[-1]
    return Guardian(
        child=fam.child,
        name=name,
        relation=relation,
        phone=_phone(rng),
        email=_email(name, rng) if rng.random() < 0.9 else "",
        address=fam.address if lives_with else other_home,
        needs_interpreter=foreign and rng.random() < 0.45,
        language=fam.tongue,
        **flags,
    )


def _make_guardians(seeder: _Seeder, fam: _Family) -> list[Guardian]:
    """1–2 guardians; always at least one with parental responsibility the child lives with
    (the one whose consent lets the assessment start)."""
    rng = seeder.rng
    roll = rng.random()
    if roll < 0.68:  # parents together
        return [_guardian(seeder, fam, R.MOTHER), _guardian(seeder, fam, R.FATHER)]
    if roll < 0.80:  # parents apart, shared parental responsibility
        home, away = rng.sample([R.MOTHER, R.FATHER], 2)
        return [
            _guardian(seeder, fam, home),
            _guardian(seeder, fam, away, lives_with_child=False),
        ]
    if roll < 0.86:  # the father has no parental responsibility
        return [
            _guardian(seeder, fam, R.MOTHER),
            _guardian(seeder, fam, R.FATHER, parental_responsibility=False, lives_with_child=False),
        ]
    if roll < 0.89:
        return [_guardian(seeder, fam, R.MOTHER), _guardian(seeder, fam, R.CO_MOTHER)]
    return [_guardian(seeder, fam, R.MOTHER if rng.random() < 0.8 else R.FATHER)]
