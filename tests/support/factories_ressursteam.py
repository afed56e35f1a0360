"""factory_boy factories for the ressursteam and the services overview (teams.ressursteam_models):
a team member, a meeting with its anonymous consultations and follow-ups, the advisors'
system work, and a service of the tjenesteoversikt."""

from datetime import date, timedelta
from decimal import Decimal

import factory

from teams.ressursteam_models import (
    AnonymousConsultation,
    FollowUp,
    Meeting,
    Service,
    SystemWork,
    TeamMember,
)
from tests.factories import MunicipalityFactory, UnitFactory, UserFactory

DAY = date(2026, 11, 24)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Medlem {n}")
    service = TeamMember.Service.PPT


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    unit = factory.SubFactory(UnitFactory)
    held_on = DAY
    agenda = "Drøftinger"
    created_by = factory.SubFactory(UserFactory)


class AnonymousConsultationFactory(factory.django.DjangoModelFactory):
    """A drøfting of a child who is not named (no names, no dates of birth)."""

    class Meta:
        model = AnonymousConsultation

    meeting = factory.SubFactory(MeetingFactory)
    question = "Et barn trekker seg unna lek i store grupper."
    created_by = factory.SelfAttribute("meeting.created_by")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    meeting = factory.SubFactory(MeetingFactory)
    description = "Prøve ut lek i mindre grupper."
    responsible = "Pedagogisk leder"
    due_on = factory.LazyAttribute(lambda o: o.meeting.held_on + timedelta(days=14))


class SystemWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SystemWork

    unit = factory.SubFactory(UnitFactory)
    advisor = factory.SubFactory(UserFactory)
    worked_on = DAY
    hours = Decimal("2.0")
    topic = SystemWork.Topic.GUIDANCE


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    offers = "Veiledning"
    age_group = Service.AgeGroup.BOTH
    contact = "Tlf. 99 99 99 99"
