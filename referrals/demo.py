"""Synthetic children, guardians and cases for the demo: about 3,000 children and 800 referrals
over every state the services can reach today (draft → assessed, and withdrawn), with the
consents, assessments, pauses and journal events the services would have written.

Bulk inserts, not the services: running every move through the services would take minutes.
The price is that this module must itself keep the rows as the services leave them (the
rules are repeated next to the code that follows them). Deterministic from the random.Random
it is given (and today's date); idempotent: once the demo municipalities have children, it adds
nothing. Synthetic identity numbers only (month + 80); never for production.
"""

import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from referrals import states
from referrals.idnumber import generate_synthetic
from referrals.models import Assessment, CaseEvent, Child, Consent, Guardian, Pause, Referral
from teams.demo import DemoOrganisation
from teams.models import Unit

S = Referral.Status
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

# --- case texts ---------------------------------------------------------------------------------

# One sentence per line, unwrapped: they are data, read and edited as a list.
KINDERGARTEN_CONCERNS = [
    "Barnet har et lite ordforråd for alderen og snakker mest i ettordsytringer. Andre barn og voksne har vansker med å forstå hva barnet sier.",
    "Barnet uttaler mange lyder utydelig (r, s og k) og blir frustrert og trekker seg når det ikke blir forstått.",
    "Barnet forstår enkle beskjeder i hverdagen, men strever med beskjeder i flere ledd og med å følge med i samlingsstund.",
    "Barnet har to språk hjemme og bruker lite norsk etter to år i barnehagen. Vi ønsker hjelp til å vurdere om språkutviklingen går som forventet.",
    "Barnet leker mest alene og trekker seg unna når andre barn tar kontakt. Det tar sjelden initiativ til lek og har få venner i gruppa.",
    "Barnet har vansker med å vente på tur og dele leker, og konflikter i leken ender ofte med at barnet slår eller biter.",
    "Barnet søker lite blikkontakt, reagerer sterkt på endringer i dagsrytmen og er svært opptatt av de samme lekene.",
    "Barnet virker klossete, faller ofte og unngår klatring og ballek. Barnet strever med å holde blyant og bruke saks.",
    "Barnet var sent ute med å gå og har fortsatt usikker balanse i trapper og ute i ulendt terreng.",
    "Barnet har kort oppmerksomhetsspenn, klarer ikke å sitte i ro i samlingsstund og forlater aktiviteter før de er ferdige.",
    "Barnet har hyppige og langvarige raseriutbrudd ved overganger og krav, og personalet må ofte skjerme barnet fra gruppa.",
    "Barnet er svært stille og engstelig, gråter mye ved levering og deltar lite i aktiviteter selv etter lang tilvenning.",
]
SCHOOL_CONCERNS = [
    "Eleven har store vansker med å komme i gang med oppgaver og trenger voksenstøtte hele tiden for å holde fokus i timene.",
    "Eleven leser langt under forventet nivå for trinnet, og lesingen er langsom og uten flyt til tross for ekstra lesetrening.",
    "Eleven strever med grunnleggende tallforståelse og bruker fingrene på enkle regnestykker som klassekameratene har automatisert.",
    "Eleven har utagerende atferd i friminutt og timer, og konfliktene med medelever har økt det siste halvåret.",
    "Eleven er mye borte fra skolen, virker sliten og trekker seg fra klassekameratene.",
]
TRIED = [
    "Språkgruppe to ganger i uka og ASK-tavle i samlingsstund siden høsten. Noe bedre forståelse, lite endring i uttale.",
    "Fast voksen i overganger og bildestøttet dagsplan. Færre utbrudd, men fortsatt mange konflikter i frilek.",
    "Lekegrupper med to-tre barn og voksenstyrt lek ute. Barnet deltar mer når gruppa er liten.",
    "Motorikkløype tre dager i uka og tilpasset utstyr ved måltider. Liten effekt så langt.",
    "Ekstra lesetrening 20 minutter daglig i seks uker og tilpasset lekseplan. Lite fremgang.",
    "Kortere økter med pauser og tydelige beskjeder én og én. Bedre i små grupper, ikke i helklasse.",
    "Samarbeidsmøter med foreldrene hver sjette uke og observasjon med TRAS og Alle med.",
]
REPORT = {
    "report_play": [
        "Barnet trives best i rolleleken med én fast venn, men faller ut når leken blir større og mer regelstyrt.",
        "Barnet leker mye parallelt med andre og går sjelden inn i felles lek uten hjelp fra en voksen.",
        "Barnet er glad i konstruksjonslek og kan holde på lenge alene med klosser og lego.",
    ],
    "report_social": [
        "Barnet er knyttet til sine faste voksne og søker trøst hos dem, men tar lite kontakt med de andre barna.",
        "Barnet blir fort frustrert når noe ikke går som det vil, og trenger hjelp til å roe seg.",
        "Barnet er vennlig og omsorgsfullt, men trekker seg fra gruppa når det blir mye lyd.",
    ],
    "report_language": [
        "Barnet bruker korte setninger og har et begrenset ordforråd. TRAS-observasjonen viser forsinket utvikling i språkforståelse og språkproduksjon.",
        "Barnet forstår mer enn det uttrykker, og peker eller viser når ordene ikke strekker til.",
        "Barnet snakker morsmålet godt hjemme ifølge foreldrene, men har få norske ord.",
    ],
    "report_motor": [
        "Syn og hørsel er undersøkt på helsestasjonen uten funn. Grovmotorikken er noe forsinket.",
        "Barnet har svakt blyantgrep og unngår tegning og klipping. Hørsel ikke undersøkt ennå.",
        "Ingen kjente vansker med syn og hørsel. Barnet er motorisk aktivt og sikkert.",
    ],
    "report_attention": [
        "Barnet trenger hjelp i påkledning og ved måltider, og mister fort oppmerksomheten i samling.",
        "Barnet klarer de fleste hverdagsrutiner selv, men trenger påminnelser og tett oppfølging i overganger.",
        "Barnet holder fokus i egenvalgte aktiviteter, men ikke i voksenstyrte.",
    ],
    "report_frame": [
        "Gruppa har 18 barn og tre voksne, én av dem ufaglært. Det har vært mye sykefravær i personalet i høst.",
        "Avdelingen har 14 barn under tre år og fire voksne. Stabil personalgruppe.",
        "Stor avdeling med 24 barn og fire voksne. Vi har fått ny pedagogisk leder i år.",
    ],
    "report_measures": [
        "Tiltakene i barnehagens plan er prøvd i tre måneder; barnet profitterer på en-til-en-støtte, som vi ikke har ressurser til over tid.",
        "Tilrettelegging i små grupper har gitt noe effekt, men ikke nok til at barnet følger jevnaldrende.",
        "Vi har prøvd det vi kan innenfor ordinært tilbud, og ønsker nå PPTs vurdering.",
    ],
}
WITHDRAWN_REASONS = [
    "Familien har flyttet til en annen kommune.",
    "Barnehagen ser ikke lenger behov etter nye tiltak i gruppa.",
    "Foreldrene ønsket ikke å gå videre med saken.",
    "Henvist ved en feil: barnet var allerede henvist fra før.",
    "Barnet har fått tilbud gjennom habiliteringstjenesten.",
]
CONSENT_WITHDRAWN = "Samtykket er trukket."  # what services.consent_withdraw stores
PAUSE_REASONS = [
    "Foreldrene avlyste to avtaler",
    "Barnet er innlagt på sykehus i en periode",
    "Venter på utredning fra BUP",
    "Familien er på lengre utenlandsopphold",
    "Venter på tolk",
    "Foreldrene ba om utsettelse til etter ferien",
]
ASSESSMENT_TEXTS = {
    "development": [
        "Kartleggingen viser en vesentlig forsinket språkutvikling, særlig i ordforråd og setningsbygging, mens lek og samspill er alderstypisk.",
        "Barnet har vansker med oppmerksomhet og regulering som hindrer deltakelse i lek og læring i gruppa.",
        "Observasjon og samtaler viser motoriske vansker som påvirker lek, selvstendighet og deltakelse ute.",
        "Barnet har sammensatte vansker i samspill og kommunikasjon; hørsel og syn er undersøkt uten funn.",
    ],
    "goals": [
        "Barnet skal bruke setninger med tre-fire ord og gjøre seg forstått for andre barn i lek.",
        "Barnet skal delta i samlingsstund i ti minutter og i lek med minst ett annet barn.",
        "Barnet skal klatre, hoppe og kle på seg med mindre hjelp innen ett år.",
    ],
    "kind_of_help": [
        "Språkstimulering med spesialpedagog, strukturert og daglig, og veiledning av personalet i å bruke språket i alle situasjoner.",
        "Tett voksenstøtte i overganger og lek, med visuell dagsplan og forberedelse av endringer.",
        "Motorisk trening i små grupper og tilpasning av utstyr og aktiviteter.",
    ],
    "child_views": [
        "Barnet forteller at det liker best å leke ute og med bilene, og at det er vanskelig når de andre ikke forstår.",
        "Barnet er for ungt til å uttrykke seg om hjelpen; synspunktene er hentet gjennom observasjon av hva barnet søker og unngår.",
    ],
    "guardian_views": [
        "Foreldrene er enige i vurderingen og ønsker at hjelpen gis i barnehagen, sammen med de andre barna. Det er lagt vekt på dette i forslaget til organisering.",
        "Foreldrene er bekymret og ønsker hjelp raskt. De ønsker ikke at barnet tas ut av gruppa; det er vektlagt.",
    ],
}


# --- the plan ------------------------------------------------------------------------------------

STATE_SHARES = {
    S.DRAFT: 0.08, S.AWAITING_CONSENT: 0.12, S.RECEIVED: 0.20, S.ASSESSING: 0.25,
    S.ASSESSED: 0.27, S.WITHDRAWN: 0.08,
}  # fmt: skip
# The state a withdrawn case was in when it was withdrawn.
WITHDRAWN_FROM = {S.DRAFT: 15, S.AWAITING_CONSENT: 35, S.RECEIVED: 25, S.ASSESSING: 25}
# How far the case got, in order; the index decides which moves a case has made.
PATH = list(states.BEFORE_DECISION)
FEATURED = {"Solsikken barnehage": 13, "Blåbærtoppen barnehage": 7}  # the demo styrere's units
BATCH = 1000


@dataclass
class DemoCaseload:
    children: int = 0
    guardians: int = 0
    referrals: int = 0
    events: int = 0
    by_status: dict = field(default_factory=dict)
    skipped: bool = False


@dataclass
class _Family:
    child: Child
    names: Names
    tongue: str
    surname: str
    address: str
    guardians: list[Guardian] = field(default_factory=list)


@dataclass
class _Case:
    family: _Family
    state: str
    reached: str  # the last state on PATH (for withdrawn: the state it was withdrawn from)
    advisor: object
    created_by: object
    created_on: date
    received_on: date | None = None
    consent_on: date | None = None
    started_on: date | None = None
    assessed_on: date | None = None
    withdrawn_on: date | None = None
    consent_withdrawn: bool = False
    referral: Referral | None = None
    consents: list[Consent] = field(default_factory=list)


class _Seeder:
    def __init__(self, org: DemoOrganisation, rng: random.Random, progress: Callable[[str], None]):
        self.rng = rng
        self.progress = progress
        self.today = timezone.localdate()
        # Every date is yesterday or earlier, so every timestamp is safely in the past.
        self.last = self.today - timedelta(days=1)
        self.solvik = org.municipalities[0]
        self.advisor, self.advisor2 = org.users["advisor"], org.users["advisor2"]
        self.units = list(
            Unit.objects.filter(pk__in=[u.pk for u in org.units])
            .select_related("area", "municipality")
            .order_by("pk")
        )
        self.taken: set[tuple[int, str]] = set()
        self.events: list[CaseEvent] = []

    # -- helpers

    def between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def at(self, day: date) -> datetime:
        """A time during office hours on ``day``."""
        moment = time(self.rng.randint(8, 15), self.rng.randint(0, 59))
        # Never in the future: seeded just after midnight, "today" has had no office hours yet.
        return min(
            timezone.make_aware(datetime.combine(day, moment)),
            timezone.now() - timedelta(minutes=1),
        )

    def bulk(self, model, objs: list, label: str) -> None:
        for start in range(0, len(objs), BATCH):
            model.objects.bulk_create(objs[start : start + BATCH])
            self.progress(f"  {label}: {min(start + BATCH, len(objs))}/{len(objs)}")

    def id_number(self, municipality_id: int, birth_date: date, kind: str) -> str:
        # Unique per municipality (Child's constraint); 500 individual numbers per birth date.
        while True:
            number = generate_synthetic(birth_date, self.rng, kind=kind)
            if (municipality_id, number) not in self.taken:
                self.taken.add((municipality_id, number))
                return number

    def in_nord_sor(self, unit: Unit) -> bool:
        return unit.municipality_id == self.solvik.pk and unit.area.name in {"Nord", "Sør"}


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


def _child_units(seeder: _Seeder, n: int) -> list[Unit]:
    """The featured units get enough children for their cases even at a small scale."""
    by_name = {u.name: u for u in seeder.units}
    featured = [by_name[name] for name, k in FEATURED.items() for _ in range(k + 2)][:n]
    return featured + [seeder.rng.choice(seeder.units) for _ in range(n - len(featured))]


def _make_family(seeder: _Seeder, unit: Unit) -> _Family:
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
    if unit.kind == Unit.Kind.KINDERGARTEN:  # aged 1–6
        age_days = rng.randint(366, 6 * 365)
    else:  # aged 6–12
        age_days = rng.randint(6 * 365 + 2, 13 * 365 - 2)
    birth_date = seeder.today - timedelta(days=age_days)
    # Some children of families who came recently have a D-number (day + 40).
    dnr = tongue != "norsk" and rng.random() < (0.3 if tongue == "ukrainsk" else 0.1)
    child = Child(
        municipality_id=unit.municipality_id,
        unit=unit,
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


# --- cases ----------------------------------------------------------------------------------------


def _state_pool(n: int, rng: random.Random) -> list[str]:
    counts = {state: round(share * n) for state, share in STATE_SHARES.items()}
    counts[S.ASSESSED] = max(0, n - sum(k for s, k in counts.items() if s != S.ASSESSED))
    pool = [state for state, k in counts.items() for _ in range(k)]
    rng.shuffle(pool)
    return pool


def _pick_cases(seeder: _Seeder, families: list[_Family], n: int) -> list[tuple[_Family, str]]:
    """Which children are referred, in which final state: the featured units get their cases
    first, cycling through every state, the rest are spread at random over the other units."""
    pool = _state_pool(n, seeder.rng)
    states = list(STATE_SHARES)
    chosen: list[tuple[_Family, str]] = []
    used: set[int] = set()
    for name, k in FEATURED.items():
        kids = [i for i, f in enumerate(families) if f.child.unit.name == name][: min(k, n // 6)]
        for j, i in enumerate(kids):
            state = states[j % len(states)]
            state = state if state in pool else pool[0]
            pool.remove(state)
            chosen.append((families[i], state))
            used.add(i)
    # The featured units keep to their own cases (the styrer's list stays readable), unless
    # the scale is so small that the others are too few.
    others = [i for i, f in enumerate(families) if f.child.unit.name not in FEATURED]
    if len(others) < len(pool):
        others = [i for i in range(len(families)) if i not in used]
    rest = seeder.rng.sample(others, len(pool))
    return chosen + [(families[i], state) for i, state in zip(rest, pool, strict=True)]


def _plan_dates(seeder: _Seeder, case: _Case) -> None:
    """Dates as the services would have set them: received_on when submitted, consent_on on
    the first qualifying consent (never before received_on here), T0 the later of the two."""
    rng, last = seeder.rng, seeder.last
    step = PATH.index(case.reached)
    if step == 0:
        case.created_on = last - timedelta(days=rng.randint(0, 45))
    else:
        back = {1: (0, 75), 2: (3, 100), 3: (20, 300), 4: (60, 360)}[step]
        case.received_on = last - timedelta(days=rng.randint(*back))
        case.created_on = case.received_on - timedelta(days=rng.randint(0, 7))
    if step >= 2:
        delay = 0 if rng.random() < 0.3 else rng.randint(1, 35)
        case.consent_on = min(case.received_on + timedelta(days=delay), last)
    if step >= 3:
        t0 = case.consent_on
        case.started_on = min(t0 + timedelta(days=rng.randint(0, 40)), last - timedelta(days=1))
        case.started_on = max(case.started_on, t0)
    if step >= 4:
        end = min(case.started_on + timedelta(days=150), last)
        case.assessed_on = seeder.between(case.started_on + timedelta(days=1), end)
    if case.state == S.WITHDRAWN:
        latest = max(
            d for d in (case.created_on, case.received_on, case.consent_on, case.started_on) if d
        )
        case.withdrawn_on = seeder.between(latest, last)
        case.consent_withdrawn = step >= 2 and rng.random() < 0.3


def _plan_case(seeder: _Seeder, fam: _Family, state: str) -> _Case:
    rng = seeder.rng
    reached = state
    if state == S.WITHDRAWN:
        reached = rng.choices(list(WITHDRAWN_FROM), weights=list(WITHDRAWN_FROM.values()))[0]
    unit = fam.child.unit
    local = seeder.in_nord_sor(unit)
    advisor = None
    if reached not in (S.DRAFT, S.AWAITING_CONSENT) or rng.random() < 0.55:
        advisor = seeder.advisor if local and rng.random() < 0.8 else seeder.advisor2
    registrar = advisor or (seeder.advisor if local and rng.random() < 0.6 else seeder.advisor2)
    case = _Case(fam, state, reached, advisor, registrar, created_on=seeder.last)
    _plan_dates(seeder, case)
    return case


def _referral(seeder: _Seeder, case: _Case) -> Referral:
    rng = seeder.rng
    unit = case.family.child.unit
    school = unit.kind == Unit.Kind.SCHOOL
    services = rng.choices(
        [["assessment"], ["assessment", "speech"], ["guidance"], ["assessment", "other"]],
        weights=[80, 10, 5, 5],
    )[0]
    report = rng.random() < (0.35 if case.reached == S.DRAFT else 0.9)
    return Referral(
        child=case.family.child,
        unit=unit,
        municipality_id=unit.municipality_id,
        status=case.state,
        version=1,
        advisor=case.advisor,
        priority=rng.choices(list(Referral.Priority), weights=[75, 20, 5])[0],
        is_repeat=rng.random() < 0.05,
        services=services,
        services_other="Råd om tilrettelegging ved skolestart" if "other" in services else "",
        concern=rng.choice(SCHOOL_CONCERNS if school else KINDERGARTEN_CONCERNS),
        tried=rng.choice(TRIED) if case.reached != S.DRAFT or rng.random() < 0.5 else "",
        **{name: rng.choice(texts) if report else "" for name, texts in REPORT.items()},
        received_on=case.received_on,
        consent_on=case.consent_on,
        t0=max(case.received_on, case.consent_on) if case.consent_on else None,
        assessed_on=case.assessed_on,
        withdrawn_reason=_withdrawn_reason(seeder, case),
        created_by=case.created_by,
        created_at=seeder.at(case.created_on),
    )


def _withdrawn_reason(seeder: _Seeder, case: _Case) -> str:
    if case.state != S.WITHDRAWN:
        return ""
    return CONSENT_WITHDRAWN if case.consent_withdrawn else seeder.rng.choice(WITHDRAWN_REASONS)


# --- consents, assessments, pauses, the journal ---------------------------------------------------


class _Journal:
    """A case's events in time order, as the services would have written them."""

    def __init__(self, seeder: _Seeder, case: _Case):
        self.seeder, self.case, self.cursor = seeder, case, case.referral.created_at

    def add(self, day: date, action: str, actor, from_status="", to_status="", **detail):
        moment = max(self.seeder.at(day), self.cursor + timedelta(minutes=1))
        self.cursor = moment + timedelta(minutes=self.seeder.rng.randint(1, 20))
        self.seeder.events.append(
            CaseEvent(
                referral=self.case.referral,
                actor=actor,
                action=action,
                from_status=from_status,
                to_status=to_status,
                detail=detail,
                at=moment,
            )
        )
        return moment


def _ddmmyyyy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _consents(seeder: _Seeder, case: _Case, journal: _Journal) -> None:
    """An assessment consent by a guardian with parental responsibility whom the child lives
    with (services.assessment_consent_given), on consent_on; sometimes the other parent's too,
    later (so consent_on stays the earliest qualifying one)."""
    rng, actor = seeder.rng, case.advisor or case.created_by
    guardians = case.family.guardians
    first = rng.choice([g for g in guardians if g.parental_responsibility and g.lives_with_child])
    others = [g for g in guardians if g is not first and g.parental_responsibility]
    given = [(first, case.consent_on)]
    # Not on withdrawn cases: a consent registered after the withdrawal would be refused.
    if others and case.state != S.WITHDRAWN and rng.random() < 0.4:
        later = seeder.between(
            case.consent_on,
            min(case.consent_on + timedelta(days=10), case.started_on or seeder.last),
        )
        given.append((others[0], later))
    for i, (guardian, day) in enumerate(given):
        at = journal.add(
            day,
            "consent.registered",
            actor,
            guardian=guardian.name,
            purpose=Consent.Purpose.ASSESSMENT,
            given_on=_ddmmyyyy(day),
        )
        case.consents.append(
            Consent(
                referral=case.referral,
                guardian=guardian,
                purpose=Consent.Purpose.ASSESSMENT,
                given_on=day,
                registered_by=actor,
                registered_at=at,
            )
        )
        if i == 0:  # services._start_clock_if_ready moves the case on the first one
            t0 = case.referral.t0
            journal.add(
                day, "referral.received", actor, S.AWAITING_CONSENT, S.RECEIVED, t0=_ddmmyyyy(t0)
            )


def _pause(seeder: _Seeder, case: _Case, journal: _Journal) -> Pause | None:
    """Some received or assessing cases were paused (services.referral_pause: not before T0;
    one open pause at most). An open pause on a received case is why it has not started."""
    rng = seeder.rng
    if case.state not in (S.RECEIVED, S.ASSESSING) or rng.random() > 0.2:
        return None
    start = seeder.between(case.started_on or case.referral.t0, seeder.last)
    ended = None
    if start < seeder.last and rng.random() < 0.6:
        ended = seeder.between(
            start + timedelta(days=1), min(start + timedelta(days=40), seeder.last)
        )
    reason = rng.choice(PAUSE_REASONS)
    journal.add(start, "referral.paused", case.advisor, reason=reason, **{"from": _ddmmyyyy(start)})
    if ended:
        journal.add(ended, "referral.resumed", case.advisor, days=(ended - start).days)
    return Pause(
        referral=case.referral,
        started_on=start,
        ended_on=ended,
        reason=reason,
        created_by=case.advisor,
    )


def _assessment(seeder: _Seeder, case: _Case) -> Assessment | None:
    """A draft for assessing (services.referral_start_assessment creates it), complete with
    the § 34 content for assessed (services.assessment_save checks the same fields)."""
    rng = seeder.rng
    if case.reached not in (S.ASSESSING, S.ASSESSED):
        return None
    assessment = Assessment(referral=case.referral, author=case.advisor, version=1)
    if case.reached == S.ASSESSING:
        if rng.random() < 0.6:
            assessment.development = rng.choice(ASSESSMENT_TEXTS["development"])
        return assessment
    for name, texts in ASSESSMENT_TEXTS.items():
        setattr(assessment, name, rng.choice(texts))
    needs_help = rng.random() < 0.8
    assessment.conclusion = (
        Assessment.Conclusion.NEEDS_HELP if needs_help else Assessment.Conclusion.NO_NEED
    )
    if needs_help:
        assessment.organisation = rng.choice(list(Assessment.Organisation))
        assessment.recommended_hours = Decimal(rng.randint(4, 20)) / 2
        assessment.competence = rng.choices(list(Assessment.Competence), weights=[60, 20, 15, 5])[0]
        assessment.assistant_needed = rng.random() < 0.25
    else:
        for name in ("goals", "kind_of_help"):
            setattr(assessment, name, "Ikke aktuelt: barnet har ikke behov for hjelpen.")
    assessment.completed_on = case.assessed_on
    return assessment


def _journal(seeder: _Seeder, case: _Case) -> tuple[Pause | None, Assessment | None]:
    """The moves a case made, in order, with the events each service writes."""
    ref, step = case.referral, PATH.index(case.reached)
    journal = _Journal(seeder, case)
    seeder.events.append(
        CaseEvent(
            referral=ref,
            actor=case.created_by,
            action="referral.created",
            to_status=S.DRAFT,
            at=ref.created_at,
        )
    )
    if step >= 1:
        journal.add(
            case.received_on, "referral.submitted", case.created_by, S.DRAFT, S.AWAITING_CONSENT
        )
    if case.advisor is not None:
        journal.add(
            case.received_on or case.created_on,
            "referral.assigned",
            case.advisor,
            changes={"advisor": ["–", str(case.advisor)]},
        )
    if step >= 2:
        _consents(seeder, case, journal)
    pause = _pause(seeder, case, journal) if case.state == S.RECEIVED else None
    if step >= 3:
        journal.add(
            case.started_on, "referral.assessment_started", case.advisor, S.RECEIVED, S.ASSESSING
        )
        pause = _pause(seeder, case, journal) if case.state == S.ASSESSING else None
    if step >= 4:
        journal.add(case.assessed_on, "referral.assessed", case.advisor, S.ASSESSING, S.ASSESSED)
    if case.state == S.WITHDRAWN:
        _withdraw(seeder, case, journal)
    return pause, _assessment(seeder, case)


def _withdraw(seeder: _Seeder, case: _Case, journal: _Journal) -> None:
    actor, day = case.advisor or case.created_by, case.withdrawn_on
    if case.consent_withdrawn:  # services.consent_withdraw stops the case
        consent = case.consents[0]
        consent.withdrawn_on = day
        journal.add(
            day, "consent.withdrawn", actor, guardian=consent.guardian.name, purpose=consent.purpose
        )
        journal.add(
            day, "referral.withdrawn", actor, case.reached, S.WITHDRAWN, reason="consent_withdrawn"
        )
    else:
        reason = case.referral.withdrawn_reason
        journal.add(day, "referral.withdrawn", actor, case.reached, S.WITHDRAWN, reason=reason)


# --- entry point -------------------------------------------------------------------------------


def _existing(org: DemoOrganisation) -> DemoCaseload:
    children = Child.objects.filter(municipality__in=org.municipalities)
    referrals = Referral.objects.filter(municipality__in=org.municipalities)
    return DemoCaseload(
        children=children.count(),
        guardians=Guardian.objects.filter(child__in=children).count(),
        referrals=referrals.count(),
        events=CaseEvent.objects.filter(referral__in=referrals).count(),
        by_status=dict(Counter(referrals.values_list("status", flat=True))),
        skipped=True,
    )


def seed_caseload(
    org: DemoOrganisation,
    rng: random.Random,
    *,
    children: int = 3000,
    referrals: int = 800,
    progress: Callable[[str], None] = lambda line: None,
) -> DemoCaseload:
    """Children, guardians and cases for the demo municipalities; nothing if they have
    children already (the bulk inserts cannot tell their own rows apart, so it is all or
    nothing: call inside a transaction)."""
    if Child.objects.filter(municipality__in=org.municipalities).exists():
        return _existing(org)
    if referrals > children:
        raise ValueError("Every case needs its own child: referrals must not exceed children.")
    seeder = _Seeder(org, rng, progress)
    families = [_make_family(seeder, unit) for unit in _child_units(seeder, children)]
    for fam in families:
        fam.guardians = _make_guardians(seeder, fam)
    cases = [
        _plan_case(seeder, fam, state) for fam, state in _pick_cases(seeder, families, referrals)
    ]
    refs = [_referral(seeder, case) for case in cases]
    for case, ref in zip(cases, refs, strict=True):
        case.referral = ref
        # Registered by the advisor just before the referral (services.child_find_or_register).
        case.family.child.created_at = min(
            case.family.child.created_at, ref.created_at - timedelta(minutes=5)
        )
    seeder.bulk(Child, [f.child for f in families], "Barn")
    seeder.bulk(Guardian, [g for f in families for g in f.guardians], "Foresatte")
    seeder.bulk(Referral, refs, "Saker")
    pauses, assessments = [], []
    for case in cases:
        pause, assessment = _journal(seeder, case)
        pauses += [pause] if pause else []
        assessments += [assessment] if assessment else []
    seeder.bulk(Consent, [c for case in cases for c in case.consents], "Samtykker")
    seeder.bulk(Assessment, assessments, "Sakkyndige vurderinger")
    seeder.bulk(Pause, pauses, "Pauser")
    # No case_changed for these rows, on purpose: decisions' receiver recomputes deadlines one
    # case at a time, which would undo the point of bulk inserts (800 recomputes inside this
    # transaction). The deadlines are backfilled separately, in bulk, from exactly these rows
    # (t0, pauses, assessed_on), so next_deadline_* is left empty here.
    seeder.bulk(CaseEvent, seeder.events, "Hendelser")
    return DemoCaseload(
        children=len(families),
        guardians=sum(len(f.guardians) for f in families),
        referrals=len(refs),
        events=len(seeder.events),
        by_status=dict(Counter(r.status for r in refs)),
    )
