"""Forms of the school's IOP and årleg evaluering (decisions/school_views.py): they only
validate; the views pass cleaned_data to decisions/school_services.py, which checks again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, HoursField, LimitedForm, NameField, limit_fields
from core.limits import FREE_TEXT_MAX
from decisions.school_services import (
    SUBJECT_HOURS_MAX,
    SUBJECT_LIST_MAX,
    SUBJECT_MAX,
    SUBJECT_ROWS,
)


def _textarea(label, help_text=""):
    return forms.CharField(
        label=label,
        max_length=FREE_TEXT_MAX,
        required=False,  # a draft may be saved half-written; finalising requires them
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=help_text,
    )


class IopForm(LimitedForm):
    """The draft IOP: opplæringslova § 11-10's three parts and up to SUBJECT_ROWS subjects
    with their lesson hours per week (a blank row is skipped)."""

    goals = _textarea(_("Mål for opplæringen"), _("Realistiske mål for elevens opplæring."))
    content = _textarea(_("Innhold i opplæringen"), _("Hva eleven skal lære, fag for fag."))
    organisation = _textarea(
        _("Hvordan opplæringen skal gjennomføres"),
        _("Organisering, arbeidsmåter, hvem som gir opplæringen og hvor."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, rows: int = SUBJECT_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        # At least SUBJECT_ROWS rows, and two empty ones beyond a longer plan's subjects (a plan
        # of the service's maximum is edited without losing a row).
        self.rows = min(max(rows, SUBJECT_ROWS), SUBJECT_LIST_MAX + 2)
        for i in range(self.rows):
            self.fields[f"subject_{i}"] = NameField(
                label=_("Fag"), max_length=SUBJECT_MAX, required=False
            )
            self.fields[f"hours_{i}"] = HoursField(
                label=_("Timer per uke"), max_value=SUBJECT_HOURS_MAX, required=False
            )
            self.fields[f"hours_{i}"].widget.attrs["class"] = "form-control form-control-sm"
        limit_fields({k: v for k, v in self.fields.items() if k.startswith("subject_")})

    def subject_rows(self):
        """(subject field, hours field) of each row, for the template's table."""
        return [(self[f"subject_{i}"], self[f"hours_{i}"]) for i in range(self.rows)]

    def clean(self):
        cleaned = super().clean()
        rows, seen = [], {}
        for i in range(self.rows):
            name = cleaned.get(f"subject_{i}") or ""
            hours = cleaned.get(f"hours_{i}")
            if f"subject_{i}" in self.errors or f"hours_{i}" in self.errors:
                continue
            if not name and hours is None:
                continue
            if not name:
                self.add_error(f"subject_{i}", _("Skriv hvilket fag timene gjelder."))
                continue
            if hours is None:
                self.add_error(f"hours_{i}", _("Skriv timer per uke, for eksempel 3,5."))
                continue
            if name.casefold() in seen:
                self.add_error(f"subject_{i}", _("Faget står allerede i listen."))
                continue
            seen[name.casefold()] = i
            rows.append((name, hours))
        cleaned["subjects"] = rows
        for i in range(self.rows):
            cleaned.pop(f"subject_{i}", None)
            cleaned.pop(f"hours_{i}", None)
        return cleaned


def iop_initial(iop) -> dict:
    initial = {"goals": iop.goals, "content": iop.content, "organisation": iop.organisation}
    initial["version"] = iop.version
    for i, subject in enumerate(iop.subjects.all()):
        initial[f"subject_{i}"] = subject.subject
        initial[f"hours_{i}"] = subject.hours_per_week
    return initial


class EvaluationForm(LimitedForm):
    """Opplæringslova § 11-11: the teaching given and the pupil's development against the IOP's
    goals (both required before it is shared)."""

    teaching_given = _textarea(
        _("Opplæringen eleven har fått"),
        _("En skriftlig oversikt over den individuelt tilrettelagte opplæringen i året."),
    )
    development = _textarea(
        _("Elevens utvikling vurdert mot målene i IOP-en"),
        _("Vurder utviklingen mot hvert mål i IOP-en."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ShareForm(LimitedForm):
    shared_on = forms.DateField(
        label=_("Gjort tilgjengelig for eleven og foreldrene"),
        widget=DATE_WIDGET,
        initial=timezone.localdate,
        help_text=_("Opplæringslova § 11-11: eleven eller foreldrene skal få tilgang."),
    )
