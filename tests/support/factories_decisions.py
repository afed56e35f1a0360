"""factory_boy factories for the decisions app: a vedtak, a deadline, a provisional reply, an
appeal and a deadline flag, each on a case of its own unless given one.

These write rows directly, as a dashboard test needs when it sets dates by hand; a test of a
flow builds its case with tests.builders.case_at, which goes through the services."""

from datetime import date, timedelta
from decimal import Decimal

import factory

from decisions.models import Appeal, Deadline, DeadlineFlag, Decision, ProvisionalReply
from referrals.models import Referral
from tests.factories import ReferralFactory, UserFactory

DAY = date(2026, 11, 24)


class DecisionFactory(factory.django.DjangoModelFactory):
    """A granted vedtak of five hours a week in a group; ``refused=True`` for an avslag, which
    has none of them. The case's scope fields are copied by a trigger: refresh_from_db to
    read them."""

    class Meta:
        model = Decision

    class Params:
        refused = factory.Trait(
            outcome=Decision.Outcome.REFUSED, hours_per_week=None, organisation="", competence=""
        )

    referral = factory.SubFactory(ReferralFactory, status=Referral.Status.DECIDED)
    decided_on = DAY
    decided_by = factory.SubFactory(UserFactory)
    outcome = Decision.Outcome.GRANTED
    hours_per_week = Decimal("5.0")
    organisation = "group"
    competence = "special_educator"


class DeadlineFactory(factory.django.DjangoModelFactory):
    """A deadline warned 14 days before it is due, as the default policy warns."""

    class Meta:
        model = Deadline

    referral = factory.SubFactory(ReferralFactory, status=Referral.Status.RECEIVED)
    kind = "provisional_reply"
    due_on = DAY
    warning_days = 14
    warn_on = factory.LazyAttribute(lambda o: o.due_on - timedelta(days=o.warning_days))


class ProvisionalReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionalReply

    referral = factory.SubFactory(ReferralFactory, status=Referral.Status.RECEIVED)
    sent_on = DAY
    reason = "Utredning pågår."
    expected_decision_on = factory.LazyAttribute(lambda o: o.sent_on + timedelta(days=57))
    registered_by = factory.SubFactory(UserFactory)


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    decision = factory.SubFactory(DecisionFactory)
    received_on = factory.LazyAttribute(lambda o: o.decision.decided_on + timedelta(days=7))
    registered_by = factory.SubFactory(UserFactory)


class DeadlineFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineFlag

    deadline = factory.SubFactory(DeadlineFactory)
    level = DeadlineFlag.Level.APPROACHING
    flagged_on = factory.LazyAttribute(lambda o: o.deadline.warn_on)
