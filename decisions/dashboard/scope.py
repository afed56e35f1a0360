"""The dashboard's scope: who may see it, which units and cases it counts for a user, which
tables they get, the open phases a case goes through, and the period (months) it covers.
Nothing here queries a case: the figures (decisions/dashboard/figures.py) do, over a Scope."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    F,
    Q,
    QuerySet,
    Value,
)
from django.utils.translation import gettext_lazy as _

from core.sql import EqualsAny
from referrals import states
from referrals.models import Referral
from teams.models import Role, Unit
from teams.scoping import has_role, user_roles, visible_municipalities, visible_units

S = Referral.Status
DASHBOARD_ROLES = (Role.Kind.DIRECTOR, Role.Kind.OFFICE, Role.Kind.PPT_LEADER)
MAX_MONTHS = 24  # the monthly series is one aggregate per month: keep the query bounded

# (key, status, label): the open phases in the order a case goes through them.
PHASES = [
    ("awaiting_consent", S.AWAITING_CONSENT, _("Venter på samtykke")),
    ("awaiting_assessment", S.RECEIVED, _("Venter på utredning")),
    ("assessing", S.ASSESSING, _("Utredning pågår")),
    ("awaiting_decision", S.ASSESSED, _("Venter på vedtak")),
    ("awaiting_help", S.DECIDED, _("Venter på at hjelpen starter")),
    ("appealed", S.APPEALED, _("Klage under behandling")),
]
PHASE_STATUSES = [status for _key, status, _label in PHASES]
# Clock running, no decision yet: open at every month's end since T0.
UNDECIDED = list(states.UNDECIDED)


# --- who sees what ------------------------------------------------------------------------------


def can_see_dashboard(user) -> bool:
    return has_role(user, *DASHBOARD_ROLES)


def dashboard_units(user) -> QuerySet[Unit]:
    """The units the user oversees as director (all of the municipality's), as office (its
    kind of unit) or as PPT leader (every unit of the municipalities the PPT office serves)."""
    return visible_units(user, roles=DASHBOARD_ROLES)


def dashboard_referrals(user, unit_ids: list[int] | None = None) -> QuerySet[Referral]:
    """The cases the dashboard counts for this user: those of the units they oversee as
    director, office or PPT leader, or of ``unit_ids`` among them (the filters).

    Not referrals.scoping.visible_referrals, on purpose: that is the list of cases a person may
    open, and a director may open none (no names on a director's page). The dashboard only
    aggregates: no row of this queryset leaves this module, only counts, shares and percentiles.
    """
    units = dashboard_units(user)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return Referral.objects.filter(
        municipality__in=visible_municipalities(user, roles=DASHBOARD_ROLES).values("pk"),
        unit__in=units.values("pk"),
    )


def advisor_municipality_ids(user) -> set[int]:
    """The municipalities whose cases the user may see counted per advisor: those their PPT
    office serves, as PPT leader. Empty for everyone else (the director and the office see no
    per-advisor figures). From the roles already read for the request: no query."""
    return {
        municipality_id
        for role in user_roles(user)
        if role.kind == Role.Kind.PPT_LEADER
        for municipality_id in role.office_municipality_ids
    }


# The tables' slugs, in the page's order (the exports name their sheets and files after them).
TABLE_SLUGS = [
    "faser",
    "sakstype",
    "skoletrinn",
    "frister",
    "ventetid",
    "maned",
    "omrader",
    "enheter",
    "klager",
]
ADVISOR_SLUG = "radgivere"  # PPT leaders only: table_slugs(user)


def table_slugs(user) -> list[str]:
    """The tables this user's page and exports carry."""
    return TABLE_SLUGS + ([ADVISOR_SLUG] if advisor_municipality_ids(user) else [])


@dataclass(frozen=True)
class Scope:
    """dashboard_referrals as literal ids: the municipalities and units of the units the user
    oversees (already fetched for the filter form), so that every query filters its own table
    joined to the case by primary key, instead of repeating the scope subquery (which reads
    every case of the municipality) in each of them. Case facts, deadlines, decisions, appeals
    and journal events carry their case's municipality and unit themselves (copied by triggers,
    decisions.models, referrals.models): their queries filter on their own columns, on indexes
    led by the municipality, and read only its rows."""

    municipality_ids: tuple[int, ...]
    unit_ids: tuple[int, ...]
    # The case kinds counted (referrals/case_kinds.py: the filter "Sakstype"); () for all.
    kinds: tuple[str, ...] = ()

    @classmethod
    def of(cls, units: list[Unit], kinds: tuple[str, ...] = ()) -> "Scope":
        return cls(
            tuple(sorted({u.municipality_id for u in units})),
            tuple(sorted(u.pk for u in units)),
            tuple(kinds),
        )

    def q(self, prefix: str = "", kind_path: str = "kind") -> Q:
        """The cases in scope, seen from a model whose path to the case is ``prefix``. The
        units as one array parameter (``unit_id = ANY(%s)``): a large municipality's 500 unit
        ids as 500 placeholders cost 2.4 ms of Python in each query (bench/). With kinds, the
        case's kind at ``kind_path`` too (decisions.CaseFact has its own column; a decision or
        an appeal reaches it through its case: a join only when the filter is chosen)."""
        municipalities = Q(**{f"{prefix}municipality_id__in": self.municipality_ids})
        if not self.unit_ids:
            return municipalities & Q(**{f"{prefix}unit_id__in": ()})  # nothing
        units = Value(list(self.unit_ids), output_field=ArrayField(BigIntegerField()))
        scope = municipalities & Q(EqualsAny(F(f"{prefix}unit_id"), units))
        if self.kinds:
            scope &= Q(**{f"{kind_path}__in": self.kinds})
        return scope


# --- the period ---------------------------------------------------------------------------------


def _month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def default(cls, today: date) -> "Period":
        """The last twelve months: this month and the eleven before it, up to today."""
        return cls(_add_months(today.replace(day=1), -11), today)

    def months(self) -> list[tuple[date, date, date]]:
        """(first day of the month, first day counted, last day counted) per calendar month."""
        result, first = [], self.start.replace(day=1)
        while first <= self.end:
            result.append((first, max(first, self.start), min(_month_last(first), self.end)))
            first = _add_months(first, 1)
        return result

    @property
    def month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
