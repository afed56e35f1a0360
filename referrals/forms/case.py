"""Forms of the case page: one small forms.Form per transition (they only validate; the view
passes cleaned_data to the matching service) and the sakkyndig vurdering."""

from django import forms
from django.db.models import Case, F, When
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect, HoursField, LimitedForm, LimitedModelForm
from referrals import case_kinds
from referrals.models import Assessment, PauseReason
from referrals.services.case import assessment_elements
from teams.models import Role, User


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label, required=required, widget=_date_input(), help_text=help_text
    )


class SubmitForm(LimitedForm):
    """draft → awaiting_consent (→ received when consent is already given)."""

    received_on = _date_field(
        _("Henvisningen mottatt"),
        help_text=_("Datoen PPT fikk henvisningen. Fristene løper fra den eller samtykket."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class StartAssessmentForm(LimitedForm):
    """received → assessing; nothing to fill in."""


class WithdrawForm(LimitedForm):
    reason = forms.CharField(
        label=_("Grunn til at saken trekkes"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PauseForm(LimitedForm):
    """A pause with a reason from the case's municipality's list (issue 18, the pause ledger);
    ``ended_on`` registers a pause that is already over."""

    started_on = _date_field(_("Pause fra"))
    reason = forms.ModelChoiceField(
        label=_("Grunn til pausen"),
        queryset=PauseReason.objects.none(),
        help_text=_("Grunnen bestemmer hvilke frister pausen stopper."),
    )
    ended_on = _date_field(
        _("Pause til (hvis pausen allerede er over)"),
        required=False,
    )
    note = forms.CharField(
        label=_("Merknad"),
        max_length=300,
        required=False,
        help_text=_("For eksempel hvilke dokumenter saken venter på."),
    )

    def __init__(self, *args, municipality_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()
        self.fields["reason"].queryset = PauseReason.objects.choosable(municipality_id)


class PauseCorrectForm(LimitedForm):
    """The corrected end date of one of the case's ended pauses; the choices come from the
    pauses the case page has already read (no query of its own)."""

    pause_id = forms.TypedChoiceField(label=_("Pause"), coerce=int)
    ended_on = _date_field(_("Riktig sluttdato"))

    def __init__(self, *args, pauses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pause_id"].choices = [
            (p.pk, f"{p.started_on:%d.%m.%Y}–{p.ended_on:%d.%m.%Y}: {p.reason.label}")
            for p in pauses
            if p.ended_on is not None
        ]


class ResumeForm(LimitedForm):
    ended_on = _date_field(_("Pause til"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


def advisors_serving(municipality_id: int):
    """PP-rådgivere of the PPT offices that serve the municipality (interkommunal PPT too)."""
    return (
        User.objects.filter(
            is_active=True,
            roles__kind=Role.Kind.ADVISOR,
            roles__ppt_office__municipalities=municipality_id,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


class NameChoiceIterator(ModelChoiceIterator):
    """The choices as (pk, full name) straight from the database, without a User instance per
    advisor (145 of them in a large municipality: 2.5 ms of every case page, bench/)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # str(user): the full name, or the e-mail address where there is none
        label = Case(When(full_name="", then=F("email")), default=F("full_name"))
        yield from self.queryset.annotate(label=label).values_list("pk", "label")


class AdvisorNameChoiceField(forms.ModelChoiceField):
    iterator = NameChoiceIterator


class AssignForm(LimitedForm):
    advisor = AdvisorNameChoiceField(
        label=_("PP-rådgiver"),
        queryset=User.objects.none(),
        empty_label=_("Velg rådgiver"),
        widget=FastSelect,  # every advisor serving the municipality: 145 at 1,000,000 cases
    )

    def __init__(self, *args, municipality_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors_serving(municipality_id)


class AssessmentForm(LimitedModelForm):
    """The sakkyndig vurdering (barnehageloven § 34). Never saved by form.save(): the view
    passes the values to services.assessment_save, which checks completeness and versions."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    # A decimal comma, bounded by the week's possible hours (core.forms.HoursField); the
    # half-hour step is checked in clean_recommended_hours.
    recommended_hours = HoursField(
        label=_("Anbefalte timer per uke"),
        required=False,
        help_text=_(
            "Omfanget av hjelpen i timer per uke (0–45, hele eller halve timer, for eksempel 4,5)."
        ),
    )
    completed_on = _date_field(
        _("Ferdigstilt dato"),
        required=False,
        help_text=_("Brukes når du ferdigstiller. Tomt betyr i dag."),
    )

    class Meta:
        model = Assessment
        fields = [
            "development",
            "benefit",
            "benefit_obstacles",
            "goals",
            "kind_of_help",
            "teacher_competence",
            "organisation",
            "recommended_hours",
            "competence",
            "assistant_needed",
            "child_views",
            "guardian_views",
            "conclusion",
        ]
        labels = {
            "development": _("Barnets utvikling og vansker"),
            "goals": _("Realistiske mål for utvikling og læring"),
            "kind_of_help": _("Hva slags hjelp som gir god utvikling"),
            "organisation": _("Organisering av hjelpen"),
            "competence": _("Kompetanse hos den som gir hjelpen"),
            "assistant_needed": _("Barnet har behov for assistent"),
            "child_views": _("Barnets egne synspunkter"),
            "guardian_views": _("Foresattes synspunkter og hvordan de er vektlagt"),
            "conclusion": _("Konklusjon"),
        }
        help_texts = {
            "development": _("Om barnet har forsinket utvikling eller lærevansker, og hvilke."),
            "kind_of_help": _(
                "Innholdet i hjelpen, og om den kan gis uten å ta barnet ut av gruppen."
            ),
            "organisation": _("Påkrevd når barnet har behov for hjelp."),
            "competence": _("Påkrevd når barnet har behov for hjelp."),
            "assistant_needed": _("Bruk av assistent må stå i vedtaket."),
            "child_views": _("Vektlagt etter barnets alder og modenhet (barnehageloven § 3)."),
            "guardian_views": _("Barnehageloven § 32 andre ledd."),
        }
        widgets = {
            "conclusion": forms.RadioSelect,
            "development": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "kind_of_help": forms.Textarea(attrs={"rows": 3}),
            "benefit": forms.Textarea(attrs={"rows": 3}),
            "benefit_obstacles": forms.Textarea(attrs={"rows": 3}),
            "teacher_competence": forms.Textarea(attrs={"rows": 2}),
            "child_views": forms.Textarea(attrs={"rows": 3}),
            "guardian_views": forms.Textarea(attrs={"rows": 3}),
        }

    # Opplæringslova § 11-8 a, b and e: only in an assessment of a school kind; barnehageloven
    # § 34's "utvikling og vansker" only in a kindergarten kind's.
    SCHOOL_ONLY = ("benefit", "benefit_obstacles", "teacher_competence")
    KINDERGARTEN_ONLY = ("development",)

    def __init__(self, *args, kind: str = case_kinds.CaseKind.BHL_31, **kwargs):
        """``kind``: the case's kind (referrals/case_kinds.py): the fields its assessment holds,
        each required element labelled with its source (services.assessment_required_fields
        checks them when the assessment is completed)."""
        super().__init__(*args, **kwargs)
        rule = case_kinds.rule(kind)
        self.rule = rule
        for name in self.KINDERGARTEN_ONLY if rule.is_school else self.SCHOOL_ONLY:
            del self.fields[name]
        for name in ("organisation", "competence"):
            field = self.fields[name]
            field.choices = [("", _("Velg …")), *Assessment._meta.get_field(name).choices]
        # Two answers, no "not chosen" radio: an unanswered conclusion stays blank (a draft).
        self.fields["conclusion"].choices = Assessment.Conclusion.choices
        if rule.is_school:
            self.fields["conclusion"].choices = [
                (Assessment.Conclusion.NEEDS_HELP, _("Eleven har behov for spesialundervisning")),
                (Assessment.Conclusion.NO_NEED, _("Eleven har ikke behov for spesialundervisning")),
            ]
            self.fields["assistant_needed"].label = _("Eleven har behov for assistent")
            for element in assessment_elements(kind):
                field = self.fields.get(element.field)
                if field is not None:
                    field.label = element.label
                    field.help_text = escape(
                        _("Påkrevd (%(source)s).") % {"source": element.source}
                    )
            for name in ("organisation", "competence", "recommended_hours"):
                self.fields[name].help_text = _(
                    "Påkrevd når eleven har behov for spesialundervisning (opplæringslova § 11-8 d)."
                )

    def clean_recommended_hours(self):
        hours = self.cleaned_data["recommended_hours"]
        if hours is not None and hours * 2 != int(hours * 2):
            raise forms.ValidationError(_("Oppgi hele eller halve timer, for eksempel 4,5."))
        return hours

    def service_values(self) -> dict:
        """The assessment fields as services.assessment_save takes them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
