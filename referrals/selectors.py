"""Reads of children and cases for lists, built on referrals/scoping.py: every queryset here
starts from visible_referrals(user), so a list can never show more than the user may see.

Names follow ``<entity>_<verb>`` (STYLE.md): ``grep referral_`` lists what can be read of a case.
"""

import functools
from datetime import timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.limits import page_number
from referrals import states
from referrals.idnumber import compact
from referrals.models import Child, Referral
from referrals.scoping import CaseScope, visible_referrals
from teams.models import Role
from teams.scoping import administered_municipalities, visible_units

# Workflow order, so "sort by status" reads like the life of a case, not the alphabet.
_STATUS_RANK = Case(
    *[When(status=s, then=Value(i)) for i, s in enumerate(Referral.Status.values)],
    default=Value(len(Referral.Status.values)),
)
_PRIORITY_RANK = Case(
    When(priority=Referral.Priority.URGENT, then=Value(2)),
    When(priority=Referral.Priority.HIGH, then=Value(1)),
    default=Value(0),
)

# The whitelist of caseload sort orders (filters.py offers exactly these keys). ``age_from``
# is the day the case counts from; pk last keeps pagination stable between requests.
CASELOAD_SORTS = {
    "received": ("age_from", "pk"),
    "-received": ("-age_from", "-pk"),
    "name": ("child__last_name", "child__first_name", "pk"),
    "status": ("status_rank", "age_from", "pk"),
    "priority": ("-priority_rank", "age_from", "pk"),
    # served by the referral_next_deadline index; cases without a deadline last
    "deadline": (F("next_deadline_on").asc(nulls_last=True), "pk"),
}
CASELOAD_DEFAULT_SORT = "received"


def referral_caseload_for_user(user, scope: CaseScope | None = None) -> QuerySet[Referral]:
    """Every case the user may see, to filter, sort and page: the caseload's keys
    (KeysFirstPaginator; the rows themselves come from referral_caseload_rows).

    ``scope``: the user's case_scope, when the caller has read it (the caseload, which also
    offers the units as a filter); without it, visible_referrals. ``is_mine`` puts an
    advisor's own cases first; ``age_from`` (an alias, added by the sort or filter that uses
    it) is T0, else the day PPT received the case, else the day it was created, so the age
    filter and the sort also place cases that were never submitted.
    """
    return (scope.referrals() if scope is not None else visible_referrals(user)).annotate(
        # CASE, not "advisor_id = x": that is NULL for unassigned cases, and NULLs sort first
        # in a descending order.
        is_mine=Case(
            When(advisor_id=user.pk, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# Only to filter and sort by, added by the sort or filter that uses them (_with_aliases):
# resolving the ten-branch status rank on every request cost 0.35 ms when nothing used it.
_ALIASES = {
    "age_from": lambda: Coalesce("t0", "received_on", TruncDate("created_at")),
    "status_rank": lambda: _STATUS_RANK,
    "priority_rank": lambda: _PRIORITY_RANK,
}


def _with_aliases(queryset: QuerySet[Referral], names) -> QuerySet[Referral]:
    missing = {
        name: _ALIASES[name]()
        for name in names
        if name in _ALIASES and name not in queryset.query.annotations
    }
    return queryset.alias(**missing) if missing else queryset


class _ChildOfRow:
    __slots__ = ("first_name", "last_name", "id_number", "birth_date")

    full_name = property(Child.full_name.fget)
    masked_id_number = property(Child.masked_id_number.fget)


class _NameOfRow:
    __slots__ = ("name", "full_name")


class CaseloadRow:
    """A caseload row: what referrals/templatetags/caseload.py shows of a case, its child,
    unit and advisor, with the models' own ``reference``, ``is_open``, ``full_name`` and
    ``masked_id_number``. Not a model instance: a page's 25 rows were 100 instances and a
    compiled ORM query (0.8 ms of a 12 ms page, bench/)."""

    __slots__ = (
        "pk", "status", "priority", "t0", "received_on", "next_deadline_kind",
        "next_deadline_on", "next_deadline_warn_on", "is_mine", "received", "child", "unit",
        "advisor", "badge_class", "days_since_received", "kind",
    )  # fmt: skip
    # The deadline column shows for every case not closed (a running vedtak's renewal and
    # annual report), as the caseload's default list (CaseScope.open_only).
    OPEN_STATUSES = list(states.NOT_CLOSED)
    reference = property(Referral.reference.fget)
    is_open = property(Referral.is_open.fget)


@functools.cache
def _caseload_rows_sql() -> str:
    referral, child = Referral._meta.db_table, Child._meta.db_table
    unit = Referral._meta.get_field("unit").related_model._meta.db_table
    user = Referral._meta.get_field("advisor").related_model._meta.db_table
    # Table names from the models; the keys are a parameter.
    return (
        "SELECT r.id, r.status, r.priority, r.t0, r.received_on, r.next_deadline_kind,"  # noqa: S608
        " r.next_deadline_on, r.next_deadline_warn_on, r.advisor_id,"
        " c.first_name, c.last_name, c.id_number, c.birth_date, u.name, a.full_name, r.kind"
        f" FROM {referral} r JOIN {child} c ON c.id = r.child_id"
        f" JOIN {unit} u ON u.id = r.unit_id LEFT JOIN {user} a ON a.id = r.advisor_id"
        " WHERE r.id = ANY(%s)"
    )


def referral_caseload_rows(user):
    """What a caseload row shows of the cases with the given keys, as CaseloadRows by key:
    KeysFirstPaginator's ``rows`` for a page whose keys came, filtered and scoped, from
    referral_caseload_for_user."""

    def rows(keys: list[int]) -> dict[int, CaseloadRow]:
        with connection.cursor() as cursor:
            cursor.execute(_caseload_rows_sql(), [list(keys)])
            found = cursor.fetchall()
        by_key = {}
        for (
            pk, status, priority, t0, received_on, kind, due, warn, advisor_id,
            first_name, last_name, id_number, birth_date, unit_name, advisor_name, case_kind,
        ) in found:  # fmt: skip
            row = CaseloadRow()
            row.pk, row.status, row.priority, row.t0 = pk, status, priority, t0
            row.kind = case_kind
            row.received_on, row.received = received_on, t0 or received_on
            row.next_deadline_kind, row.next_deadline_on = kind, due
            row.next_deadline_warn_on = warn
            row.is_mine = advisor_id == user.pk
            row.child = child = _ChildOfRow()
            child.first_name, child.last_name = first_name, last_name
            child.id_number, child.birth_date = id_number, birth_date
            row.unit = unit = _NameOfRow()
            unit.name = unit_name
            if advisor_id is None:
                row.advisor = None
            else:
                row.advisor = advisor = _NameOfRow()
                advisor.full_name = advisor_name
            by_key[pk] = row
        return by_key

    return rows


def referral_caseload_ordered(
    queryset: QuerySet[Referral], sort: str | None, *, mine_first: bool = False
) -> QuerySet[Referral]:
    """Order by a whitelisted key; an advisor's own cases first when ``mine_first``."""
    keys = CASELOAD_SORTS.get(sort or "", CASELOAD_SORTS[CASELOAD_DEFAULT_SORT])
    queryset = _with_aliases(queryset, [k.lstrip("-") for k in keys if isinstance(k, str)])
    return queryset.order_by(*(("-is_mine",) if mine_first else ()), *keys)


def referral_caseload_older_than(queryset: QuerySet[Referral], days: int) -> QuerySet[Referral]:
    """Cases whose day of reference (see referral_caseload_for_user) is more than ``days`` ago."""
    return _with_aliases(queryset, ["age_from"]).filter(
        age_from__lt=timezone.localdate() - timedelta(days=days)
    )


def referral_caseload_search(queryset: QuerySet[Referral], text: str) -> QuerySet[Referral]:
    """Eleven digits find exactly the child with that identity number; anything else is a name,
    each word matching the start of the first or last name."""
    number = compact(text)
    if len(number) == 11 and number.isascii() and number.isdigit():
        return queryset.filter(child__id_number=number)
    for word in text.split():
        queryset = queryset.filter(
            Q(child__first_name__icontains=word) | Q(child__last_name__icontains=word)
        )
    return queryset


def unit_choices_for_unit_head(user) -> list[tuple[int, str]]:
    """(pk, name) of the units the user heads (styrer/rektor)."""
    return list(
        visible_units(user, roles=(Role.Kind.UNIT_HEAD,)).order_by("name").values_list("pk", "name")
    )


def referral_latest_per_child_for_unit_head(user) -> QuerySet[Referral]:
    """The styrer's list: per child, the newest case referred from a unit the user heads.

    Only cases of the headed units count, so a child who moved from unit A to unit B shows
    unit B's styrer nothing of the case from A. Ordered by unit, then the child's name.
    """
    headed = visible_units(user, roles=(Role.Kind.UNIT_HEAD,)).values("pk")
    cases = visible_referrals(user).filter(unit__in=headed)
    # DISTINCT ON (child_id) picks the newest case per child in one subquery.
    latest = cases.order_by("child_id", "-created_at", "-pk").distinct("child_id").values("pk")
    return (
        Referral.objects.filter(pk__in=latest)
        .with_list_data()
        .annotate(received=Coalesce("t0", "received_on"))
        .order_by("unit__name", "unit_id", "child__last_name", "child__first_name", "pk")
    )


class KeysFirstPaginator(Paginator):
    """A Paginator whose page is found in two steps: the page's primary keys (WHERE, ORDER BY,
    LIMIT/OFFSET over the case alone, served by the partial indexes), then those rows with
    their joins, by primary key, put back in the keys' order.

    With the joins of with_list_data() in the sorting query, PostgreSQL joined every visible
    open case to its child before sorting and cutting 25, and for a few hundred cases chose to
    read the whole child table (a hash join: 67 ms at 100,000 cases, bench/plans); now the
    joins are 25 primary-key lookups. The rows are fetched by a plain list of keys rather
    than ``pk IN (the keys' subquery)``: the subquery repeated every filter of the list in the
    rows' query, and planning it took longer than running it (3 ms, bench/). The count comes
    with the keys (a window aggregate): two queries, as Paginator's count and rows.
    """

    def __init__(self, object_list, per_page, *, rows=None, **kwargs):
        """``rows``: where the page's rows are read by key, with their joins and annotations;
        unfiltered, since the keys come from ``object_list`` (which carries the scope and the
        filters): a queryset, or a function of the keys that returns the rows by key. By
        default ``object_list`` itself."""
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def get_page(self, number):
        """Paginator.get_page (a bad number: the first page; past the end, however far: the
        last; core.limits.page_number keeps the OFFSET inside bigint), with the
        count read in the keys' query (``COUNT(*) OVER ()``) instead of a query of its own."""
        number = page_number(None if number is None else str(number))
        keys = self._keys(number)
        if not keys and number > 1:  # past the end: the last page (counted on its own)
            number = self.num_pages
            keys = self._keys(number) if self.count else []
        return self._page_of(keys, number)

    def page(self, number):
        number = self.validate_number(number)
        return self._page_of(self._keys(number), number)

    def _keys(self, number) -> list:
        """The keys of page ``number``; sets ``count`` from the same query when it has rows."""
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = rows[0][1]
        elif bottom == 0:
            self.__dict__["count"] = 0
        return [pk for pk, _total in rows]

    def _page_of(self, keys: list, number: int):
        if not keys:
            return self._get_page([], number, self)
        if callable(self.rows):
            by_key = self.rows(keys)
        else:
            rows = self.rows if self.rows is not None else self.object_list
            by_key = {row.pk: row for row in rows.order_by().filter(pk__in=keys)}
        return self._get_page([by_key[k] for k in keys if k in by_key], number, self)


# --- the access log's pages (referrals/views/access_log.py) ---------------------------------


def auditable_children(user) -> QuerySet[Child]:
    """Children whose access log the user may read: those of the municipalities where they
    are admin (is_superuser counts for nothing here)."""
    return Child.objects.filter(municipality__in=administered_municipalities(user).values("pk"))


def child_pk_of_case(children: QuerySet[Child], number: int) -> int | None:
    """The child of case ``number``, if that child is among ``children``."""
    return (
        Referral.objects.filter(pk=number, child__in=children.values("pk"))
        .values_list("child_id", flat=True)
        .first()
    )
