"""Action forms: they only validate; the views pass cleaned_data to decisions/services.py."""

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.forms import DateBoundsValidator, HoursField, LimitedForm, NameField
from core.limits import DECISION_PERIOD_MAX, PLANNED_AHEAD
from decisions.models import Appeal, Decision
from referrals.models import Assessment


def _date(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ProvisionalReplyForm(LimitedForm):
    planned_dates = ("expected_decision_on",)
    sent_on = _date(_("Sendt dato"), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Hvorfor saken tar tid"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Forvaltningsloven § 11 a: oppgi grunnen og når vedtak kan ventes."),
    )
    expected_decision_on = _date(_("Forventet vedtaksdato"))


class DecisionForm(LimitedForm):
    planned_dates = ("starts_on",)
    decided_on = _date(_("Vedtaksdato"), initial=timezone.localdate)
    outcome = forms.ChoiceField(label=_("Utfall"), choices=Decision.Outcome.choices)
    # "3,5" typed with a decimal comma is three and a half hours, never 35 (issue 18).
    hours_per_week = HoursField(label=_("Timer per uke"), required=False)
    organisation = forms.ChoiceField(
        label=_("Organisering"),
        choices=[("", "–"), *Assessment.Organisation.choices],
        required=False,
    )
    competence = forms.ChoiceField(
        label=_("Kompetanse hos den som gir hjelpen"),
        choices=[("", "–"), *Assessment.Competence.choices],
        required=False,
    )
    assistant = forms.BooleanField(label=_("Assistent"), required=False)
    starts_on = _date(
        _("Hjelpen gis fra"),
        required=False,
        help_text=_("Tomt: hjelpen skal starte innen to uker etter vedtaket."),
    )
    ends_on = _date(
        _("Hjelpen gis til"),
        required=False,
        help_text=_("Tomt: ett år."),
        # a period of up to three years may start up to three years ahead
        validators=[DateBoundsValidator(ahead=PLANNED_AHEAD + DECISION_PERIOD_MAX)],
    )
    provider = forms.ChoiceField(
        label=_("Hvem gir hjelpen"), choices=[("", "–"), *Decision.Provider.choices], required=False
    )
    provider_name = NameField(
        label=_("Navn på den som gir hjelpen"),
        required=False,
        max_length=Decision._meta.get_field("provider_name").max_length,
    )
    deviation_reason = forms.CharField(
        label=_("Begrunnelse for avvik fra sakkyndig vurdering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Påkrevd når vedtaket avviker fra tilrådingen: avslag der vurderingen tilrår "
            "hjelp, andre timer, annen organisering eller kompetanse, eller uten assistent "
            "(barnehageloven § 35)."
        ),
    )
    # Forvaltningsloven §§ 24–25: every enkeltvedtak gives its reasons (the service checks too).
    reason = forms.CharField(
        label=_("Begrunnelse for vedtaket"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Påkrevd (forvaltningsloven §§ 24–25)."),
    )
    notified_on = _date(
        _("Foreldrene fikk vedtaket"),
        required=False,
        help_text=_("Klagefristen på tre uker løper fra denne datoen (forvaltningsloven § 29)."),
    )

    def __init__(self, *args, rule=None, **kwargs):
        """``rule``: the case kind's rule (referrals/case_kinds.py): the fields its vedtak
        must hold say so and name their source, the period's default follows the school year
        for a school kind, and the deviation's source is the kind's. The service checks all of
        it again (decisions.services.decision_terms_check)."""
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule is None:
            return
        for element in rule.decision_content:
            field = self.fields.get(element.field)
            if field is not None and element.field != "reason":
                field.help_text = escape(
                    _("Påkrevd i et vedtak om hjelp (%(source)s).") % {"source": element.source}
                )
        if rule.school_year_period:
            self.fields["ends_on"].help_text = _("Tomt: ut skoleåret (31. juli).")
        if rule.deviation_needs_reason:
            self.fields["deviation_reason"].help_text = escape(
                _(
                    "Påkrevd når vedtaket avviker fra tilrådingen: avslag der vurderingen tilrår "
                    "hjelp, andre timer, annen organisering eller kompetanse, eller uten assistent "
                    "(%(source)s)."
                )
                % {"source": rule.deviation_source}
            )
        else:
            self.fields["deviation_reason"].help_text = escape(
                _("Valgfritt: %(basis)s krever ingen sakkyndig vurdering å følge.")
                % {"basis": rule.legal_basis}
            )


class DecisionNotifiedForm(LimitedForm):
    notified_on = _date(
        _("Foreldrene fikk vedtaket"),
        initial=timezone.localdate,
        help_text=_("Klagefristen på tre uker løper fra denne datoen (forvaltningsloven § 29)."),
    )


class HelpStartForm(LimitedForm):
    started_on = _date(_("Hjelpen startet"), initial=timezone.localdate)


class AppealForm(LimitedForm):
    received_on = _date(_("Klage mottatt"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    execution_deferred = forms.BooleanField(
        label=_("Utsatt iverksetting"),
        required=False,
        help_text=_(
            "Kryss av bare hvis kommunen har besluttet at vedtaket ikke skal iverksettes før "
            "klagen er avgjort (forvaltningsloven § 42)."
        ),
    )


class AppealUpdateForm(LimitedForm):
    """Where the appeal is now. Forvaltningsloven §§ 33–34: an outcome of Statsforvalteren's
    needs the date the appeal was sent and the date it was decided (the service checks their
    order against the day the appeal came in: decisions.services.appeal_dates_check)."""

    outcome = forms.ChoiceField(label=_("Status"), choices=Appeal.Outcome.choices)
    sent_on = _date(
        _("Sendt til Statsforvalteren"),
        required=False,
        help_text=_("Må fylles ut når klagen er sendt eller avgjort av Statsforvalteren."),
    )
    outcome_on = _date(
        _("Avgjort dato"),
        required=False,
        help_text=_("Datoen kommunen omgjorde vedtaket, eller Statsforvalteren avgjorde klagen."),
    )

    def clean(self):
        data = super().clean()
        outcome, sent_on, outcome_on = (
            data.get("outcome"),
            data.get("sent_on"),
            data.get("outcome_on"),
        )
        by_statsforvalteren = outcome in (
            Appeal.Outcome.UPHELD,
            Appeal.Outcome.CHANGED,
            Appeal.Outcome.REMANDED,
        )
        sent_needed = by_statsforvalteren or outcome == Appeal.Outcome.SENT
        if sent_needed and not sent_on and "sent_on" not in self.errors:
            self.add_error("sent_on", _("Oppgi datoen klagen ble sendt til Statsforvalteren."))
        decided_needed = by_statsforvalteren or outcome == Appeal.Outcome.REVERSED
        if decided_needed and not outcome_on and "outcome_on" not in self.errors:
            self.add_error("outcome_on", _("Oppgi datoen klagen ble avgjort."))
        if by_statsforvalteren and sent_on and outcome_on and outcome_on < sent_on:
            self.add_error(
                "outcome_on",
                _("Statsforvalteren kan ikke ha avgjort klagen før den ble sendt."),
            )
        return data


class AcknowledgeForm(LimitedForm):
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Hva gjøres?")}),
    )
