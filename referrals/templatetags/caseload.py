"""The caseload tables' rows (/saker/ and /min-enhet/), rendered by Jinja2.

/saker/ is the page a case worker opens most; its 25 rows in Django's template engine cost
about 0.5 ms each (bench/README.md), so the rows alone are a Jinja2 template, compiled once:
the cells of templates/jinja2/referrals/caseload_cells.html, one per column of
referrals/caseload_columns.py, joined into one row template per table. The tables' frames (caption, header, pagination) stay Django
templates and read their headers from the same column table.
"""

import functools
import re
from types import SimpleNamespace

import jinja2
from django import template
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.forms import attrs_html
from core.jinja import render_safe
from referrals import caseload_columns
from referrals.case_page import status_badge
from referrals.models import DeadlineKind, Referral
from referrals.templatetags.deadlines import day, deadline_badge_html

register = template.Library()

_PRIORITY_BADGES = {
    Referral.Priority.URGENT: "text-bg-danger",
    Referral.Priority.HIGH: "text-bg-warning",
}
_PK = 2_147_483_647  # a placeholder id: one reverse() for the page, not one per row


def url_pattern(name: str) -> str:
    """The URL of ``name`` for any one primary key, as a str.format pattern: the rows of a
    page call reverse() once per URL name instead of once per row."""
    return reverse(name, args=[_PK]).replace(str(_PK), "{}")


_CELL = re.compile(r"\{#- cell (\w+) #\}")


@functools.cache
def _rows_template(columns: tuple) -> jinja2.Template:
    """The rows of a table with these columns: its cells joined into one loop and compiled
    once per process, as fast as a hand-written row (a macro call per cell cost 15 %)."""
    env = engines["jinja2"].env
    source = env.loader.get_source(env, "referrals/caseload_cells.html")[0]
    parts = _CELL.split(source)[1:]  # key, cell, key, cell, …
    cells = {key: cell.strip() for key, cell in zip(parts[::2], parts[1::2], strict=True)}
    row = "\n      ".join(cells[c.key] for c in columns)
    return env.from_string(
        "{% for r in rows %}    <tr>\n      " + row + "\n    </tr>\n{% endfor %}"
    )


def _table(columns, *, is_advisor: bool, unit_page: bool) -> SimpleNamespace:
    """What every row of one table shares: labels looked up once, not once per row."""
    kinds = dict(DeadlineKind.choices)
    today = timezone.localdate()

    def badge(r):
        label = kinds.get(r.next_deadline_kind, "")
        return deadline_badge_html(
            r.next_deadline_on, r.next_deadline_warn_on, label=label, today=today
        )

    return SimpleNamespace(
        columns=columns,
        url=url_pattern("referrals:case_detail"),
        statuses={value: str(label) for value, label in Referral.Status.choices},
        priorities={value: str(label) for value, label in Referral.Priority.choices},
        # issue 19: the case kind's short label, its full label as the title
        case_kinds={value: str(label) for value, label in Referral._meta.get_field("kind").choices},
        kind_short=caseload_columns.KIND_SHORT_LABELS,
        priority_badges=_PRIORITY_BADGES,
        status_class=status_badge,
        day=day,
        badge=badge,
        is_advisor=is_advisor,
        you=gettext("Deg"),
        unassigned=gettext("Ikke tildelt ennå") if unit_page else gettext("Ikke tildelt"),
        id_hidden=gettext("Fødselsnummer, skjult:"),
        # The unit head's table is narrower (no unit, priority or days): the name may wrap.
        name_class="" if unit_page else " text-nowrap",
        id_class="small " if unit_page else "",
        deadline_class="" if unit_page else " ps-3",
        deadline_mark=not unit_page,
    )


@register.simple_tag
def caseload_rows(page, is_advisor: bool = False) -> str:
    """The <tr>s of one page of /saker/: CaseloadRows of
    referrals.selectors.referral_caseload_rows (with ``days_since_received``)."""
    t = _table(caseload_columns.CASELOAD, is_advisor=is_advisor, unit_page=False)
    return render_safe(_rows_template(t.columns), rows=page, **vars(t))


@register.simple_tag
def unit_caseload_rows(rows) -> str:
    """The <tr>s of one unit's group on /min-enhet/: Referrals, child, unit, advisor joined."""
    t = _table(caseload_columns.UNIT_CASELOAD, is_advisor=False, unit_page=True)
    return render_safe(_rows_template(t.columns), rows=rows, **vars(t))


@register.simple_tag
def caseload_header(columns: str):
    """The <th>s of caseload_columns' CASELOAD or UNIT_CASELOAD."""
    return getattr(caseload_columns, columns)


def _choice_inputs(bound_field, wrap: str) -> str:
    """Each choice of a RadioSelect or CheckboxSelectMultiple as its <input> and <label>, the
    HTML of ``{% for c in field %}{{ c.tag }}<label …>{% endfor %}`` without rendering three
    widget templates per choice (0.5 ms each: the filter form has 15 choices)."""
    widget = bound_field.field.widget
    id_ = widget.attrs.get("id") or bound_field.auto_id  # as BoundField.subwidgets does
    attrs = bound_field.build_widget_attrs({"id": id_} if id_ else {})
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)
    parts = []
    for _group, options, _index in context["widget"]["optgroups"]:
        for option in options:
            tag = mark_safe(  # noqa: S308 (escaped by format_html and attrs_html)
                format_html(
                    '<input type="{}" name="{}" value="{}"',
                    option["type"],
                    option["name"],
                    str(option["value"]),
                )
                + attrs_html(option["attrs"])
                + ">"
            )
            parts.append(format_html(wrap, tag, option["attrs"]["id"], option["label"]))
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped)


@register.simple_tag
def button_radios(bound_field) -> str:
    """Radio buttons drawn as a Bootstrap button group (btn-check and its label)."""
    return _choice_inputs(
        bound_field, '{}<label class="btn btn-outline-primary" for="{}">{}</label>'
    )


@register.simple_tag
def check_boxes(bound_field) -> str:
    """Checkboxes as Bootstrap form-checks."""
    return _choice_inputs(
        bound_field,
        '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
    )
