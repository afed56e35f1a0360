"""Forms for the unit's own referral, its consent, and the parents' own request (issue 19).

They only validate; the views hand the values to referrals/services/unit_referral.py. The
referral's headings follow the unit's kind: a kindergarten's pedagogisk rapport (DOMAIN.md
§ 3.4) or a school's (opplæringslova §§ 11-1, 11-2: the subjects and the adapted teaching
first), and the kinds of case are those of the unit's kind (referrals/case_kinds.py).
"""

from crispy_forms.layout import HTML, Fieldset
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, LimitedForm, VersionedModelForm, form_helper
from referrals import case_kinds
from referrals.forms.registration import (
    FIELDSET_CLASS,
    UnitChoiceField,
    unit_queryset,
)
from referrals.models import Referral

KINDERGARTEN = case_kinds.UnitKind.KINDERGARTEN
SCHOOL = case_kinds.UnitKind.SCHOOL

# The pedagogisk rapport's headings per kind of unit, in the order they are written.
REPORT_FIELDS = {
    KINDERGARTEN: (
        "report_play",
        "report_social",
        "report_language",
        "report_motor",
        "report_attention",
        "report_frame",
        "report_measures",
    ),
    SCHOOL: (
        "report_subjects",
        "report_adapted",
        "report_social",
        "report_language",
        "report_motor",
        "report_attention",
        "report_frame",
        "report_measures",
    ),
}
ALL_REPORT_FIELDS = tuple(dict.fromkeys(REPORT_FIELDS[KINDERGARTEN] + REPORT_FIELDS[SCHOOL]))

LABELS = {
    KINDERGARTEN: {
        "report_play": _("Allmenn fungering og lek"),
        "report_social": _("Sosial og emosjonell fungering"),
        "report_language": _("Kommunikasjon og språk"),
        "report_motor": _("Syn, hørsel og motorikk"),
        "report_attention": _("Selvstendighet og oppmerksomhet"),
        "report_frame": _("Rammefaktorer (gruppe, bemanning)"),
        "report_measures": _("Tiltak som er prøvd og effekten av dem"),
        "child_views": _("Barnets egne synspunkter (barnehageloven § 3)"),
    },
    SCHOOL: {
        "report_subjects": _("Faglig fungering (norsk, matematikk, engelsk og andre fag)"),
        "report_adapted": _("Tilpasset opplæring og tiltak etter opplæringslova § 11-2"),
        "report_social": _("Sosial fungering, trivsel og læringsmiljø"),
        "report_language": _("Språk og kommunikasjon"),
        "report_motor": _("Syn, hørsel og motorikk"),
        "report_attention": _("Arbeidsvaner, konsentrasjon og oppmerksomhet"),
        "report_frame": _("Rammefaktorer (klasse, gruppe, bemanning, timer)"),
        "report_measures": _("Tiltak som er prøvd og effekten av dem"),
        "child_views": _("Elevens egne synspunkter (opplæringslova § 10-2)"),
    },
}

REPORT_INTRO = {
    KINDERGARTEN: format_lazy(
        '<p class="small text-body-secondary">{}</p>',
        _("Barnehagens beskrivelse av barnet. Skriv det dere ser i hverdagen; felt kan stå tomme."),
    ),
    SCHOOL: format_lazy(
        '<p class="small text-body-secondary">{}</p>',
        _(
            "Skolens beskrivelse av eleven: faglig og sosialt, og hva skolen har prøvd innenfor "
            "tilpasset opplæring. Felt kan stå tomme."
        ),
    ),
}


class UnitReferralForm(VersionedModelForm):
    """The henvisning written by the styrer or rektor: the kind of case, the concern, what has
    been tried, the pedagogisk rapport under the unit's headings, and the parents' and the
    child's or pupil's own views. The concern may wait while it is a draft: sending asks for
    it (referrals.services.unit_referral_send)."""

    class Meta:
        model = Referral
        fields = [
            "kind",
            "concern",
            "tried",
            *ALL_REPORT_FIELDS,
            "guardian_views",
            "child_views",
        ]
        labels = {
            "kind": _("Hva gjelder henvisningen?"),
            "concern": _("Bekymringen"),
            "tried": _("Hva er prøvd, og med hvilken effekt"),
            "guardian_views": _("Foreldrenes synspunkter"),
        }
        widgets = {
            "concern": forms.Textarea(attrs={"rows": 4}),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "guardian_views": forms.Textarea(attrs={"rows": 3}),
            "child_views": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in ALL_REPORT_FIELDS},
        }

    def __init__(self, *args, unit_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_kind = unit_kind
        # Only the headings of the unit's kind (the other kind's stay as they are saved).
        for name in set(ALL_REPORT_FIELDS) - set(REPORT_FIELDS[unit_kind]):
            del self.fields[name]
        for name, label in LABELS[unit_kind].items():
            self.fields[name].label = label
        self.fields["kind"].choices = [
            ("", _("Velg sakstype")),
            *case_kinds.kind_choices_for_unit(unit_kind),
        ]
        self.fields["concern"].required = False
        self.fields["concern"].help_text = _(
            "Med deres egne ord: hva dere ser, og hva dere er bekymret for. Må fylles ut før "
            "henvisningen sendes."
        )
        hidden = [f for f in ("version", "rendered", "once") if f in self.fields]
        self.helper = form_helper(
            *hidden,
            Fieldset(_("Henvisningen"), "kind", "concern", "tried", css_class=FIELDSET_CLASS),
            Fieldset(
                _("Pedagogisk rapport"),
                HTML(REPORT_INTRO[unit_kind]),
                *REPORT_FIELDS[unit_kind],
                css_class=FIELDSET_CLASS,
            ),
            Fieldset(_("Synspunkter"), "guardian_views", "child_views", css_class=FIELDSET_CLASS),
        )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


class SendForm(LimitedForm):
    """The send button: the version of the referral the writer saw (an edit meanwhile is shown
    before it is sent)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ParentsRequestForm(LimitedForm):
    """The parents' own request, registered by PPT: when they asked, for which kind of help,
    and (if they said) in their own words."""

    unit = UnitChoiceField(label=_("Barnehage/skole"), queryset=None)
    kind = forms.ChoiceField(label=_("Hva ber foreldrene om?"), choices=())
    requested_on = forms.DateField(
        label=_("Foreldrene ba om det"),
        widget=DATE_WIDGET,
        help_text=_("Dagen foreldrene ba PPT om en vurdering, muntlig eller skriftlig."),
    )
    concern = forms.CharField(
        label=_("Foreldrenes egne ord (valgfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, units, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset(units, municipality_id=municipality_id)
        self.fields["unit"].empty_label = _("Velg barnehage eller skole")
        self.fields["kind"].choices = [
            ("", _("Velg sakstype")),
            (_("Barnehage"), case_kinds.kind_choices_for_unit(KINDERGARTEN)),
            (_("Skole"), case_kinds.kind_choices_for_unit(SCHOOL)),
        ]
        self.helper = form_helper()

    def clean_requested_on(self):
        # The request has happened: not a day ahead (the service checks the same).
        value = self.cleaned_data["requested_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være i fremtiden."))
        return value

    def clean(self):
        cleaned = super().clean()
        unit, kind = cleaned.get("unit"), cleaned.get("kind")
        if unit is not None and kind and case_kinds.rule(kind).unit_kind != unit.kind:
            self.add_error(
                "kind",
                _("Sakstypen passer ikke for %(unit)s.")
                % {"unit": unit.get_kind_display().lower()},
            )
        return cleaned
