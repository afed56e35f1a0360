"""The state table (referrals/states.py) walked: every service refuses every status the table
does not allow, the case page and the worklist offer exactly the allowed actions, and each
service recomputes its case's clock once."""

from datetime import date
from types import SimpleNamespace

import pytest

from decisions import case_life, delivery
from decisions import services as decisions_services
from referrals import case_page, services, states
from referrals.models import Pause, Referral
from referrals.services import TransitionError
from tests.builders import pause_reason
from tests.conftest import frozen_today
from tests.decisions.conftest import received_case
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory
from tests.support.factories_decisions import DecisionFactory

S = states.Status
TODAY = date(2026, 11, 25)
DAY = date(2026, 11, 20)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


# How each action's service is called; the state check comes before any other check.
SERVICES = {
    "submit": lambda r, w: services.referral_submit(
        referral_id=r.pk, actor=w.advisor, received_on=DAY
    ),
    "consent": lambda r, w: services.consent_register(
        referral_id=r.pk, guardian_id=0, purpose="assessment", given_on=DAY, actor=w.advisor
    ),
    "assign": lambda r, w: services.referral_assign(
        referral_id=r.pk, advisor=w.advisor, actor=w.advisor
    ),
    "update_referral": lambda r, w: services.referral_update(
        referral_id=r.pk, version=r.version, actor=w.advisor, priority="high"
    ),
    "start_assessment": lambda r, w: services.referral_start_assessment(
        referral_id=r.pk, actor=w.advisor
    ),
    "edit_assessment": lambda r, w: services.assessment_save(
        referral_id=r.pk, version=1, actor=w.advisor
    ),
    "assess": lambda r, w: services.assessment_save(
        referral_id=r.pk, version=1, actor=w.advisor, complete=True
    ),
    "withdraw": lambda r, w: services.referral_withdraw(
        referral_id=r.pk, reason="Flyttet", actor=w.advisor
    ),
    "pause": lambda r, w: services.referral_pause(
        referral_id=r.pk, started_on=DAY, reason=pause_reason(r), actor=w.advisor
    ),
    "resume": lambda r, w: services.referral_resume(
        referral_id=r.pk, ended_on=DAY, actor=w.advisor
    ),
    "provisional_reply": lambda r, w: decisions_services.provisional_reply_register(
        referral_id=r.pk,
        sent_on=DAY,
        reason="Mye å gjøre",
        expected_decision_on=TODAY,
        actor=w.office,
    ),  # fmt: skip
    "decide": lambda r, w: decisions_services.decision_register(
        referral_id=r.pk, actor=w.office, decided_on=DAY, outcome="refused", reason="Avslag."
    ),
    "help_start": lambda r, w: decisions_services.help_start_register(
        referral_id=r.pk, started_on=DAY, actor=w.office
    ),
    "appeal": lambda r, w: decisions_services.appeal_register(
        referral_id=r.pk, received_on=DAY, actor=w.office
    ),
    # decisions/case_life.py
    "annual_report": lambda r, w: case_life.annual_report_save(
        referral_id=r.pk,
        actor=w.styrer_a,
        period_from=DAY,
        period_to=DAY,
        help_given="Hjelp",
        development="Utvikling",
    ),  # fmt: skip
    "renew": lambda r, w: case_life.renewal_start(referral_id=r.pk, actor=w.office, renewed_on=DAY),
    "change_decision": lambda r, w: case_life.decision_change(
        referral_id=r.pk, actor=w.office, changes_id=0, decided_on=DAY, reason="Endret"
    ),
    "close": lambda r, w: case_life.case_close(
        referral_id=r.pk, actor=w.office, closed_on=DAY, reason="moved"
    ),
    "reopen": lambda r, w: case_life.case_reopen(
        referral_id=r.pk, actor=w.office, received_on=DAY, concern="Tilbake"
    ),
    # decisions/delivery.py: a week of help and the office's etterlevering, on the case's vedtak
    "deliver": lambda r, w: delivery.delivery_week_register(
        decision_id=DecisionFactory(referral=r, decided_by=w.office).pk,
        actor=w.office,
        week_start=DAY,
        hours_given="1",
        given_by="Spesialpedagog",
    ),
    "makeup": lambda r, w: delivery.makeup_register(
        decision_id=DecisionFactory(referral=r, decided_by=w.office).pk,
        actor=w.office,
        kind="made_up",
        hours="1",
    ),
}
# Moves without a service of their own: made inside another service (the clock starting on
# submit or consent, a withdrawn consent stopping the case, an upheld appeal), each checked
# by the same rule; referral_move carries decisions' moves.
# help_start_register takes "help_start_during_appeal" when the case is appealed (fvl § 42).
INNER_MOVES = {
    "receive",
    "stop_without_consent",
    "appeal_upheld",
    "appeal_upheld_after_help",
    "help_start_during_appeal",
}
# Checked by referrals/attachments.py (the service and the page read the table; walked in
# tests/referrals/test_attachments.py).
PAGE_ONLY = {"edit_referral", "upload"}


def test_every_action_of_the_table_is_walked_here():
    assert set(states.ACTIONS) == set(SERVICES) | INNER_MOVES | PAGE_ONLY


def test_the_groups_are_in_the_order_of_a_case():
    order = list(S)
    for group in (states.OPEN, states.UNDECIDED, states.BEFORE_DECISION, states.REPLYABLE):
        assert list(group) == sorted(group, key=order.index)
    assert list(Referral.OPEN_STATUSES) == list(states.OPEN)


def _case_in(status, world):
    return ReferralFactory(
        status=status, child=ChildFactory(unit=world.unit_a), created_by=world.advisor
    )


@pytest.mark.parametrize("action", sorted(SERVICES))
def test_the_service_refuses_every_status_the_table_does_not_allow(world, action):
    for status in S:
        if states.allowed(action, status):
            continue
        referral = _case_in(status, world)
        with pytest.raises(TransitionError):
            SERVICES[action](referral, world)
        referral.refresh_from_db()
        assert referral.status == status, (action, status)


@pytest.mark.parametrize("step", sorted(states.ACTIONS))
def test_a_move_is_refused_from_every_status_the_table_does_not_allow(world, step):
    for status in S:
        referral = _case_in(status, world)
        if states.allowed(step, status):
            services.referral_move(referral=referral, step=step, actor=world.office, action="x")
            # An action that moves nowhere (moves_to None) keeps the status: it once wrote "".
            assert referral.status == (states.moves_to(step) or status)
            referral.refresh_from_db()
            assert referral.status == (states.moves_to(step) or status)
            continue
        with pytest.raises(TransitionError):
            services.referral_move(referral=referral, step=step, actor=world.office, action="x")


BUTTONS = {
    "submit": "submit",
    "register_consent": "consent",
    "start_assessment": "start_assessment",
    "edit_assessment": "edit_assessment",
    "withdraw": "withdraw",
    "pause": "pause",
    "assign": "assign",
    "edit_referral": "edit_referral",
    "upload": "upload",
}


@pytest.mark.parametrize("status", list(S))
def test_the_case_page_offers_exactly_the_allowed_actions(world, status):
    referral = _case_in(status, world)
    offered = vars(case_page.allowed_actions(referral, can_work=True))
    expected = {button: states.allowed(action, status) for button, action in BUTTONS.items()}
    # no pause yet: nothing to resume, no end date to correct
    assert offered == {**expected, "resume": False, "correct_pause": False}


@pytest.mark.parametrize("status", list(S))
def test_a_paused_case_page_offers_resume_and_no_new_pause(world, status):
    referral = _case_in(status, world)
    Pause.objects.create(
        referral=referral, started_on=DAY, reason=pause_reason(referral), created_by=world.advisor
    )
    referral = Referral.objects.get(pk=referral.pk)
    offered = case_page.allowed_actions(referral, can_work=True)
    assert offered.resume == states.allowed("resume", status)
    assert not offered.pause
    assert not offered.start_assessment


def test_a_read_only_role_is_offered_nothing(world):
    referral = _case_in(S.RECEIVED, world)
    assert not case_page.allowed_actions(referral, can_work=False).any


WORKLIST = {
    "Foreløpig svar": "provisional_reply",
    "Vedtak": "decide",
    "Hjelpen startet": "help_start",
}


@pytest.mark.parametrize("status", list(S))
def test_the_worklist_offers_exactly_the_allowed_actions(status):
    from decisions.templatetags.worklist import worklist_rows

    referral = SimpleNamespace(
        pk=7,
        status=status,
        reference="PPT-7",
        child=SimpleNamespace(full_name="Ola Nordmann"),
        unit=SimpleNamespace(name="Solsikken", area=None),
        advisor=None,
        kind="bhl_31",
    )
    deadline = SimpleNamespace(
        referral=referral, due_on=TODAY, warn_on=DAY, get_kind_display=lambda: "Frist"
    )
    flag = SimpleNamespace(pk=3, acknowledged_at=None)
    item = {"referral": referral, "main": deadline, "others": [], "flag": flag, "ready": False}
    html = worklist_rows({"csrf_token": "t"}, [item])
    offered = {label for label in WORKLIST if f">{label}</a>" in html}
    assert offered == {
        label for label, action in WORKLIST.items() if states.allowed(action, status)
    }


@pytest.mark.parametrize("status", ["received", "assessing"])
def test_the_worklist_offers_the_vedtak_of_a_kind_without_assessment(status):
    """Barnehageloven § 37, opplæringslova §§ 11-4, 11-5: decided without a sakkyndig vurdering,
    so the worklist offers "Vedtak" before any assessment (the kind's state table)."""
    from decisions.templatetags.worklist import worklist_rows

    offered = {}
    for kind in ("bhl_31", "bhl_37", "oppl_11_4"):
        referral = SimpleNamespace(
            pk=7,
            status=status,
            kind=kind,
            reference="PPT-7",
            child=SimpleNamespace(full_name="Ola Nordmann"),
            unit=SimpleNamespace(name="Solsikken", area=None),
            advisor=None,
        )
        deadline = SimpleNamespace(
            referral=referral, due_on=TODAY, warn_on=DAY, get_kind_display=lambda: "Frist"
        )
        item = {"referral": referral, "main": deadline, "others": [], "flag": None, "ready": False}
        html = worklist_rows({"csrf_token": "t"}, [item])
        offered[kind] = {label for label in WORKLIST if f">{label}</a>" in html}
    vedtak = {label for label, action in WORKLIST.items() if action == "decide"}
    assert vedtak and not vedtak & offered["bhl_31"]
    assert vedtak <= offered["bhl_37"] and vedtak <= offered["oppl_11_4"]


# --- news travels up once -----------------------------------------------------------------------


@pytest.fixture
def recomputes(monkeypatch):
    """Every recompute of a case's clock while the test runs (the real one, counted)."""
    calls = []
    real = decisions_services.deadlines_recompute

    def counted(referral_id, **kwargs):
        calls.append(referral_id)
        return real(referral_id, **kwargs)

    monkeypatch.setattr(decisions_services, "deadlines_recompute", counted)
    return calls


def test_a_submit_that_starts_the_clock_recomputes_it_once(world, recomputes):
    child = ChildFactory(unit=world.unit_a)
    guardian = GuardianFactory(child=child)
    referral = ReferralFactory(child=child, created_by=world.advisor)
    services.consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=DAY,
        actor=world.advisor,
    )
    recomputes.clear()
    services.referral_submit(referral_id=referral.pk, actor=world.advisor, received_on=DAY)
    referral.refresh_from_db()
    assert referral.status == S.RECEIVED
    assert recomputes == [referral.pk]
    assert referral.next_deadline_on is not None


def test_a_consent_that_starts_the_clock_recomputes_it_once(world, recomputes):
    child = ChildFactory(unit=world.unit_a)
    guardian = GuardianFactory(child=child)
    referral = ReferralFactory(child=child, created_by=world.advisor)
    services.referral_submit(referral_id=referral.pk, actor=world.advisor, received_on=DAY)
    recomputes.clear()
    services.consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=DAY,
        actor=world.advisor,
    )
    referral.refresh_from_db()
    assert referral.status == S.RECEIVED
    assert recomputes == [referral.pk]
    assert referral.next_deadline_on is not None


def test_a_decision_recomputes_the_clock_once(world, recomputes):
    referral = received_case(world, received_on=date(2026, 10, 1))
    Referral.objects.filter(pk=referral.pk).update(status=S.ASSESSED, assessed_on=DAY)
    recomputes.clear()
    decisions_services.decision_register(
        referral_id=referral.pk, actor=world.office, decided_on=DAY, outcome="refused", reason="-"
    )
    assert recomputes == [referral.pk]
    referral.refresh_from_db()
    assert referral.status == S.DECIDED
    # The recompute saw the decision: the decision deadline is met.
    met = referral.deadlines.get(kind="decision").met_on
    assert met == DAY


CLOCK_BUTTONS = {
    # the case's life (decisions/case_life.py); the other life buttons also need a running
    # vedtak (tests/decisions/test_case_life.py)
    "decisions:case_close": "close",
    "decisions:case_reopen": "reopen",
    "decisions:provisional_reply_new": "provisional_reply",
    "decisions:decision_new": "decide",
    # forvaltningsloven § 42: help may also start while an appeal is pending
    "decisions:help_start": ("help_start", "help_start_during_appeal"),
    "decisions:appeal_new": "appeal",
}


@pytest.mark.parametrize("status", list(S))
def test_the_case_clock_tab_offers_the_office_exactly_the_allowed_actions(client, world, status):
    from django.urls import reverse

    referral = _case_in(status, world)
    client.force_login(world.office)
    text = client.get(reverse("decisions:case_clock", args=[referral.pk])).text
    offered = {name for name in CLOCK_BUTTONS if reverse(name, args=[referral.pk]) in text}
    assert offered == {
        name
        for name, actions in CLOCK_BUTTONS.items()
        if any(
            states.allowed(a, status) for a in ([actions] if isinstance(actions, str) else actions)
        )
    }


@pytest.mark.parametrize("status", list(S))
def test_the_assessment_tab_and_the_upload_form_follow_the_table(client, world, status):
    from django.urls import reverse

    referral = _case_in(status, world)
    client.force_login(world.advisor)
    text = client.get(reverse("referrals:case_detail", args=[referral.pk])).text
    assessment_tab = reverse("referrals:assessment_edit", args=[referral.pk]) in text
    assert assessment_tab == states.allowed("edit_assessment", status)
    assert ("så det kan ikke legges til vedlegg" not in text) == states.allowed("upload", status)


def test_the_dashboards_phases_are_the_open_statuses_after_the_draft():
    from decisions import dashboard

    assert [s for s in states.OPEN if s != S.DRAFT] == dashboard.PHASE_STATUSES
    assert list(states.UNDECIDED) == dashboard.UNDECIDED
