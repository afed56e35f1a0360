"""Limits on what a request may carry: integers, dates and text (issue 16).

Framework-level, so every app (and core/forms.py) may import it. Views parse every integer
they read by hand with ``parse_int``/``page_number``; forms and services bound every date with
``date_bound_error``; forms bound every text through core/forms.py, built on the helpers here.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint: the largest primary key there can be
# No list pages through more than this; past the last page a paginator shows the last one.
# Small enough that page × page size stays far inside bigint (a larger OFFSET is a 500).
PAGE_MAX = 100_000

# Only ASCII digits: str.isdigit() accepts "²" and "٣", which int() then refuses or reads.
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value, *, minimum: int = 1, maximum: int = BIGINT_MAX) -> int | None:
    """``value`` (a query or form string) as an int in [minimum, maximum], else None."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def page_number(value) -> int:
    """A ``?side=`` value as a page number: nothing or garbage is page 1; a number past
    PAGE_MAX (however many digits) is PAGE_MAX, which the paginators turn into their last
    page."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return 1
    digits = value.lstrip("0")
    if len(digits) > len(str(PAGE_MAX)):  # also spares int() a 5,000-digit string
        return PAGE_MAX
    return min(max(int(digits or "0"), 1), PAGE_MAX)


# --- dates -----------------------------------------------------------------------------------

# Rimelig has no case, consent, meeting or decision from before this day.
EARLIEST_DATE = date(2000, 1, 1)
# "Has happened" allows tomorrow: a date typed late in the evening in another time zone, or
# a form left open over midnight, is not refused for that.
HAPPENED_SLACK = timedelta(days=1)
# A follow-up's due date, an expected decision or a vedtak period: at most this far ahead.
PLANNED_AHEAD = timedelta(days=3 * 366)
# A vedtak grants help for at most this long (a new vedtak follows after the period).
DECISION_PERIOD_MAX = timedelta(days=3 * 366)


def today() -> date:
    return timezone.localdate()


def happened_latest() -> date:
    return today() + HAPPENED_SLACK


def planned_latest() -> date:
    return today() + PLANNED_AHEAD


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def date_bound_error(
    value: date | None, *, earliest: date | None = None, latest: date | None = None
) -> str | None:
    """The Norwegian message for a date outside [earliest, latest], else None. Defaults: not
    before 2000-01-01, not after tomorrow (something that has happened)."""
    if value is None:
        return None
    earliest = max(earliest or EARLIEST_DATE, EARLIEST_DATE)
    if value < earliest:
        return _("Datoen kan ikke være før %(day)s.") % {"day": _day(earliest)}
    if latest is None and value > happened_latest():
        return _("Datoen kan ikke være i fremtiden.")
    if latest is not None and value > latest:
        return _("Datoen kan ikke være etter %(day)s.") % {"day": _day(latest)}
    return None


# --- hours ------------------------------------------------------------------------------------

# Hours of help in a week (a vedtak's, an assessment's recommendation): a kindergarten week is
# at most five days of nine hours (a full-time place is 41 hours or more), so more than this
# is a typing error, like "3,5" once read as 35 (issue 18).
HOURS_PER_WEEK_MAX = Decimal(45)


# --- text ------------------------------------------------------------------------------------

FREE_TEXT_MAX = 10_000  # a description, a concern, minutes: about four pages
NAME_MAX = 200
# C0 and C1 control characters; \t, \n and \r are allowed in multi-line text only.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
# Direction overrides and embeddings, isolates, zero-width characters and the BOM: invisible,
# and able to make a name read as another ("Ola\u202eNNAM" shows as "OlaMANN").
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def has_control_characters(value: str, *, multiline: bool) -> bool:
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(value))


def strip_control_characters(value: str) -> str:
    """For a search box: what PostgreSQL refuses (NUL) and what no name contains, removed."""
    return _CONTROL_SINGLE_LINE.sub("", value)


def strip_invisible(value: str) -> str:
    return INVISIBLE.sub("", value)
