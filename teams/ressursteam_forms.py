"""Forms for the ressursteam, anonymous consultations, follow-up and system work.

They only validate; the views hand ``cleaned_data`` to teams.ressursteam_services. Every text
field of a meeting, an anonymous consultation and a follow-up goes through the anonymity
check (teams.anonymity): no identity number, no full name from the unit's register.
"""

from decimal import Decimal

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DATE_WIDGET,
    FastSelect,
    HoursField,
    LimitedForm,
    LimitedModelForm,
    NameField,
    VersionedModelForm,
    form_helper,
)
from teams.anonymity import anonymity_errors
from teams.models import Unit
from teams.ressursteam_models import (
    AnonymousConsultation,
    FollowUp,
    Meeting,
    SystemWork,
    TeamMember,
)


class AnonymousTextMixin:
    """Refuses, next to the field, text that would identify a child of ``unit_id``."""

    anonymous_fields: tuple[str, ...] = ()

    def check_anonymity(self, cleaned: dict, unit_id: int | None) -> None:
        values = {name: cleaned.get(name) for name in self.anonymous_fields}
        for name, message in anonymity_errors(values, unit_id=unit_id).items():
            self.add_error(name, message)


class MeetingForm(AnonymousTextMixin, VersionedModelForm):
    """A meeting's date, agenda and minutes; when editing, also the version the form was
    opened at (teams.ressursteam_services.meeting_update checks it)."""

    anonymous_fields = ("agenda", "minutes")
    planned_dates = ("held_on",)  # a meeting may be set up ahead

    class Meta:
        model = Meeting
        fields = ["held_on", "agenda", "minutes"]
        labels = {"held_on": _("Dato"), "agenda": _("Saksliste"), "minutes": _("Referat")}
        help_texts = {
            "minutes": _(
                "Uten barns navn eller fødselsnummer: referatet er ikke en del av noen sak."
            )
        }
        widgets = {
            "held_on": DATE_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        self.check_anonymity(cleaned, self.unit.pk)
        return cleaned


class AnonymousConsultationForm(AnonymousTextMixin, LimitedModelForm):
    anonymous_fields = ("question", "tried", "advice", "follow_up")

    class Meta:
        model = AnonymousConsultation
        fields = ["question", "tried", "advice", "follow_up", "bti_level"]
        labels = {
            "question": _("Hva er spørsmålet eller bekymringen?"),
            "tried": _("Hva er prøvd, og med hvilken effekt?"),
            "advice": _("Råd som ble gitt"),
            "follow_up": _("Avtalt oppfølging"),
            "bti_level": _("BTI-nivå"),
        }
        help_texts = {
            "question": _(
                "Beskriv uten navn og fødselsnummer, for eksempel «jente, 3 år, lite språk»."
            ),
        }
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "bti_level": forms.RadioSelect,
        }

    def __init__(self, *args, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id = unit_id
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        self.check_anonymity(cleaned, self.unit_id)
        return cleaned


class FollowUpForm(AnonymousTextMixin, LimitedModelForm):
    anonymous_fields = ("description", "responsible")
    planned_dates = ("due_on",)

    class Meta:
        model = FollowUp
        fields = ["description", "responsible", "due_on"]
        labels = {
            "description": _("Hva skal gjøres"),
            "responsible": _("Ansvarlig"),
            "due_on": _("Frist"),
        }
        widgets = {"due_on": DATE_WIDGET}
        field_classes = {"responsible": NameField}

    def __init__(self, *args, unit_id: int, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id = unit_id
        names = [m.name for m in members]
        if names:
            # Members' names are typed by a styrer: escaped here, so that the help text is
            # safe whichever template renders it (crispy's own writes help_text|safe).
            self.fields["responsible"].help_text = escape(
                _("Teamet: %(names)s") % {"names": ", ".join(names)}
            )
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        self.check_anonymity(cleaned, self.unit_id)
        return cleaned


class TeamMemberForm(LimitedModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "service", "service_other"]
        labels = {
            "name": _("Navn"),
            "service": _("Tjeneste"),
            "service_other": _("Annen tjeneste, hvilken"),
        }
        field_classes = {"name": NameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("service") == TeamMember.Service.OTHER and not cleaned.get("service_other"):
            self.add_error("service_other", _("Skriv hvilken tjeneste."))
        return cleaned


class UnitChoiceField(forms.ModelChoiceField):
    widget = FastSelect  # hundreds of units in a large municipality

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class SystemWorkForm(LimitedModelForm):
    class Meta:
        model = SystemWork
        fields = ["unit", "worked_on", "hours", "topic", "description"]
        labels = {
            "unit": _("Barnehage/skole"),
            "worked_on": _("Dato"),
            "topic": _("Tema"),
            "description": _("Beskrivelse"),
        }
        widgets = {
            "worked_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"unit": UnitChoiceField}

    # A day's system work, typed with a decimal comma: "1,5" is never 15 (core.forms.HoursField).
    hours = HoursField(
        label=_("Timer"),
        min_value=Decimal("0.5"),
        max_value=Decimal(24),
        help_text=_("I halve timer, for eksempel 1,5."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.select_related("municipality").order_by(
            "municipality__name", "name"
        )
        self.helper = form_helper()

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and (hours * 2) % 1:
            raise forms.ValidationError(_("Oppgi timer i hele eller halve timer."))
        return hours

    def clean(self):
        cleaned = super().clean()
        errors = anonymity_errors(
            {"description": cleaned.get("description")},
            unit_id=cleaned["unit"].pk if cleaned.get("unit") else None,
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


class ServiceSearchForm(LimitedForm):
    q = forms.CharField(label=_("Søk"), required=False, max_length=100)
    alder = forms.ChoiceField(
        label=_("Aldersgruppe"),
        required=False,
        choices=[
            ("", _("Alle aldersgrupper")),
            ("preschool", _("0–6 år")),
            ("school", _("Skolealder")),
        ],
    )
