"""Forms for registering a child, the guardians, a referral and consent.

They only validate: the views hand ``cleaned_data`` to referrals/services.py. Edit forms carry
the version they started from (optimistic locking; the service refuses a stale one). Choices
that depend on who is asking (units, advisors, guardians) are passed in by the view, already
scoped through referrals/scoping.py.
"""

from crispy_forms.layout import HTML, Fieldset
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DATE_WIDGET,
    FastSelect,
    LimitedForm,
    NameField,
    VersionedModelForm,
    form_helper,
)
from referrals import case_kinds
from referrals.models import Child, Consent, Guardian, Referral
from referrals.services import CaseError, parse_child_id_number
from referrals.services.registration import default_kind, referral_kind_error
from teams.models import Role, Unit, User


class UnitChoiceField(forms.ModelChoiceField):
    """A unit with its municipality: an inter-municipal PPT office serves several."""

    widget = FastSelect  # hundreds of units in a large municipality

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class AdvisorChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class GuardianChoiceField(forms.ModelChoiceField):
    """The guardian with the two facts the consent rules turn on, so the choice is informed."""

    def label_from_instance(self, obj: Guardian) -> str:
        yes, no = _("ja"), _("nei")
        return _(
            "%(name)s (%(relation)s) – foreldreansvar: %(resp)s, barnet bor hos: %(lives)s"
        ) % {
            "name": obj.name,
            "relation": obj.get_relation_display().lower(),
            "resp": yes if obj.parental_responsibility else no,
            "lives": yes if obj.lives_with_child else no,
        }


def unit_queryset(units, *, include=None, municipality_id=None):
    """``units`` (a scoped queryset) plus the object's current unit, so an edit never fails
    because the child's unit lies outside the editor's areas."""
    qs = Unit.objects.filter(pk__in=units.values("pk"))
    if include is not None:
        qs = qs | Unit.objects.filter(pk=include)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs.select_related("municipality").order_by("municipality__name", "name")


def advisor_queryset(municipality_id, *, include=None):
    """Active users with an advisor role in a PPT office serving the municipality (plus the
    case's current advisor, who may since have moved on)."""
    advisors = User.objects.filter(
        is_active=True,
        roles__kind=Role.Kind.ADVISOR,
        roles__ppt_office__municipalities=municipality_id,
    )
    return User.objects.filter(Q(pk__in=advisors.values("pk")) | Q(pk=include)).order_by(
        "full_name"
    )


def _clean_id_number(value: str) -> str:
    # The service's parser, so the form and the service agree on every rule (check digits,
    # the 2032 rule, synthetic numbers); its precise message lands next to the field.
    try:
        return parse_child_id_number(value).number
    except CaseError as exc:
        raise forms.ValidationError(exc.message) from None


ID_NUMBER_WIDGET = forms.TextInput(
    attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
)


# --- children and guardians ------------------------------------------------------------------


class ChildNewForm(LimitedForm):
    unit = UnitChoiceField(
        label=_("Barnehage/skole"),
        queryset=Unit.objects.none(),
        empty_label=_("Velg barnehage eller skole"),
    )
    id_number = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        help_text=_("11 siffer."),
        max_length=20,
        widget=ID_NUMBER_WIDGET,
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
    mother_tongue = forms.CharField(label=_("Morsmål"), max_length=60, initial="norsk")
    needs_interpreter = forms.BooleanField(label=_("Familien trenger tolk"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset(units)
        self.helper = form_helper()

    def clean_id_number(self) -> str:
        return _clean_id_number(self.cleaned_data["id_number"])


class ChildForm(VersionedModelForm):
    id_number = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"), max_length=20, widget=ID_NUMBER_WIDGET
    )

    class Meta:
        model = Child
        fields = [
            "unit",
            "id_number",
            "first_name",
            "last_name",
            "sex",
            "mother_tongue",
            "needs_interpreter",
        ]
        labels = {"unit": _("Barnehage/skole nå")}
        widgets = {"sex": forms.RadioSelect}
        field_classes = {"unit": UnitChoiceField, "first_name": NameField, "last_name": NameField}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset(
            units, include=self.instance.unit_id, municipality_id=self.instance.municipality_id
        )
        self.fields["sex"].choices = Child.Sex.choices  # no blank choice among radios
        self.fields["unit"].empty_label = _("Ingen barnehage eller skole nå")
        self.helper = form_helper()

    def clean_id_number(self) -> str:
        return _clean_id_number(self.cleaned_data["id_number"])


class GuardianForm(VersionedModelForm):
    class Meta:
        model = Guardian
        fields = [
            "name",
            "relation",
            "phone",
            "email",
            "address",
            "parental_responsibility",
            "lives_with_child",
            "needs_interpreter",
            "language",
        ]
        labels = {
            "name": _("Navn"),
            "relation": _("Relasjon til barnet"),
            "phone": _("Telefon"),
            "email": _("E-post"),
            "address": _("Adresse"),
            "parental_responsibility": _("Har foreldreansvar"),
            "lives_with_child": _("Barnet bor hos denne foresatte"),
            "needs_interpreter": _("Trenger tolk"),
            "language": _("Språk (for tolk)"),
        }
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"})}
        field_classes = {"name": NameField}

    # Who may consent follows from these two answers, so they are asked, not pre-ticked: a
    # default "yes" on a parent the child does not live with would let the wrong person consent.
    parental_responsibility = forms.TypedChoiceField(
        label=_("Har foreldreansvar"),
        coerce=lambda v: v == "True",
        choices=[(True, _("Ja")), (False, _("Nei"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Avgjør hvem som kan samtykke: til sakkyndig vurdering holder det med én med "
            "foreldreansvar som barnet bor hos; vedtak om hjelp krever alle med foreldreansvar."
        ),
    )
    lives_with_child = forms.TypedChoiceField(
        label=_("Barnet bor hos denne foresatte"),
        coerce=lambda v: v == "True",
        choices=[(True, _("Ja")), (False, _("Nei"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's own blank label is not translated to bokmål.
        self.fields["relation"].choices = [("", _("Velg relasjon")), *Guardian.Relation.choices]
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("needs_interpreter") and not cleaned.get("language"):
            self.add_error("language", _("Oppgi hvilket språk tolken skal snakke."))
        return cleaned


# --- the referral ----------------------------------------------------------------------------

REPORT_FIELDS = [
    "report_play",
    "report_social",
    "report_language",
    "report_motor",
    "report_attention",
    "report_frame",
    "report_measures",
]


FIELDSET_CLASS = "border rounded px-3 pt-2 mb-4"
# Lazy, so the text is translated when the form renders, not when the module loads.
REPORT_INTRO = format_lazy(
    '<p class="small text-body-secondary">{}</p>',
    _("Barnehagens beskrivelse av barnet. Skriv det dere ser i hverdagen; felt kan stå tomme."),
)


class ReferralForm(VersionedModelForm):
    """The henvisningsskjema: what PPT is asked to do, the concern, what has been tried, and
    the kindergarten's pedagogisk rapport under its usual headings."""

    services = forms.MultipleChoiceField(
        label=_("Hva blir PPT bedt om?"),
        choices=Referral.Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Referral
        fields = [
            "unit",
            "kind",
            "services",
            "services_other",
            "concern",
            "tried",
            *REPORT_FIELDS,
            "is_repeat",
            "priority",
            "advisor",
        ]
        labels = {
            "unit": _("Henvisende barnehage/skole"),
            "kind": _("Type sak"),
            "services_other": _("Annet, beskriv"),
            "concern": _("Bekymringen, med henviserens ord"),
            "tried": _("Hva er prøvd, og med hvilken effekt"),
            "report_play": _("Allmenn fungering og lek"),
            "report_social": _("Sosial og emosjonell fungering"),
            "report_language": _("Kommunikasjon og språk"),
            "report_motor": _("Syn, hørsel og motorikk"),
            "report_attention": _("Selvstendighet og oppmerksomhet"),
            "report_frame": _("Rammefaktorer (gruppe, bemanning)"),
            "report_measures": _("Tiltak som er prøvd og effekten av dem"),
            "is_repeat": _("Barnet har vært henvist til PPT før (gjentatt henvisning)"),
            "priority": _("Prioritet"),
            "advisor": _("PP-rådgiver"),
        }
        help_texts = {"services_other": _("Fylles ut når «Annet» er krysset av.")}
        widgets = {
            "concern": forms.Textarea(attrs={"rows": 4}),
            "tried": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in REPORT_FIELDS},
        }
        field_classes = {"unit": UnitChoiceField, "advisor": AdvisorChoiceField}

    def __init__(self, *args, units, municipality_id, unit_kind: str = "", **kwargs):
        """``unit_kind``: the kind of the child's unit (or the case's): the case kinds offered
        are that kind of unit's (referrals/case_kinds.py kind_choices_for_unit); "" offers
        all."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset(
            units, include=self.instance.unit_id, municipality_id=municipality_id
        )
        kinds = (
            case_kinds.kind_choices_for_unit(unit_kind)
            if unit_kind
            else list(case_kinds.CaseKind.choices)
        )
        self.fields["kind"] = forms.ChoiceField(
            label=_("Type sak"),
            choices=kinds,
            initial=self.instance.kind if self.instance.pk else kinds[0][0],
            # Not sent (an older form, an API-like post): the unit's first kind, or the case's.
            required=False,
            help_text=_("Sakstypen bestemmer hjemmel, sakkyndig vurdering, samtykke og frister."),
        )
        self.fields["advisor"].queryset = advisor_queryset(
            municipality_id, include=self.instance.advisor_id
        )
        self.fields["advisor"].empty_label = _("Ikke tildelt ennå")
        self.fields["concern"].required = True
        # The hidden fields of a VersionedModelForm (core/forms.py) that this one has.
        version = [f for f in ("version", "rendered", "once") if f in self.fields]
        self.helper = form_helper(
            *version,
            Fieldset(
                _("Henvisningen"),
                "unit",
                "kind",
                "services",
                "services_other",
                "concern",
                "tried",
                "is_repeat",
                css_class=FIELDSET_CLASS,
            ),
            Fieldset(
                _("Pedagogisk rapport"),
                HTML(REPORT_INTRO),
                *REPORT_FIELDS,
                css_class=FIELDSET_CLASS,
            ),
            Fieldset(_("Hos PPT"), "priority", "advisor", css_class=FIELDSET_CLASS),
        )

    def clean(self):
        cleaned = super().clean()
        unit, kind = cleaned.get("unit"), cleaned.get("kind")
        if unit is not None and "kind" not in self.errors:
            if not kind:
                kind = cleaned["kind"] = (
                    self.instance.kind if self.instance.pk else default_kind(unit)
                )
            if message := referral_kind_error(kind, unit.kind):
                self.add_error("kind", message)
        services = cleaned.get("services") or []
        if Referral.Service.OTHER in services:
            if not cleaned.get("services_other", "").strip():
                self.add_error("services_other", _("Beskriv hva annet PPT blir bedt om."))
        elif "services_other" in cleaned:
            cleaned["services_other"] = ""  # a description of nothing chosen is not kept
        return cleaned


# --- consent ---------------------------------------------------------------------------------


class ConsentForm(LimitedForm):
    guardian = GuardianChoiceField(
        label=_("Foresatt"), queryset=Guardian.objects.none(), empty_label=_("Velg foresatt")
    )
    purpose = forms.ChoiceField(
        label=_("Samtykke til"), choices=Consent.Purpose.choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=_("Samtykket er gitt dato"), widget=DATE_WIDGET)
    # Opplæringslova § 11-7 third paragraph: "eleven eller foreldra" consent; only offered in a
    # case of a school kind (pupil_may_consent). Barnehageloven § 32: the parents only.
    given_by_pupil = forms.BooleanField(
        label=_("Eleven har selv gitt samtykket (opplæringslova § 11-7 tredje ledd)"),
        required=False,
    )

    field_order = ["given_by_pupil", "guardian", "purpose", "given_on"]

    def __init__(self, *args, guardians, pupil_may_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians
        if pupil_may_consent:
            self.fields["guardian"].required = False
            self.fields["guardian"].empty_label = _("Velg foresatt (ikke når eleven samtykker)")
        else:
            del self.fields["given_by_pupil"]
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        if "given_by_pupil" not in self.fields:
            return cleaned
        pupil, guardian = cleaned.get("given_by_pupil"), cleaned.get("guardian")
        if pupil and guardian is not None:
            self.add_error(
                "guardian", _("Velg enten at eleven samtykker eller en foresatt, ikke begge.")
            )
        elif not pupil and guardian is None and "guardian" not in self.errors:
            self.add_error("guardian", _("Velg foresatt, eller kryss av for at eleven samtykker."))
        return cleaned


class ConsentWithdrawForm(LimitedForm):
    withdrawn_on = forms.DateField(
        label=_("Samtykket er trukket dato"), widget=DATE_WIDGET, initial=timezone.localdate
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def clean_withdrawn_on(self):
        # The service checks only that it is not before the consent was given.
        value = self.cleaned_data["withdrawn_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være i fremtiden."))
        return value
