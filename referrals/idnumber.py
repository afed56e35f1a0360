"""Norwegian national identity numbers (fødselsnummer, D-number, H-number).

Builds on python-stdnum (check digits, century table) and extends it where it lags
behind what Norwegian systems must accept: the 2032 check digit rule and the
synthetic test numbers issued by Skatteetaten (Tenor).
"""

import random
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidComponent
from stdnum.no import fodselsnummer as stdnum_fnr
from stdnum.util import isdigits

_MESSAGES = {
    "length": _("Fødselsnummeret må ha 11 siffer"),
    "digits": _("Fødselsnummeret kan bare inneholde siffer"),
    "date": _("Ugyldig dato"),
    "future": _("Fødselsdatoen kan ikke være i fremtiden"),
    "checksum": _("Kontrollsifferet stemmer ikke"),
    "synthetic": _("Syntetiske testnumre er ikke tillatt her"),
}

# Offsets that encode the kind of number in the date part.
_D_DAY_OFFSET = 40  # D-number: first digit + 4 (people without a fødselsnummer)
_H_MONTH_OFFSET = 40  # H-number: third digit + 4 (help numbers in health services)
_SYNTHETIC_MONTH_OFFSET = 80  # Tenor test data: third digit + 8, never a real person

# Individual number series used when generating (the 900-999 reserve for 1940-1999 is not).
_INDIVIDUAL_RANGES = ((1854, 1899, 500, 749), (1900, 1999, 0, 499), (2000, 2039, 500, 999))


class IdNumberError(ValueError):
    def __init__(self, code: str) -> None:
        self.code = code
        self.message = _MESSAGES[code]
        super().__init__(self.message)


class IdNumberKind(StrEnum):
    FNR = "fnr"
    DNR = "dnr"
    HNR = "hnr"


@dataclass(frozen=True)
class IdNumber:
    number: str
    kind: IdNumberKind
    synthetic: bool
    birth_date: date


def compact(value: str) -> str:
    """Strip all whitespace (users paste "DDMMYY NNNNN"); other separators stay and fail."""
    return "".join(value.split())


def mask(number: str) -> str:
    """Show only the birth date part; the personal number is not shown in lists."""
    return f"{compact(number)[:6]} *****"


def _checksum_ok(number: str) -> bool:
    # Skatteetaten's 2032 rule: for numbers issued from 1 Jan 2032, k1 is chosen so that
    # (3,7,6,1,8,9,4,5,2,1 . first ten digits) mod 11 is 0, 1, 2 or 3, not only 0, so
    # up to four k1 values are valid and k1 can no longer be computed, only checked. The
    # issue date is not encoded, so every number is checked against the wider rule; old
    # numbers pass with remainder 0. stdnum's calc_check_digit1 gives the k1 for
    # remainder 0, so the actual remainder is (k1 - classic k1) mod 11. k2 stays classic.
    remainder = (int(number[9]) - int(stdnum_fnr.calc_check_digit1(number))) % 11
    return remainder <= 3 and number[10] == stdnum_fnr.calc_check_digit2(number)


def parse_id_number(
    value: str, *, allow_synthetic: bool = False, today: date | None = None
) -> IdNumber:
    number = compact(value)
    if number and not isdigits(number):
        raise IdNumberError("digits")
    if len(number) != 11:
        raise IdNumberError("length")
    if not _checksum_ok(number):
        raise IdNumberError("checksum")

    day, month = int(number[:2]), int(number[2:4])
    synthetic = month > _SYNTHETIC_MONTH_OFFSET
    if synthetic:
        month -= _SYNTHETIC_MONTH_OFFSET
    kind = IdNumberKind.FNR
    if day > _D_DAY_OFFSET:
        kind, day = IdNumberKind.DNR, day - _D_DAY_OFFSET
    if month > _H_MONTH_OFFSET:
        if kind is IdNumberKind.DNR:  # D and H together is not a defined number kind
            raise IdNumberError("date")
        kind, month = IdNumberKind.HNR, month - _H_MONTH_OFFSET
    # stdnum's century table (individual number + two-digit year) fits as is once the
    # offsets are removed; out-of-range values must not reach it, or it would strip a D
    # offset a second time. An unknown century counts as an invalid date.
    if day > 31 or month > 12:
        raise IdNumberError("date")
    try:
        birth_date = stdnum_fnr.get_birth_date(f"{day:02d}{month:02d}{number[4:]}")
    except InvalidComponent:
        raise IdNumberError("date") from None
    if birth_date > (today or date.today()):
        raise IdNumberError("future")
    if synthetic and not allow_synthetic:
        raise IdNumberError("synthetic")
    return IdNumber(number=number, kind=kind, synthetic=synthetic, birth_date=birth_date)


def _build(birth_date: date, rng: random.Random, day_offset: int, month_offset: int) -> str:
    series = [
        (lo, hi) for first, last, lo, hi in _INDIVIDUAL_RANGES if first <= birth_date.year <= last
    ]
    if not series:
        raise ValueError(f"No individual number series for year {birth_date.year}")
    low, high = series[0]
    prefix = f"{birth_date.day + day_offset:02d}{birth_date.month + month_offset:02d}"
    prefix += f"{birth_date.year % 100:02d}"
    while True:
        # Classic rule: an individual number whose check digit comes out as 10 is skipped.
        base = f"{prefix}{rng.randint(low, high):03d}"
        k1 = stdnum_fnr.calc_check_digit1(base)
        k2 = stdnum_fnr.calc_check_digit2(base + k1)
        if len(k1) == 1 and len(k2) == 1:
            return base + k1 + k2


def generate(birth_date: date, rng: random.Random) -> str:
    """An ordinary fødselsnummer with classic check digits."""
    return _build(birth_date, rng, 0, 0)


def generate_synthetic(birth_date: date, rng: random.Random, *, kind: str = "fnr") -> str:
    """A synthetic (Tenor-style, month + 80) fnr or D-number, for demo data."""
    if kind not in (IdNumberKind.FNR, IdNumberKind.DNR):
        raise ValueError(f"Synthetic numbers exist as fnr or dnr, not {kind!r}")
    day_offset = _D_DAY_OFFSET if kind == IdNumberKind.DNR else 0
    return _build(birth_date, rng, day_offset, _SYNTHETIC_MONTH_OFFSET)
