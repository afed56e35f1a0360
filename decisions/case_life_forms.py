"""Forms of the case's life after the vedtak (decisions/case_life_views.py): they only validate;
the views pass cleaned_data to decisions/case_life.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedForm
from core.limits import FREE_TEXT_MAX
from decisions.forms import DecisionForm, _date
from referrals.models import Referral


class AnnualReportForm(LimitedForm):
    period_from = _date(_("Perioden fra"))
    period_to = _date(_("Perioden til"), initial=timezone.localdate)
    help_given = forms.CharField(
        label=_("Hjelpen som er gitt"),
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Hva slags hjelp, hvor mye, av hvem og hvordan den er organisert."),
    )
    development = forms.CharField(
        label=_("Barnets utvikling"),
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Barnets utvikling i perioden, målt mot målene i vedtaket."),
    )
    # The draft's version the form was opened on (a stale edit is refused with what is saved).
    report_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        # "Send inn" and "Lagre utkast" are two buttons of one form.
        cleaned["submit"] = "send" in self.data
        return cleaned


class RenewalForm(LimitedForm):
    renewed_on = _date(
        _("Fornyelsen startet"),
        initial=timezone.localdate,
        help_text=_("Den nye saken får egne frister fra denne datoen."),
    )


class DecisionChangeForm(DecisionForm):
    """An endringsvedtak: the vedtak's terms, its date and the reason for the change; the
    outcome and who gives the help stay as they are."""

    changes_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("outcome", "provider", "provider_name"):
            del self.fields[name]
        self.fields["reason"].label = _("Grunnen til endringen")
        self.fields["reason"].help_text = _("Påkrevd (forvaltningsloven §§ 24–25).")


class DecisionContinueForm(DecisionForm):
    """A decision to continue the help for a new period."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("outcome", "provider", "provider_name"):
            del self.fields[name]
        self.fields["starts_on"].help_text = _("Tomt: dagen etter at dagens vedtak slutter.")


class CloseForm(LimitedForm):
    closed_on = _date(_("Avsluttet dato"), initial=timezone.localdate)
    reason = forms.ChoiceField(
        label=_("Hvorfor saken avsluttes"),
        choices=[("", "–"), *Referral.ClosedReason.choices],
        required=False,  # the service names a missing reason at the field (one message)
    )
    note = forms.CharField(
        label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(LimitedForm):
    received_on = _date(_("Mottatt"), initial=timezone.localdate)
    concern = forms.CharField(
        label=_("Hvorfor saken gjenåpnes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,  # the service names a missing reason at the field
    )
