"""The case worker's forms on the documents tab: an incoming document (a PDF checked to be one)
and an internal note. They only validate; the view passes cleaned_data to documents.services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.forms import LimitedForm
from documents.services import pdf_check
from referrals.attachments import max_size_label


def _file_help() -> str:
    return str(_("Bare PDF. Største størrelse: %(limit)s.") % {"limit": max_size_label()})


class IncomingDocumentForm(LimitedForm):
    title = forms.CharField(
        label=_("Tittel"),
        max_length=200,
        help_text=_("For eksempel «Svar fra foreldrene» eller «Uttalelse fra fastlege»."),
    )
    sender = forms.CharField(label=_("Avsender"), max_length=200)
    document_date = forms.DateField(
        label=_("Dokumentdato"),
        help_text=_("Datoen på dokumentet, for eksempel 25.11.2026."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label=_("PDF-fil"),
        # Read at render time: tests and deployments change ATTACHMENT_MAX_BYTES.
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )
    withheld = forms.CharField(
        label=_("Unntatt fra foreldrenes innsyn (hjemmel)"),
        max_length=200,
        required=False,
        help_text=_(
            "Bare når foreldrene ikke skal få dokumentet i dokumentsamlingen: skriv hjemmelen, "
            "for eksempel «forvaltningsloven § 19 første ledd bokstav c»."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Registrer dokumentet")))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            pdf_check(uploaded)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return uploaded


class NoteForm(LimitedForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    text = forms.CharField(label=_("Notat"), max_length=10_000, widget=forms.Textarea)
    document_date = forms.DateField(
        label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Lagre notatet")))
