"""Registering a child by identity number without learning about other areas' children.

An advisor types an identity number on /barn/ny/. If the number belongs to a child outside
what she may see, the page must not confirm that the child exists, let alone that it is a
PPT client (forvaltningsloven § 13: taushetsplikt; GDPR art. 5 (1) f). Answering exactly as
for an unknown number is not possible: an unknown number registers the child and opens its
page, and a second child with the same number cannot be made. What a case worker needs is
someone who may look: usually the child has moved into her area, or the number is mistyped.
So the request goes to the PPT leaders of her office (an e-mail, without the child's name
or number, pointing to the access-log row), and she is told only that the child cannot be
registered from here and that the office will contact her: the same words whatever the
reason, never the child's name, unit or cases. Every such attempt is a "denied" row in the
access log under that child, and every user's identity-number lookups are limited
(LOOKUPS_PER_HOUR), so the page cannot be used to sweep the register.
"""

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teams.models import Role, User
from teams.scoping import user_roles

LOOKUPS_PER_HOUR = 20
WINDOW_SECONDS = 3600


def lookup_allowed(user) -> bool:
    """Count one identity-number lookup for ``user``; False once LOOKUPS_PER_HOUR are used in
    this hour. A fixed window in the shared cache (Redis in production, so every web process
    counts together); add then incr is atomic there. The key holds the account's creation time
    as well as its id, so a recreated database (the test suite's) never inherits a count."""
    window = int(time.time()) // WINDOW_SECONDS
    key = f"rimelig:idlookup:{user.pk}:{user.date_joined.timestamp():.6f}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return count <= LOOKUPS_PER_HOUR


def registration_request_send(*, actor, unit, log_id: int) -> None:
    """Tell the actor's PPT leaders, after the commit (the access-log row is its reference)."""
    offices = [r.ppt_office_id for r in user_roles(actor) if r.ppt_office_id]
    if offices:
        transaction.on_commit(
            lambda: registration_request_notify.delay(actor.pk, unit.pk, log_id, offices)
        )


@shared_task(
    name="referrals.registration_request_notify",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def registration_request_notify(
    actor_id: int, unit_id: int, log_id: int, office_ids: list[int]
) -> int:
    """E-mail the PPT leaders of ``office_ids`` that ``actor_id`` asked to register a child
    who could not be registered by them. Runs unscoped (ids only); the mail names no child.
    Returns the number of recipients."""
    from teams.models import Unit

    actor = User.objects.get(pk=actor_id)
    unit = Unit.objects.get(pk=unit_id)
    leaders = list(
        User.objects.filter(
            is_active=True,
            roles__kind=Role.Kind.PPT_LEADER,
            roles__ppt_office_id__in=office_ids,
        )
        .distinct()
        .values_list("email", flat=True)
    )
    if not leaders:
        return 0
    with translation.override("nb"):
        subject = _("Henvendelse om registrering av et barn")
        body = _(
            "%(actor)s (%(email)s) prøvde %(day)s å registrere et barn ved %(unit)s, men "
            "barnet kunne ikke registreres herfra. Henvendelsen står i tilgangsloggen som "
            "rad %(log)s. Ta kontakt med %(actor)s og avklar hvor barnet hører til."
        ) % {
            "actor": actor.full_name or actor.email,
            "email": actor.email,
            "day": timezone.localdate().strftime("%d.%m.%Y"),
            "unit": unit.name,
            "log": log_id,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, leaders)
    return len(leaders)
