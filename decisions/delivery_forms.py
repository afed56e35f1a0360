"""The forms of help delivered (decisions/delivery.py): they only validate; the views pass
their values to the services, which check the week against the vedtak."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import HoursField, LimitedForm, NameField, VersionedModelForm
from decisions.delivery_models import DeliveryWeek, Makeup
from referrals.models import Assessment

_WEEK_FIELDS = [
    "hours_given",
    "given_by",
    "competence",
    "hours_missed",
    "missed_reason",
    "missed_note",
]


def _date(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class DeliveryWeekForm(VersionedModelForm):
    """A week of help: a new week (with its week) or a correction of a registered one."""

    week_start = _date(
        _("Uke"),
        initial=timezone.localdate,
        help_text=_("En dag i uken; uken regnes fra mandag. Denne eller en tidligere uke."),
    )
    hours_given = HoursField(label=_("Timer gitt"))
    hours_missed = HoursField(label=_("Timer som falt bort"), required=False)
    given_by = NameField(label=_("Gitt av"), max_length=150)
    competence = forms.ChoiceField(
        label=_("Kompetanse"), choices=[("", "–"), *Assessment.Competence.choices], required=False
    )
    missed_reason = forms.ChoiceField(
        label=_("Hvorfor timene falt bort"),
        choices=[("", "–"), *DeliveryWeek.MissedReason.choices],
        required=False,
        help_text=_(
            "Timer som faller bort av andre grunner enn barnets fravær, blir skyldige timer; "
            "barnehagekontoret vurderer etterlevering."
        ),
    )

    field_order = ["week_start", *_WEEK_FIELDS]

    class Meta:
        model = DeliveryWeek
        fields = _WEEK_FIELDS
        labels = {"missed_note": _("Merknad")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["week_start"]  # a registered week stays its week

    def values(self) -> dict:
        values = super().values()
        values["hours_missed"] = values.get("hours_missed") or 0
        if "week_start" in self.fields:
            values["week_start"] = self.cleaned_data["week_start"]
        return values


class MakeupForm(LimitedForm):
    """The office's etterlevering of owed hours: made up (when, by whom) or not (why)."""

    kind = forms.ChoiceField(
        label=_("Etterlevering"), choices=Makeup.Kind.choices, widget=forms.RadioSelect
    )
    hours = HoursField(label=_("Timer"))
    from_on = _date(_("Gitt fra"), required=False)
    until_on = _date(_("Gitt til"), required=False)
    given_by = NameField(label=_("Gitt av"), max_length=150, required=False)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Påkrevd når timene ikke etterleveres: vurder barnets beste og foreldrenes syn "
            "(Sivilombudet 2019/20)."
        ),
    )
