"""The deadline badge, the same everywhere a deadline is shown (caseloads, case page, worklist).

The state carries text, never colour alone (WCAG 1.4.1): "Overskredet med 3 dager",
"5 dager igjen", "Frist 25.11.2026", "Oppfylt", "På pause".
"""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from referrals import clock, states

register = template.Library()


def day(value: date | None) -> str:
    """A date as every page writes it, in both languages: 25.11.2026 (config/formats). What
    ``|date:"d.m.Y"`` gives, without the format machinery: the caseload writes 75 of them."""
    return f"{value.day:02d}.{value.month:02d}.{value.year}" if value else ""


_BADGE = '<span class="badge badge-deadline {}">{}</span>'


def deadline_badge_html(
    due_on, warn_on=None, met_on=None, paused=False, label="", today: date | None = None
) -> str:
    """The badge's HTML, written in Python: the caseload shows 25 of them, and the template
    version cost 0.2 ms each (bench/). Same HTML and the same messages as before."""
    state, days = clock.deadline_state(
        due_on,
        today=today or timezone.localdate(),
        warn_on=warn_on,
        met_on=met_on,
        paused=paused,
    )
    if state == "none":
        return mark_safe('<span class="text-body-secondary">–</span>')  # noqa: S308
    if state == "overdue":
        text = ngettext("%(d)s dag over fristen", "%(d)s dager over fristen", days) % {"d": days}
        badge = format_html(_BADGE, "text-bg-danger", text)
    elif state == "approaching":
        if days == 0:
            text = gettext("Frist i dag")
        else:
            text = ngettext("%(d)s dag igjen", "%(d)s dager igjen", days) % {"d": days}
        badge = format_html(_BADGE, "text-bg-warning", text)
    elif state == "ok":
        badge = format_html(
            _BADGE, "text-bg-light border", gettext("Frist %(d)s") % {"d": day(due_on)}
        )
    elif state == "met":
        badge = format_html(
            _BADGE, "text-bg-success", gettext("Oppfylt %(d)s") % {"d": day(met_on)}
        )
    elif state == "met_late":
        text = ngettext("Oppfylt %(d)s dag for sent", "Oppfylt %(d)s dager for sent", days) % {
            "d": days
        }
        badge = format_html(_BADGE, "text-bg-secondary", text)
    else:  # paused
        badge = format_html(_BADGE, "text-bg-info", gettext("På pause"))
    parts = ['<span class="d-inline-flex flex-column">']
    if label:
        parts.append(format_html('<span class="small">{}</span>', label))
    parts.append(badge)
    if state in ("overdue", "approaching"):
        parts.append(format_html('<span class="small text-body-secondary">{}</span>', day(due_on)))
    parts.append("</span>")
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


@register.simple_tag
def deadline_badge(due_on, warn_on=None, met_on=None, paused=False, label=""):
    return deadline_badge_html(due_on, warn_on, met_on, paused, label)


@register.filter
def may(referral, action: str) -> bool:
    """``{% if referral|may:"decide" %}``: the state table's rule for a template's button."""
    return states.allowed_for(action, referral.status, referral.kind)


@register.filter
def status_badge_class(referral) -> str:
    """The status badge's colour, the same on every page (the text always says the status)."""
    from referrals.case_page import status_badge

    return status_badge(referral)
