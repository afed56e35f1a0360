"""The case kinds rule the case's life (referrals/case_kinds.py, issue 19): each rule of the
table names its source and is enforced where the case is worked on. The vedtak's own views
(who decides, the form) are in tests/decisions/test_decide_by_kind.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from decisions.models import Decision
from referrals import case_kinds, states
from referrals import services as referrals
from referrals.case_kinds import CaseKind
from referrals.models import Assessment, Consent, Referral
from referrals.services import CaseError, TransitionError
from tests.builders import SCHOOL_ASSESSMENT, case_at, decide, decider, decision_consent, pupil
from tests.conftest import frozen_today

pytestmark = pytest.mark.django_db

S = states.Status
SCHOOL_KINDS = (CaseKind.OPPL_11_6, CaseKind.OPPL_11_4, CaseKind.OPPL_11_5)
KINDERGARTEN_KINDS = (CaseKind.BHL_31, CaseKind.BHL_37, CaseKind.BHL_38)
WITHOUT_ASSESSMENT = (CaseKind.BHL_37, CaseKind.OPPL_11_4, CaseKind.OPPL_11_5)
WITH_ASSESSMENT = (CaseKind.BHL_31, CaseKind.BHL_38, CaseKind.OPPL_11_6)
DECIDED_ON = date(2026, 11, 24)


# --- the table ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_kind_names_its_legal_basis_and_the_source_of_each_rule(kind):
    rule = case_kinds.rule(kind)
    law = ("barnehageloven § ", "opplæringslova § ")
    assert rule.legal_basis.startswith(law), rule.legal_basis
    assert rule.legal_basis.split("§ ")[1] in str(kind.label)
    for source in (rule.assessment_source, rule.consent_source, rule.views_source):
        assert "§" in source
    if rule.deviation_needs_reason:
        assert "§" in rule.deviation_source
    for element in (*rule.assessment_content, *rule.decision_content):
        assert "§" in element.source, element
        assert element.field in {f.name for f in Assessment._meta.fields} | {
            f.name for f in Decision._meta.fields
        }
    assert rule.unit_kind == (
        case_kinds.UnitKind.SCHOOL
        if kind.value.startswith("oppl")
        else case_kinds.UnitKind.KINDERGARTEN
    )


def test_the_kinds_of_a_unit_are_its_own():
    assert [k for k, _ in case_kinds.kind_choices_for_unit("school")] == list(SCHOOL_KINDS)
    assert [k for k, _ in case_kinds.kind_choices_for_unit("kindergarten")] == list(
        KINDERGARTEN_KINDS
    )


# --- the state table per kind -------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.RECEIVED, S.ASSESSING])
def test_the_state_table_lets_a_kind_without_assessment_be_decided_before_one(status):
    for kind in WITHOUT_ASSESSMENT:
        assert states.allowed_for("decide", status, kind)
    for kind in WITH_ASSESSMENT:
        assert not states.allowed_for("decide", status, kind)
        assert "§" in states.refusal("decide", status, kind)
    # The plain table stays barnehageloven § 31's for its callers.
    assert not states.allowed("decide", status)


def test_a_pupil_who_also_needs_section_11_6_needs_the_assessment_for_11_4_too():
    """Opplæringslova § 11-7 first paragraph: one sakkyndig vurdering for all."""
    assert not states.allowed_for("decide", S.RECEIVED, CaseKind.OPPL_11_4, covering_case=True)
    assert states.allowed_for(
        "decide", S.RECEIVED, CaseKind.OPPL_11_4, covering_case=True, covering_assessed=True
    )
    message = states.refusal("decide", S.RECEIVED, CaseKind.OPPL_11_4, covering_case=True)
    assert "opplæringslova § 11-7 første ledd" in message


def test_a_section_11_6_vedtak_without_an_assessment_is_refused(world):
    case = case_at("received", world=world, kind=CaseKind.OPPL_11_6)
    decision_consent(case.pk, world.advisor, given_on=DECIDED_ON)
    with pytest.raises(TransitionError) as exc:
        decide(case.pk, world.rektor_a, decided_on=DECIDED_ON)
    assert "opplæringslova § 11-6" in exc.value.message
    assert "opplæringslova § 11-7 første ledd" in exc.value.message
    assert not Decision.objects.exists()


@pytest.mark.parametrize("kind", WITHOUT_ASSESSMENT)
def test_a_kind_without_assessment_is_decided_without_one(world, kind):
    case = case_at("decided", world=world, kind=kind)
    assert case.status == S.DECIDED
    assert not Assessment.objects.filter(referral=case).exists()
    assert case.decisions.get().decided_by == decider(case, world)


def test_section_11_4_waits_for_the_section_11_6_assessment_of_the_same_pupil(world):
    main = case_at("assessing", world=world, kind=CaseKind.OPPL_11_6)
    assistance = case_at("received", world=world, kind=CaseKind.OPPL_11_4, child=main.child)
    decision_consent(assistance.pk, world.advisor, given_on=DECIDED_ON)
    with pytest.raises(TransitionError) as exc:
        decide(assistance.pk, world.rektor_a, decided_on=DECIDED_ON)
    assert "§ 11-7 første ledd" in exc.value.message
    assessment = Assessment.objects.get(referral=main)
    referrals.assessment_save(
        referral_id=main.pk,
        version=assessment.version,
        actor=world.advisor,
        complete=True,
        completed_on=date(2026, 11, 20),
        recommended_hours=Decimal("5.0"),
        **SCHOOL_ASSESSMENT,
    )
    decide(assistance.pk, world.rektor_a, decided_on=DECIDED_ON)
    assistance.refresh_from_db()
    assert assistance.status == S.DECIDED


def test_a_pupil_may_have_a_section_11_6_and_a_section_11_4_case_open_at_once(world):
    child = pupil(world.school)
    referrals.referral_create(
        actor=world.advisor, child_id=child.pk, unit=world.school, kind=CaseKind.OPPL_11_6,
        concern="Leser svakt.",
    )  # fmt: skip
    referrals.referral_create(
        actor=world.advisor, child_id=child.pk, unit=world.school, kind=CaseKind.OPPL_11_4,
        concern="Trenger assistanse i friminuttene.",
    )  # fmt: skip
    with pytest.raises(referrals.OpenReferralExists):
        referrals.referral_create(
            actor=world.advisor, child_id=child.pk, unit=world.school, kind=CaseKind.OPPL_11_4,
            concern="Igjen.",
        )  # fmt: skip


# --- the assessment per kind --------------------------------------------------------------------


def test_completing_a_section_11_6_assessment_needs_section_11_8_a_to_e_and_the_views(world):
    case = case_at("assessing", world=world, kind=CaseKind.OPPL_11_6)
    values = {**SCHOOL_ASSESSMENT, "benefit": "", "child_views": "", "teacher_competence": ""}
    with pytest.raises(CaseError) as exc:
        referrals.assessment_save(
            referral_id=case.pk,
            version=1,
            actor=world.advisor,
            complete=True,
            completed_on=date(2026, 11, 20),
            recommended_hours=Decimal("5.0"),
            **values,
        )
    assert set(exc.value.fields) == {"benefit", "child_views", "teacher_competence"}
    case.refresh_from_db()
    assert case.status == S.ASSESSING
    assert Assessment.objects.get(referral=case).version == 1, "nothing half-saved"


def test_the_assessment_form_of_a_school_case_asks_section_11_8(client, world):
    case = case_at("assessing", world=world, kind=CaseKind.OPPL_11_6)
    client.force_login(world.advisor)
    url = reverse("referrals:assessment_edit", args=[case.pk])
    page = client.get(url).text
    for name in ("benefit", "benefit_obstacles", "teacher_competence", "child_views"):
        assert f'name="{name}"' in page
    assert 'name="development"' not in page
    assert "opplæringslova § 11-8 a" in page
    assert "opplæringslova § 10-2" in page
    data = {**SCHOOL_ASSESSMENT, "benefit": "", "version": 1, "complete": "1"}
    data.update(recommended_hours="5", completed_on="2026-11-20")
    response = client.post(url, data)
    assert response.status_code == 422
    assert 'id="error_1_id_benefit"' in response.text
    case.refresh_from_db()
    assert case.status == S.ASSESSING


def test_the_kindergarten_assessment_form_is_unchanged(client, world):
    case = case_at("assessing", world=world)
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:assessment_edit", args=[case.pk])).text
    assert 'name="development"' in page
    assert 'name="benefit"' not in page


# --- consent per kind ---------------------------------------------------------------------------


def test_a_pupil_consents_for_a_school_kind_and_the_clock_starts(world):
    """Opplæringslova § 11-7 third paragraph: "eleven eller foreldra"."""
    case = case_at("awaiting_consent", world=world, kind=CaseKind.OPPL_11_6)
    consent = referrals.consent_register(
        referral_id=case.pk,
        purpose=Consent.Purpose.ASSESSMENT,
        given_on=date(2026, 10, 30),
        actor=world.advisor,
        given_by_pupil=True,
    )
    assert consent.guardian is None and consent.given_by_pupil
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.t0 == date(2026, 10, 30)
    assert not referrals.decision_consent_given(case)
    referrals.consent_register(
        referral_id=case.pk,
        purpose=Consent.Purpose.DECISION,
        given_on=date(2026, 11, 2),
        actor=world.advisor,
        given_by_pupil=True,
    )
    assert referrals.decision_consent_given(Referral.objects.get(pk=case.pk))
    with pytest.raises(CaseError) as exc:
        referrals.consent_register(
            referral_id=case.pk,
            purpose=Consent.Purpose.DECISION,
            given_on=date(2026, 11, 2),
            actor=world.advisor,
            given_by_pupil=True,
        )
    assert exc.value.field == "guardian"


@pytest.mark.parametrize("kind", KINDERGARTEN_KINDS)
def test_a_child_cannot_consent_for_a_kindergarten_kind(world, kind):
    """Barnehageloven § 32 first paragraph: the parents consent."""
    case = case_at("awaiting_consent", world=world, kind=kind)
    with pytest.raises(CaseError) as exc:
        referrals.consent_register(
            referral_id=case.pk,
            purpose=Consent.Purpose.ASSESSMENT,
            given_on=date(2026, 10, 30),
            actor=world.advisor,
            given_by_pupil=True,
        )
    assert exc.value.field == "guardian"
    assert case_kinds.rule(kind).consent_source in exc.value.message
    assert not Consent.objects.filter(referral=case).exists()


def test_a_kind_without_assessment_starts_its_clock_on_the_consent_to_the_vedtak(world):
    """Barnehageloven § 37: no assessment, so the consent asked for is the vedtak's."""
    case = case_at("awaiting_consent", world=world, kind=CaseKind.BHL_37)
    guardian = case.child.guardians.get()
    referrals.consent_register(
        referral_id=case.pk,
        guardian_id=guardian.pk,
        purpose=Consent.Purpose.DECISION,
        given_on=date(2026, 10, 29),
        actor=world.advisor,
    )
    case.refresh_from_db()
    assert (case.status, case.t0) == (S.RECEIVED, date(2026, 10, 29))


def test_a_section_31_case_still_waits_for_the_consent_to_the_assessment(world):
    case = case_at("awaiting_consent", world=world)
    guardian = case.child.guardians.get()
    referrals.consent_register(
        referral_id=case.pk,
        guardian_id=guardian.pk,
        purpose=Consent.Purpose.DECISION,
        given_on=date(2026, 10, 29),
        actor=world.advisor,
    )
    case.refresh_from_db()
    assert case.status == S.AWAITING_CONSENT


def test_the_consent_form_offers_the_pupil_only_in_a_school_case(client, world):
    school = case_at("awaiting_consent", world=world, kind=CaseKind.OPPL_11_6)
    kindergarten = case_at("awaiting_consent", world=world)
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:consent_new", args=[school.pk])).text
    assert 'name="given_by_pupil"' in page
    assert "opplæringslova § 11-7 tredje ledd" in page
    assert (
        'name="given_by_pupil"'
        not in client.get(reverse("referrals:consent_new", args=[kindergarten.pk])).text
    )
    with frozen_today(date(2026, 11, 2)):
        response = client.post(
            reverse("referrals:consent_new", args=[school.pk]),
            {"given_by_pupil": "on", "purpose": "assessment", "given_on": "2026-10-30"},
        )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.status == S.RECEIVED
    # A kindergarten case: the box is not there, and a guardian must be chosen.
    response = client.post(
        reverse("referrals:consent_new", args=[kindergarten.pk]),
        {"given_by_pupil": "on", "purpose": "assessment", "given_on": "2026-10-30"},
    )
    assert response.status_code == 422
    assert not kindergarten.consents.exists()


# --- deadlines per kind -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(CaseKind))
def test_only_the_kinds_deadlines_run(world, kind):
    case = case_at("received", world=world, kind=kind)
    kinds = set(case.deadlines.values_list("kind", flat=True))
    assert kinds <= set(case_kinds.rule(kind).deadlines)
    assert ("assessment" in kinds) == case_kinds.rule(kind).assessment_required
    assert "provisional_reply" in kinds and "decision" in kinds


# --- registration and the case page -------------------------------------------------------------


def test_the_registration_form_offers_the_kinds_of_the_childs_unit(client, world):
    child = pupil(world.school)
    client.force_login(world.advisor)
    url = reverse("referrals:referral_new", args=[child.pk])
    page = client.get(url).text
    assert 'value="oppl_11_6"' in page and 'value="oppl_11_4"' in page
    assert 'value="bhl_31"' not in page
    data = {"unit": world.school.pk, "services": "assessment", "concern": "Leser svakt."}
    data.update(priority="normal", advisor="")
    response = client.post(url, {**data, "kind": "bhl_31"})
    assert response.status_code == 422
    assert 'id="error_1_id_kind"' in response.text
    assert not child.referrals.exists()
    # A school kind at a kindergarten: the service refuses it for every caller.
    with pytest.raises(CaseError) as exc:
        referrals.referral_create(
            actor=world.advisor, child_id=child.pk, unit=world.unit_a, kind="oppl_11_6",
            concern="x",
        )  # fmt: skip
    assert exc.value.field == "kind"
    assert "opplæringslova § 11-6" in exc.value.message
    response = client.post(url, {**data, "kind": "oppl_11_5"})
    assert response.status_code == 302
    assert child.referrals.get().kind == "oppl_11_5"


def test_the_case_page_shows_the_kind_its_legal_basis_and_who_decides(client, world):
    case = case_at("received", world=world, kind=CaseKind.OPPL_11_6)
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:case_detail", args=[case.pk])).text
    assert "Individuelt tilrettelagd opplæring (opplæringslova § 11-6)" in page
    assert "Rektor ved skolen (delegert av kommunen)" in page
    assert "Eleven eller foreldrene" in page
    world.municipality.school_decisions_by_rektor = False
    world.municipality.save()
    page = client.get(reverse("referrals:case_detail", args=[case.pk])).text
    assert "Kommunen (skolekontoret)" in page
    kindergarten = case_at("received", world=world, kind=CaseKind.BHL_37)
    page = client.get(reverse("referrals:case_detail", args=[kindergarten.pk])).text
    assert "barnehageloven § 37" in page
    assert "Kommunen (barnehagekontoret)" in page
