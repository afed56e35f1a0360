"""The caseload table's rows, written in Python.

/saker/ is the page a case worker opens most, and its 25 rows were two thirds of its
rendering: each row is a dozen template lookups, a URL, dates, two choice labels and the
deadline badge, about 0.5 ms a row in Django's template engine (bench/README.md). Here the
same HTML costs a tenth of that. The table's frame (caption, header, pagination) stays in
templates/referrals/_caseload_rows.html; tests/referrals/test_caseload.py reads the rows.
"""

from html import escape as esc

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.forms import attrs_html
from referrals.case_page import STATUS_BADGES
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


_ROW = (
    '    <tr>\n      <td class="text-nowrap"><a href="{url}">{reference}</a></td>\n'
    '      <th scope="row" class="fw-normal">\n'
    '        <span class="fw-semibold text-nowrap">{name}</span>\n'
    '        <div class="text-body-secondary text-nowrap"><span class="visually-hidden">'
    "{id_hidden} </span>{masked}</div>\n      </th>\n"
    '      <td class="text-nowrap">{born}</td>\n'
    "      <td>{unit}</td>\n"
    '      <td><span class="badge {status_class}">{status}</span></td>\n'
    "      <td>{priority}</td>\n"
    "      <td>{advisor}</td>\n"
    '      <td class="text-nowrap">{received}</td>\n'
    '      <td class="text-end">{days}</td>\n'
    '      <td class="text-nowrap ps-3" data-next-deadline>{deadline}</td>\n    </tr>\n'
)


@register.simple_tag
def caseload_rows(page, is_advisor: bool = False) -> str:
    """The <tr>s of one page of cases: those of referrals.views.caseload._rows (with
    ``days_since_received``), the child, unit and advisor joined.

    Every value is escaped here with the standard library's html.escape (what Django's escape
    does, without its checks for lazy strings on each of 400 values: half the rows' time)."""
    url = url_pattern("referrals:case_detail")
    statuses = {value: esc(str(label)) for value, label in Referral.Status.choices}
    priorities = {value: esc(str(label)) for value, label in Referral.Priority.choices}
    for value, css in _PRIORITY_BADGES.items():
        priorities[value] = f'<span class="badge {css}">{priorities[value]}</span>'
    kinds = {value: str(label) for value, label in DeadlineKind.choices}
    you = esc(gettext("Deg"))
    unassigned = f'<span class="text-body-secondary">{esc(gettext("Ikke tildelt"))}</span>'
    id_hidden = esc(gettext("Fødselsnummer, skjult:"))
    today = timezone.localdate()
    rows = []
    for r in page:
        child, advisor = r.child, r.advisor
        if advisor is None:
            advisor_html = unassigned
        elif is_advisor and getattr(r, "is_mine", False):
            advisor_html = (
                f'<span class="fw-semibold" title="{esc(advisor.full_name)}">{you}</span>'
            )
        else:
            advisor_html = esc(advisor.full_name)
        days = getattr(r, "days_since_received", None)
        if r.is_open:
            deadline = deadline_badge_html(
                r.next_deadline_on,
                r.next_deadline_warn_on,
                label=kinds.get(r.next_deadline_kind, ""),
                today=today,
            )
        else:
            deadline = "–"
        rows.append(
            _ROW.format(
                url=esc(url.format(r.pk)),
                reference=esc(r.reference),
                name=esc(child.full_name),
                id_hidden=id_hidden,
                masked=esc(child.masked_id_number),
                born=day(child.birth_date),
                unit=esc(r.unit.name),
                status_class=STATUS_BADGES.get(r.status, "text-bg-secondary"),
                status=statuses.get(r.status) or esc(r.status),
                priority=priorities.get(r.priority) or esc(r.priority),
                advisor=advisor_html,
                received=day(getattr(r, "received", None)) or "–",
                days=days if days is not None else "–",
                deadline=deadline,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


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
