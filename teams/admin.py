from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from teams.models import Area, Municipality, PPTOffice, Role, TaskRun, Unit, User


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "number"]
    search_fields = ["name", "number"]
    inlines = [AreaInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ownership", "org_number", "municipality", "area"]
    list_filter = ["kind", "ownership", "municipality", "area"]
    search_fields = ["name", "org_number"]
    list_select_related = ["municipality", "area"]


@admin.register(PPTOffice)
class PPTOfficeAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


class RoleInline(admin.StackedInline):
    model = Role
    extra = 0
    filter_horizontal = ["areas", "units"]
    autocomplete_fields = ["ppt_office", "municipality"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "roles__kind"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Tilgang"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "ppt_office", "municipality", "unit_kind"]
    list_filter = ["kind", "municipality", "ppt_office"]
    search_fields = ["user__email", "user__full_name"]
    filter_horizontal = ["areas", "units"]
    list_select_related = ["user", "ppt_office", "municipality"]


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ["name", "finished_at", "hostname", "detail"]
    list_filter = ["name"]


# --- ressursteam and the services overview (teams.ressursteam_models) -------------------------

from teams.ressursteam_models import Service, SystemWork, TeamMember  # noqa: E402


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """The tjenesteoversikt is kept by the municipality's admin here; every logged-in user
    reads it at /tjenester/."""

    list_display = ["name", "municipality", "age_group"]
    list_filter = ["municipality", "age_group"]
    search_fields = ["name", "offers", "contact"]
    list_select_related = ["municipality"]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "unit", "user", "active"]
    list_filter = ["service", "active", "unit__municipality"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit", "user"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit"]


@admin.register(SystemWork)
class SystemWorkAdmin(admin.ModelAdmin):
    list_display = ["worked_on", "unit", "advisor", "topic", "hours"]
    list_filter = ["topic", "unit__municipality"]
    list_select_related = ["unit", "advisor"]
    raw_id_fields = ["unit", "advisor"]
