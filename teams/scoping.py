"""Which municipalities and units a user may see: the one place that turns roles into scope.

Every view that lists or opens an organisational object starts here; referrals/scoping.py
builds children and cases on top of it. A user without roles (or not logged in, or
deactivated) sees nothing. A person may hold several roles: the scope is their union.
"""

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from teams.models import Municipality, Role, Unit, User

# Written out rather than built with ArraySubquery: the ORM took 2.2 ms to compile the five
# subqueries and the SQL 0.4 ms to run, on every request (bench/).
_ROLES_SQL = """
SELECT r.*,
  ARRAY(SELECT ra.area_id FROM teams_role_areas ra WHERE ra.role_id = r.id) AS area_ids,
  ARRAY(SELECT a.municipality_id FROM teams_role_areas ra JOIN teams_area a ON a.id = ra.area_id
        WHERE ra.role_id = r.id) AS area_municipality_ids,
  ARRAY(SELECT ru.unit_id FROM teams_role_units ru WHERE ru.role_id = r.id) AS unit_ids,
  ARRAY(SELECT u.municipality_id FROM teams_role_units ru JOIN teams_unit u ON u.id = ru.unit_id
        WHERE ru.role_id = r.id) AS unit_municipality_ids,
  ARRAY(SELECT om.municipality_id FROM teams_pptoffice_municipalities om
        WHERE om.pptoffice_id = r.ppt_office_id) AS office_municipality_ids,
  -- a teacher's classes (issue 19); no subquery runs for any other kind of role
  CASE WHEN r.kind = 'teacher' THEN ARRAY(
    SELECT rc.schoolclass_id FROM teams_role_classes rc WHERE rc.role_id = r.id)
  ELSE ARRAY[]::bigint[] END AS class_ids,
  -- a styrer/rektor heading a school: the rektor's pages (issue 19); only for that role
  CASE WHEN r.kind = 'unit_head' THEN EXISTS (
    SELECT 1 FROM teams_role_units ru JOIN teams_unit u ON u.id = ru.unit_id
    WHERE ru.role_id = r.id AND u.kind = 'school')
  ELSE false END AS heads_school
FROM teams_role r
WHERE r.user_id = %s
ORDER BY r.kind, r.id  -- Role.Meta.ordering for one user
"""


def user_roles(user) -> list[Role]:
    """The user's roles, read once per request (cached on the user) in one query.

    What scope needs of the areas, units and PPT office attached to a role comes as arrays of
    ids on each role (``area_ids``, ``area_municipality_ids``, ``unit_ids``,
    ``unit_municipality_ids``, ``office_municipality_ids``; a teacher's ``class_ids``): every page asks this first, and
    reading those rows as model instances (three more queries) cost 5 ms a request (bench/).
    Pages that show the names read them with roles_with_details."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_rimelig_roles", None)
    if cached is None:
        cached = list(Role.objects.raw(_ROLES_SQL, [user.pk]))
        user._rimelig_roles = cached
    return cached


def roles_with_details(user) -> list[Role]:
    """The user's roles with the office, municipality, areas and units they attach to (names
    and all), for a page that shows them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        Role.objects.filter(user=user)
        .select_related("ppt_office", "municipality")
        .prefetch_related("areas", "units", "ppt_office__municipalities")
    )


def role_kinds(user) -> set[str]:
    return {role.kind for role in user_roles(user)}


def has_role(user, *kinds: str) -> bool:
    return bool(role_kinds(user) & set(kinds))


def _unit_q(role: Role) -> Q | None:
    kind = role.kind
    if kind == Role.Kind.ADVISOR:
        q = Q(municipality_id__in=role.office_municipality_ids)
        return q & Q(area_id__in=role.area_ids) if role.area_ids else q
    if kind == Role.Kind.PPT_LEADER:
        # Like an advisor without area limits: every unit of every municipality the office
        # serves (for the dashboard's aggregates; referrals.scoping gives this role no cases).
        return Q(municipality_id__in=role.office_municipality_ids)
    if kind in (Role.Kind.UNIT_HEAD, Role.Kind.TEACHER):
        # A teacher's school(s): the organisation only; referrals.scoping gives a teacher the
        # pupils of their classes, never every child of the school.
        return Q(pk__in=role.unit_ids)
    if kind == Role.Kind.OFFICE and role.unit_kind:
        return Q(municipality_id=role.municipality_id, kind=role.unit_kind)
    if kind in Role.MUNICIPALITY_ROLES:
        return Q(municipality_id=role.municipality_id)
    return None


def taught_class_ids(user) -> list[int]:
    """The classes the user teaches (kontaktlærer/spesialpedagog at a school, Role TEACHER),
    from the roles read once per request: no query."""
    ids: set[int] = set()
    for role in user_roles(user):
        if role.kind == Role.Kind.TEACHER:
            ids.update(role.class_ids)
    return sorted(ids)


def heads_school(user) -> bool:
    """Whether the user is rektor: the styrer/rektor role (UNIT_HEAD) on a school (no query)."""
    return any(role.kind == Role.Kind.UNIT_HEAD and role.heads_school for role in user_roles(user))


def _union(qs: list[Q | None]) -> Q | None:
    result = None
    for q in qs:
        if q is not None:
            result = q if result is None else result | q
    return result


def visible_units(user, *, roles: tuple[str, ...] | None = None) -> QuerySet[Unit]:
    """Units the user may see, optionally only through some of their roles."""
    q = _union([_unit_q(r) for r in user_roles(user) if roles is None or r.kind in roles])
    if q is None:
        return Unit.objects.none()
    return Unit.objects.filter(q)


def role_municipality_ids(role) -> set[int]:
    """The municipalities one role reaches (a role from user_roles, or anything with the same
    attributes): its own for a municipality role, its units' for a styrer, its areas' for an
    advisor limited to areas, else every municipality its PPT office serves. Nothing for the
    platform operator. manageable_users' SQL says the same; a test holds them together."""
    kind = role.kind
    if kind == Role.Kind.ADVISOR:
        if role.area_ids:
            return set(role.area_municipality_ids)
        return set(role.office_municipality_ids)
    if kind == Role.Kind.PPT_LEADER:
        return set(role.office_municipality_ids)
    if kind in (Role.Kind.UNIT_HEAD, Role.Kind.TEACHER):
        return set(role.unit_municipality_ids)
    if kind in Role.MUNICIPALITY_ROLES and role.municipality_id:
        return {role.municipality_id}
    return set()


def visible_municipalities(user, *, roles: tuple[str, ...] | None = None) -> QuerySet[Municipality]:
    """Municipalities the user works for: their own, or those their PPT office serves."""
    ids: set[int] = set()
    for role in user_roles(user):
        if roles is None or role.kind in roles:
            ids |= role_municipality_ids(role)
    if not ids:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=ids)


# --- the admin: who manages what (teams/admin.py, the access log) ------------------------------


def is_platform_operator(user) -> bool:
    """The platform operator (the PLATFORM role, or a superuser made with createsuperuser for
    the operations team): creates municipalities and their first system administrator in the
    admin. It is nobody special to the scoping above: no unit, case or child anywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or has_role(user, Role.Kind.PLATFORM)


def administered_municipalities(user) -> QuerySet[Municipality]:
    """The municipalities whose configuration and users the user manages: those where they
    hold the system administrator's role (systemansvarlig)."""
    return visible_municipalities(user, roles=(Role.Kind.ADMIN,))


# role_municipality_ids in SQL, one row per role. A role that reaches no municipality (the
# platform operator, a styrer without units) reaches an empty array.
_ROLE_REACH_SQL = """
SELECT r.user_id,
  CASE
    WHEN r.kind = ANY(%s) THEN ARRAY[r.municipality_id]::bigint[]
    WHEN r.kind IN ('unit_head', 'teacher') THEN ARRAY(
      SELECT u.municipality_id FROM teams_role_units ru JOIN teams_unit u ON u.id = ru.unit_id
      WHERE ru.role_id = r.id)::bigint[]
    WHEN r.kind = 'advisor' AND EXISTS (SELECT 1 FROM teams_role_areas ra WHERE ra.role_id = r.id)
    THEN ARRAY(
      SELECT a.municipality_id FROM teams_role_areas ra JOIN teams_area a ON a.id = ra.area_id
      WHERE ra.role_id = r.id)::bigint[]
    WHEN r.kind IN ('advisor', 'ppt_leader') THEN ARRAY(
      SELECT om.municipality_id FROM teams_pptoffice_municipalities om
      WHERE om.pptoffice_id = r.ppt_office_id)::bigint[]
    ELSE ARRAY[]::bigint[]
  END AS reach
FROM teams_role r
"""


def manageable_users(user) -> QuerySet:
    """Users a municipality's system administrator may see and edit in the admin: those with
    at least one role, every role of theirs reaching only municipalities the administrator
    manages. A person who also works for another municipality (an advisor of an interkommunal
    office without area limits) is the platform operator's to change, not either
    municipality's; superusers and platform operators are nobody's."""
    ids = list(administered_municipalities(user).values_list("pk", flat=True))
    if not ids:
        return User.objects.none()
    sql = (
        f"SELECT user_id FROM ({_ROLE_REACH_SQL}) per_role GROUP BY user_id "  # noqa: S608 (a constant)
        "HAVING bool_and(cardinality(reach) > 0 AND reach <@ %s::bigint[])"
    )
    kinds = sorted(Role.MUNICIPALITY_ROLES)
    # Only ids and the role kinds go in, as parameters.
    reach = RawSQL(sql, (kinds, ids))  # noqa: S611
    return User.objects.filter(pk__in=reach, is_superuser=False)
