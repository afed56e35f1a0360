"""The pause reasons in the admin, one municipality at a time (teams.admin.TenantAdmin): the
municipality's system administrator keeps its list; no model that names a child is here. A
change to the kinds a reason stops applies to a case's deadlines when the case next changes
(as for the Fristregler); a reason in use cannot be deleted (Pause.reason is PROTECT): make it
one that cannot be chosen instead."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedModelForm
from referrals.clock import DeadlineKind
from referrals.models import PauseReason
from teams.admin import TenantAdmin


class PauseReasonForm(LimitedModelForm):
    """The kinds as check boxes; the model's clean() refuses a reason about capacity."""

    stops = forms.MultipleChoiceField(
        label=_("Stopper fristene"),
        choices=DeadlineKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PauseReason
        fields = ["municipality", "code", "label", "stops", "legal_basis", "active", "position"]


@admin.register(PauseReason)
class PauseReasonAdmin(TenantAdmin):
    form = PauseReasonForm
    list_display = ["label", "municipality", "code", "kinds", "active"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "active"]
    search_fields = ["label", "code"]
    ordering = ["municipality__name", "position", "label"]
    list_select_related = ["municipality"]

    @admin.display(description=_("stopper"))
    def kinds(self, reason) -> str:
        return ", ".join(reason.stops_labels())
