"""The caseload filters (django-filter), read from GET so a filtered list can be bookmarked.

The identity-number search is deliberately not a filter here: it is POSTed (views/caseload.py)
so it never lands in a URL. Parameter names are Norwegian because users see them in the
address bar.
"""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect
from referrals import case_kinds, selectors, states
from referrals.idnumber import compact
from referrals.models import Referral
from referrals.scoping import can_work_on_cases

SHOW_ALL, SHOW_MINE = "alle", "mine"
STATE_OPEN, STATE_CLOSED, STATE_ALL = "apne", "avsluttede", "alle"

# What an unbound or partly filled form means: the advisor's whole area (own cases first),
# open cases, oldest first.
CASELOAD_DEFAULTS = {
    "vis": SHOW_ALL,
    "tilstand": STATE_OPEN,
    "sorter": selectors.CASELOAD_DEFAULT_SORT,
}

SORT_CHOICES = [
    ("received", _("Mottatt, eldste først")),
    ("-received", _("Mottatt, nyeste først")),
    ("name", _("Barnets navn")),
    ("status", _("Status")),
    ("priority", _("Prioritet, høyeste først")),
    ("deadline", _("Neste frist, nærmeste først")),
]
if {key for key, _label in SORT_CHOICES} != set(selectors.CASELOAD_SORTS):
    raise ImportError("SORT_CHOICES and selectors.CASELOAD_SORTS must name the same sorts")

AGE_CHOICES = [
    ("30", _("Eldre enn 30 dager")),
    ("60", _("Eldre enn 60 dager")),
    ("90", _("Eldre enn 90 dager")),
]

_SELECT = {"class": "form-select form-select-sm"}

# The case kinds, grouped by barnehage and skole, each as its legal basis ("barnehageloven
# § 31"): the filter's short labels (the full ones are in the table's titles).
KIND_CHOICES = [
    (
        label,
        [(k.value, case_kinds.rule(k).legal_basis) for k in case_kinds.kinds_for_unit(unit_kind)],
    )
    for unit_kind, label in case_kinds.UnitKind.choices
]


# A case reference as Referral.reference writes it ("PPT-000123"), with or without the dash
# and the leading zeros.
_REFERENCE = re.compile(r"PPT-?\s*0*(\d{1,12})", re.IGNORECASE)


def exact_lookup(text: str) -> Q | None:
    """A search that names one child or one case: a whole identity number (11 digits, spaces
    allowed) or a case reference. Such a search finds the child's cases whatever the filters
    say (open, closed, a status, a unit): the user asked for that child, and "0 treff" while
    the case sits under another filter sends them looking in the wrong place. None for
    anything else (a name: searched within the filters)."""
    number = compact(text)
    if len(number) == 11 and number.isascii() and number.isdigit():
        return Q(child__id_number=number)
    match = _REFERENCE.fullmatch(text.strip())
    if match:
        return Q(pk=int(match.group(1)))
    return None


def _with_defaults(data, defaults):
    """Fill in the defaults for keys the request left out (a bare /saker/ is a valid search)."""
    data = data.copy()
    for key, value in defaults.items():
        if not data.get(key):
            data[key] = value
    return data


class CaseloadFilter(django_filters.FilterSet):
    """Filters and sort order of /saker/. Needs ``request`` and ``scope`` (the user's
    case_scope: the units offered, and the open cases)."""

    vis = django_filters.ChoiceFilter(
        label=_("Vis"),
        choices=[(SHOW_ALL, _("Hele området")), (SHOW_MINE, _("Mine saker"))],
        method="filter_show",
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    tilstand = django_filters.ChoiceFilter(
        label=_("Åpne eller avsluttede"),
        choices=[
            (STATE_OPEN, _("Åpne")),
            (STATE_CLOSED, _("Avsluttede")),
            (STATE_ALL, _("Alle")),
        ],
        method="filter_state",
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Referral.Status.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    enhet = django_filters.ChoiceFilter(
        label=_("Enhet"),
        field_name="unit_id",
        empty_label=_("Alle enheter"),
        widget=FastSelect(attrs=_SELECT),
    )
    # Issue 19: barnehage or skole (the case's unit), and the case kind (referrals/case_kinds.py).
    # A value not offered is that filter's error and the filter left out, never a 500.
    enhetstype = django_filters.ChoiceFilter(
        label=_("Barnehage/skole"),
        field_name="unit__kind",
        choices=case_kinds.UnitKind.choices,
        empty_label=_("Alle"),
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg barnehage eller skole fra listen.")},
    )
    sakstype = django_filters.ChoiceFilter(
        label=_("Sakstype"),
        field_name="kind",
        choices=KIND_CHOICES,
        empty_label=_("Alle sakstyper"),
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg en sakstype fra listen.")},
    )
    prioritet = django_filters.ChoiceFilter(
        label=_("Prioritet"),
        field_name="priority",
        choices=Referral.Priority.choices,
        empty_label=_("Alle"),
        widget=FastSelect(attrs=_SELECT),
    )
    alder = django_filters.ChoiceFilter(
        label=_("Alder på saken"),
        choices=AGE_CHOICES,
        method="filter_age",
        empty_label=_("Alle"),
        widget=FastSelect(attrs=_SELECT),
    )
    sorter = django_filters.ChoiceFilter(
        label=_("Sorter etter"),
        choices=SORT_CHOICES,
        method="filter_noop",  # applied last, in filter_queryset
        empty_label=None,
        widget=FastSelect(attrs=_SELECT),
    )

    class Meta:
        model = Referral
        fields = []

    def __init__(self, data=None, *args, request, scope, **kwargs):
        data = _with_defaults(data if data is not None else QueryDict(), CASELOAD_DEFAULTS)
        super().__init__(data, *args, request=request, **kwargs)
        self.scope = scope
        self.is_advisor = can_work_on_cases(request.user)
        units = scope.unit_choices
        # As a callable: the form deep-copies its fields, and with them a list of choices (an
        # advisor's 200 units: 600 objects copied on every request); a function is not copied.
        self.filters["enhet"].extra["choices"] = lambda: units
        if not self.is_advisor:
            # Only advisors are assigned cases: for the others "mine" would always be empty.
            del self.filters["vis"]

    def filter_show(self, queryset, name, value):
        if value == SHOW_MINE:
            return queryset.filter(advisor_id=self.request.user.pk)
        return queryset

    def filter_state(self, queryset, name, value):
        # A chosen status is more precise than open/closed, and may be a closed one.
        if self.form.cleaned_data.get("status") or value == STATE_ALL:
            return queryset
        if value == STATE_CLOSED:
            return queryset.filter(status__in=states.CLOSED)
        # Every case not closed or withdrawn, a running vedtak too ("Hjelpen er i gang" is
        # live work: the help is followed up, renewed, changed and closed from here).
        return self.scope.open_only(queryset)

    def lookup(self, queryset, condition: Q):
        """``queryset`` (the user's whole caseload, unfiltered) narrowed to an exact_lookup,
        in the chosen sort order: the filters are not applied."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        mine_first = self.is_advisor and data.get("vis", SHOW_ALL) == SHOW_ALL
        return selectors.referral_caseload_ordered(
            queryset.filter(condition), data.get("sorter"), mine_first=mine_first
        )

    def filter_age(self, queryset, name, value):
        return selectors.referral_caseload_older_than(queryset, int(value))

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        mine_first = self.is_advisor and data.get("vis", SHOW_ALL) == SHOW_ALL
        return selectors.referral_caseload_ordered(
            queryset, data.get("sorter"), mine_first=mine_first
        )

    @property
    def is_filtered(self) -> bool:
        """Anything narrower than the defaults, so the empty state can say so."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return bool(
            data.get("status")
            or data.get("enhet")
            or data.get("enhetstype")
            or data.get("sakstype")
            or data.get("prioritet")
            or data.get("alder")
            or data.get("vis") == SHOW_MINE
            or data.get("tilstand") != STATE_OPEN
        )


class UnitCaseloadFilter(django_filters.FilterSet):
    """The styrer's unit filter, offered when they head more than one unit."""

    enhet = django_filters.ChoiceFilter(
        label=_("Enhet"),
        field_name="unit_id",
        empty_label=_("Alle dine enheter"),
        widget=FastSelect(attrs=_SELECT),
    )

    class Meta:
        model = Referral
        fields = []

    def __init__(self, data=None, *args, units, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["enhet"].extra["choices"] = lambda: units  # not deep-copied (above)
