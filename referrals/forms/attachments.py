"""The upload form: validates the file (size and sniffed type) and the title; the view passes
cleaned_data to referrals.attachments.attachment_add, which checks the file again."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedForm
from referrals.attachments import ACCEPT, attachment_check_file, max_size_label
from referrals.services import CaseError


def _file_help() -> str:
    return str(
        _(
            "PDF, bilde (PNG, JPEG, GIF, WEBP, HEIC) eller kontordokument (Word, Excel, "
            "PowerPoint, OpenDocument). Største størrelse: %(limit)s."
        )
        % {"limit": max_size_label()}
    )


class AttachmentForm(LimitedForm):
    title = forms.CharField(
        label=_("Tittel"),
        max_length=200,
        help_text=_("For eksempel «Logopedrapport mai». Vises i listen over vedlegg."),
    )
    file = forms.FileField(
        label=_("Fil"),
        # Read at render time: tests and deployments change ATTACHMENT_MAX_BYTES.
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        if referral is not None:
            self.helper.form_action = reverse("referrals:attachment_upload", args=[referral.pk])
        self.helper.add_input(Submit("submit", _("Last opp")))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            attachment_check_file(uploaded)
        except CaseError as error:
            raise forms.ValidationError(error.message) from error
        return uploaded
