from django.contrib import admin

from decisions.models import DeadlinePolicy
from teams.admin import TenantAdmin


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(TenantAdmin):
    """Each municipality's deadline rules (Fristregler), with their legal reference as text. A
    systemansvarlig sees and edits only their own municipality's (TenantAdmin); changes apply
    as each case next changes."""

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
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "kind", "active"]
    search_fields = ["legal_reference"]
    ordering = ["municipality__name", "kind"]
    list_select_related = ["municipality"]
