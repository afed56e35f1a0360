"""The dashboard tables' rows, rendered by Jinja2.

A table per unit of a large municipality has 500 rows: in Django's template engine the nine
tables cost 62 ms of the director's page at 1,000,000 cases (bench/README.md), so the rows
are templates/jinja2/decisions/dash_table_rows.html (compiled once). The frame (caption,
header, notes, downloads) stays in templates/decisions/_dash_table.html.
"""

from types import SimpleNamespace

from django import template
from django.utils.translation import gettext

from core.jinja import render_safe

register = template.Library()


@register.simple_tag
def dash_table_rows(table) -> str:
    """The <tr>s of a decisions.dashboard.Table, or one row saying there are no cases."""
    t = SimpleNamespace(
        no_cases=gettext("Ingen saker."),
        hidden_title=gettext("Mellom 1 og 4"),
        secondary_title=gettext(
            "Skjult for at et tall under fem ikke skal kunne regnes ut (0 eller minst 5)"
        ),
    )
    return render_safe("decisions/dash_table_rows.html", table=table, t=t)
