"""Form pieces shared by every app (teams cannot import referrals, so they live here)."""

import html
import json
import re
import secrets
from datetime import date, datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    ProhibitNullCharactersValidator,
)
from django.forms.models import model_to_dict
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


# --- hours (issue 18) ---------------------------------------------------------------------------

# ASCII digits only (no "³" or "٣"), one decimal comma or point, no sign, exponent or "NaN".
_HOURS = re.compile(r"([0-9]{1,6})(?:[.,]([0-9]{1,6}))?")


class HoursField(forms.Field):
    """Hours typed as Norwegians write them: "3,5" (or "3.5") is three and a half hours.

    A number input cannot take a decimal comma in every browser, and Django's DecimalField
    read "3,5" as 35 (the comma taken for a thousands separator); a text input with a decimal
    keyboard, parsed here strictly, can. At most ``decimal_places`` decimals (what the model
    stores: "3,55" is refused, not rounded), between ``min_value`` and ``max_value`` (a week's
    possible hours, core.limits). A stored value is shown with a decimal comma: 3,5 and 4."""

    widget = forms.TextInput(
        attrs={
            "inputmode": "decimal",
            "autocomplete": "off",
            "pattern": r"\s*[0-9]+([.,][0-9]+)?\s*",
            "maxlength": "10",
            "title": _("Timer, for eksempel 3,5"),
        }
    )

    def __init__(
        self,
        *,
        min_value: Decimal = Decimal(0),
        max_value: Decimal = limits.HOURS_PER_WEEK_MAX,
        decimal_places: int = 1,
        **kwargs,
    ):
        self.min_value, self.max_value = min_value, max_value
        self.decimal_places = decimal_places
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if not text:
            return None
        if text.startswith("-") and _HOURS.fullmatch(text[1:].strip()):
            raise ValidationError(_("Timer kan ikke være negative."), code="negative")
        match = _HOURS.fullmatch(text)
        if match is None:
            raise ValidationError(_("Skriv timer som et tall, for eksempel 3,5."), code="invalid")
        whole, fraction = match.group(1), (match.group(2) or "").rstrip("0")
        if len(fraction) > self.decimal_places:
            raise ValidationError(
                _("Oppgi timer med høyst én desimal, for eksempel 3,5."), code="decimal_places"
            )
        return Decimal(f"{whole}.{fraction or 0}")

    def validate(self, value) -> None:
        super().validate(value)
        if value is None:
            return
        if value < self.min_value:
            raise ValidationError(
                _("Oppgi minst %(n)s timer.") % {"n": hours_text(self.min_value)}, code="min"
            )
        if value > self.max_value:
            raise ValidationError(
                _("Oppgi høyst %(n)s timer (en uke i barnehagen har fem dager à ni timer).")
                % {"n": hours_text(self.max_value)}
                if self.max_value == limits.HOURS_PER_WEEK_MAX
                else _("Oppgi høyst %(n)s timer.") % {"n": hours_text(self.max_value)},
                code="max",
            )

    def prepare_value(self, value):
        return hours_text(value) if isinstance(value, (Decimal, int, float)) else value

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


def hours_text(value) -> str:
    """3,5 and 4 (not 3.50 or 4.0): a number of hours as written in Norwegian."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


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


RENDERED_SALT = "core.forms.rendered"
RENDERED_MAX = 200_000


def once_token() -> str:
    """A form's one-time token (core/views.py run_form): a double click acts once."""
    return secrets.token_urlsafe(18)


class VersionedModelForm(LimitedModelForm):
    """A plain edit screen that names the version it started from (optimistic locking: the
    service refuses an edit started from an older version). ``values()`` is what the view
    passes to the service; the form never saves. Used by referrals' and teams' forms.

    An edit also carries, signed, the values it was rendered with (``rendered``), so that
    after a stale edit the fields the user did not change can take what is saved now
    (``refill``). A new object's form carries a one-time token (``once``) instead, so a
    double click makes one row (core/views.py run_form)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Signed JSON of every field's value as rendered; a long text fits (compressed).
    rendered = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=RENDERED_MAX, strip=False
    )
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]  # a new object has no version to compare
            del self.fields["rendered"]
            self.fields["once"].initial = once_token  # a fresh token each time it renders
        else:
            del self.fields["once"]
            self.fields["version"].initial = self.instance.version
            # Read when the form renders (a subclass may still change its initial values).
            self.fields["rendered"].initial = self._signed_values

    def clean(self):
        # The hidden bookkeeping leaves cleaned_data, which views pass to services whole.
        cleaned = super().clean()
        self.once_token = cleaned.pop("once", None) or None
        cleaned.pop("rendered", None)
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def set_version(self, version: int) -> None:
        """After a stale edit: keep the user's input, but let a deliberate re-submit through."""
        self.data = self.data.copy()
        self.data["version"] = str(version)

    # --- after a stale edit ------------------------------------------------------------------

    def _shown(self, initial: dict | None = None) -> dict:
        """Each field's value as an unbound form shows it (dates as dates, choices as ids)."""
        shown = {}
        for name in self._meta.fields:
            if name in self.fields:
                field = self.fields[name]
                value = (
                    self.get_initial_for_field(field, name) if initial is None else initial[name]
                )
                shown[name] = field.prepare_value(value)
        return shown

    def _signed_values(self, initial: dict | None = None) -> str:
        shown = self._shown(initial)
        return signing.dumps(shown, salt=RENDERED_SALT, compress=True, serializer=_Serializer)

    def _rendered_values(self) -> dict | None:
        try:
            return signing.loads(
                self.data.get("rendered") or "", salt=RENDERED_SALT, serializer=_Serializer
            )
        except signing.BadSignature:
            return None  # none sent (or forged): every field counts as the user's own

    def user_changed(self) -> set[str]:
        """The fields whose posted value differs from the value the form was rendered with."""
        rendered = self._rendered_values()
        if rendered is None:
            return {name for name in self._meta.fields if name in self.fields}
        changed = set()
        for name in self._meta.fields:
            if name not in self.fields:
                continue
            field = self.fields[name]
            posted = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if name not in rendered or _changed(field, rendered[name], posted):
                changed.add(name)
        return changed

    def refill(self, current) -> None:
        """After a stale edit: what is saved now in every field the user did not change, the
        user's own input in the rest, and the current version and values, so that a second
        "Lagre" applies only the user's own changes."""
        mine = self.user_changed()
        now = model_to_dict(current, fields=[n for n in self._meta.fields if n in self.fields])
        shown = self._shown(now)
        data = self.data.copy()
        for name, value in shown.items():
            if name not in mine:
                _put(data, self.add_prefix(name), self.fields[name], value)
        data["version"] = str(current.version)
        data["rendered"] = self._signed_values(now)
        self.data = data


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if hasattr(o, "pk"):  # a model instance left in an initial value
            return o.pk
        return super().default(o)


class _Serializer:
    """signing's JSON, with dates and model instances (ASCII: every character escaped)."""

    def dumps(self, obj) -> bytes:
        return json.dumps(obj, separators=(",", ":"), cls=_Encoder).encode("ascii")

    def loads(self, data: bytes):
        return json.loads(data.decode("ascii"))


def _changed(field, rendered, posted) -> bool:
    """Field.has_changed with the rendered value back in the field's own type."""
    if isinstance(field, (forms.DateField, forms.DateTimeField)) and rendered:
        try:
            rendered = field.to_python(rendered)
        except ValidationError:
            return True
    return field.has_changed(rendered, posted)


def _put(data, key: str, field, value) -> None:
    """``value`` into QueryDict ``data`` as the browser would post it."""
    if isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, (list, tuple)):
        data.setlist(key, [str(v) for v in value])
    elif value is None:
        data[key] = ""
    elif isinstance(value, (date, datetime)):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)
