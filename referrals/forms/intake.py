"""The PP-leder's intake list: assign a received case to an advisor of the office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect, LimitedForm
from referrals.forms.case import AdvisorNameChoiceField
from teams.models import Role, User


def office_advisors(ppt_office_ids: list[int]):
    """The active PP-rådgivere of the PP-leder's own office(s), by name."""
    return (
        User.objects.filter(
            is_active=True,
            roles__kind=Role.Kind.ADVISOR,
            roles__ppt_office_id__in=ppt_office_ids,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


class IntakeAssignForm(LimitedForm):
    advisor = AdvisorNameChoiceField(
        label=_("PP-rådgiver"),
        queryset=User.objects.none(),
        empty_label=_("Velg rådgiver"),
        widget=FastSelect,
        error_messages={"invalid_choice": _("Velg en rådgiver ved kontoret.")},
    )
    # The case as the PP-leder saw it: another assignment meanwhile is refused
    # (referrals.services.referral_assign).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # The row's one-time token (core.views.with_once adds none to a form with a version): a
    # double click assigns once and shows what the first click did.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, ppt_office_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = office_advisors(ppt_office_ids)
