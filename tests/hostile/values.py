"""Hostile values and the fill that writes them into every text and date field of every model of
the project's apps (issue 16, deliverable 2).

Each value carries a unique token (``zq<n>q``) so that a finding on a page can be traced back to
the model, field and row it came from, and told apart from the page's own markup. Values are
written with ``queryset.update()``: no form or model validation stands in the way, as for data
that arrives by any route (an import, the admin, an old bug, a restored backup)."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import DatabaseError, models, transaction

APPS = ("teams", "referrals", "decisions")
TOKEN = re.compile(r"zq\d+q")

# What a value starts with, in turn: formula starters for the exports, a javascript: URL for
# links, a right-to-left override and zero-width characters for spoofed names, and nothing.
PREFIXES = [
    '=HYPERLINK("http://x","y")',
    "+1 ",
    "-1 ",
    "@SUM(A1) ",
    "javascript:alert(1)//",
    "\u202e",
    "\u200b\u200d\ufeff",
    "",
]
LONG = 10_000  # every third value is padded to this (or to the field's max_length)

# Sent in requests only: PostgreSQL refuses NUL in text, so it cannot be stored.
NUL = "a\x00b"

# The earliest and latest a DateField takes (Python's date range; PostgreSQL's is wider), then
# far past and far future where a constraint refuses those; None leaves the date as it is, so
# that some rows keep the dates their state needs.
EDGE_DATES = [None, date.min, date.max, date(1800, 1, 1), date(2300, 12, 31)]
FALLBACK = {date.min: date(1800, 1, 1), date.max: date(2300, 12, 31)}

# Fields that must stay machine values, with the reason. Besides these, every field with
# choices is skipped (a stored choice outside the list is not data a user can write).
SKIP = {
    "teams.User.password": "the personas must still log in",
    "teams.User.email": "the personas log in by e-mail",
    "teams.Municipality.number": "the municipality number: 4 digits, unique, read as a number",
    "teams.Unit.org_number": "a valid organisation number (unique, checked by a validator)",
    "referrals.Child.id_number": "a valid identity number, or the child's pages cannot be built",
    "referrals.ChildHistory.id_number": "as Child.id_number",
    "referrals.CaseEvent.from_status": "a Referral.Status value (the journal's state change)",
    "referrals.CaseEvent.to_status": "a Referral.Status value (the journal's state change)",
    "referrals.Attachment.content_type": "sniffed at upload; sent as the download's Content-Type",
    "decisions.Notification.kind": "the digest kind, part of the unique key the morning job reads",
    "decisions.CaseFact.status": "a Referral.Status value copied by the case-fact trigger",
    "teams.TaskRun.name": "the task name the health check looks up",
}


def field_key(model, f) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{f.name}"


def skip_reason(model, f) -> str | None:
    if f.choices:
        return "a choices field"
    return SKIP.get(field_key(model, f))


def hostile_text(token: str, max_length: int | None, n: int, turn: int | None = None) -> str:
    """One hostile value: a rotating prefix, then htmx attributes, an attribute break-out with an
    event handler and a script, each carrying the token; every third one padded to 10,000
    characters; cut to the field's max_length (the prefix is dropped where the markup would
    not fit otherwise)."""
    markup = (
        f'<b hx-post="/{token}/" hx-trigger="load">{token}</b>'
        f'"><img src=x onerror=alert("{token}")>'
        f'<script>alert("{token}")</script>'
    )
    prefix = PREFIXES[(n if turn is None else turn) % len(PREFIXES)]
    value = prefix + markup
    if max_length and len(prefix) + 45 > max_length:
        value = markup
    if n % 3 == 2:
        value = value + " " + "W" * LONG
    return value[: max_length or LONG]


def request_values(token: str) -> list[str]:
    """What the crawl puts into every query parameter a page offers."""
    return [
        NUL,
        "²",
        "99999999999999999999",
        "-1",
        "0001-01-01",
        "9999-12-31",
        hostile_text(token, None, 0),
        "W" * LONG,
    ]


@dataclass
class Fill:
    """What the fill wrote: figures for the report and the token → field map for findings."""

    tokens: dict = field(default_factory=dict)  # token → "app.Model.field#pk"
    text_values: int = 0
    date_values: int = 0
    date_fallbacks: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)

    @property
    def fields(self) -> set[str]:
        """The fields that hold a hostile value in at least one row."""
        return {w.split("#")[0] for w in self.tokens.values() if not w.startswith("request")}

    def where(self, text: str) -> str:
        found = sorted({self.tokens.get(t, t) for t in TOKEN.findall(text)})
        return ", ".join(found[:3]) + (" …" if len(found) > 3 else "")


def hostile_models():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.managed and not model._meta.proxy:
                yield model


def hostile_fill() -> Fill:
    """Every CharField/TextField (less SKIP) and DateField of every row of every model of the
    project's apps, so a new model or field is covered without touching this file."""
    fill = Fill()
    counter = 0
    for model in hostile_models():
        texts, dates = [], []
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField):
                reason = skip_reason(model, f)
                if reason:
                    fill.skipped[field_key(model, f)] = reason
                else:
                    texts.append(f)
            elif isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
                dates.append(f)
        if not texts and not dates:
            continue
        pks = list(models.QuerySet(model).order_by("pk").values_list("pk", flat=True))
        for i, pk in enumerate(pks):
            values = {}
            for j, f in enumerate(texts):
                counter += 1
                token = f"zq{counter}q"
                fill.tokens[token] = f"{field_key(model, f)}#{pk}"
                # The prefix turns with the row (formula starters first), so a field shown in
                # an export gets one in its first rows whatever its place in the model.
                values[f.attname] = hostile_text(token, f.max_length, counter, turn=i + j)
            for j, f in enumerate(dates):
                day = EDGE_DATES[(i + j) % len(EDGE_DATES)]
                if day is not None:
                    values[f.attname] = day
            _write(model, pk, values, fill)
    return fill


def write_report(name: str, report: str, fill: Fill, probed=()) -> None:
    """The findings and what the fill skipped or could not write, under var/hostile/ (git-ignored),
    for the lead to read whole."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "var" / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    skipped = [f"  {k}: {v}" for k, v in sorted(fill.skipped.items())]
    lines = [report, "== query parameters probed ==", *(f"  {p}" for p in probed)]
    lines += ["== skipped fields ==", *skipped, "== refused by the database =="]
    lines += [f"  {r}" for r in fill.refused]
    lines += ["== edge dates refused, far past/future stored =="]
    lines += [f"  {r}" for r in fill.date_fallbacks]
    (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write(model, pk, values: dict, fill: Fill) -> None:
    """All at once; if the database refuses, field by field, edge dates falling back to far
    past/future, so that one CHECK constraint does not keep the rest of the row clean."""
    if _update(model, pk, values):
        fill.text_values += sum(isinstance(v, str) for v in values.values())
        fill.date_values += sum(isinstance(v, date) for v in values.values())
        return
    for name, value in values.items():
        key = f"{model._meta.app_label}.{model.__name__}.{name}"
        if _update(model, pk, {name: value}):
            fill.text_values += isinstance(value, str)
            fill.date_values += isinstance(value, date)
        elif value in FALLBACK and _update(model, pk, {name: FALLBACK[value]}):
            fill.date_values += 1
            fill.date_fallbacks.append(f"{key}={value}")
        else:
            fill.refused.append(f"{key}#{pk}")
            for token in set(TOKEN.findall(value)) if isinstance(value, str) else ():
                fill.tokens.pop(token)  # never stored: not looked for on the pages


def _update(model, pk, values: dict) -> bool:
    # A plain QuerySet: a model's own manager may refuse update() (the append-only access
    # log); a database trigger that refuses it is still obeyed (and counted as refused).
    try:
        with transaction.atomic():
            models.QuerySet(model).filter(pk=pk).update(**values)
    except (DatabaseError, OverflowError, ValueError):
        return False
    return True
