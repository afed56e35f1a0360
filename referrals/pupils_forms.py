"""Forms of a school's pupils (issue 19): the class filter of /elever/, the rektor's
registration of a pupil with their guardians, and the move to another class.

They only validate: the views hand ``cleaned_data`` to referrals/services_pupils.py. The classes
offered are passed in by the view, already scoped (referrals/pupils_selectors.py); a class of
another school is refused here at the field and again in the service (pupil_set_class).
"""

from crispy_forms.layout import Fieldset
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, LimitedForm, NameField, form_helper, limit_fields
from referrals.forms.registration import ID_NUMBER_WIDGET, _clean_id_number
from referrals.models import Child, Guardian
from teams.models import SchoolClass

OTHER_SCHOOL = _("Klassen hører til en annen skole.")
FIELDSET_CLASS = "border rounded px-3 pt-2 mb-4"


class SchoolClassChoiceField(forms.ModelChoiceField):
    """A class with its trinn, and its school when the user has several."""

    def __init__(self, *args, show_school: bool = False, **kwargs):
        self.show_school = show_school
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: SchoolClass) -> str:
        label = _("%(name)s (%(trinn)s. trinn)") % {"name": obj.name, "trinn": obj.trinn}
        return f"{label}, {obj.unit.name}" if self.show_school else label


def _several_schools(classes) -> bool:
    return len({c.unit_id for c in classes}) > 1


class PupilFilterForm(LimitedForm):
    """/elever/?klasse=…&trinn=…: both optional; an unknown class or trinn is a message at the
    field and the list unfiltered."""

    klasse = SchoolClassChoiceField(
        label=_("Klasse"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=_("Alle klasser"),
    )
    trinn = forms.TypedChoiceField(
        label=_("Trinn"),
        choices=[("", _("Alle trinn"))] + [(n, _("%(n)s. trinn") % {"n": n}) for n in range(1, 11)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, classes: list, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["klasse"]
        field.queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes])
        field.show_school = _several_schools(classes)
        # The choices from the list already read: no second query to render them.
        field.choices = [("", field.empty_label)] + [
            (c.pk, field.label_from_instance(c)) for c in classes
        ]


def _guardian_fields(prefix: str, *, required: bool) -> dict:
    yes_no = [(True, _("Ja")), (False, _("Nei"))]
    return {
        f"{prefix}_name": NameField(
            label=_("Navn"),
            max_length=Guardian._meta.get_field("name").max_length,
            required=required,
        ),
        f"{prefix}_relation": forms.ChoiceField(
            label=_("Relasjon til eleven"),
            choices=[("", _("Velg relasjon")), *Guardian.Relation.choices],
            required=required,
        ),
        f"{prefix}_phone": forms.CharField(
            label=_("Telefon"),
            max_length=Guardian._meta.get_field("phone").max_length,
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        ),
        f"{prefix}_email": forms.EmailField(
            label=_("E-post"),
            max_length=Guardian._meta.get_field("email").max_length,
            required=False,
        ),
        # Who may consent follows from these answers (referrals/services/consent.py), so they
        # are asked, not pre-ticked.
        f"{prefix}_parental_responsibility": forms.TypedChoiceField(
            label=_("Har foreldreansvar"),
            coerce=lambda v: v == "True",
            choices=yes_no,
            widget=forms.RadioSelect,
            required=required,
        ),
        f"{prefix}_lives_with_child": forms.TypedChoiceField(
            label=_("Eleven bor hos denne foresatte"),
            coerce=lambda v: v == "True",
            choices=yes_no,
            widget=forms.RadioSelect,
            required=required,
        ),
    }


GUARDIAN_KEYS = (
    "name",
    "relation",
    "phone",
    "email",
    "parental_responsibility",
    "lives_with_child",
)


class PupilNewForm(LimitedForm):
    """The rektor registers a pupil of their school: the identity number by the advisor's rules
    (referrals.services.parse_child_id_number), the class, and one or two guardians."""

    school_class = SchoolClassChoiceField(
        label=_("Klasse"), queryset=SchoolClass.objects.none(), empty_label=_("Velg klasse")
    )
    id_number = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        help_text=_("11 siffer."),
        max_length=20,
        widget=ID_NUMBER_WIDGET,
    )
    birth_date = forms.DateField(
        label=_("Fødselsdato"),
        help_text=_("Kontrolleres mot fødselsnummeret."),
        widget=DATE_WIDGET,
    )
    first_name = NameField(
        label=_("Fornavn"), max_length=Child._meta.get_field("first_name").max_length
    )
    last_name = NameField(
        label=_("Etternavn"), max_length=Child._meta.get_field("last_name").max_length
    )
    sex = forms.ChoiceField(
        label=_("Kjønn (registrert)"), choices=Child.Sex.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, classes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_guardian_fields("guardian1", required=True))
        self.fields.update(_guardian_fields("guardian2", required=False))
        limit_fields({k: v for k, v in self.fields.items() if k.startswith("guardian")})
        field = self.fields["school_class"]
        field.queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes]).select_related(
            "unit"
        )
        field.show_school = _several_schools(classes)
        self.helper = form_helper(
            Fieldset(
                _("Eleven"),
                "school_class",
                "id_number",
                "birth_date",
                "first_name",
                "last_name",
                "sex",
                css_class=FIELDSET_CLASS,
            ),
            Fieldset(
                _("Foresatt"),
                *[f"guardian1_{k}" for k in GUARDIAN_KEYS],
                css_class=FIELDSET_CLASS,
            ),
            Fieldset(
                _("Foresatt 2 (valgfritt)"),
                *[f"guardian2_{k}" for k in GUARDIAN_KEYS],
                css_class=FIELDSET_CLASS,
            ),
        )

    def clean_id_number(self) -> str:
        return _clean_id_number(self.cleaned_data["id_number"])

    def clean(self):
        cleaned = super().clean()
        second = [k for k in GUARDIAN_KEYS if cleaned.get(f"guardian2_{k}") not in (None, "")]
        if second:  # a second guardian is all or nothing (name, relation and the two answers)
            for key in ("name", "relation", "parental_responsibility", "lives_with_child"):
                if cleaned.get(f"guardian2_{key}") in (None, ""):
                    self.add_error(f"guardian2_{key}", _("Fyll ut dette for foresatt 2."))
        return cleaned

    def values(self) -> dict:
        """What pupil_register takes."""
        data = self.cleaned_data
        guardians = []
        for prefix in ("guardian1", "guardian2"):
            if data.get(f"{prefix}_name"):
                guardians.append({k: data[f"{prefix}_{k}"] for k in GUARDIAN_KEYS})
        return {
            "school_class": data["school_class"],
            "id_number": data["id_number"],
            "birth_date": data["birth_date"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "sex": data["sex"],
            "guardians": guardians,
        }


class PupilClassForm(LimitedForm):
    """Move a pupil to another class of the same school (the version it started from)."""

    school_class = SchoolClassChoiceField(
        label=_("Ny klasse"), queryset=SchoolClass.objects.none(), empty_label=_("Velg klasse")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, child: Child, classes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        field = self.fields["school_class"]
        # Every class the rektor may list, so that one of another school of theirs is refused
        # with its message rather than as an unknown choice.
        field.queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes]).select_related(
            "unit"
        )
        field.show_school = _several_schools(classes)
        self.helper = form_helper("school_class", "version")

    def clean_school_class(self):
        school_class = self.cleaned_data["school_class"]
        if school_class.unit_id != self.child.unit_id:
            raise forms.ValidationError(OTHER_SCHOOL)
        return school_class
