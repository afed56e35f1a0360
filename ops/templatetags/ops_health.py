from django import template
from django.utils import timezone

from ops import health

register = template.Library()


@register.simple_tag
def flagging_status():
    """The dead-man check for the admin: when the morning job last ran, and whether that is
    recent enough (health.FLAGGING_MAX_AGE)."""
    last = health.last_flagging_run()
    return {
        "last": last,
        "ok": last is not None and timezone.now() - last <= health.FLAGGING_MAX_AGE,
        "max_hours": int(health.FLAGGING_MAX_AGE.total_seconds() // 3600),
    }
