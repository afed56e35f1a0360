"""The access log (innsynslogg): one row for every time someone opens a child's record or a
case, downloads an attachment, exports or prints, and for every refused attempt.

Append-only. The application never changes or deletes a row (AccessLogEntry refuses save() on
an existing row, delete(), and queryset update()/delete()); PostgreSQL refuses UPDATE always and
DELETE unless the transaction has set ``rimelig.prune_access_log`` (the migration's triggers),
which only ``manage.py prune_access_log`` does.

Writes fail closed: if the row cannot be written the exception propagates and the user gets
a 500 rather than a page nobody can account for. The INSERT runs in the request's own
connection; requests are not wrapped in a transaction (ATOMIC_REQUESTS is off, and the check
below keeps it off), and every call sits before the view's service call, so a rolled-back
write cannot take the log row with it.

The model is in referrals/access_log_models.py, which imports only Django: referrals/models.py
imports it from there, and this module reads the case models by label (apps.get_model), so
neither module imports the other.
"""

import functools
import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import connection

from referrals.access_log_models import (  # noqa: F401 (the model, re-exported)
    AccessLogEntry,
    AccessLogQuerySet,
    AppendOnlyError,
)
from teams.scoping import role_kinds
from teams.security import client_ip  # noqa: F401 (also used by tests)

BIGINT_MAX = 2**63 - 1


# --- writing -------------------------------------------------------------------------------------


def _role_text(user) -> str:
    kinds = sorted(role_kinds(user))  # cached on the user by teams.scoping: no query
    if user.is_superuser:
        kinds.append("superuser")
    return ",".join(kinds)


def _bigint_or_none(value) -> int | None:
    # The URL's int converter takes any number of digits; one too large for bigint is logged
    # without an id rather than making the INSERT (and the response) fail.
    if value is None:
        return None
    value = int(value)
    return value if 0 <= value <= BIGINT_MAX else None


def access_log_record(
    request,
    *,
    action: str,
    object_type: str,
    object_id: int | None = None,
    child_id: int | None = None,
    status: int = 200,
) -> AccessLogEntry:
    """Write one row (one INSERT). Call it after the scoped fetch succeeded, before the page
    is rendered; an error propagates (fail closed)."""
    user = request.user if request.user.is_authenticated else None
    row = AccessLogEntry.objects.create(
        user=user,
        role=_role_text(user) if user else "",
        action=action,
        object_type=object_type,
        object_id=_bigint_or_none(object_id),
        child_id=_bigint_or_none(child_id),
        path=request.path[:500],
        ip=client_ip(request),
        status=status,
    )
    access_log_mark(request)
    return row


def access_log_mark(request) -> None:
    """Note that the view logged this request itself (also with bulk_create): the middleware
    then writes no second row for the page."""
    request._access_logged = True


def access_log_views_record(request, rows, *, object_type: str) -> None:
    """One VIEW row per object shown in a list (each with ``pk`` and ``child_id``), in one
    INSERT; the middleware then writes no row of its own for the page."""
    user = request.user
    access_log_mark(request)
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                user=user,
                role=_role_text(user),
                action=AccessLogEntry.Action.VIEW,
                object_type=object_type,
                object_id=row.pk,
                child_id=row.child_id,
                path=request.path[:500],
                ip=client_ip(request),
                status=200,
            )
            for row in rows
        ]
    )


def access_log_client_record(
    request,
    *,
    api_client_id: int,
    action: str,
    object_type: str,
    object_id: int | None = None,
    child_id: int | None = None,
    status: int = 200,
) -> AccessLogEntry:
    """access_log_record for a request made with an API key (api/): the client is the actor
    (``api_client_id``, no user). A refusal that names an object without its child (a 404 for
    another municipality's case) looks the child up as the page's middleware does."""
    object_id = _bigint_or_none(object_id)
    if child_id is None and action == AccessLogEntry.Action.DENIED:
        child_id = _child_of(object_type, object_id)
    row = AccessLogEntry.objects.create(
        user=None,
        api_client_id=api_client_id,
        role="api",
        action=action,
        object_type=object_type,
        object_id=object_id,
        child_id=_bigint_or_none(child_id),
        path=request.path[:500],
        ip=client_ip(request),
        status=status,
    )
    access_log_mark(request)
    return row


def access_log_client_views_record(request, rows, *, api_client_id: int, object_type: str):
    """access_log_views_record for an API client: one VIEW row per object listed (each with
    ``pk`` and ``child_id``), in one INSERT of two arrays (a page of 100 cases through
    bulk_create spent a third of the request building 100 rows in Python)."""
    access_log_mark(request)
    rows = list(rows)
    if not rows:
        return
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, api_client_id, role, action, object_type,"  # noqa: S608
            " object_id, child_id, path, ip, status)"
            " SELECT NULL, %s, 'api', %s, %s, o, c, %s, %s::inet, 200"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS t(o, c)",
            [
                api_client_id,
                AccessLogEntry.Action.VIEW.value,
                str(object_type),
                request.path[:500],
                client_ip(request),
                [row.pk for row in rows],
                [row.child_id for row in rows],
            ],
        )


def access_log_view(request, obj) -> AccessLogEntry:
    """Record that a Child, Guardian or Referral was shown (its model name is the object
    type; a guardian and a case are logged under their child too)."""
    object_type = obj._meta.model_name
    return access_log_record(
        request,
        action=AccessLogEntry.Action.VIEW,
        object_type=AccessLogEntry.ObjectType(object_type),
        object_id=obj.pk,
        child_id=obj.pk if object_type == "child" else obj.child_id,
    )


# --- which URLs are watched: derived from the URL patterns -----------------------------------

Obj = AccessLogEntry.ObjectType

# The apps whose pages name a child (DESIGN.md: teams holds no child's identity; the admin is
# configuration). Every URL of these apps is classified below, or `manage.py check` fails.
CHILD_DATA_APPS = {"referrals", "decisions", "documents"}

# The literal path segment before an object id says what the id names: /saker/<pk>/… is a
# case, /saker/<pk>/samtykke/<consent_pk>/… a consent of that case.
ID_SEGMENTS = {
    "barn": Obj.CHILD,
    "saker": Obj.REFERRAL,
    "foresatte": Obj.GUARDIAN,
    "samtykke": Obj.CONSENT,
    "vedlegg": Obj.ATTACHMENT,
    "drofting": Obj.CONSULTATION,
    "vedtak": Obj.DECISION,
    "klager": Obj.APPEAL,
    "flagg": Obj.FLAG,
    "varsler": Obj.NOTIFICATION,
    "mote": Obj.MEETING,  # the meeting's named consultations
    "bruker": Obj.ACCESS_LOG,  # /tilgangslogg/bruker/<pk>/
    "dokumenter": Obj.DOCUMENT,  # documents: /dokumenter/<pk>/… a letter or an incoming document
    "forsendelser": Obj.SHIPMENT,  # documents: /forsendelser/<pk>/… one letter to one recipient
    "brevbunker": Obj.BATCH,  # documents: /brevbunker/<pk>/ letters made for many cases
    "elever": Obj.CHILD,  # referrals: /elever/<pk>/… a pupil (issue 19)
    "henvisninger": Obj.REFERRAL,  # referrals: /henvisninger/<pk>/… a unit's own referral
    "iop": Obj.IOP,  # decisions: /iop/<pk>/… an individuell opplæringsplan
    "evalueringer": Obj.EVALUATION,  # decisions: /evalueringer/<pk>/… an årleg evaluering
}
# Pages without an id, by their first segment: lists of children's cases, flags, notices and
# the access log. A 403 on one is logged (a 404 there names nothing: a page number too far).
LIST_SEGMENTS = {
    "saker": Obj.REFERRAL,
    "min-enhet": Obj.REFERRAL,
    "mine-vedtak": Obj.DECISION,  # decisions: the vedtak a spesialpedagog or styrer gives help under
    "barn": Obj.CHILD,
    "arbeidsliste": Obj.FLAG,
    "varsler": Obj.NOTIFICATION,
    "tilgangslogg": Obj.ACCESS_LOG,
    "dokumenter": Obj.DOCUMENT,
    "forsendelser": Obj.SHIPMENT,
    "brevbunker": Obj.BATCH,
    "elever": Obj.CHILD,  # a school's pupils by class
    "iop": Obj.IOP,  # a school's IOPs
    "evalueringer": Obj.EVALUATION,
    "henvisninger": Obj.REFERRAL,  # a unit's own referrals (drafts and sent)
}
# Pages of those apps that show no child at all: the director's aggregates.
NO_CHILD_SEGMENTS = {"oversikt"}

_ID_KWARG = re.compile(r"<int:(\w+)>")


@dataclass(frozen=True)
class Watch:
    """What a URL names: the row's object type and the (type, kwarg) of each id in the path,
    outermost first (the innermost is the row's object; the child is looked up from the
    innermost that leads to one)."""

    object_type: str | None
    ids: tuple[tuple[str | None, str], ...] = ()


@functools.lru_cache(maxsize=512)
def watch_for(route: str, app_name: str | None) -> Watch | None:
    """The Watch of a URL pattern (ResolverMatch.route and its app), None for the URLs that
    name no child's data. An unknown segment gives a Watch with a None type: check_urls_watched
    turns that into an error."""
    if app_name not in CHILD_DATA_APPS:
        return None
    parts = [p for p in route.split("/") if p]
    ids, previous = [], None
    for part in parts:
        match = _ID_KWARG.fullmatch(part)
        if match:
            ids.append((ID_SEGMENTS.get(previous), match.group(1)))
        previous = part
    first = parts[0] if parts else ""
    if ids:
        object_type = Obj.ACCESS_LOG if first == "tilgangslogg" else ids[-1][0]
        return Watch(object_type, tuple(ids))
    if first in NO_CHILD_SEGMENTS:
        return None
    return Watch(LIST_SEGMENTS.get(first))


def url_patterns(resolver=None, prefix: str = "", app_name: str | None = None):
    """(route, app name, URL name) of every URL pattern, as ResolverMatch would give them."""
    from django.urls import URLResolver, get_resolver

    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route, pattern.app_name or app_name)
        else:
            yield route, app_name, pattern.name


def unwatched_urls() -> list[str]:
    """The URLs of the child-data apps whose ids or page this module cannot name."""
    missing = []
    for route, app_name, name in url_patterns():
        watch = watch_for(route, app_name)  # None outside CHILD_DATA_APPS
        if watch is not None and (None in (watch.object_type, *(k for k, _kw in watch.ids))):
            missing.append(f"{app_name}:{name} ({route})")
    return missing


@checks.register(checks.Tags.urls)
def check_urls_watched(app_configs, **kwargs):
    """A new URL of referrals or decisions must say what it names (ID_SEGMENTS, LIST_SEGMENTS
    or NO_CHILD_SEGMENTS), so that its refusals and views are logged."""
    return [
        checks.Error(
            f"The access log cannot tell what {url} names: add its segment to "
            "referrals.access_log.ID_SEGMENTS, LIST_SEGMENTS or NO_CHILD_SEGMENTS.",
            id="referrals.E002",
        )
        for url in unwatched_urls()
    ]


# --- from an object to its child ---------------------------------------------------------------

# Object type -> (model label, the path from it to its child's id). decisions fills in its own
# objects in DecisionsConfig.ready (referrals never imports decisions).
CHILD_LOOKUPS: dict[str, tuple[str, str]] = {
    Obj.REFERRAL: ("referrals.Referral", "child_id"),
    Obj.GUARDIAN: ("referrals.Guardian", "child_id"),
    Obj.ATTACHMENT: ("referrals.Attachment", "referral__child_id"),
    Obj.CONSULTATION: ("referrals.NamedConsultation", "child_id"),
}


def register_child_lookup(object_type: str, model_label: str, child_path: str) -> None:
    CHILD_LOOKUPS[object_type] = (model_label, child_path)


def _child_of(object_type: str, object_id: int | None) -> int | None:
    """The child an object belongs to (one unscoped query: the log is read by the
    municipality's admin only); None when the object does not exist or names no child."""
    if object_id is None:
        return None
    if object_type == Obj.CHILD:
        return object_id
    if object_type not in CHILD_LOOKUPS:
        return None  # a consent (of a case or of a named discussion), a notice, a meeting
    label, field = CHILD_LOOKUPS[object_type]
    model = apps.get_model(label)
    return model.objects.filter(pk=object_id).values_list(field, flat=True).first()


def _watched_object(watch: Watch, kwargs: dict) -> tuple[int | None, int | None]:
    """(object id, child id) of a request to a watched URL: the innermost id is the object;
    the child comes from the innermost id that leads to one (a consent's from its case)."""
    values = [(kind, _bigint_or_none(kwargs.get(kwarg))) for kind, kwarg in watch.ids]
    object_id = values[-1][1] if values else None
    for kind, value in reversed(values):
        child_id = _child_of(kind, value)
        if child_id is not None:
            return object_id, child_id
    return object_id, None


# Statuses of a page that shows its object: a page, or a form shown again with its errors.
SHOWN_STATUSES = {200, 400, 409, 422}


class AccessLogDeniedMiddleware:
    """Completes the log for every URL that names a child's data (watch_for):

    - each 403/404 on a URL with an id (a 403 on a list) is one "denied" row, whatever view
      or decorator refused it;
    - a page of such a URL that the view did not log itself (a form shown again after a
      POST with errors, a partial) is one "view" row, so no page shows a child unaccounted.

    Goes after AuthenticationMiddleware (it needs request.user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None:
            return response
        watch = watch_for(match.route, match.app_names[0] if match.app_names else None)
        if watch is None or watch.object_type is None:
            return response
        status = response.status_code
        if status in (403, 404) and (watch.ids or status == 403):
            action = AccessLogEntry.Action.DENIED
        elif status in SHOWN_STATUSES and watch.ids and not getattr(request, "_access_logged", 0):
            action = AccessLogEntry.Action.VIEW
        else:
            return response
        object_id, child_id = _watched_object(watch, match.kwargs)
        access_log_record(
            request,
            action=action,
            object_type=watch.object_type,
            object_id=object_id,
            child_id=child_id,
            status=status,
        )
        return response


# --- guard ---------------------------------------------------------------------------------------


@checks.register()
def check_requests_not_atomic(app_configs, **kwargs):
    """With ATOMIC_REQUESTS on, a view that fails would roll its access-log row back too."""
    return [
        checks.Error(
            "ATOMIC_REQUESTS must be off: the access log is written in the request's "
            "connection and would be rolled back with a failing view.",
            id="referrals.E001",
        )
        for alias, db in settings.DATABASES.items()
        if db.get("ATOMIC_REQUESTS")
    ]
