"""The draft letter's free-text form (its fields from the letter's spec) and the action forms
(finalise, new version): they validate only; documents.letter_services writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedForm

from . import letters


class LetterTextsForm(LimitedForm):
    """The parts of the letter the case worker writes; ``version`` is the draft's version the
    form was opened on (a stale edit is refused by the service)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    planned_dates = ("expected_on",)  # an expected answer lies ahead (core.limits)

    def __init__(self, *args, spec: letters.LetterSpec, **kwargs):
        self.spec = spec
        super_fields = {}
        for part in spec.texts:
            if part.kind == "date":
                super_fields[part.key] = forms.DateField(
                    label=part.label,
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                )
            else:
                super_fields[part.key] = forms.CharField(
                    label=part.label,
                    required=False,
                    max_length=part.max_length,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
        self.base_fields = {**super_fields, "version": self.base_fields["version"]}
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        texts = {part.key: self.cleaned_data.get(part.key) for part in self.spec.texts}
        return {"texts": texts}

    def refill(self, current) -> None:
        """After a stale edit: keep what was typed, name the version now saved."""
        self.data = self.data.copy()
        self.data["version"] = str(current.version)


class ActionForm(LimitedForm):
    """Ferdigstill / Lag ny versjon: a button with a one-time token (core.views.with_once)."""

    pass


KIND_LABELS = {kind: spec.title_nb for kind, spec in letters.SPECS.items()}
KIND_HELP = _("Brevet lages fra sakens egne opplysninger; du skriver bare de frie tekstdelene.")
