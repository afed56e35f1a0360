"""The dashboard tables' rows, written in Python.

A table per unit of a large municipality has 500 rows: in Django's template engine the nine
tables cost 62 ms of the director's page at 1,000,000 cases (bench/README.md). The frame
(caption, header, notes, downloads) stays in templates/decisions/_dash_table.html.
"""

from html import escape as esc

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def dash_table_rows(table) -> str:
    """The <tr>s of a decisions.dashboard.Table: a row header, then its cells (hidden ones
    with the explanation in their title), or one row saying there are no cases."""
    if not table.rows:
        return mark_safe(  # noqa: S308 (escaped)
            f'<tr><td colspan="{len(table.columns)}" class="text-body-secondary">'
            f"{esc(gettext('Ingen saker.'))}</td></tr>"
        )
    hidden_title = esc(
        gettext("Mellom 1 og 4, eller skjult for at et annet tall ikke skal kunne regnes ut")
    )
    out = []
    for row in table.rows:
        weight = "semibold" if row.total else "normal"
        out.append('\n      <tr class="table-light fw-semibold">' if row.total else "\n      <tr>")
        out.append(
            f'\n        <th scope="row" class="fw-{weight}">{esc(str(row.label))}</th>\n        '
        )
        for cell in row.cells:
            css = "text-start" if cell.kind == "text" else "text-end text-nowrap"
            text = esc(cell.text)
            if cell.hidden:
                text = f'<span title="{hidden_title}">{text}</span>'
            out.append(f'<td class="{css}">{text}</td>')
        out.append("\n      </tr>")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)
