"""The worklist's filters (GET, so a filtered list can be bookmarked): unit, area, advisor,
deadline kind, barnehage/skole and case kind, each checked against what the office may choose. A bad value is that filter's
message on the page and the filter left out, never a 500."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect, LimitedForm
from decisions.selectors import DEADLINE_KINDS, NO_ADVISOR, READY, WorklistChoices, WorklistFilter
from referrals import case_kinds
from referrals.filters import KIND_CHOICES

_SELECT = {"class": "form-select form-select-sm"}


class WorklistFilterForm(LimitedForm):
    enhet = forms.TypedChoiceField(
        label=_("Enhet"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg en enhet fra listen.")},
    )
    omrade = forms.TypedChoiceField(
        label=_("Område"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg et område fra listen.")},
    )
    radgiver = forms.ChoiceField(
        label=_("PP-rådgiver"),
        required=False,
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg en rådgiver fra listen.")},
    )
    frist = forms.ChoiceField(
        label=_("Frist"), required=False, widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg en frist fra listen.")},
    )  # fmt: skip
    # Issue 19: barnehage or skole (the case's unit), and the case kind (referrals/case_kinds.py).
    enhetstype = forms.ChoiceField(
        label=_("Barnehage/skole"),
        required=False,
        choices=[("", _("Alle")), *case_kinds.UnitKind.choices],
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg barnehage eller skole fra listen.")},
    )
    sakstype = forms.ChoiceField(
        label=_("Sakstype"),
        required=False,
        choices=[("", _("Alle sakstyper")), *KIND_CHOICES],
        widget=FastSelect(attrs=_SELECT),
        error_messages={"invalid_choice": _("Velg en sakstype fra listen.")},
    )

    def __init__(self, data, *, choices: WorklistChoices):
        super().__init__(data)
        self.fields["enhet"].choices = [("", _("Alle enheter")), *choices.units]
        self.fields["omrade"].choices = [("", _("Alle områder")), *choices.areas]
        self.fields["radgiver"].choices = [
            ("", _("Alle rådgivere")),
            (NO_ADVISOR, _("Uten rådgiver")),
            *[(str(pk), name) for pk, name in choices.advisors],
        ]
        self.fields["frist"].choices = [
            ("", _("Alle frister")),
            (READY, _("Klar for vedtak")),
            *DEADLINE_KINDS.items(),
        ]

    def filters(self) -> WorklistFilter:
        """The valid filters; a field with an error is left out (its message is shown)."""
        self.is_valid()
        for name in self.errors:
            widget = self.fields[name].widget
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            widget.attrs["aria-describedby"] = f"id_{name}-error"
        data = self.cleaned_data
        advisor = data.get("radgiver") or None
        if advisor not in (None, NO_ADVISOR):
            advisor = int(advisor)
        return WorklistFilter(
            unit=data.get("enhet"),
            area=data.get("omrade"),
            advisor=advisor,
            kind=data.get("frist") or "",
        )

    def narrow(self, keys: QuerySet) -> QuerySet:
        """The worklist's case keys (selectors.worklist_case_keys) narrowed to the valid unit
        kind and case kind (called after filters(), which validated the form)."""
        data = self.cleaned_data
        if data.get("enhetstype"):
            keys = keys.filter(unit__kind=data["enhetstype"])
        if data.get("sakstype"):
            keys = keys.filter(kind=data["sakstype"])
        return keys

    def query(self) -> str:
        """The valid filters as a query string, for the pagination's links."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for name in self.fields:
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value not in (None, ""):
                query[name] = str(value)
        return query.urlencode()
