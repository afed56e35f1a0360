"""The case's change history ("Historikk"): what changed, by whom and when, for the case, its
child, guardians, consents, assessment, pauses, decisions and provisional replies.

Read from the history tables that PostgreSQL triggers fill (core/history.py), so it shows
changes made by any path, bulk updates included, not only those the journal was told about.
The user is the one pghistory's middleware attached to the request that made the change.

Queries, whatever the number of events: the events that reference the case (one query over
five history tables), those that reference the child (one, over two tables), then at most one
each for the users, units and guardians the events name.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

from referrals.models import Child, Guardian, PauseReason, Referral
from teams.models import Unit, User

HISTORY_LIMIT = 200

# By label: the decisions app builds on referrals and must not be imported from here.
CASE_HISTORY_MODELS = (
    "referrals.ReferralHistory",
    "referrals.ConsentHistory",
    "referrals.AssessmentHistory",
    "referrals.PauseHistory",
    "decisions.DecisionHistory",
    "decisions.ProvisionalReplyHistory",
)
CHILD_HISTORY_MODELS = ("referrals.ChildHistory", "referrals.GuardianHistory")
CHILD_MODELS = (Child, Guardian)

ACTIONS = {"insert": _("Opprettet"), "update": _("Endret"), "delete": _("Slettet")}
# Bookkeeping and the links that tie a row to its case or child: not news to the reader.
HIDDEN_COLUMNS = {
    "id",
    "version",
    "updated_at",
    "created_at",
    "registered_at",
    "child_id",
    "referral_id",
    "municipality_id",
    "created_by_id",
    "registered_by_id",
}
# The identity number (and the birth date it encodes) is never shown, only that it changed.
SECRET_COLUMNS = {"id_number", "birth_date"}
NAMED = {User: "full_name", Unit: "name", Guardian: "name", PauseReason: "label"}
# Labels for the fields whose models give no Norwegian verbose name.
LABELS = {
    "status": _("Status"),
    "guardian": _("Foresatt"),
    "author": _("Utarbeidet av"),
    "decided_by": _("Vedtatt av"),
    "unit": _("Enhet"),
    "superseded": _("Erstattet av nytt vedtak"),
}


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    note: str = ""  # shown instead of old → new (an identity number "endret")


@dataclass
class HistoryEntry:
    at: datetime
    actor: str | None
    kind: str  # insert, update or delete
    action: str
    subject: str
    changes: list = field(default_factory=list)


# What a limited view (referrals.scoping.sees_child_in_full: the styrer of a unit the child
# has left) leaves out: where the child is now and how the guardians are reached.
LIMITED_COLUMNS = {"unit_id", "id_number", "phone", "email", "address"}


def case_history(referral: Referral, *, limited: bool = False) -> tuple[list[HistoryEntry], bool]:
    """The newest HISTORY_LIMIT changes, newest first, and whether older ones exist."""
    rows = _events(CASE_HISTORY_MODELS, referral) + _events(CHILD_HISTORY_MODELS, referral.child)
    rows.sort(key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    more = len(rows) > HISTORY_LIMIT
    rows = rows[:HISTORY_LIMIT]
    names = _names(rows)
    entries = [_entry(row, names, limited=limited) for row in rows]
    return entries, more


def _events(labels, obj) -> list:
    # One query: a UNION over the tables, each event with its diff against the object's
    # previous event and its context (the user and path of the request).
    return list(
        Events.objects.across(*labels)
        .references(obj)
        .order_by("-pgh_created_at", "-pgh_id")[: HISTORY_LIMIT + 1]
    )


def _columns(model) -> dict:
    return {f.column: f for f in model._meta.concrete_fields}


def _names(rows) -> dict:
    """{(model, pk): name} for every user, unit and guardian the rows mention."""
    wanted = {model: set() for model in NAMED}
    for row in rows:
        user_id = (row.pgh_context or {}).get("user")
        if user_id:
            wanted[User].add(user_id)
        columns = _columns(apps.get_model(row.pgh_obj_model))
        for column, value in _values(row):
            target = getattr(columns.get(column), "related_model", None)
            if target in wanted and value is not None:
                wanted[target].add(value)
    names = {}
    for model, pks in wanted.items():
        if pks:
            attr = NAMED[model]
            for pk, name in model.objects.filter(pk__in=pks).values_list("pk", attr):
                names[model, pk] = name
    return names


def _values(row):
    """Every (column, value) the row carries, old and new."""
    for column, value in (row.pgh_data or {}).items():
        yield column, value
    for column, pair in (row.pgh_diff or {}).items():
        yield column, pair[0]


def _entry(row, names: dict, *, limited: bool = False) -> HistoryEntry:
    model = apps.get_model(row.pgh_obj_model)
    user_id = (row.pgh_context or {}).get("user")
    return HistoryEntry(
        at=timezone.localtime(row.pgh_created_at),
        actor=names.get((User, user_id)) if user_id else None,
        kind=row.pgh_label,
        action=str(ACTIONS.get(row.pgh_label, row.pgh_label)),
        subject=_subject(model, row, names),
        changes=_changes(model, row, names, limited=limited),
    )


def _subject(model, row, names: dict) -> str:
    subject = capfirst(str(model._meta.verbose_name))
    data = row.pgh_data or {}
    if model is Guardian:
        return f"{subject}: {data.get('name', '')}"
    if model._meta.model_name == "consent":
        guardian = names.get((Guardian, data.get("guardian_id")), "")
        return f"{subject}: {guardian}" if guardian else subject
    return subject


def _changes(model, row, names: dict, *, limited: bool = False) -> list[Change]:
    columns = _columns(model)
    if row.pgh_label == "update":
        pairs = [(c, old, new) for c, (old, new) in (row.pgh_diff or {}).items()]
    elif row.pgh_label == "insert":
        pairs = [(c, None, v) for c, v in (row.pgh_data or {}).items() if v not in (None, "", [])]
    else:
        return []
    order = {column: i for i, column in enumerate(columns)}
    changes = []
    for column, old, new in sorted(pairs, key=lambda p: order.get(p[0], len(order))):
        model_field = columns.get(column)
        if model_field is None or column in HIDDEN_COLUMNS:
            continue
        if limited and model in CHILD_MODELS and column in LIMITED_COLUMNS:
            continue
        label = _label(model_field)
        if column in SECRET_COLUMNS:
            note = _("endret") if row.pgh_label == "update" else _("registrert")
            changes.append(Change(label, note=str(note)))
        elif row.pgh_label == "insert":
            changes.append(Change(label, new=_display(model_field, new, names)))
        else:
            old_text = _display(model_field, old, names)
            changes.append(Change(label, old=old_text, new=_display(model_field, new, names)))
    return changes


def _label(model_field) -> str:
    if model_field.verbose_name == model_field.name.replace("_", " "):  # Django's default
        return str(LABELS.get(model_field.name, model_field.verbose_name))
    return capfirst(str(model_field.verbose_name))


def _display(model_field, value, names: dict) -> str:
    """A stored value as the reader knows it: choice labels, Ja/Nei, 25.11.2026, names."""
    if value in (None, "", []):
        return "–"
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"#{value}")
    if isinstance(model_field, models.BooleanField):
        return str(_("Ja") if value else _("Nei"))
    if isinstance(value, list):
        choices = _service_labels(model_field)
        return ", ".join(str(choices.get(v, v)) for v in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateTimeField):
        return date_format(
            timezone.localtime(datetime.fromisoformat(value)), "SHORT_DATETIME_FORMAT"
        )
    if isinstance(model_field, models.DateField):
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if isinstance(model_field, models.DecimalField):
        try:
            return number_format(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    return str(value)


def _service_labels(model_field) -> dict:
    if model_field.model is Referral and model_field.name == "services":
        return dict(Referral.Service.choices)
    return {}
