"""Forms for named consultations and their consent. They only validate; the views hand
``cleaned_data`` to referrals.consultations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, LimitedForm, LimitedModelForm, form_helper
from referrals.forms.registration import GuardianChoiceField
from referrals.models import Guardian, NamedConsultation
from teams.ressursteam_models import Meeting


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.unit.name}, {obj.held_on:%d.%m.%Y}"


class NamedConsultationForm(LimitedModelForm):
    class Meta:
        model = NamedConsultation
        fields = ["meeting", "question", "tried", "advice", "follow_up", "bti_level"]
        labels = {
            "meeting": _("Ressursteammøte"),
            "question": _("Hva er spørsmålet eller bekymringen?"),
            "tried": _("Hva er prøvd, og med hvilken effekt?"),
            "advice": _("Råd som ble gitt"),
            "follow_up": _("Avtalt oppfølging"),
            "bti_level": _("BTI-nivå"),
        }
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "bti_level": forms.RadioSelect,
        }
        field_classes = {"meeting": MeetingChoiceField}

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings.select_related("unit").order_by(
            "-held_on", "-pk"
        )
        self.fields["meeting"].empty_label = _("Velg møte")
        self.helper = form_helper()


class ConsultationConsentForm(LimitedForm):
    guardian = GuardianChoiceField(
        label=_("Foresatt som har samtykket"),
        queryset=Guardian.objects.none(),
        empty_label=_("Velg foresatt"),
    )
    given_on = forms.DateField(label=_("Samtykket er gitt dato"), widget=DATE_WIDGET)

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians
        self.helper = form_helper()


class PickChildForm(LimitedForm):
    barn = forms.ModelChoiceField(
        label=_("Barnet som skal drøftes"), queryset=None, empty_label=_("Velg barn")
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barn"].queryset = children.order_by("last_name", "first_name")
        self.fields["barn"].label_from_instance = lambda c: f"{c.last_name}, {c.first_name}"
        self.helper = form_helper()
