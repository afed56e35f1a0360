from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from decisions.models import DeadlinePolicy
from teams.admin import TenantAdmin


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(TenantAdmin):
    """Each municipality's deadline rules (Fristregler), with their legal reference as text. A
    systemansvarlig sees and edits only their own municipality's (TenantAdmin); changes apply
    as each case next changes."""

    # Readable at 1280 px: the legal reference is cut short (the whole text is on the rule's
    # page), and the municipality column shows only for someone who sees several (TenantAdmin).
    list_display = ["municipality", "kind", "months", "days", "warning_days", "active", "reference"]
    list_editable = ["months", "days", "warning_days", "active"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "kind", "active"]
    search_fields = ["legal_reference"]
    search_help_text = _("Søk i hjemmel/kilde.")
    ordering = ["municipality__name", "kind"]
    list_select_related = ["municipality"]

    @admin.display(description=_("hjemmel/kilde"), ordering="legal_reference")
    def reference(self, policy) -> str:
        return Truncator(policy.legal_reference).chars(60)
