from django.contrib import admin

from decisions.models import DeadlinePolicy
from teams.models import Role
from teams.scoping import visible_municipalities


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """Each municipality's deadline rules, with their legal reference as text. A systemansvarlig
    edits only their own municipality's; changes apply as each case next changes."""

    list_display = [
        "municipality",
        "kind",
        "months",
        "days",
        "warning_days",
        "active",
        "legal_reference",
    ]
    list_editable = ["months", "days", "warning_days", "active"]
    list_filter = ["municipality", "kind", "active"]
    search_fields = ["legal_reference"]
    ordering = ["municipality__name", "kind"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("municipality")
        if request.user.is_superuser:
            return qs
        return qs.filter(
            municipality__in=visible_municipalities(request.user, roles=(Role.Kind.ADMIN,))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = visible_municipalities(request.user, roles=(Role.Kind.ADMIN,))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
