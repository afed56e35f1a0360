"""The default pause reasons every municipality starts with (issue 18, the pause ledger), with
the deadline kinds each stops and its legal basis. The municipality's system administrator may
change them in the admin; a municipality gets them when it is created (referrals.apps) and
every existing one got them from migration 0014.

Why no default reason stops the provisional reply (foreløpig svar): forvaltningsloven § 11 a
second paragraph asks for a foreløpig svar when a request cannot be answered within a month,
whatever the cause; the wait is what the foreløpig svar explains to the parents.

Capacity (a lack of staff, a waiting list) is never a reason: referrals.models.about_capacity.
"""

from referrals.clock import DeadlineKind as K

LEGACY_CODE = "eldre-pause"

DEFAULT_PAUSE_REASONS = (
    {
        "code": "venter-pa-samtykke",
        "label": "Venter på samtykke fra foresatte",
        "stops": [K.ASSESSMENT, K.DECISION, K.HELP_START],
        "legal_basis": (
            "Barnehageloven § 32 og forvaltningsloven § 17: saken kan ikke utredes eller "
            "avgjøres uten samtykke fra dem som har foreldreansvaret. Mens kommunen venter på "
            "samtykket, kan ikke saken gå videre."
        ),
    },
    {
        "code": "venter-pa-dokumenter",
        "label": "Venter på dokumenter fra foresatte eller barnehagen",
        "stops": [K.ASSESSMENT, K.DECISION],
        "legal_basis": (
            "Forvaltningsloven § 17 (utredningsplikt og opplysningsplikt): saken skal være så "
            "godt opplyst som mulig før vedtak. Tiden kommunen venter på opplysninger fra "
            "foresatte eller enheten som saken trenger, er ikke ugrunnet opphold."
        ),
    },
    {
        "code": "barnet-utilgjengelig",
        "label": "Barnet er ikke tilgjengelig (sykdom, reise)",
        "stops": [K.ASSESSMENT, K.DECISION, K.HELP_START],
        "legal_basis": (
            "Forvaltningsloven § 11 a og § 17: barnet må observeres og kartlegges for at saken "
            "skal bli opplyst, og hjelpen kan ikke begynne mens barnet er borte. Opphold som "
            "skyldes barnets fravær, er ikke ugrunnet."
        ),
    },
    {
        "code": "foresatte-ber-om-utsettelse",
        "label": "Foresatte ber om utsettelse",
        "stops": [K.ASSESSMENT, K.DECISION, K.HELP_START],
        "legal_basis": (
            "Forvaltningsloven § 11 a: opphold som parten selv ber om, er ikke ugrunnet. "
            "Foresattes ønske om å vente skal være dokumentert i saken."
        ),
    },
)

LEGACY_PAUSE_REASON = {
    "code": LEGACY_CODE,
    "label": "Annet / eldre pause",
    "stops": list(K.values),
    "legal_basis": (
        "Pauser registrert med fritekstgrunn før pausegrunnene kom (issue 18). De stopper alle "
        "frister, som de gjorde da de ble registrert; fritekstgrunnen står som merknad. Kan ikke "
        "velges for nye pauser."
    ),
    "active": False,
}
