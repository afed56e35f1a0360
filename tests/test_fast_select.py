"""core.forms.FastSelect writes the HTML of Django's forms.Select without its templates."""

import pytest
from django import forms

from core.forms import FastSelect

CHOICES = [
    ("", "Alle <enheter>"),
    ("Nord & co", [(1, "Blåbær"), (2, 'Bringebær "B"')]),
    ("Sør", [(3, "Tyttebær")]),
    (4, "Uten område"),
]


@pytest.mark.parametrize("value", ["2", "", None, "4", "99", 3])
@pytest.mark.parametrize("choices", [CHOICES, [("", "Alle"), (1, "En"), (2, "To & to")]])
def test_the_same_html_as_django_select(value, choices):
    attrs = {"class": "form-select form-select-sm"}
    django_html = forms.Select(attrs=attrs, choices=choices).render("enhet", value, {"id": "x"})
    fast_html = FastSelect(attrs=attrs, choices=choices).render("enhet", value, {"id": "x"})
    assert fast_html == django_html


def test_a_duplicate_value_is_selected_once_as_in_django():
    choices = [(1, "En"), (1, "En igjen")]
    assert FastSelect(choices=choices).render("n", "1").count(" selected") == 1
