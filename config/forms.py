"""Form pieces shared by every app (teams cannot import referrals, so they live here)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

# A native date picker; the value in ISO form, which <input type="date"> requires.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns <form>, the CSRF token and the buttons
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper
