"""Which municipalities and units a user may see: the one place that turns roles into scope.

Every view that lists or opens an organisational object starts here; referrals/scoping.py
builds children and cases on top of it. A user without roles (or not logged in, or
deactivated) sees nothing. A person may hold several roles: the scope is their union.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, QuerySet

from teams.models import Municipality, PPTOffice, Role, Unit


def user_roles(user) -> list[Role]:
    """The user's roles, read once per request (cached on the user) in one query.

    What scope needs of the areas, units and PPT office attached to a role comes as arrays of
    ids on each role (``area_ids``, ``area_municipality_ids``, ``unit_ids``,
    ``unit_municipality_ids``, ``office_municipality_ids``): every page asks this first, and
    reading those rows as model instances (three more queries) cost 5 ms a request (bench/).
    Pages that show the names read them with roles_with_details."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_rimelig_roles", None)
    if cached is None:
        areas = Role.areas.through.objects.filter(role_id=OuterRef("pk"))
        units = Role.units.through.objects.filter(role_id=OuterRef("pk"))
        offices = PPTOffice.municipalities.through.objects.filter(
            pptoffice_id=OuterRef("ppt_office_id")
        )
        cached = list(
            Role.objects.filter(user=user).annotate(
                area_ids=ArraySubquery(areas.values("area_id")),
                area_municipality_ids=ArraySubquery(areas.values("area__municipality_id")),
                unit_ids=ArraySubquery(units.values("unit_id")),
                unit_municipality_ids=ArraySubquery(units.values("unit__municipality_id")),
                office_municipality_ids=ArraySubquery(offices.values("municipality_id")),
            )
        )
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
    if kind == Role.Kind.UNIT_HEAD:
        return Q(pk__in=role.unit_ids)
    if kind == Role.Kind.OFFICE and role.unit_kind:
        return Q(municipality_id=role.municipality_id, kind=role.unit_kind)
    if kind in Role.MUNICIPALITY_ROLES:
        return Q(municipality_id=role.municipality_id)
    return None


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


def visible_municipalities(user, *, roles: tuple[str, ...] | None = None) -> QuerySet[Municipality]:
    """Municipalities the user works for: their own, or those their PPT office serves."""
    ids: set[int] = set()
    for role in user_roles(user):
        if roles is not None and role.kind not in roles:
            continue
        if role.kind == Role.Kind.ADVISOR:
            if role.area_ids:
                ids.update(role.area_municipality_ids)
            else:
                ids.update(role.office_municipality_ids)
        elif role.kind == Role.Kind.PPT_LEADER:
            ids.update(role.office_municipality_ids)
        elif role.kind == Role.Kind.UNIT_HEAD:
            ids.update(role.unit_municipality_ids)
        elif role.municipality_id:
            ids.add(role.municipality_id)
    if not ids:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=ids)
