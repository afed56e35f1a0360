"""Demo data for help delivered (issue 18): weeks of help for every running vedtak of the demo,
most of them about fully delivered, a few under the 90 % threshold (so the morning's delivery
check flags them to the office), with missed hours for each reason and one etterlevering."""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from decisions import delivery
from decisions.models import Decision, DeliveryWeek, Makeup
from referrals import states
from teams.models import Role, User

WEEKS_BACK = 26  # at most half a year of weeks per vedtak
SHORT_SHARE = 0.08  # the vedtak given too little lately


def _tenth(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def seed_delivery(rng: random.Random, *, today: date) -> dict:
    if DeliveryWeek.objects.exists():
        return {"skipped": True}
    giver = (
        User.objects.filter(roles__kind=Role.Kind.SPECIAL_EDUCATOR).order_by("pk").first()
        or User.objects.order_by("pk").first()
    )
    running = Decision.objects.filter(
        superseded=False,
        outcome__in=delivery.RUNNING_OUTCOMES,
        help_started_on__isnull=False,
        referral__status__in=states.ACTIONS["deliver"].starts_from,
    ).order_by("pk")
    last_monday = delivery.monday(today) - timedelta(days=7)
    # Three kindergartens' vedtak of the spesialpedagog's municipality are short for certain,
    # so the demo's kindergarten office (Solvik) has delivery flags on its worklist.
    home = Role.objects.filter(kind=Role.Kind.SPECIAL_EDUCATOR).values("municipality_id")[:1]
    certain = set(
        running.filter(municipality_id__in=home, unit__kind="kindergarten").values_list(
            "pk", flat=True
        )[:3]
    )
    rows, short_ids = [], []
    for decision in running:
        period = delivery.delivery_period(decision)
        if period is None:
            continue
        short = decision.pk in certain or rng.random() < SHORT_SHARE
        if short:
            short_ids.append(decision.pk)
        week = max(delivery.monday(period[0]), last_monday - timedelta(days=7 * WEEKS_BACK))
        while week <= min(last_monday, period[1]):
            decided = delivery.decided_hours(decision, week, week + timedelta(days=6))
            recent = week > last_monday - timedelta(days=7 * delivery.WINDOW_WEEKS)
            missed, reason = Decimal(0), ""
            if short and recent:
                given = _tenth(decided * Decimal(rng.choice(["0.5", "0.6", "0.7", "0.8"])))
                missed, reason = decided - given, DeliveryWeek.MissedReason.STAFF_ABSENT
            elif rng.random() < 0.06:
                given = _tenth(decided * Decimal("0.6"))
                missed = decided - given
                reason = rng.choice(list(DeliveryWeek.MissedReason.values))
            else:
                given = _tenth(decided)
            rows.append(
                DeliveryWeek(
                    decision=decision,
                    week_start=week,
                    hours_decided=_tenth(decided),
                    hours_given=given,
                    given_by=giver.get_full_name() or giver.email,
                    competence=decision.competence,
                    hours_missed=_tenth(missed),
                    missed_reason=reason if missed > 0 else "",
                    registered_by=giver,
                )
            )
            week += timedelta(days=7)
    DeliveryWeek.objects.bulk_create(rows, batch_size=2000)
    delivery.rollup_rebuild()  # the dashboard's monthly rollup, from the weeks just written
    makeups = 0
    office = User.objects.filter(roles__kind=Role.Kind.OFFICE).order_by("pk").first()
    for decision in Decision.objects.filter(pk__in=short_ids[:2]):
        owed = delivery.owed_balance(decision)["open"]
        if owed >= 1 and office is not None:
            Makeup.objects.create(
                decision=decision,
                kind=Makeup.Kind.MADE_UP,
                hours=Decimal(1),
                from_on=last_monday,
                until_on=last_monday + timedelta(days=4),
                given_by=giver.get_full_name() or giver.email,
                recorded_by=office,
            )
            makeups += 1
    return {"weeks": len(rows), "short": len(short_ids), "makeups": makeups}
