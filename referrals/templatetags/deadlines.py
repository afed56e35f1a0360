"""The deadline badge, the same everywhere a deadline is shown (caseloads, case page, worklist).

The state carries text, never colour alone (WCAG 1.4.1): "Overskredet med 3 dager",
"5 dager igjen", "Frist 25.11.2026", "Oppfylt", "På pause".
"""

from datetime import date

from django import template
from django.utils import timezone

register = template.Library()


def deadline_state(
    due_on: date | None, warn_on: date | None, met_on=None, paused=False, today: date | None = None
) -> tuple[str, int]:
    today = today or timezone.localdate()
    if due_on is None:
        return "none", 0
    if met_on is not None:
        late = (met_on - due_on).days
        return ("met_late", late) if late > 0 else ("met", 0)
    if paused:
        return "paused", 0
    left = (due_on - today).days
    if left < 0:
        return "overdue", -left
    if warn_on is not None and today >= warn_on:
        return "approaching", left
    return "ok", left


@register.inclusion_tag("referrals/_deadline_badge.html")
def deadline_badge(due_on, warn_on=None, met_on=None, paused=False, label=""):
    state, days = deadline_state(due_on, warn_on, met_on, paused)
    return {"state": state, "days": days, "due_on": due_on, "met_on": met_on, "label": label}


@register.filter
def status_badge_class(referral) -> str:
    """The status badge's colour, the same on every page (the text always says the status)."""
    from referrals.case_page import status_badge

    return status_badge(referral)
