"""The office's worklist rows, rendered by Jinja2.

The kindergarten office opens the worklist every morning; its rows, one per case, each with
its deadline badges, a form to acknowledge the flag and the case's next actions, were most
of the page's CPU in Django's template engine at 1,000,000 cases (bench/README.md), so the
rows are templates/jinja2/decisions/worklist_rows.html (compiled once). The frame (the list,
pagination) stays in templates/decisions/_worklist_rows.html.
"""

from types import SimpleNamespace

from django import template
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.jinja import render_safe
from referrals import states
from referrals.templatetags.caseload import url_pattern
from referrals.templatetags.deadlines import day, deadline_badge_html

register = template.Library()

# The buttons a row may offer, in order: each shown when the state table allows its action
# from the case's status (referrals.states.ACTIONS), never by a status list here.
ACTIONS = (
    ("provisional_reply", gettext_lazy("Foreløpig svar"), "decisions:provisional_reply_new",
     "btn-outline-primary"),
    ("decide", gettext_lazy("Vedtak"), "decisions:decision_new", "btn-primary"),
    ("help_start", gettext_lazy("Hjelpen startet"), "decisions:help_start",
     "btn-outline-primary"),
)  # fmt: skip


@register.simple_tag(takes_context=True)
def worklist_rows(context, items) -> str:
    """The worklist's <li>s, one per case: case and child, unit, area, advisor, "Klar for
    vedtak", the most urgent deadline and its badge with the others beside it, the flag's
    acknowledgement (or the form to give it), and the case's next actions. ``items`` are
    dicts of referral, main (a deadline or None), others, flag (or None) and ready."""
    today = timezone.localdate()
    t = SimpleNamespace(
        urls={
            "case": url_pattern("referrals:case_detail"),
            "ack": url_pattern("decisions:flag_acknowledge"),
        },
        actions=[
            SimpleNamespace(action=action, label=str(label), url=url_pattern(name), css=css)
            for action, label, name, css in ACTIONS
        ],
        may=states.allowed_for,  # the state table of the case's kind (referrals/case_kinds.py)
        # One token for every form of the page ({% csrf_token %} masks a new one each time;
        # any masked form of the request's secret is accepted).
        csrf=str(context.get("csrf_token", "")),
        comment=gettext("Kommentar"),
        what=gettext("Hva gjøres?"),
        ack=gettext("Kvitter"),
        ready=gettext("Klar for vedtak"),
        unassigned=gettext("Ingen rådgiver"),
        other_deadlines=gettext("Andre frister"),
        advisor_label=gettext("Rådgiver"),
        no_deadline=gettext("Ingen åpen frist"),
        badge=lambda d: deadline_badge_html(d.due_on, d.warn_on, today=today),
        small_badge=lambda d: deadline_badge_html(
            d.due_on, d.warn_on, today=today, label=d.get_kind_display()
        ),
        acknowledged_on=lambda flag: day(timezone.localtime(flag.acknowledged_at).date()),
    )
    return render_safe("decisions/worklist_rows.html", items=items, t=t)
