"""Form pieces shared by every app (teams cannot import referrals, so they live here)."""

import html

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


class VersionedModelForm(forms.ModelForm):
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
