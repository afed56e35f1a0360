"""Every label the history tab can show has an English translation (issue 17, item 9): the
tab, the subjects (model names), the field labels, the actions and the choice values."""

import pytest
from django.apps import apps
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation

from referrals import history


def _event_models():
    for label in history.CASE_HISTORY_MODELS + history.CHILD_HISTORY_MODELS:
        yield apps.get_model(label)


def _labels():
    """(where, the label's text as a lazy string or a callable giving it in the language)."""
    for action, text in history.ACTIONS.items():
        yield f"action {action}", lambda text=text: str(text)
    for event in _event_models():
        model = event.pgh_tracked_model
        tracked = {f.attname for f in event._meta.concrete_fields}
        yield f"{model.__name__}", lambda model=model: str(model._meta.verbose_name)
        for field in model._meta.concrete_fields:
            if field.attname in history.HIDDEN_COLUMNS or field.attname not in tracked:
                continue
            yield f"{model.__name__}.{field.name}", lambda f=field: history._label(f)
            for value, label in field.flatchoices if field.choices else ():
                yield f"{model.__name__}.{field.name}={value}", lambda label=label: str(label)
            if isinstance(field, models.BooleanField):
                yield "Ja", lambda f=field: history._display(f, True, {})
                yield "Nei", lambda f=field: history._display(f, False, {})


LABELS = dict(_labels())


@pytest.mark.parametrize("where", list(LABELS))
def test_every_history_label_has_an_english_translation(where):
    text = LABELS[where]
    with translation.override("nb"):
        norwegian = text()
    with translation.override("en"):
        english = text()
    # A label that reads the same in both languages is fine only if it is a word they share.
    assert english != norwegian or norwegian in SAME_IN_BOTH, f"{where}: {norwegian}"


SAME_IN_BOTH = {"Status", "Normal", "pause"}  # "pause": the model name, a word of both


def test_the_history_tab_reads_in_english():
    with translation.override("en"):
        html = render_to_string("referrals/_history.html", {"history": [], "more_history": False})
    assert "History" in html and "Historikk" not in html and "endringer" not in html
