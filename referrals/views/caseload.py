"""The caseload lists: /saker/ for everyone with a case role, /min-enhet/ for styrere.

Both read through referrals/selectors.py, which starts from visible_referrals(user). The
search box of /saker/ is POSTed: it takes identity numbers, which must never be in a URL.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.limits import strip_control_characters
from referrals import case_page, selectors
from referrals.filters import CaseloadFilter, UnitCaseloadFilter, exact_lookup
from referrals.models import Referral
from referrals.scoping import CASE_ROLES, can_work_on_cases, case_scope
from teams.models import Role
from teams.scoping import has_role

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100
# POST fields that are not filters: the search itself, the page, the CSRF token.
_NOT_FILTERS = {"q", "side", "csrfmiddlewaretoken"}

S = Referral.Status
# Bootstrap's text-bg-* pick a text colour with enough contrast; the label is always shown.


def _require_role(user, *kinds: str) -> None:
    if not has_role(user, *kinds):
        raise PermissionDenied


def _filter_data(request) -> QueryDict:
    """Filters come from the query string; a POSTed search carries them in the body
    (htmx includes the filter form), and those win."""
    data = request.GET.copy()
    if request.method == "POST":
        for key in request.POST:
            if key not in _NOT_FILTERS:
                data.setlist(key, request.POST.getlist(key))
    return data


def _filter_url(data: QueryDict) -> str:
    query = data.copy()
    for key in _NOT_FILTERS:
        query.pop(key, None)
    return f"{reverse('referrals:caseload')}?{query.urlencode()}"


def _rows(page, today) -> None:
    """What a row shows that the database does not hand over as is."""
    for referral in page:
        referral.badge_class = case_page.status_badge(referral)
        received = getattr(referral, "received", None)
        referral.days_since_received = (today - received).days if received else None


def _filters_key(filterset, scope) -> str:
    """What the filter form's HTML depends on, besides the language: the values of its
    filters, the units offered, whether "Vis" is there. The form is cached on this (the
    template's {% cache %}): 1 ms of rendering an advisor's 200 units on every request."""
    data = [(name, filterset.data.getlist(name)) for name in filterset.filters]
    return hashlib.sha256(
        repr((data, scope.unit_choices, filterset.is_advisor)).encode()
    ).hexdigest()


def _wants_partial(request) -> bool:
    # A history restore after a cache miss needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def caseload(request):
    """Cases the user works with; an advisor's own cases first, then the rest of the area."""
    _require_role(request.user, *CASE_ROLES)
    params = request.POST if request.method == "POST" else request.GET
    # Never read from GET; a NUL would make PostgreSQL refuse the query.
    search = strip_control_characters(request.POST.get("q", "")).strip()[:SEARCH_MAX_LENGTH]
    scope = case_scope(request.user)
    cases = selectors.referral_caseload_for_user(request.user, scope)
    filterset = CaseloadFilter(_filter_data(request), queryset=cases, request=request, scope=scope)
    # An identity number or a case reference finds the child's cases whatever the filters.
    lookup = exact_lookup(search) if search else None
    if lookup is not None:
        referrals = filterset.lookup(cases, lookup)
    else:
        referrals = filterset.qs
        if search:
            referrals = selectors.referral_caseload_search(referrals, search)
    page = selectors.KeysFirstPaginator(
        referrals, PAGE_SIZE, rows=selectors.referral_caseload_rows(request.user)
    ).get_page(params.get("side"))
    _rows(page, timezone.localdate())
    partial = _wants_partial(request)
    context = {
        "filterset": filterset,
        # the filter form is outside the part an htmx request swaps
        "filters_key": None if partial else _filters_key(filterset, scope),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "search": search,
        "exact_search": lookup is not None,
        "is_advisor": filterset.is_advisor,
        "can_register": can_work_on_cases(request.user),
        "oob_count": partial,  # the count above the table is outside the swapped part
    }
    template = "referrals/_caseload_rows.html" if partial else "referrals/caseload.html"
    response = render(request, template, context)
    if partial and request.method == "POST":
        # Keep the address bar in step with the filters sent along with a search, without
        # a history entry; the URL is built from the filters alone, never the search box.
        response["HX-Replace-Url"] = _filter_url(filterset.data)
    return response


@login_required
def unit_caseload(request):
    """The styrer's children with cases: per child the newest case from their own unit(s)."""
    _require_role(request.user, Role.Kind.UNIT_HEAD)
    units = selectors.unit_choices_for_unit_head(request.user)
    filterset = UnitCaseloadFilter(
        request.GET,
        queryset=selectors.referral_latest_per_child_for_unit_head(request.user),
        units=units,
    )
    page = selectors.KeysFirstPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("side"))
    _rows(page, timezone.localdate())
    context = {
        "filterset": filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "several_units": len(units) > 1,
    }
    return render(request, "referrals/unit_caseload.html", context)
