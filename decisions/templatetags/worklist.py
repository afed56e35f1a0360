"""The office's worklist rows, written in Python.

The kindergarten office opens the worklist every morning; its 50 rows, each with a deadline
badge, a form to acknowledge the flag and the case's next actions, were 25 of the page's
42 ms of CPU in Django's template engine at 1,000,000 cases (bench/README.md). The frame
(caption, header, pagination) stays in templates/decisions/_worklist_rows.html.
"""

from html import escape as esc

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from referrals import states
from referrals.templatetags.caseload import url_pattern
from referrals.templatetags.deadlines import day, deadline_badge_html

register = template.Library()


@register.simple_tag(takes_context=True)
def worklist_rows(context, items) -> str:
    """The <tr>s of the worklist: case and child, unit, advisor, the deadline and its badge,
    the flag's acknowledgement (or the form to give it), and the case's next actions."""
    urls = {
        "case": url_pattern("referrals:case_detail"),
        "ack": url_pattern("decisions:flag_acknowledge"),
        "reply": url_pattern("decisions:provisional_reply_new"),
        "decision": url_pattern("decisions:decision_new"),
        "help": url_pattern("decisions:help_start"),
    }
    # One token for every form of the page ({% csrf_token %} masks a new one each time; any
    # masked form of the request's secret is accepted).
    csrf = esc(str(context.get("csrf_token", "")))
    text = {
        "comment": esc(gettext("Kommentar")),
        "what": esc(gettext("Hva gjøres?")),
        "ack": esc(gettext("Kvitter")),
        "reply": esc(gettext("Foreløpig svar")),
        "decision": esc(gettext("Vedtak")),
        "help": esc(gettext("Hjelpen startet")),
    }
    today = timezone.localdate()
    rows = []
    for item in items:
        d, flag = item["deadline"], item["flag"]
        r = d.referral
        if flag.acknowledged_at:
            by = esc(flag.acknowledged_by.full_name) if flag.acknowledged_by else ""
            ack = (
                f"{by}, {day(timezone.localtime(flag.acknowledged_at).date())}"
                f"<div>{esc(flag.comment)}</div>"
            )
        else:
            ack = (
                f'\n      <form method="post" action="{urls["ack"].format(flag.pk)}"'
                ' class="d-flex gap-1">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">\n'
                f'        <label class="visually-hidden" for="ack-{flag.pk}">{text["comment"]}'
                "</label>\n"
                f'        <input id="ack-{flag.pk}" name="comment" class="form-control'
                f' form-control-sm" required maxlength="500" placeholder="{text["what"]}">\n'
                '        <button class="btn btn-sm btn-outline-secondary" type="submit">'
                f"{text['ack']}</button>\n      </form>"
            )
        actions = []
        if states.allowed("provisional_reply", r.status):
            actions.append(
                f'<a class="btn btn-sm btn-outline-primary" href="{urls["reply"].format(r.pk)}">'
                f"{text['reply']}</a>"
            )
        if states.allowed("decide", r.status):
            actions.append(
                f'<a class="btn btn-sm btn-primary" href="{urls["decision"].format(r.pk)}">'
                f"{text['decision']}</a>"
            )
        if states.allowed("help_start", r.status):
            actions.append(
                f'<a class="btn btn-sm btn-outline-primary" href="{urls["help"].format(r.pk)}">'
                f"{text['help']}</a>"
            )
        advisor = esc(r.advisor.full_name) if r.advisor and r.advisor.full_name else "–"
        rows.append(
            "\n  <tr>\n"
            f'    <td><a href="{urls["case"].format(r.pk)}">{esc(r.reference)}</a>'
            f'<div class="small">{esc(r.child.full_name)}</div></td>\n'
            f"    <td>{esc(r.unit.name)}</td>\n"
            f"    <td>{advisor}</td>\n"
            f"    <td>{esc(str(d.get_kind_display()))}</td>\n"
            f"    <td>{deadline_badge_html(d.due_on, d.warn_on, today=today)}</td>\n"
            f'    <td class="small">{ack}</td>\n'
            f'    <td class="text-nowrap">\n      {" ".join(actions)}\n    </td>\n  </tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
