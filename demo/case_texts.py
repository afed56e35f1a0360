"""The demo's case texts: concerns, what was tried, the reports, the reasons for withdrawals
and pauses, and the assessments' texts, as data (demo/caseload.py picks from them)."""

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
    "Foreldrene ba om utsettelse til etter ferien",
]
# Each note above under the municipality's pause reason (referrals.pause_reasons) it belongs to.
PAUSE_REASON_CODES = {
    "Foreldrene avlyste to avtaler": "foresatte-ber-om-utsettelse",
    "Barnet er innlagt på sykehus i en periode": "barnet-utilgjengelig",
    "Venter på utredning fra BUP": "venter-pa-dokumenter",
    "Familien er på lengre utenlandsopphold": "barnet-utilgjengelig",
    "Foreldrene ba om utsettelse til etter ferien": "foresatte-ber-om-utsettelse",
}
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

# --- issue 19: the kinds' own texts ------------------------------------------------------------

# The school's pedagogisk rapport adds these headings (opplæringslova §§ 11-1, 11-2).
SCHOOL_REPORT = {
    "report_subjects": [
        "Norsk: leser på nivå med elever to trinn lavere; skriver korte tekster med mange stavefeil. Matematikk: trygg på addisjon, usikker på gangetabellen. Engelsk: forstår muntlige beskjeder.",
        "Matematikk: strever med tallforståelse og plassverdi; norsk og engelsk omtrent som forventet for trinnet.",
        "Følger undervisningen i alle fag med tett støtte; faglig nivå vurderes som lavt i norsk og matematikk.",
    ],
    "report_adapted": [
        "Tilpasset opplæring (§ 11-1): differensierte oppgaver og lesekurs i liten gruppe i seks uker. Intensiv opplæring (§ 11-2) i lesing 1.–4. trinn uten tilstrekkelig effekt.",
        "Tilpasset opplæring med egen arbeidsplan, konkreter i matematikk og hyppige pauser. Liten fremgang etter et halvt år.",
    ],
}
CHILD_VIEWS = [
    "Eleven sier at timene er vanskelige og at det er best å jobbe på grupperommet med en voksen.",
    "Eleven ønsker å være mest mulig i klassen sammen med vennene sine.",
    "Barnet forteller at det liker å leke i sandkassa og synes det er vanskelig når mange snakker samtidig.",
]
GUARDIAN_VIEWS = [
    "Foreldrene er bekymret og ønsker at PPT vurderer behovet for hjelp; de vil gjerne delta i samarbeidsmøter.",
    "Foreldrene støtter henvisningen og ønsker tiltak som gjør at barnet kan være mest mulig sammen med de andre.",
]
# Opplæringslova § 11-8 a–e (a sakkyndig vurdering for § 11-6), one list per point.
SCHOOL_ASSESSMENT_TEXTS = {
    "development": [
        "Eleven har en generell lærevanske med svake ferdigheter i lesing, skriving og regning, og strever med arbeidsminne og oppmerksomhet.",
        "Eleven har spesifikke lese- og skrivevansker (dysleksi) og har ikke fått tilfredsstillende utbytte av tilpasset opplæring og intensiv lesetrening.",
    ],
    "benefit": [
        "a) Eleven har lite utbytte av den ordinære opplæringen i norsk og matematikk; i praktiske fag følger eleven klassen.",
        "a) Utbyttet er svakt i alle teoretiske fag; eleven når få av kompetansemålene for trinnet.",
    ],
    "benefit_obstacles": [
        "b) Skolen har prøvd tilpasset opplæring og intensiv opplæring etter § 11-2 i et år uten tilstrekkelig effekt; vanskene er så omfattende at ordinær tilpasning ikke strekker til.",
        "b) Eleven trenger en annen progresjon og andre mål enn klassen i norsk og matematikk; det kan ikke gis innenfor tilpasset opplæring.",
    ],
    "goals": [
        "c) Eleven skal lese en enkel tekst med flyt og forståelse, skrive korte tekster med stor bokstav og punktum og mestre addisjon og subtraksjon med tierovergang innen skoleårets slutt.",
        "c) Eleven skal følge egne mål i norsk og matematikk (avvikende kompetansemål) og ellers kompetansemålene for trinnet.",
    ],
    "kind_of_help": [
        "d) Individuelt tilrettelagt opplæring i norsk og matematikk, fire timer i uka i liten gruppe og to timer i klassen med ekstra lærer; lydbøker og skrivestøtte.",
        "d) Individuelt tilrettelagt opplæring med egne mål i norsk og matematikk, seks timer i uka, dels en-til-en; strukturert dagsplan.",
    ],
    "teacher_competence": [
        "e) Opplæringen skal gis av lærer med spesialpedagogisk kompetanse; assistent kan brukes i klassen under veiledning av læreren.",
        "e) Lærer med kompetanse i lese- og skriveopplæring; ingen unntak fra § 11-9 tilrås.",
    ],
    "child_views": CHILD_VIEWS[:2],
    "guardian_views": GUARDIAN_VIEWS,
}
# A vedtak without an assessment (opplæringslova §§ 11-4, 11-5, barnehageloven § 37): what the
# help is, with the reasons (forvaltningsloven § 25).
PLAIN_DECISION_REASONS = {
    "oppl_11_4": "Eleven har rett til personleg assistanse (opplæringslova § 11-4): assistent i friminutt, i overganger og ved måltider.",
    "oppl_11_5": "Eleven har rett til fysisk tilrettelegging og tekniske hjelpemiddel (opplæringslova § 11-5): hev-senk-pult, PC med talesyntese og rampe ved inngangen.",
    "bhl_37": "Barnet har rett til individuell tilrettelegging av barnehagetilbudet (barnehageloven § 37): ekstra voksen i overganger og tilpasset utstyr.",
    "bhl_38": "Barnet har rett til tegnspråkopplæring (barnehageloven § 38): tegnspråkmiljø og opplæring to økter i uka.",
    "oppl_11_6": "Eleven har rett til individuelt tilrettelagd opplæring (opplæringslova § 11-6) slik den sakkyndige vurderingen tilrår.",
}
