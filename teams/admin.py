"""The admin, one municipality at a time.

A municipality's system administrator (the ADMIN role, with is_staff to reach /admin/) manages
its own municipality's configuration: users and their roles, areas, units, deadline rules and
services. The platform operator (teams.scoping.is_platform_operator) creates municipalities,
PPT offices and each municipality's first system administrator, and nothing else. Neither is
given anything by Django's own permissions or by is_superuser: every ModelAdmin here says what
each of them may do (TenantAdmin), and no model that names a child is registered at all.
"""

from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedModelForm, NameField, limit_fields
from teams.models import Area, Municipality, PPTOffice, Role, SchoolClass, TaskRun, Unit, User
from teams.scoping import (
    administered_municipalities,
    is_platform_operator,
    manageable_users,
    role_municipality_ids,
)

ALL = frozenset({"view", "add", "change", "delete"})
READ = frozenset({"view"})

# Roles, not Django's groups and permissions, decide who may do what (TenantAdmin).
admin.site.unregister(Group)


class TenantAdmin(admin.ModelAdmin):
    """A ModelAdmin scoped to the municipalities the user administers.

    ``municipality_path`` leads from the model to its Municipality; ``tenant_actions`` are what
    a municipality's system administrator may do with its own objects, ``operator_actions``
    what the platform operator may do with all of them. Objects of another municipality are
    outside the queryset: their URLs answer 404, and they are no choice in any form."""

    municipality_path: str | None = "municipality"
    tenant_actions: frozenset = ALL
    operator_actions: frozenset = frozenset()

    # --- input (issue 16: names cannot be spoofed, no control characters, bounded lengths) ---

    NAME_FIELDS = frozenset({"name", "full_name"})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.NAME_FIELDS and isinstance(db_field, models.CharField):
            kwargs["form_class"] = NameField
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            limit_fields({db_field.name: field})
        return field

    # --- scope ---

    def scope(self, qs, request):
        """The municipality administrator's part of qs."""
        if self.municipality_path is None:
            return qs.none()
        municipalities = administered_municipalities(request.user)
        return qs.filter(**{f"{self.municipality_path}__in": municipalities})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.operator_actions and is_platform_operator(request.user):
            return qs
        return self.scope(qs, request)

    def get_list_display(self, request):
        # Readable at 1280 px: a municipality's administrator sees only their own
        # municipality, so its column would say the same on every row.
        columns = super().get_list_display(request)
        if "municipality" in columns and not self._sees_several_municipalities(request):
            return [c for c in columns if c != "municipality"]
        return columns

    def _sees_several_municipalities(self, request) -> bool:
        user = request.user
        return is_platform_operator(user) or administered_municipalities(user).count() > 1

    def choices(self, request):
        """What a form elsewhere in the admin may point at (a foreign key to this model)."""
        return self.get_queryset(request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index for an object outside the queryset; another
        # municipality's object is a 404 here as everywhere else in Rimelig (no existence leak).
        raise Http404

    # --- permissions: roles, not Django's permissions ---

    def _may(self, request, action: str, obj=None) -> bool:
        user = request.user
        if action in self.operator_actions and is_platform_operator(user):
            return True
        if action in self.tenant_actions and administered_municipalities(user).exists():
            return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        return False

    def has_module_permission(self, request):
        return any(self._may(request, action) for action in ALL)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    def has_add_permission(self, request):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete", obj)

    # --- choices in forms: only what the user may see ---

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", related_choices(self.admin_site, db_field, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", related_choices(self.admin_site, db_field, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def related_choices(site, db_field, request):
    """The objects a foreign key or many-to-many field may point at: what the related model's
    admin lets this user see, nothing for a model without one."""
    related = site._registry.get(db_field.related_model)
    if isinstance(related, TenantAdmin):
        return related.choices(request)
    return db_field.related_model._default_manager.none()


def _related_only(field: str):
    # A filter that lists only the values in the user's own rows, not every municipality's.
    return (field, admin.RelatedOnlyFieldListFilter)


@admin.register(Municipality)
class MunicipalityAdmin(TenantAdmin):
    """Created by the platform operator; a municipality's administrator sees its own and sets
    its own delegation of school vedtak to the rektor (opplæringslova ch. 11: "kommunen"
    decides; issue 19), not its name or number."""

    municipality_path = "pk"
    tenant_actions = frozenset({"view", "change"})
    operator_actions = frozenset({"view", "add", "change"})
    list_display = ["name", "number", "school_decisions_by_rektor"]
    list_filter = ["school_decisions_by_rektor"]
    search_fields = ["name", "number"]
    fields = ["name", "number", "school_decisions_by_rektor"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not is_platform_operator(request.user):
            return ["name", "number"]
        return []


@admin.register(Area)
class AreaAdmin(TenantAdmin):
    list_display = ["name", "municipality"]
    list_filter = [_related_only("municipality")]
    search_fields = ["name"]


class SchoolClassForm(LimitedModelForm):
    class Meta:
        model = SchoolClass
        fields = ["unit", "trinn", "name"]


class SchoolClassInline(admin.TabularInline):
    """A school's classes on its own page (a kindergarten has none: SchoolClass.clean)."""

    model = SchoolClass
    form = SchoolClassForm
    fields = ["trinn", "name"]
    extra = 0

    # The unit's page decides who may open it (UnitAdmin); on it, its classes are its admin's.
    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True


@admin.register(Unit)
class UnitAdmin(TenantAdmin):
    def get_inlines(self, request, obj):
        # Classes belong to schools only; a new unit gets them once it is saved as a school.
        return [SchoolClassInline] if obj is not None and obj.kind == Unit.Kind.SCHOOL else []

    list_display = ["name", "kind", "ownership", "org_nr", "municipality", "area"]
    list_filter = ["kind", "ownership", _related_only("municipality"), _related_only("area")]
    search_fields = ["name", "org_number"]
    list_select_related = ["municipality", "area"]

    @admin.display(description=_("org.nr."), ordering="org_number")
    def org_nr(self, unit) -> str:
        return unit.org_number  # a shorter heading: the list fits 1280 px


@admin.register(SchoolClass)
class SchoolClassAdmin(TenantAdmin):
    """Classes (klasser) of the municipality's schools: a pupil belongs to one, a
    kontaktlærer/spesialpedagog teaches some (Role.classes)."""

    municipality_path = "unit__municipality"
    form = SchoolClassForm
    list_display = ["name", "trinn", "unit"]
    list_filter = ["trinn", _related_only("unit")]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # a school of the administrator's municipality
            units = related_choices(self.admin_site, db_field, request)
            kwargs["queryset"] = units.filter(kind=Unit.Kind.SCHOOL)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def choices(self, request):
        return self.get_queryset(request).select_related("unit")


@admin.register(PPTOffice)
class PPTOfficeAdmin(TenantAdmin):
    """An office may serve several municipalities, so only the platform operator changes it;
    a municipality's administrator may attach its advisors to an office serving it."""

    municipality_path = None
    tenant_actions = frozenset()
    operator_actions = frozenset({"view", "add", "change"})
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]

    def choices(self, request):
        qs = PPTOffice.objects.all()
        if is_platform_operator(request.user):
            return qs
        municipalities = administered_municipalities(request.user)
        return qs.filter(municipalities__in=municipalities).distinct()


# --- users and roles ---------------------------------------------------------------------------


def _role_reach(data: dict) -> set[int]:
    """The municipalities a role with this form's data would reach (teams.scoping's rule)."""
    office = data.get("ppt_office")
    municipality = data.get("municipality")
    areas = list(data.get("areas") or [])
    units = list(data.get("units") or [])
    return role_municipality_ids(
        SimpleNamespace(
            kind=data.get("kind"),
            municipality_id=municipality.pk if municipality else None,
            area_ids=[a.pk for a in areas],
            area_municipality_ids=[a.municipality_id for a in areas],
            unit_municipality_ids=[u.municipality_id for u in units],
            office_municipality_ids=list(office.municipalities.values_list("pk", flat=True))
            if office
            else [],
        )
    )


class RoleAdminForm(LimitedModelForm):
    """A role may be given only inside the giver's own municipality: a role that would reach
    another municipality (a PP-leder of an office that serves two; an advisor of such an
    office without areas of one's own municipality) is refused. The platform operator gives
    only the system administrator's role. The request's user is set by role_form_for."""

    user_of_request = None

    class Meta:
        model = Role
        fields = [
            "user",
            "kind",
            "ppt_office",
            "municipality",
            "areas",
            "units",
            "classes",
            "unit_kind",
        ]

    def clean(self):
        data = super().clean()
        # Role.clean checks the teacher's schools and classes (saved after it runs): these.
        self.instance.pending_units = list(data.get("units") or [])
        self.instance.pending_classes = list(data.get("classes") or [])
        user = self.user_of_request
        kind = data.get("kind")
        holder = data.get("user") or getattr(self.instance, "user", None)
        if kind and kind != Role.Kind.ADMIN and holder is not None and holder.pk == user.pk:
            # Administering roles is not a way into children's cases: someone else gives the
            # administrator a role that sees children, and the admin's history shows who.
            raise forms.ValidationError(_("Du kan ikke gi deg selv denne rollen."))
        if kind == Role.Kind.ADMIN and is_platform_operator(user):
            return data
        allowed = set(administered_municipalities(user).values_list("pk", flat=True))
        reach = _role_reach(data)
        if kind and (not reach or not reach <= allowed):
            raise forms.ValidationError(
                _(
                    "Rollen ville gitt tilgang utenfor kommunen din. Velg enheter eller "
                    "områder i din kommune, eller be plattformdriften om hjelp."
                )
            )
        return data


def role_form_for(request):
    return type("RoleAdminForm", (RoleAdminForm,), {"user_of_request": request.user})


def _role_kind_choices(request, choices):
    """The kinds this user may give: a municipality's administrator every kind but the
    platform operator's, the platform operator the system administrator's."""
    allowed = set()
    if administered_municipalities(request.user).exists():
        allowed |= {k for k in Role.Kind.values if k != Role.Kind.PLATFORM}
    if is_platform_operator(request.user):
        allowed.add(Role.Kind.ADMIN)
    return [(value, label) for value, label in choices if value in allowed or value == ""]


class RoleInline(admin.StackedInline):
    model = Role
    extra = 0
    filter_horizontal = ["areas", "units", "classes"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = role_form_for(request)
        kwargs["validate_min"] = True  # get_min_num: a municipality's user has a role
        return super().get_formset(request, obj, **kwargs)

    def get_min_num(self, request, obj=None, **kwargs):
        # A user without roles is no municipality's: the one who added them could not open
        # them again. The administrator gives the first role as they create the user.
        return 0 if is_platform_operator(request.user) else 1

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "kind":
            field.choices = _role_kind_choices(request, field.choices)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", related_choices(self.admin_site, db_field, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", related_choices(self.admin_site, db_field, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # The user's page decides who may open it (UserAdmin); on it, the roles are theirs to edit.
    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True


@admin.register(User)
class UserAdmin(TenantAdmin, DjangoUserAdmin):
    """A municipality's administrator: the users whose every role is in its municipality
    (teams.scoping.manageable_users). The platform operator: users without roles and the
    system administrators it creates. No one here makes a superuser; deleting is deactivating
    (the access log names users)."""

    tenant_actions = frozenset({"view", "add", "change"})
    operator_actions = frozenset({"view", "add", "change"})
    ordering = ["full_name"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "roles__kind"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Tilgang"), {"fields": ("is_active", "is_staff")}),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = []
    inlines = [RoleInline]

    def get_queryset(self, request):
        qs = super(TenantAdmin, self).get_queryset(request)
        user = request.user
        visible = qs.filter(pk__in=manageable_users(user).values("pk"))
        if is_platform_operator(user):
            # Users without roles, and the system administrators: those whose every role is
            # the administrator's (never a superuser or another platform operator).
            others = Role.objects.exclude(kind=Role.Kind.ADMIN).values("user")
            visible |= qs.filter(is_superuser=False).exclude(pk__in=others)
        return visible


@admin.register(Role)
class RoleAdmin(TenantAdmin):
    tenant_actions = ALL
    operator_actions = ALL
    list_display = ["user", "kind", "ppt_office", "municipality", "unit_type"]
    list_filter = ["kind", _related_only("municipality"), _related_only("ppt_office")]
    search_fields = ["user__email", "user__full_name"]
    filter_horizontal = ["areas", "units", "classes"]
    list_select_related = ["user", "ppt_office", "municipality"]

    @admin.display(description=_("enhetstype"), ordering="unit_kind")
    def unit_type(self, role) -> str:
        return role.get_unit_kind_display()  # a shorter heading: the list fits 1280 px

    def get_queryset(self, request):
        users = self.admin_site._registry[User].get_queryset(request)
        return super(TenantAdmin, self).get_queryset(request).filter(user__in=users.values("pk"))

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = role_form_for(request)
        return super().get_form(request, obj, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "kind":
            field.choices = _role_kind_choices(request, field.choices)
        return field


@admin.register(TaskRun)
class TaskRunAdmin(TenantAdmin):
    """The background jobs' runs: for the operations team."""

    municipality_path = None
    tenant_actions = frozenset()
    operator_actions = READ
    list_display = ["name", "finished_at", "hostname", "detail"]
    list_filter = ["name"]


# --- ressursteam and the services overview (teams.ressursteam_models) -------------------------

from teams.ressursteam_models import Service, SystemWork, TeamMember  # noqa: E402


@admin.register(Service)
class ServiceAdmin(TenantAdmin):
    """The tjenesteoversikt is kept by the municipality's admin here; every logged-in user
    reads it at /tjenester/."""

    list_display = ["name", "municipality", "age_group"]
    list_filter = [_related_only("municipality"), "age_group"]
    search_fields = ["name", "offers", "contact"]
    list_select_related = ["municipality"]


@admin.register(TeamMember)
class TeamMemberAdmin(TenantAdmin):
    municipality_path = "unit__municipality"
    list_display = ["name", "service", "unit", "user", "active"]
    list_filter = ["service", "active"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit", "user"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit"]


@admin.register(SystemWork)
class SystemWorkAdmin(TenantAdmin):
    """The advisors' record of their system work: theirs to write (/mitt-arbeid/), the
    municipality's administrator only reads it here."""

    municipality_path = "unit__municipality"
    tenant_actions = READ
    list_display = ["worked_on", "unit", "advisor", "topic", "hours"]
    list_filter = ["topic"]
    list_select_related = ["unit", "advisor"]
    raw_id_fields = ["unit", "advisor"]
