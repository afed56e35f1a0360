"""The vedtak by case kind (referrals/case_kinds.py, issue 19): who decides (the rektor where the
municipality has delegated it, else the school office), the vedtak's required content, a
departure from the assessment (opplæringslova § 11-7 second paragraph) and the school year."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Decision
from referrals.case_kinds import CaseKind
from referrals.models import Assessment
from referrals.scoping import can_decide
from referrals.services import CaseError, consent_register
from tests.builders import case_at, decide, decision_consent
from tests.conftest import frozen_today

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
DECIDED_ON = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today_is_fixed():
    with frozen_today(TODAY):
        yield


def ready(world, kind=CaseKind.OPPL_11_6, stage="assessed", **kw):
    case = case_at(stage, world=world, kind=kind, **kw)
    decision_consent(case.pk, world.advisor, given_on=DECIDED_ON)
    return case


def form_data(**kw):
    data = {
        "decided_on": "2026-11-24",
        "outcome": "granted",
        "hours_per_week": "5",
        "organisation": "group",
        "competence": "special_educator",
        "reason": "Eleven trenger lesekurs.",
    }
    data.update(kw)
    return data


def undelegate(world):
    world.municipality.school_decisions_by_rektor = False
    world.municipality.save(update_fields=["school_decisions_by_rektor"])


# --- who decides --------------------------------------------------------------------------------


def test_the_rektor_decides_a_school_case_where_the_municipality_has_delegated_it(client, world):
    case = ready(world)
    url = reverse("decisions:decision_new", args=[case.pk])
    client.force_login(world.rektor_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "opplæringslova § 11-6" in page.text
    assert "Rektor ved skolen (delegert av kommunen)" in page.text
    assert client.post(url, form_data()).status_code == 302
    decision = Decision.objects.get(referral=case)
    assert decision.decided_by == world.rektor_a
    # Delegated: the offices do not decide a school case.
    for office in (world.school_office, world.office):
        client.force_login(office)
        assert client.get(url).status_code in (403, 404)


def test_without_delegation_the_rektor_gets_403_and_the_school_office_decides(client, world):
    undelegate(world)
    case = ready(world)
    url = reverse("decisions:decision_new", args=[case.pk])
    client.force_login(world.rektor_a)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    client.force_login(world.office)  # the kindergarten office: not a school case's
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.school_office)
    page = client.get(url)
    assert page.status_code == 200
    assert "Kommunen (skolekontoret)" in page.text
    assert client.post(url, form_data()).status_code == 302
    assert Decision.objects.get(referral=case).decided_by == world.school_office


def test_another_schools_rektor_gets_404(client, world):
    case = ready(world)
    client.force_login(world.rektor_b)
    assert client.get(reverse("decisions:decision_new", args=[case.pk])).status_code == 404
    assert client.get(reverse("referrals:case_detail", args=[case.pk])).status_code == 404


def test_a_rektor_decides_nothing_in_a_kindergarten_case(world):
    case = case_at("assessed", world=world)
    assert can_decide(world.office, case)
    assert not can_decide(world.rektor_a, case)
    assert not can_decide(world.school_office, case)


def test_the_rektor_of_school_t_decides_its_own_pupils(world):
    case = ready(world, unit=world.school_b)
    assert can_decide(world.rektor_b, case)
    assert not can_decide(world.rektor_a, case)
    decide(case.pk, world.rektor_b, decided_on=DECIDED_ON)
    assert case.decisions.get().decided_by == world.rektor_b


# --- the vedtak's content -----------------------------------------------------------------------


def test_a_section_11_6_vedtak_that_departs_from_the_assessment_needs_its_reason(world):
    """Opplæringslova § 11-7 second paragraph: the reasons stand in the vedtak."""
    case = ready(world)
    for change in ({"hours": "3.0"}, {"organisation": "individual"}, {"competence": "pedagogue"}):
        with pytest.raises(CaseError) as exc:
            decide(case.pk, world.rektor_a, decided_on=DECIDED_ON, **change)
        assert exc.value.field == "deviation_reason"
        assert "opplæringslova § 11-7 andre ledd" in exc.value.message
    assert not Decision.objects.exists()
    decide(
        case.pk,
        world.rektor_a,
        decided_on=DECIDED_ON,
        hours="3.0",
        deviation_reason="Eleven får tilfredsstillende utbytte med tre timer i liten gruppe.",
    )
    assert Decision.objects.get().hours_per_week == Decimal("3.0")


def test_a_granted_section_11_6_vedtak_states_its_organisation(world):
    """Opplæringslova § 11-6 (the kind's decision_content): with nothing in the assessment to
    depart from, an empty organisation is refused at its field."""
    case = case_at("assessed", world=world, kind=CaseKind.OPPL_11_6)
    Assessment.objects.filter(referral=case).update(
        conclusion=Assessment.Conclusion.NO_NEED, organisation="", recommended_hours=None
    )
    decision_consent(case.pk, world.advisor, given_on=DECIDED_ON)
    with pytest.raises(CaseError) as exc:
        decide(case.pk, world.rektor_a, decided_on=DECIDED_ON, organisation="")
    assert exc.value.field == "organisation"
    assert "opplæringslova § 11-6" in exc.value.message


def test_a_section_11_5_vedtak_needs_no_hours(world):
    """Opplæringslova § 11-5 (fysisk tilrettelegging): what and from when, not hours a week."""
    case = ready(world, kind=CaseKind.OPPL_11_5, stage="received")
    decision = decide(
        case.pk,
        world.rektor_a,
        decided_on=DECIDED_ON,
        hours_per_week=None,
        organisation="",
        competence="",
        reason="Heis og hev-senk-pult i klasserommet.",
    )
    assert decision.hours_per_week is None


def test_a_section_11_6_vedtak_needs_the_pupils_or_the_parents_consent(world):
    case = case_at("assessed", world=world, kind=CaseKind.OPPL_11_6)
    with pytest.raises(CaseError) as exc:
        decide(case.pk, world.rektor_a, decided_on=DECIDED_ON)
    assert "opplæringslova § 11-7 tredje ledd" in exc.value.message


def test_a_school_vedtak_runs_to_the_end_of_the_school_year_by_default(world):
    case = ready(world)
    decision = decide(case.pk, world.rektor_a, decided_on=DECIDED_ON)
    assert decision.ends_on == date(2027, 7, 31)
    other = ready(world, unit=world.school_b)
    decision = decide(other.pk, world.rektor_b, decided_on=DECIDED_ON, starts_on=date(2027, 8, 16))
    assert decision.ends_on == date(2028, 7, 31)
    # A kindergarten vedtak: one year, as before.
    kindergarten = case_at("decided", world=world)
    assert kindergarten.decisions.get().ends_on == date(2027, 11, 23)


def test_the_decision_form_names_the_kind_and_its_required_fields(client, world):
    case = ready(world)
    client.force_login(world.rektor_a)
    page = client.get(reverse("decisions:decision_new", args=[case.pk])).text
    assert "Individuelt tilrettelagd opplæring (opplæringslova § 11-6)" in page
    assert "Påkrevd i et vedtak om hjelp (opplæringslova § 11-9)" in page  # competence
    assert "Tomt: ut skoleåret (31. juli)." in page
    response = client.post(
        reverse("decisions:decision_new", args=[case.pk]), form_data(hours_per_week="2")
    )
    assert response.status_code == 422
    assert "opplæringslova § 11-7 andre ledd" in response.text
    assert not Decision.objects.exists()


def test_the_pupils_own_consent_lets_the_vedtak_and_the_help_start(world):
    """Opplæringslova § 11-7 third paragraph: "eleven eller foreldra"."""
    case = case_at("assessed", world=world, kind=CaseKind.OPPL_11_6)
    with pytest.raises(CaseError):
        decide(case.pk, world.rektor_a, decided_on=DECIDED_ON)
    consent_register(
        referral_id=case.pk,
        purpose="decision",
        given_on=DECIDED_ON,
        actor=world.advisor,
        given_by_pupil=True,
    )
    decide(case.pk, world.rektor_a, decided_on=DECIDED_ON)
    services.help_start_register(referral_id=case.pk, started_on=TODAY, actor=world.rektor_a)
    case.refresh_from_db()
    assert case.status == "help_started"
