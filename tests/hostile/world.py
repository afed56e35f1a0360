"""The hostile world: the access matrix's objects (tests/test_access_matrix.py), cases in every
state made through the services, the ressursteam's records, a PP-leder and the municipality's
system administrator; then every text and date field of every row filled with hostile values
(tests/hostile/values.py).

The clock is frozen at TODAY, so the same cases are due, flagged and shown whatever day the
suite runs."""

from dataclasses import dataclass, field
from datetime import date

from django.test import Client
from django.urls import reverse

from decisions import flagging
from decisions.services import (
    appeal_register,
    decision_register,
    help_start_register,
    provisional_reply_register,
)
from referrals.models import Referral
from referrals.services import (
    referral_pause,
    referral_withdraw,
)
from teams.models import Role
from teams.ressursteam_models import Meeting, Service
from teams.ressursteam_services import (
    consultation_anonymous_create,
    system_work_register,
    team_member_add,
)
from tests.builders import case_at, decision_consent, pause_reason
from tests.decisions.conftest import received_case
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory, RoleFactory, UserFactory
from tests.hostile.values import Fill, hostile_fill

TODAY = date(2026, 11, 25)


@dataclass
class HostileWorld:
    world: object
    objects: dict  # the access matrix's kwargs objects
    cases: dict  # state → case pk (all of unit A, the advisor's: the matrix's READ/WORK/DECIDE)
    personas: dict  # matrix persona name (and the extra ones) → user
    fill: Fill = field(default_factory=Fill)
    notification_ids: list = field(default_factory=list)


def _assessed(world, received_on: date) -> Referral:
    """Assessed through the services (tests/builders.py), with the parents' consent to the
    vedtak (barnehageloven § 32) so it can be decided."""
    case = case_at("assessed", world=world, on=received_on)
    decision_consent(case.pk, world.advisor, given_on=received_on)
    return case


def _cases(world) -> dict:
    """One case per state the pages show differently, through the services."""
    draft = ReferralFactory(
        child=ChildFactory(unit=world.unit_a), created_by=world.advisor, advisor=world.advisor
    )
    GuardianFactory(child=draft.child)
    received = received_case(world, received_on=date(2026, 9, 1))  # overdue: flagged, mailed
    provisional_reply_register(
        referral_id=received.pk,
        sent_on=date(2026, 9, 20),
        reason="Venter på rapport.",
        expected_decision_on=date(2026, 12, 20),
        actor=world.office,
    )
    assessed = _assessed(world, date(2026, 10, 1))
    decided = _assessed(world, date(2026, 9, 15))
    decision_register(
        referral_id=decided.pk,
        actor=world.office,
        decided_on=date(2026, 11, 1),
        outcome="granted",
        hours_per_week=5,
        organisation="group",
        competence="special_educator",
        starts_on=date(2026, 11, 10),
        ends_on=date(2027, 6, 20),
        provider="ppt",
        provider_name="PPT Solvik",
        reason="Følger tilrådingen.",
    )
    help_start_register(referral_id=decided.pk, started_on=date(2026, 11, 10), actor=world.office)
    appeal_register(
        referral_id=decided.pk, received_on=date(2026, 11, 12), actor=world.office, note="Klage"
    )
    withdrawn = received_case(world, received_on=date(2026, 10, 5))
    referral_withdraw(referral_id=withdrawn.pk, reason="Flyttet", actor=world.advisor)
    paused = received_case(world, received_on=date(2026, 10, 7))
    referral_pause(
        referral_id=paused.pk,
        started_on=date(2026, 10, 20),
        reason=pause_reason(paused),
        actor=world.advisor,
    )
    received_case(world, received_on=date(2026, 10, 9), unit=world.unit_b)  # styrer B's list
    return {
        "draft": draft.pk,
        "received": received.pk,
        "assessed": assessed.pk,
        "decided": decided.pk,
        "withdrawn": withdrawn.pk,
        "paused": paused.pk,
    }


def _ressursteam(world, objects) -> None:
    meeting = Meeting.objects.get(pk=objects["meeting"])
    team_member_add(unit=world.unit_a, actor=world.styrer_a, name="Helse Sykepleier", service="ppt")
    team_member_add(
        unit=world.unit_a,
        actor=world.styrer_a,
        name="Annen Person",
        service="other",
        service_other="Barnevern",
    )
    consultation_anonymous_create(
        meeting=meeting, actor=world.advisor, question="Språk", tried="Lek", bti_level=1
    )
    system_work_register(
        actor=world.advisor,
        unit=world.unit_a,
        worked_on=date(2026, 11, 3),
        hours=2,
        topic="other",
        description="Kurs",
    )
    Service.objects.create(
        municipality=world.municipality,
        name="Helsestasjon",
        offers="Veiledning",
        age_group=Service.AgeGroup.choices[0][0],
        contact="Telefon",
        how_to_refer="Ring",
    )


def _access_log_rows(world, objects) -> None:
    """A few rows in the access log before the fill, so that its pages show hostile rows."""
    client = Client()
    client.force_login(world.advisor)
    client.get(reverse("referrals:case_detail", args=[objects["case"]]))
    client.get(reverse("referrals:child_detail", args=[objects["child"]]))


def build_hostile_world(world, objects) -> HostileWorld:
    ppt_leader = UserFactory(email="petra@test.no", full_name="Petra")
    RoleFactory(user=ppt_leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    cases = _cases(world)
    _ressursteam(world, objects)
    _access_log_rows(world, objects)
    personas = {
        name: getattr(world, name)
        for name in ("advisor", "styrer_a", "styrer_b", "office", "director", "outsider", "admin")
    }
    personas["ppt_leader"] = ppt_leader
    personas["operator"] = UserFactory(
        email="operator@test.no", full_name="Drift", is_staff=True, is_superuser=True
    )
    hostile = HostileWorld(world=world, objects=objects, cases=cases, personas=personas)
    hostile.fill = hostile_fill()
    # The morning job over the hostile data: flag what is due, queue the digests.
    hostile.notification_ids = flagging.detect(TODAY).notification_ids
    return hostile
