"""seed_demo's children and cases (demo/caseload.py): bulk-inserted, so these tests check that
the rows are what the services would have left behind."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from referrals import case_kinds
from referrals.case_kinds import trinn_from_birth
from referrals.idnumber import parse_id_number
from referrals.models import Assessment, CaseEvent, Child, Consent, Guardian, Pause, Referral
from referrals.scoping import visible_referrals
from referrals.services import assessment_consent_given
from referrals.services.case import assessment_required_fields
from teams.models import Unit, User

pytestmark = pytest.mark.django_db

S = Referral.Status
# The office then decides some assessed cases (demo/decisions.py): decided, help_started, appealed.
DECIDED = {S.DECIDED, S.HELP_STARTED, S.APPEALED}
REACHABLE = {S.DRAFT, S.AWAITING_CONSENT, S.RECEIVED, S.ASSESSING, S.ASSESSED, S.WITHDRAWN}
CONSENTED = {S.RECEIVED, S.ASSESSING, S.ASSESSED, *DECIDED}
# demo/case_life.py then closes a few running cases and starts a renewal and a reopened case
# from them (new cases that name the one they follow in ``previous``).
LATER = {S.CLOSED}
SMALL = ["--children", "300", "--referrals", "80"]


def bulk_cases():
    """The cases demo/caseload.py bulk-inserts: not those later made through the services
    (demo/school_work.py: the units' referrals and the parents' request, whose first event
    names its source; renewals, reopenings and moves name the case they follow)."""
    by_services = CaseEvent.objects.filter(
        action="referral.created", detail__has_key="source"
    ).values("referral")
    return Referral.objects.filter(previous__isnull=True).exclude(pk__in=by_services)


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()


def row_counts():
    models = (Child, Guardian, Referral, Consent, Assessment, Pause, CaseEvent)
    return {m.__name__: m.objects.count() for m in models}


def years(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True


@pytest.fixture
def seeded():
    return seed()


def test_it_seeds_the_asked_scale_in_every_reachable_state(seeded):
    counts = row_counts()
    # demo/pupils.py adds a pupil to each school's trinn the 300 left empty
    assert 300 <= counts["Child"] <= 300 + 10 * 10
    caseload = bulk_cases()
    assert caseload.count() == 80
    by_services = Referral.objects.filter(previous__isnull=True).count() - 80
    assert 0 <= by_services <= 4  # demo/school_work.py: three units' referrals, one request
    assert counts["Referral"] - 80 - by_services == (
        Referral.objects.filter(previous__isnull=False).count()
    )
    assert counts["Child"] < counts["Guardian"] <= 2 * counts["Child"]
    statuses = set(caseload.values_list("status", flat=True))
    assert REACHABLE <= statuses <= REACHABLE | DECIDED | LATER
    assert caseload.values("child").distinct().count() == 80
    assert set(Referral.objects.values_list("municipality__name", flat=True)) == {
        "Solvik kommune",
        "Bergtun kommune",
    }
    # Only the running cases demo/case_life.py moves on through the services have a later version.
    assert not caseload.exclude(status__in=[S.HELP_STARTED, *LATER]).exclude(version=1).exists()
    assert "Barn: 300/300" in seeded
    assert "radgiver@demo.no" in seeded


def test_identity_numbers_are_valid_synthetic_and_match_the_birth_date(seeded):
    today = timezone.localdate()
    seen = Counter()
    for child in Child.objects.select_related("unit", "school_class"):
        parsed = parse_id_number(child.id_number, allow_synthetic=True)
        assert parsed.synthetic
        assert parsed.birth_date == child.birth_date
        seen[(child.municipality_id, child.id_number)] += 1
        age = years(child.birth_date, today)
        if child.unit.kind == Unit.Kind.KINDERGARTEN:
            # six in the spring before school start when born early in the year (§ 2-1: school
            # starts in August of the calendar year the child turns six)
            assert 1 <= age <= 6 and child.school_class is None
            # not yet of school age (opplæringslova § 2-1)
            assert trinn_from_birth(child.birth_date, today) is None
        else:
            # a pupil's class is of their school and on the trinn their birth year gives
            assert child.school_class.unit_id == child.unit_id
            assert trinn_from_birth(child.birth_date, today) == child.school_class.trinn
            assert 5 <= age < 17
    assert max(seen.values()) == 1


def test_every_child_has_a_guardian_who_can_consent(seeded):
    children = Child.objects.prefetch_related("guardians")
    for child in children:
        assert 1 <= len(child.guardians.all()) <= 2
        assert any(g.parental_responsibility and g.lives_with_child for g in child.guardians.all())
    assert Guardian.objects.filter(phone__regex=r"^9\d\d \d\d \d\d\d$").count() == (
        Guardian.objects.count()
    )
    assert not Guardian.objects.exclude(email="").exclude(email__endswith="@example.no").exists()


def test_dates_follow_the_state_and_t0_is_the_later_of_received_and_consent(seeded):
    last = timezone.localdate()
    for ref in bulk_cases():
        if ref.status == S.DRAFT:
            assert ref.received_on is ref.consent_on is ref.t0 is None
        if ref.status == S.AWAITING_CONSENT:
            assert ref.received_on and ref.consent_on is None and ref.t0 is None
        if ref.status in CONSENTED:
            assert ref.received_on <= ref.consent_on <= last
        if ref.consent_on:
            assert ref.t0 == max(ref.received_on, ref.consent_on)
        # A kind decided without an assessment (case_kinds: §§ 37, 11-4, 11-5) has none.
        assessed = ref.status == S.ASSESSED or ref.status in DECIDED | LATER
        if assessed and case_kinds.rule(ref.kind).assessment_required:
            assert ref.t0 < ref.assessed_on <= last
        else:
            assert ref.assessed_on is None
        assert bool(ref.withdrawn_reason) == (ref.status == S.WITHDRAWN)
        assert ref.received_on is None or ref.received_on >= last - timedelta(days=366)


def test_received_cases_have_consent_from_a_guardian_the_child_lives_with(seeded):
    """Or from the pupil of 15 or more in a school kind (opplæringslova § 11-7 third
    paragraph); to the assessment, or to the vedtak in a kind decided without one."""
    caseload = bulk_cases().filter(status__in=CONSENTED)
    for ref in caseload.select_related("child").prefetch_related("consents__guardian"):
        assert assessment_consent_given(ref)
        rule = case_kinds.rule(ref.kind)
        purpose = "assessment" if rule.consent_before_assessment else "decision"
        qualifying = [
            c.given_on
            for c in ref.consents.all()
            if c.purpose == purpose
            and (
                c.given_by_pupil
                or c.guardian.parental_responsibility
                and c.guardian.lives_with_child
            )
        ]
        assert ref.consent_on == min(qualifying)
        for c in ref.consents.all():
            if c.given_by_pupil:
                assert rule.is_school and years(ref.child.birth_date, c.given_on) >= 15
            else:
                assert c.guardian.child_id == ref.child_id
    # Before a case is received no consent is in, but for the referral a unit has sent (it
    # records the parents' consent before sending: referrals/services/unit_referral.py).
    early = Consent.objects.filter(referral__status__in=[S.DRAFT, S.AWAITING_CONSENT])
    assert not early.exclude(referral__source="unit", referral__sent_on__isnull=False).exists()


def test_assessed_cases_have_a_completed_assessment_and_assessing_cases_a_draft(seeded):
    for ref in Referral.objects.filter(status=S.ASSESSED).select_related("assessment"):
        assessment = ref.assessment
        assert assessment.completed_on == ref.assessed_on
        # the kind's content: § 34 for barnehageloven §§ 31/38, § 11-8 a–e for § 11-6
        required = assessment_required_fields(ref.kind, assessment.conclusion)
        assert all(getattr(assessment, name) not in ("", None) for name in required), ref.kind
        assert assessment.author_id == ref.advisor_id
    drafts = Assessment.objects.filter(referral__status=S.ASSESSING)
    assert drafts.count() == Referral.objects.filter(status=S.ASSESSING).count()
    assert not drafts.exclude(completed_on=None).exists()


def test_pauses_start_after_t0_and_at_most_one_is_open(seeded):
    for pause in Pause.objects.select_related("referral"):
        assert pause.referral.status in {S.RECEIVED, S.ASSESSING}
        assert pause.started_on >= pause.referral.t0
        assert pause.ended_on is None or pause.ended_on > pause.started_on
        assert pause.reason
    open_per_case = Counter(Pause.objects.filter(ended_on=None).values_list("referral", flat=True))
    assert max(open_per_case.values(), default=0) <= 1


def test_the_journal_tells_each_case_s_moves_in_order(seeded):
    now = timezone.now()
    for ref in bulk_cases().prefetch_related("events"):
        events = sorted(ref.events.all(), key=lambda e: (e.at, e.pk))
        assert events[0].action == "referral.created"
        assert events[0].at == ref.created_at
        moves = [e for e in events if e.to_status]
        assert moves[-1].to_status == ref.status
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_status == before.to_status
        assert all(e.actor_id for e in events)
        assert events[-1].at < now


def test_the_demo_styrer_sees_cases_in_several_states(seeded):
    styrer = User.objects.get(email="styrer@demo.no")
    statuses = set(visible_referrals(styrer).values_list("status", flat=True))
    assert len(statuses) >= 5
    assert visible_referrals(User.objects.get(email="styrer2@demo.no")).exists()
    advisor = User.objects.get(email="radgiver@demo.no")
    assert Referral.objects.filter(advisor=advisor).exists()
    # radgiver@demo.no works in Solvik Nord and Sør only.
    areas = set(Referral.objects.filter(advisor=advisor).values_list("unit__area__name", flat=True))
    assert areas <= {"Nord", "Sør"}


def test_a_second_run_adds_nothing(seeded):
    before = row_counts()
    out = seed()
    assert row_counts() == before
    assert "Finnes fra før" in out


def test_the_same_seed_gives_the_same_people():
    def snapshot():
        with transaction.atomic():
            seed("--seed", "7")
            rows = list(
                Child.objects.order_by("id_number").values_list(
                    "id_number", "first_name", "unit__name"
                )
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot() == snapshot()


def test_it_refuses_more_cases_than_children():
    with pytest.raises(CommandError, match="--referrals"):
        call_command("seed_demo", "--children", "5", "--referrals", "6", stdout=StringIO())
    assert not Child.objects.exists()
