"""Keeping anonymous consultations anonymous: text that looks like a national identity number
or the full name of a child registered at the unit is refused, with the reason, next to the
field it was typed in.

Written here rather than with referrals.idnumber because teams never imports referrals (see
teams/hooks.py for how the unit's names arrive). The identity-number test is deliberately
wider than a valid fødselsnummer: any 11 digits (also written 6 + 5 with a space, a dot or a
hyphen) are refused, since a number with a typo still points at a child.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from teams import hooks

# 11 digits on their own, or 6 and 5 separated by one space, dot or hyphen (DDMMYY NNNNN).
ID_NUMBER = re.compile(r"(?<!\d)\d{6}[ .\-\u00a0]?\d{5}(?!\d)")

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


def _normal(text: str) -> str:
    """Lower case, accents kept (ø, å, é are letters in names), punctuation as spaces."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " " + " ".join(re.findall(r"[\w'-]+", text)) + " "


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


def contains_id_number(text: str) -> bool:
    return bool(ID_NUMBER.search(text or ""))


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
