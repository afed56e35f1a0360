"""The case's state machine through referrals/services.py: draft → awaiting_consent →
received (T0) → assessing → assessed, withdraw, pause/resume, consent rules (barnehageloven
§ 32), the § 34 content of the sakkyndig vurdering, optimistic locking and races."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from referrals import services
from referrals.models import Assessment, CaseEvent, Consent, Pause, Referral
from referrals.services import CaseError, StaleEdit, TransitionError
from referrals.signals import case_changed
from tests.builders import pause_reason
from tests.factories import ChildFactory, GuardianFactory

S = Referral.Status
A = Consent.Purpose.ASSESSMENT
D = Consent.Purpose.DECISION


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def child(world):
    return ChildFactory(unit=world.unit_a)


@pytest.fixture
def mother(child):
    return GuardianFactory(child=child, name="Mor", relation="mother")


@pytest.fixture
def father(child):
    return GuardianFactory(child=child, name="Far", relation="father", lives_with_child=False)


@pytest.fixture
def draft(world, child, mother, father):
    return services.referral_create(
        actor=world.advisor,
        child_id=child.pk,
        unit=world.unit_a,
        concern="Snakker lite.",
        services=["assessment"],
    )


@pytest.fixture
def signals():
    """Every case_changed sent while the test runs: (referral pk, action), one pair for each
    journal action it announces (a submit that starts the clock announces both, once)."""
    sent = []

    def receiver(sender, referral, action, actions=(), **kwargs):
        sent.extend((referral.pk, a) for a in actions or (action,))

    case_changed.connect(receiver, weak=False, dispatch_uid="test_services")
    yield sent
    case_changed.disconnect(dispatch_uid="test_services")


def consent(referral, guardian, purpose=A, given=None, actor=None):
    return services.consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose=purpose,
        given_on=given or days_ago(10),
        actor=actor or referral.created_by,
    )


def received(world, draft, mother, *, received_on=None, consent_on=None):
    consent(draft, mother, given=consent_on or days_ago(20))
    return services.referral_submit(
        referral_id=draft.pk, actor=world.advisor, received_on=received_on or days_ago(20)
    )


def assessing(world, draft, mother):
    received(world, draft, mother)
    return services.referral_start_assessment(referral_id=draft.pk, actor=world.advisor)


def fill(referral, actor, *, complete=False, **overrides):
    values = dict(
        development="Forsinket språkutvikling.",
        goals="Bruke setninger med tre ord.",
        kind_of_help="Språkgrupper to ganger i uken.",
        guardian_views="Enige; vektlagt.",
        conclusion=Assessment.Conclusion.NEEDS_HELP,
        organisation=Assessment.Organisation.GROUP,
        recommended_hours=Decimal("4.5"),
        competence=Assessment.Competence.SPECIAL_EDUCATOR,
    )
    values.update(overrides)
    assessment = Assessment.objects.get(referral=referral)
    return services.assessment_save(
        referral_id=referral.pk,
        version=assessment.version,
        actor=actor,
        complete=complete,
        **values,
    )


def events(referral, action=None):
    qs = CaseEvent.objects.filter(referral=referral)
    return list(qs.filter(action=action) if action else qs)


# --- the happy path and T0 -------------------------------------------------------------------


def test_submit_without_consent_waits_for_consent(world, draft):
    services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=days_ago(5))
    draft.refresh_from_db()
    assert draft.status == S.AWAITING_CONSENT
    assert draft.received_on == days_ago(5)
    assert draft.t0 is None


def test_consent_given_before_receipt_starts_the_clock_at_receipt(world, draft, mother):
    consent(draft, mother, given=days_ago(30))
    services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=days_ago(20))
    draft.refresh_from_db()
    assert draft.status == S.RECEIVED
    assert draft.consent_on == days_ago(30)
    assert draft.t0 == days_ago(20)


def test_a_late_consent_moves_t0_to_the_consent_date(world, draft, mother):
    services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=days_ago(20))
    consent(draft, mother, given=days_ago(3))
    draft.refresh_from_db()
    assert draft.status == S.RECEIVED
    assert draft.t0 == days_ago(3)
    received_event = events(draft, "referral.received")[0]
    assert received_event.from_status == S.AWAITING_CONSENT
    assert received_event.detail["t0"] == days_ago(3).strftime("%d.%m.%Y")


def test_the_whole_path_journals_every_move_with_from_and_to(world, draft, mother):
    received(world, draft, mother)
    services.referral_start_assessment(referral_id=draft.pk, actor=world.advisor)
    fill(draft, world.advisor, complete=True)
    draft.refresh_from_db()
    assert draft.status == S.ASSESSED
    assert draft.assessed_on == timezone.localdate()
    moves = [
        (e.action, e.from_status, e.to_status)
        for e in CaseEvent.objects.filter(referral=draft).exclude(to_status="").order_by("at", "pk")
    ]
    assert moves == [
        ("referral.created", "", S.DRAFT),
        ("referral.submitted", S.DRAFT, S.AWAITING_CONSENT),
        ("referral.received", S.AWAITING_CONSENT, S.RECEIVED),
        ("referral.assessment_started", S.RECEIVED, S.ASSESSING),
        ("referral.assessed", S.ASSESSING, S.ASSESSED),
    ]


def test_starting_the_assessment_assigns_the_advisor_when_nobody_is(world, draft, mother):
    received(world, draft, mother)
    services.referral_start_assessment(referral_id=draft.pk, actor=world.advisor)
    draft.refresh_from_db()
    assert draft.advisor == world.advisor
    assert Assessment.objects.get(referral=draft).author == world.advisor


def test_case_changed_is_sent_on_every_transition(world, draft, mother, signals):
    received(world, draft, mother)
    services.referral_start_assessment(referral_id=draft.pk, actor=world.advisor)
    services.referral_pause(
        referral_id=draft.pk,
        started_on=days_ago(5),
        reason=pause_reason(draft),
        actor=world.advisor,
    )
    services.referral_resume(referral_id=draft.pk, ended_on=days_ago(1), actor=world.advisor)
    services.referral_assign(referral_id=draft.pk, advisor=world.advisor_south, actor=world.advisor)
    fill(draft, world.advisor, complete=True)
    services.referral_withdraw(referral_id=draft.pk, reason="Flyttet", actor=world.advisor)
    actions = [a for pk, a in signals if pk == draft.pk]
    for action in [
        "consent.registered",
        "referral.submitted",
        "referral.received",
        "referral.assessment_started",
        "referral.paused",
        "referral.resumed",
        "referral.assigned",
        "referral.assessed",
        "referral.withdrawn",
    ]:
        assert action in actions, action


# --- wrong state, double submit, races ---------------------------------------------------------


@pytest.mark.parametrize(
    "move",
    [
        lambda r, u: services.referral_start_assessment(referral_id=r.pk, actor=u),
        lambda r, u: services.referral_pause(
            referral_id=r.pk, started_on=days_ago(1), reason=pause_reason(r), actor=u
        ),
        lambda r, u: services.assessment_save(referral_id=r.pk, version=1, actor=u),
    ],
    ids=["start_assessment", "pause", "assessment_save"],
)
def test_a_move_from_the_wrong_state_raises_and_changes_nothing(world, draft, move):
    before = (draft.status, draft.version, len(events(draft)))
    with pytest.raises(TransitionError) as exc:
        move(draft, world.advisor)
    assert "Utkast" in exc.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.version, len(events(draft))) == before


def test_a_double_submit_raises_the_second_time_and_journals_once(world, draft):
    services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=days_ago(2))
    with pytest.raises(TransitionError) as exc:
        services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=days_ago(1))
    assert exc.value.message == "Dette kan ikke gjøres når saken har status «Venter på samtykke»."
    draft.refresh_from_db()
    assert draft.received_on == days_ago(2)
    assert len(events(draft, "referral.submitted")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_let_exactly_one_through(world, draft):
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.referral_submit(
                referral_id=draft.pk, actor=world.advisor, received_on=days_ago(1)
            )
            outcomes.append("ok")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert len(events(draft, "referral.submitted")) == 1


# --- withdraw -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["draft", "received", "assessing"])
def test_withdraw_from_an_open_stage_stops_the_case(world, draft, mother, stage):
    if stage == "received":
        received(world, draft, mother)
    elif stage == "assessing":
        assessing(world, draft, mother)
    before = Referral.objects.get(pk=draft.pk).status
    services.referral_withdraw(referral_id=draft.pk, reason="Familien flyttet", actor=world.advisor)
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert draft.withdrawn_reason == "Familien flyttet"
    event = events(draft, "referral.withdrawn")[0]
    assert (event.from_status, event.to_status) == (before, S.WITHDRAWN)


def test_a_withdrawn_case_cannot_be_withdrawn_or_changed_again(world, draft):
    services.referral_withdraw(referral_id=draft.pk, reason="x", actor=world.advisor)
    with pytest.raises(TransitionError):
        services.referral_withdraw(referral_id=draft.pk, reason="y", actor=world.advisor)
    with pytest.raises(TransitionError):
        services.referral_update(
            referral_id=draft.pk, version=draft.version + 2, actor=world.advisor, concern="z"
        )
    assert len(events(draft, "referral.withdrawn")) == 1


# --- pause and resume -------------------------------------------------------------------------


def test_pause_and_resume_count_the_days(world, draft, mother):
    received(world, draft, mother)
    services.referral_pause(
        referral_id=draft.pk,
        started_on=days_ago(10),
        reason=pause_reason(draft, "foresatte-ber-om-utsettelse"),
        actor=world.advisor,
    )
    pause = services.referral_resume(
        referral_id=draft.pk, ended_on=days_ago(3), actor=world.advisor
    )
    assert pause.days(timezone.localdate()) == 7
    assert events(draft, "referral.resumed")[0].detail["days"] == 7
    assert events(draft, "referral.paused")[0].detail["reason"] == "Foresatte ber om utsettelse"


def test_only_one_open_pause(world, draft, mother):
    received(world, draft, mother)
    services.referral_pause(
        referral_id=draft.pk,
        started_on=days_ago(2),
        reason=pause_reason(draft),
        actor=world.advisor,
    )
    with pytest.raises(TransitionError):
        services.referral_pause(
            referral_id=draft.pk,
            started_on=days_ago(1),
            reason=pause_reason(draft),
            actor=world.advisor,
        )
    assert Pause.objects.filter(referral=draft).count() == 1


def test_resume_without_a_pause_is_refused(world, draft, mother):
    received(world, draft, mother)
    with pytest.raises(TransitionError):
        services.referral_resume(referral_id=draft.pk, ended_on=days_ago(0), actor=world.advisor)


def test_a_paused_case_cannot_start_the_assessment(world, draft, mother):
    received(world, draft, mother)
    services.referral_pause(
        referral_id=draft.pk,
        started_on=days_ago(1),
        reason=pause_reason(draft),
        actor=world.advisor,
    )
    with pytest.raises(TransitionError):
        services.referral_start_assessment(referral_id=draft.pk, actor=world.advisor)
    draft.refresh_from_db()
    assert draft.status == S.RECEIVED


def test_a_pause_cannot_start_before_the_clock(world, draft, mother):
    received(world, draft, mother, received_on=days_ago(5), consent_on=days_ago(5))
    with pytest.raises(CaseError) as exc:
        services.referral_pause(
            referral_id=draft.pk,
            started_on=days_ago(6),
            reason=pause_reason(draft),
            actor=world.advisor,
        )
    assert exc.value.field == "started_on"


# --- future dates --------------------------------------------------------------------------------


def test_future_dates_are_refused(world, draft, mother):
    tomorrow = days_ago(-1)
    with pytest.raises(CaseError) as exc:
        services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=tomorrow)
    assert exc.value.field == "received_on"
    with pytest.raises(CaseError) as exc:
        consent(draft, mother, given=tomorrow)
    assert exc.value.field == "given_on"
    received(world, draft, mother)
    with pytest.raises(CaseError) as exc:
        services.referral_pause(
            referral_id=draft.pk,
            started_on=tomorrow,
            reason=pause_reason(draft),
            actor=world.advisor,
        )
    assert exc.value.field == "started_on"
    services.referral_pause(
        referral_id=draft.pk,
        started_on=days_ago(1),
        reason=pause_reason(draft),
        actor=world.advisor,
    )
    with pytest.raises(CaseError) as exc:
        services.referral_resume(referral_id=draft.pk, ended_on=tomorrow, actor=world.advisor)
    assert exc.value.field == "ended_on"
    services.referral_resume(referral_id=draft.pk, ended_on=days_ago(0), actor=world.advisor)
    services.referral_start_assessment(referral_id=draft.pk, actor=world.advisor)
    with pytest.raises(CaseError) as exc:
        fill(draft, world.advisor, complete=True, completed_on=tomorrow)
    assert exc.value.field == "completed_on"
    draft.refresh_from_db()
    assert draft.status == S.ASSESSING


def test_a_consent_cannot_be_withdrawn_in_the_future(world, draft, mother, father):
    # A decision consent: withdrawing it does not stop the case, so only the date matters.
    given = consent(draft, father, purpose=D)
    try:
        services.consent_withdraw(
            consent_id=given.pk, withdrawn_on=days_ago(-1), actor=world.advisor
        )
    except CaseError as exc:
        assert exc.field == "withdrawn_on"
    else:
        pytest.fail(
            "SERVICE BUG (referrals/services.py consent_withdraw): a withdrawal dated in the "
            "future is accepted; it should raise CaseError(field='withdrawn_on') like the "
            "other services do for future dates"
        )
    given.refresh_from_db()
    assert given.withdrawn_on is None


# --- consent (barnehageloven § 32) ----------------------------------------------------------------


def test_assessment_consent_needs_a_parent_the_child_lives_with(world, draft, father):
    services.referral_submit(referral_id=draft.pk, actor=world.advisor, received_on=days_ago(5))
    consent(draft, father, given=days_ago(2))
    draft.refresh_from_db()
    assert not services.assessment_consent_given(draft)
    assert draft.status == S.AWAITING_CONSENT


def test_assessment_consent_from_someone_without_parental_responsibility_is_refused(
    world, draft, child
):
    aunt = GuardianFactory(child=child, relation="other", parental_responsibility=False)
    with pytest.raises(CaseError) as exc:
        consent(draft, aunt)
    assert exc.value.field == "guardian"
    assert not Consent.objects.filter(referral=draft).exists()


def test_a_guardian_cannot_consent_twice_to_the_same(world, draft, mother):
    consent(draft, mother)
    with pytest.raises(CaseError):
        consent(draft, mother)
    assert Consent.objects.filter(referral=draft).count() == 1


def test_decision_consent_needs_everyone_with_parental_responsibility(
    world, draft, child, mother, father
):
    GuardianFactory(child=child, relation="foster", parental_responsibility=False)
    consent(draft, mother, purpose=D)
    draft = Referral.objects.get(pk=draft.pk)
    assert not services.decision_consent_given(draft)
    consent(draft, father, purpose=D)
    draft = Referral.objects.get(pk=draft.pk)
    assert services.decision_consent_given(draft)


def test_withdrawing_the_only_assessment_consent_stops_the_case(world, draft, mother):
    received(world, draft, mother)
    given = Consent.objects.get(referral=draft, purpose=A)
    services.consent_withdraw(consent_id=given.pk, withdrawn_on=days_ago(0), actor=world.advisor)
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    event = events(draft, "referral.withdrawn")[0]
    assert (event.from_status, event.detail["reason"]) == (S.RECEIVED, "consent_withdrawn")


def test_withdrawing_one_of_two_assessment_consents_keeps_the_case(world, draft, child, mother):
    second = GuardianFactory(child=child, relation="father")
    received(world, draft, mother)
    consent(draft, second)
    given = Consent.objects.get(referral=draft, guardian=mother, purpose=A)
    services.consent_withdraw(consent_id=given.pk, withdrawn_on=days_ago(0), actor=world.advisor)
    draft.refresh_from_db()
    assert draft.status == S.RECEIVED


# --- the sakkyndig vurdering (barnehageloven § 34) --------------------------------------------------


def test_a_draft_assessment_saves_without_the_required_content(world, draft, mother):
    assessing(world, draft, mother)
    fill(draft, world.advisor, development="Bare litt.", goals="", conclusion="")
    assessment = Assessment.objects.get(referral=draft)
    assert assessment.development == "Bare litt."
    assert assessment.version == 2
    assert not assessment.is_completed
    assert events(draft, "assessment.saved")[0].detail["changes"]["development"] == [
        "",
        "Bare litt.",
    ]


def test_completing_without_the_section_34_content_lists_it_and_rolls_back(world, draft, mother):
    assessing(world, draft, mother)
    with pytest.raises(CaseError) as exc:
        fill(draft, world.advisor, complete=True, goals="", guardian_views="")
    assert "realistiske mål" in exc.value.message
    assert "foresattes synspunkter" in exc.value.message
    assessment = Assessment.objects.get(referral=draft)
    assert (assessment.development, assessment.version) == ("", 1), "the draft save rolled back"
    draft.refresh_from_db()
    assert draft.status == S.ASSESSING
    assert not events(draft, "assessment.saved")


def test_help_needs_hours_organisation_and_competence(world, draft, mother):
    assessing(world, draft, mother)
    with pytest.raises(CaseError) as exc:
        fill(
            draft,
            world.advisor,
            complete=True,
            recommended_hours=None,
            organisation="",
            competence="",
        )
    for label in ("organisering", "anbefalte timer", "kompetanse"):
        assert label in exc.value.message
    draft.refresh_from_db()
    assert draft.status == S.ASSESSING


def test_no_need_completes_without_hours(world, draft, mother):
    assessing(world, draft, mother)
    fill(
        draft,
        world.advisor,
        complete=True,
        conclusion=Assessment.Conclusion.NO_NEED,
        recommended_hours=None,
        organisation="",
        competence="",
    )
    draft.refresh_from_db()
    assert draft.status == S.ASSESSED


def test_a_stale_assessment_save_raises_and_keeps_the_first(world, draft, mother):
    assessing(world, draft, mother)
    fill(draft, world.advisor, development="Første")
    with pytest.raises(StaleEdit) as exc:
        services.assessment_save(
            referral_id=draft.pk, version=1, actor=world.advisor_south, development="Andre"
        )
    assert [e.detail["changes"]["development"][1] for e in exc.value.events] == ["Første"]
    assert Assessment.objects.get(referral=draft).development == "Første"


# --- optimistic locking of the referral ---------------------------------------------------------


def test_a_stale_referral_update_raises_with_the_first_change(world, draft):
    version = draft.version
    services.referral_update(
        referral_id=draft.pk, version=version, actor=world.advisor, concern="Første endring"
    )
    with pytest.raises(StaleEdit) as exc:
        services.referral_update(
            referral_id=draft.pk, version=version, actor=world.advisor_south, concern="Andre"
        )
    assert exc.value.current.version == version + 1
    [event] = exc.value.events
    assert event.actor == world.advisor
    assert event.detail["changes"]["concern"] == ["Snakker lite.", "Første endring"]
    draft.refresh_from_db()
    assert draft.concern == "Første endring"
    assert len(events(draft, "referral.updated")) == 1


def test_an_update_that_names_the_current_version_goes_through(world, draft):
    services.referral_update(
        referral_id=draft.pk, version=draft.version, actor=world.advisor, concern="A"
    )
    draft.refresh_from_db()
    services.referral_update(
        referral_id=draft.pk, version=draft.version, actor=world.advisor, concern="B"
    )
    draft.refresh_from_db()
    assert draft.concern == "B"


def test_assign_journals_the_change_of_advisor(world, draft):
    services.referral_assign(referral_id=draft.pk, advisor=world.advisor_south, actor=world.advisor)
    draft.refresh_from_db()
    assert draft.advisor == world.advisor_south
    [event] = events(draft, "referral.assigned")
    assert event.detail["changes"]["advisor"] == ["–", str(world.advisor_south)]
