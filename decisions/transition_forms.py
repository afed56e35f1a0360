"""The move from kindergarten to school (decisions/transition_views.py): the form only
validates; decisions.transition.case_transition_to_school checks everything again under the
case's row lock and puts its refusals at the fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedForm
from decisions import transition
from referrals import case_kinds


class TransitionForm(LimitedForm):
    school = forms.ModelChoiceField(
        label=_("Skolen barnet begynner på"), queryset=None, empty_label="–"
    )
    school_class = forms.ModelChoiceField(
        label=_("Klasse"),
        queryset=None,
        required=False,
        empty_label="–",
        help_text=_("En klasse ved den valgte skolen. Kan stå tom til klassene er satt opp."),
    )
    kind = forms.ChoiceField(
        label=_("Skolesaken gjelder"),
        choices=(),
        initial=case_kinds.CaseKind.OPPL_11_6,
        help_text=_(
            "Opplæringslova § 11-6 krever ny sakkyndig vurdering (§ 11-7). Vedtak om "
            "spesialpedagogisk hjelp i barnehagen følger ikke med over i skolen."
        ),
    )
    on = forms.DateField(
        label=_("Dato for overgangen"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Barnehagesaken avsluttes denne dagen, og skolesaken regnes som mottatt denne dagen."
        ),
    )
    consented = forms.BooleanField(
        label=_("Foreldrene har samtykket til sakkyndig vurdering for skolen"),
        required=False,
        help_text=_(
            "Opplæringslova § 11-7 tredje ledd: samtykket gis på nytt for skolesaken. Uten "
            "samtykke venter skolesaken på det, og fristene begynner ikke å løpe."
        ),
    )
    consent_guardian = forms.ModelChoiceField(
        label=_("Samtykket ble gitt av"), queryset=None, required=False, empty_label="–"
    )
    consent_on = forms.DateField(
        label=_("Samtykket ble gitt"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # The case's version the form was opened on (decisions.transition refuses a stale move).
    case_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, referral, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("case_version", referral.version)
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = transition.school_choices(referral)
        self.fields["school_class"].queryset = transition.class_choices(referral)
        self.fields["kind"].choices = case_kinds.kind_choices_for_unit(case_kinds.UnitKind.SCHOOL)
        self.fields["consent_guardian"].queryset = referral.child.guardians.filter(
            parental_responsibility=True
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consented"):
            if not cleaned.get("consent_guardian") and "consent_guardian" not in self.errors:
                self.add_error("consent_guardian", _("Velg hvem som samtykket."))
            if not cleaned.get("consent_on") and "consent_on" not in self.errors:
                self.add_error("consent_on", _("Oppgi datoen foreldrene samtykket."))
        return cleaned

    def values(self) -> dict:
        """What case_transition_to_school takes (core.views.run_form passes it)."""
        data = self.cleaned_data
        consented = data.get("consented")
        guardian = data.get("consent_guardian") if consented else None
        return {
            "school": data["school"],
            "school_class": data.get("school_class"),
            "kind": data["kind"],
            "on": data["on"],
            "version": data["case_version"],
            "consent_guardian_id": guardian.pk if guardian else None,
            "consent_on": data.get("consent_on") if consented else None,
        }
