"""Which municipalities and units a user may see: the one place that turns roles into scope.

Every view that lists or opens an organisational object starts here; referrals/scoping.py
builds children and cases on top of it. A user without roles (or not logged in, or
deactivated) sees nothing. A person may hold several roles: the scope is their union.
"""

from django.db.models import Q, QuerySet

from teams.models import Municipality, Role, Unit


def user_roles(user) -> list[Role]:
    """The user's roles with what they attach to, read once per request (cached on the user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_rimelig_roles", None)
    if cached is None:
        cached = list(
            Role.objects.filter(user=user)
            .select_related("ppt_office", "municipality")
            .prefetch_related("areas", "units", "ppt_office__municipalities")
        )
        user._rimelig_roles = cached
    return cached


def role_kinds(user) -> set[str]:
    return {role.kind for role in user_roles(user)}


def has_role(user, *kinds: str) -> bool:
    return bool(role_kinds(user) & set(kinds))


def _unit_q(role: Role) -> Q | None:
    kind = role.kind
    if kind == Role.Kind.ADVISOR:
        municipality_ids = [m.pk for m in role.ppt_office.municipalities.all()]
        q = Q(municipality_id__in=municipality_ids)
        area_ids = [a.pk for a in role.areas.all()]
        return q & Q(area_id__in=area_ids) if area_ids else q
    if kind == Role.Kind.PPT_LEADER:
        # Like an advisor without area limits: every unit of every municipality the office
        # serves (for the dashboard's aggregates; referrals.scoping gives this role no cases).
        return Q(municipality_id__in=[m.pk for m in role.ppt_office.municipalities.all()])
    if kind == Role.Kind.UNIT_HEAD:
        return Q(pk__in=[u.pk for u in role.units.all()])
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
            areas = role.areas.all()
            if areas:
                ids.update(a.municipality_id for a in areas)
            else:
                ids.update(m.pk for m in role.ppt_office.municipalities.all())
        elif role.kind == Role.Kind.PPT_LEADER:
            ids.update(m.pk for m in role.ppt_office.municipalities.all())
        elif role.kind == Role.Kind.UNIT_HEAD:
            ids.update(u.municipality_id for u in role.units.all())
        elif role.municipality_id:
            ids.add(role.municipality_id)
    if not ids:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=ids)
