"""Form pieces shared by every app (teams cannot import referrals, so they live here)."""

import html

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    ProhibitNullCharactersValidator,
)
from django.utils.deconstruct import deconstructible
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import limits

# A native date picker; the value in ISO form, which <input type="date"> requires.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns <form>, the CSRF token and the buttons
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {conditional_escape(name)}")
        elif value is not False:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


class FastSelect(forms.Select):
    """forms.Select with the same HTML, written in Python: Django renders every <option>
    through two templates (60 µs each), and an advisor of a large municipality filters among
    200 units: 13 of the caseload page's 61 ms of CPU (bench/, 1,000,000 cases), and the case
    page's advisor select 145 advisors: 14 of its 43 ms, the dashboard's 500 units in their
    areas' groups 70 ms. The options come straight from the choices (no option dicts, no
    format_html per option): 500 units cost 0.4 ms."""

    def render(self, name, value, attrs=None, renderer=None):
        # Once: a ModelChoiceIterator queries on every pass (and list() would count first).
        choices = [choice for choice in self.choices]
        if self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        widget_attrs = forms.Widget.get_context(self, name, value, attrs)["widget"]["attrs"]
        wanted = set(self.format_value(value))
        parts = [f'<select name="{html.escape(name)}"', attrs_html(widget_attrs), ">"]
        selected_one = False

        def option(option_value, label) -> str:
            nonlocal selected_one
            option_value = "" if option_value is None else str(option_value)
            selected = not selected_one and option_value in wanted
            selected_one = selected_one or selected
            return (
                f'\n  <option value="{html.escape(option_value)}"'
                f"{' selected' if selected else ''}>{html.escape(str(label))}</option>\n"
            )

        for option_value, label in choices:
            if isinstance(label, (list, tuple)):  # an <optgroup>: (group name, its choices)
                parts.append(f'\n  <optgroup label="{html.escape(str(option_value))}">')
                parts.extend(option(v, sub_label) for v, sub_label in label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


# --- input limits (issue 16): every form of the project is a LimitedForm or LimitedModelForm ---


@deconstructible
class ControlCharacterValidator:
    """No NUL or other control character; multi-line text may hold tabs and line breaks."""

    def __init__(self, *, multiline: bool):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if limits.has_control_characters(str(value), multiline=self.multiline):
            raise ValidationError(
                _("Teksten inneholder kontrolltegn som ikke kan lagres. Skriv den inn på nytt."),
                code="control_characters",
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline


@deconstructible
class DateBoundsValidator:
    """Not before 2000-01-01 and at most ``ahead`` after today: by default tomorrow (a date of
    something that has happened). Read at validation time: "today" moves."""

    def __init__(self, *, ahead=limits.HAPPENED_SLACK):
        self.ahead = ahead

    def __call__(self, value) -> None:
        # The default (something that has happened) says "not in the future".
        latest = None if self.ahead == limits.HAPPENED_SLACK else limits.today() + self.ahead
        if message := limits.date_bound_error(value, latest=latest):
            raise ValidationError(message, code="date_bounds")

    def __eq__(self, other):
        return isinstance(other, DateBoundsValidator) and other.ahead == self.ahead


class NameField(forms.CharField):
    """A person's or a place's name: direction overrides, isolates and zero-width characters
    are removed, so a name cannot be made to read as another."""

    def to_python(self, value):
        value = super().to_python(value)
        return limits.strip_invisible(value).strip() if value else value


def _limit_text(field: forms.CharField) -> None:
    multiline = isinstance(field.widget, forms.Textarea)
    if field.max_length is None:
        # A model TextField has no length of its own: the form gives it one.
        field.max_length = limits.FREE_TEXT_MAX if multiline else limits.NAME_MAX
        field.validators.append(MaxLengthValidator(field.max_length))
        field.widget.attrs.setdefault("maxlength", str(field.max_length))
    # Our validator names every control character, NUL included, in one Norwegian message.
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    field.validators.append(ControlCharacterValidator(multiline=multiline))


def limit_fields(fields: dict, *, planned_dates=()) -> None:
    """Bound every text, date and integer field of a form instance (its own copies)."""
    for name, field in fields.items():
        if isinstance(field, forms.CharField):
            _limit_text(field)
        elif isinstance(field, forms.DateField):
            if not any(isinstance(v, DateBoundsValidator) for v in field.validators):
                ahead = limits.PLANNED_AHEAD if name in planned_dates else limits.HAPPENED_SLACK
                field.validators.append(DateBoundsValidator(ahead=ahead))
            field.widget.attrs.setdefault("min", limits.EARLIEST_DATE.isoformat())
        elif isinstance(field, forms.IntegerField) and field.max_value is None:
            field.max_value = limits.BIGINT_MAX
            field.validators.append(MaxValueValidator(limits.BIGINT_MAX))


class LimitsMixin:
    """Every text has a maximum length (the model's, else FREE_TEXT_MAX for a textarea and
    NAME_MAX for a line) and no control characters; every date is between 2000-01-01 and
    tomorrow, or for the fields in ``planned_dates`` a few years ahead (core.limits)."""

    planned_dates: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_fields(self.fields, planned_dates=self.planned_dates)


class LimitedForm(LimitsMixin, forms.Form):
    pass


class LimitedModelForm(LimitsMixin, forms.ModelForm):
    pass


class VersionedModelForm(LimitedModelForm):
    """A plain edit screen that names the version it started from (optimistic locking: the
    service refuses an edit started from an older version). ``values()`` is what the view
    passes to the service; the form never saves. Used by referrals' and teams' forms."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]  # a new object has no version to compare
        else:
            self.fields["version"].initial = self.instance.version

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def set_version(self, version: int) -> None:
        """After a stale edit: keep the user's input, but let a deliberate re-submit through."""
        self.data = self.data.copy()
        self.data["version"] = str(version)
