"""Keeping anonymous consultations anonymous: text that looks like a national identity number
or the full name of a child registered at the unit is refused, with the reason, next to the
field it was typed in.

Written here rather than with referrals.idnumber because teams never imports referrals (see
teams/hooks.py for how the unit's names arrive). The identity-number test is deliberately
wider than a valid fødselsnummer: any 11 digits, in groups with any separators between them
("238 822 83283", "238.822-83283"), are refused, since a number with a typo still points at a
child.

Both sides are normalised before they are compared (``normalise``): NFKC (full-width letters
and digits), zero-width and direction characters removed, Cyrillic and Greek letters that look
Latin folded to Latin, case folded. Otherwise "Оla Nоrdmаnn" with two Cyrillic letters, or a
zero-width space inside a name, would be read by everyone and matched by nothing.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from core.limits import strip_invisible
from teams import hooks

# Groups of digits, each separated from the next by up to three characters that are neither
# letters nor digits nor line breaks: "238 822 83283", "2-3-8…", "23.88.22 83 283".
DIGIT_RUN = re.compile(r"\d+(?:[^\w\n]{1,3}\d+)*")
ID_NUMBER_DIGITS = 11

# Latin look-alikes, after case folding (so the capitals are folded too): Cyrillic, then Greek.
# Not every confusable, only the letters that pass for Latin ones in a Norwegian name.
LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("авеёкмнорстухіїјѕԁһӏԛԝѵ", "abeekmhopctyxiijsdhlqwv", strict=True)),
        **dict(zip("αβεζηικμνορτυχ", "abezhikmnoptyx", strict=True)),
    }
)

ID_NUMBER_MESSAGE = _(
    "Teksten ser ut til å inneholde et fødselsnummer (11 siffer). En anonym drøfting skal "
    "ikke kunne knyttes til et barn: fjern nummeret, eller registrer drøftingen med navn og "
    "samtykke fra de foresatte."
)
NAME_MESSAGE = _(
    "Teksten inneholder for- og etternavnet til et barn som er registrert ved enheten. En "
    "anonym drøfting skal ikke kunne knyttes til et barn: skriv uten navn (for eksempel "
    "«gutt, 4 år»), eller registrer drøftingen med navn og samtykke fra de foresatte."
)


def normalise(text: str) -> str:
    """What the comparisons see: NFKC, invisible characters removed, case folded, look-alike
    letters Latin; accents kept (ø, å, é are letters in names)."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFC", text.casefold().translate(LOOK_ALIKES))


def _normal(text: str) -> str:
    """normalise(), with punctuation as spaces and a space at each end, for whole words."""
    return " " + " ".join(re.findall(r"[\w'-]+", normalise(text))) + " "


def _name_variants(first: str, last: str) -> set[str]:
    """'Ola Martin' 'Nordmann' → 'ola martin nordmann', 'ola nordmann', 'nordmann ola' …"""
    firsts = _normal(first).split()
    last_n = _normal(last).strip()
    if not firsts or not last_n:
        return set()
    full_first = " ".join(firsts)
    variants = {f"{full_first} {last_n}", f"{last_n} {full_first}"}
    for given in firsts:
        variants |= {f"{given} {last_n}", f"{last_n} {given}"}
    return variants


def _has_eleven(groups: list[int]) -> bool:
    """Whether consecutive groups hold 11 digits together (a run's groups are never split:
    "10.11.2026 - 12.11.2026" has 16 digits in groups of 2, 2, 4, and no 11)."""
    for start in range(len(groups)):
        total = 0
        for size in groups[start:]:
            total += size
            if total >= ID_NUMBER_DIGITS:
                if total == ID_NUMBER_DIGITS:
                    return True
                break
    return False


def contains_id_number(text: str) -> bool:
    for run in DIGIT_RUN.finditer(normalise(text or "")):
        if _has_eleven([len(group) for group in re.findall(r"\d+", run.group())]):
            return True
    return False


def name_patterns(unit_id: int | None) -> set[str]:
    """The unit's children's full names in every order the check looks for (one query)."""
    if unit_id is None:
        return set()
    patterns: set[str] = set()
    for first, last in hooks.unit_child_names(unit_id):
        patterns |= _name_variants(first, last)
    return patterns


def contains_name(text: str, patterns: set[str]) -> bool:
    normal = _normal(text or "")
    return any(f" {p} " in normal for p in patterns)


def anonymity_errors(values: dict[str, str], *, unit_id: int | None) -> dict[str, str]:
    """{field: why it is refused} for the text fields that identify a child."""
    patterns = name_patterns(unit_id)
    errors = {}
    for field, text in values.items():
        if not isinstance(text, str) or not text:
            continue
        if contains_id_number(text):
            errors[field] = str(ID_NUMBER_MESSAGE)
        elif contains_name(text, patterns):
            errors[field] = str(NAME_MESSAGE)
    return errors
