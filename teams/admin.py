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
