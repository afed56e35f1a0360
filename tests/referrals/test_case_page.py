"""The case page (/saker/<pk>/), its transitions and the sakkyndig vurdering form."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import case_page, services
from referrals.models import Assessment, Attachment, CaseEvent, Consent, Pause, Referral
from tests.builders import pause_reason
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

S = Referral.Status


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def detail_url(referral):
    return reverse("referrals:case_detail", args=[referral.pk])


def action_url(referral, action):
    return reverse("referrals:case_transition", args=[referral.pk, action])


def assessment_url(referral):
    return reverse("referrals:assessment_edit", args=[referral.pk])


def make_case(world, *, guardians=1, stage="draft"):
    """A case of unit A built through the services, with ``guardians`` guardians who each
    consented to the assessment."""
    child = ChildFactory(unit=world.unit_a, first_name="Emma", last_name="Olsen")
    people = [
        GuardianFactory(child=child, name=f"Foresatt {i}", email=f"f{i}@example.no")
        for i in range(guardians)
    ]
    referral = services.referral_create(
        actor=world.advisor,
        child_id=child.pk,
        unit=world.unit_a,
        concern="Snakker lite i lek.",
        services=["assessment", "guidance"],
        report_language="Få ord, peker mye.",
    )
    for g in people:
        services.consent_register(
            referral_id=referral.pk,
            guardian_id=g.pk,
            purpose=Consent.Purpose.ASSESSMENT,
            given_on=days_ago(40),
            actor=world.advisor,
        )
    if stage == "draft":
        return Referral.objects.get(pk=referral.pk)
    services.referral_submit(referral_id=referral.pk, actor=world.advisor, received_on=days_ago(30))
    if stage == "assessing":
        services.referral_start_assessment(referral_id=referral.pk, actor=world.advisor)
    return Referral.objects.get(pk=referral.pk)


def add_rows(world, referral, n):
    """n more consents (decision), events, attachments and closed pauses."""
    for g in referral.child.guardians.all()[:n]:
        services.consent_register(
            referral_id=referral.pk,
            guardian_id=g.pk,
            purpose=Consent.Purpose.DECISION,
            given_on=days_ago(20),
            actor=world.advisor,
        )
    for i in range(n):
        CaseEvent.objects.create(
            referral=referral,
            actor=world.advisor,
            action="referral.updated",
            detail={
                "changes": {"priority": ["normal", "high"]},
                "object": "referral",
                "object_id": referral.pk,
                "version": 100 + i,
            },
        )
        Attachment.objects.create(
            referral=referral,
            file=f"attachments/{referral.pk}/x{i}",
            title=f"Rapport {i}",
            original_name="r.pdf",
            content_type="application/pdf",
            size=1000 + i,
            uploaded_by=world.advisor,
        )
        Pause.objects.create(
            referral=referral,
            started_on=days_ago(29),
            ended_on=days_ago(28),
            reason=pause_reason(referral),
            note=f"Grunn {i}",
            created_by=world.advisor,
        )


# --- who sees the page ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["advisor", "styrer_a", "office"])
def test_those_who_may_see_the_case_get_the_page(client, world, persona):
    referral = make_case(world)
    client.force_login(getattr(world, persona))
    response = client.get(detail_url(referral))
    assert response.status_code == 200
    assert "Emma Olsen" in response.text


@pytest.mark.parametrize("persona", ["styrer_b", "director", "admin", "outsider", "no_roles"])
def test_those_who_may_not_see_the_case_get_404(client, world, persona):
    referral = make_case(world)
    client.force_login(getattr(world, persona))
    assert client.get(detail_url(referral)).status_code == 404


def test_anonymous_is_sent_to_the_login(client, world):
    referral = make_case(world)
    response = client.get(detail_url(referral))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_identity_number_is_masked(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    text = client.get(detail_url(referral)).text
    assert referral.child.id_number not in text
    assert referral.child.masked_id_number in text


# --- what the page shows ----------------------------------------------------------------------


def test_the_page_shows_child_guardians_consent_referral_and_journal(client, world):
    referral = make_case(world, guardians=2, stage="received")
    client.force_login(world.advisor)
    text = client.get(detail_url(referral)).text
    for expected in [
        "Foresatt 0",
        "f1@example.no",
        "Mor",  # guardians
        "Sakkyndig vurdering, Veiledning",  # services_display
        "Snakker lite i lek.",
        "Kommunikasjon og språk",
        "Få ord, peker mye.",  # report heading
        "Samtykke til sakkyndig vurdering",
        "Oppfylt",
        "Mangler fra:",  # consent requirements
        "Henvisningen er registrert som mottatt",  # journal label
        'Utkast → <span class="fw-semibold">Venter på samtykke</span>',  # from → to
        days_ago(30).strftime("%d.%m.%Y"),  # T0
    ]:
        assert expected in text, expected
    assert "Kommunikasjon og språk" in text
    assert "Allmenn fungering og lek" not in text  # an empty heading is left out


def test_the_journal_names_changed_fields_by_their_label(client, world):
    referral = make_case(world)
    services.referral_update(
        referral_id=referral.pk,
        version=referral.version,
        actor=world.advisor,
        priority=Referral.Priority.URGENT,
    )
    client.force_login(world.advisor)
    text = client.get(detail_url(referral)).text
    assert "Henvisningen er endret" in text
    assert "Prioritet:" in text
    assert "Haster" in text


def test_a_withdrawn_consent_is_marked(client, world):
    referral = make_case(world, guardians=2, stage="received")
    consent = Consent.objects.filter(referral=referral).first()
    services.consent_withdraw(consent_id=consent.pk, withdrawn_on=days_ago(1), actor=world.advisor)
    client.force_login(world.advisor)
    text = client.get(detail_url(referral)).text
    assert f"Trukket {days_ago(1).strftime('%d.%m.%Y')}" in text


def test_the_current_pause_is_highlighted_with_its_days(client, world):
    referral = make_case(world, stage="received")
    services.referral_pause(
        referral_id=referral.pk,
        started_on=days_ago(4),
        reason=pause_reason(referral, "foresatte-ber-om-utsettelse"),
        note="Foresatte avlyste",
        actor=world.advisor,
    )
    client.force_login(world.advisor)
    response = client.get(detail_url(referral))
    text = response.text
    assert 'class="table-warning"' in text
    assert "Pågår" in text and "Foresatte avlyste" in text
    assert response.context["paused_days"] == 4
    assert "Avslutt pausen" in text
    assert "Sett saken på pause" not in text


def test_every_journal_action_has_a_norwegian_label():
    # Fails when a service starts writing a new kind of journal event without a label here.
    root = Path(__file__).resolve().parents[2]
    written = set()
    modules = [*(root / "referrals/services").glob("*.py")]  # the package by feature
    modules += [root / "referrals/attachments.py", root / "decisions/services.py"]
    modules += [root / "decisions/case_life.py"]
    for module in modules:
        written |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', module.read_text()))
    assert written, "no journal actions found: has the code moved?"
    assert written - set(case_page.ACTION_LABELS) == set()


def test_timeline_entries_read_as_norwegian():
    event = CaseEvent(
        action="consent.registered",
        detail={"guardian": "Anna", "purpose": "decision", "given_on": "01.11.2026"},
        at=timezone.now(),
    )
    moved = CaseEvent(
        action="referral.assessed", from_status=S.ASSESSING, to_status=S.ASSESSED, at=timezone.now()
    )
    changed = CaseEvent(
        action="assessment.saved",
        at=timezone.now(),
        detail={
            "object": "assessment",
            "changes": {
                "recommended_hours": [None, "4.5"],
                "organisation": ["", "group"],
                "assistant_needed": [False, True],
                "development": ["", "Tekst"],
            },
        },
    )
    first, second, third = case_page.timeline([event, moved, changed])
    assert first.label == "Samtykke er registrert"
    assert first.notes == ["Foresatt: Anna", "Gjelder: Vedtak om hjelp", "Gitt 01.11.2026"]
    assert (second.from_status, second.to_status) == (
        "Utredning pågår",
        "Sakkyndig vurdering ferdig",
    )
    assert [(c.label, c.old, c.new) for c in third.changes] == [
        ("Barnets utvikling og vansker", "–", "Tekst"),
        ("Organisering", "–", "I gruppe"),
        ("Anbefalte timer per uke", "–", "4,5"),
        ("Behov for assistent", "Nei", "Ja"),
    ]


def test_the_timeline_shows_the_latest_50_and_says_there_are_more(client, world):
    referral = make_case(world)
    for i in range(60):
        CaseEvent.objects.create(
            referral=referral,
            actor=world.advisor,
            action="guardian.added",
            detail={"guardian": f"Person {i}"},
        )
    client.force_login(world.advisor)
    response = client.get(detail_url(referral))
    assert len(response.context["timeline"]) == 50
    assert "Viser de 50 siste hendelsene" in response.text


def test_the_page_runs_the_same_queries_for_1_and_30_rows(client, world, django_assert_num_queries):
    small = make_case(world, guardians=1, stage="received")
    add_rows(world, small, 1)
    big = make_case(world, guardians=30, stage="received")
    add_rows(world, big, 30)
    client.force_login(world.advisor)
    # 1 session, 2 user, 3 roles with the ids of their areas, units and office's
    # municipalities (teams.scoping.user_roles, once per request), 4 the referral
    # with child, units and advisor (scoped), 5 the assessment with its author, 6 guardians,
    # 7 consents with guardian and registrar, 8 pauses with creator and reason, 9 the
    # access-log INSERT, 10 the journal (at most 51 rows, with actor), 11 attachments with
    # uploader, 12 the advisors serving the municipality (assign), 13 the ressursteam
    # consultations the case was started from, 14 the municipality's pause reasons (the pause
    # form's select).
    for referral in (small, big):
        with django_assert_num_queries(14):
            assert client.get(detail_url(referral)).status_code == 200


def test_the_styrer_page_runs_the_same_queries_for_1_and_30_rows(
    client, world, django_assert_num_queries
):
    small = make_case(world, guardians=1, stage="received")
    add_rows(world, small, 1)
    big = make_case(world, guardians=30, stage="received")
    add_rows(world, big, 30)
    client.force_login(world.styrer_a)
    # As for the advisor, less 12 and 14 (no assign or pause form): 12 queries.
    for referral in (small, big):
        with django_assert_num_queries(12):
            assert client.get(detail_url(referral)).status_code == 200


# --- actions by status and role ---------------------------------------------------------------


def test_the_styrer_sees_the_page_read_only(client, world):
    referral = make_case(world, stage="received")
    client.force_login(world.styrer_a)
    text = client.get(detail_url(referral)).text
    assert 'id="handlinger"' not in text
    assert "/handling/" not in text
    assert reverse("referrals:referral_edit", args=[referral.pk]) not in text
    assert reverse("referrals:attachment_upload", args=[referral.pk]) not in text


@pytest.mark.parametrize(
    ("stage", "shown", "hidden"),
    [
        ("draft", ["submit", "withdraw", "assign"], ["start-assessment", "pause", "resume"]),
        ("received", ["start-assessment", "pause", "withdraw"], ["submit", "resume"]),
        ("assessing", ["pause", "withdraw"], ["submit", "start-assessment"]),
    ],
)
def test_the_advisor_gets_the_actions_the_status_allows(client, world, stage, shown, hidden):
    referral = make_case(world, stage=stage)
    client.force_login(world.advisor)
    text = client.get(detail_url(referral)).text
    for action in shown:
        assert action_url(referral, action) in text, action
    for action in hidden:
        assert action_url(referral, action) not in text, action
    assert (assessment_url(referral) in text) == (stage == "assessing")
    assert reverse("referrals:consent_new", args=[referral.pk]) in text


def test_a_withdrawn_case_offers_no_moves(client, world):
    referral = make_case(world)
    services.referral_withdraw(referral_id=referral.pk, reason="Flyttet", actor=world.advisor)
    client.force_login(world.advisor)
    text = client.get(detail_url(referral)).text
    assert "/handling/" not in text
    assert 'id="handlinger"' not in text
    assert "Saken er trukket." in text and "Flyttet" in text


# --- transitions ----------------------------------------------------------------------------------


def test_a_transition_is_post_only(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    assert client.get(action_url(referral, "submit")).status_code == 405


def test_an_unknown_action_is_404(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    assert client.post(action_url(referral, "close-everything")).status_code == 404


@pytest.mark.parametrize("persona", ["styrer_a", "office"])
def test_read_only_roles_get_403_on_a_transition(client, world, persona):
    referral = make_case(world)
    client.force_login(getattr(world, persona))
    response = client.post(action_url(referral, "withdraw"), {"reason": "x"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


@pytest.mark.parametrize("persona", ["styrer_b", "outsider", "director"])
def test_invisible_cases_are_404_on_a_transition(client, world, persona):
    referral = make_case(world)
    client.force_login(getattr(world, persona))
    assert client.post(action_url(referral, "withdraw"), {"reason": "x"}).status_code == 404


def test_submit_registers_the_referral_as_received(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    response = client.post(action_url(referral, "submit"), {"received_on": days_ago(3).isoformat()})
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral)
    referral.refresh_from_db()
    assert referral.status == S.RECEIVED
    assert referral.t0 == days_ago(3)


def test_a_double_submit_gives_a_clear_message_and_changes_nothing(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    client.post(action_url(referral, "submit"), {"received_on": days_ago(3).isoformat()})
    version = Referral.objects.get(pk=referral.pk).version
    response = client.post(
        action_url(referral, "submit"), {"received_on": days_ago(1).isoformat()}, follow=True
    )
    assert "Dette kan ikke gjøres når saken har status «Mottatt»." in response.text
    referral.refresh_from_db()
    assert (referral.received_on, referral.version) == (days_ago(3), version)
    assert CaseEvent.objects.filter(referral=referral, action="referral.submitted").count() == 1


@pytest.mark.parametrize(
    ("action", "data", "field_message"),
    [
        ("submit", {}, "Feltet er påkrevet."),
        ("submit", {"received_on": "31.02.2026"}, "Oppgi en gyldig dato."),
        ("withdraw", {"reason": ""}, "Feltet er påkrevet."),
        ("assign", {"advisor": "999999"}, "Velg et gyldig valg"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(client, world, action, data, field_message):
    referral = make_case(world)
    client.force_login(world.advisor)
    response = client.post(action_url(referral, action), data)
    assert response.status_code == 422
    assert field_message in response.text
    assert "Ingenting er endret" in response.text
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_a_future_date_is_refused_next_to_the_field(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    response = client.post(
        action_url(referral, "submit"), {"received_on": days_ago(-2).isoformat()}
    )
    assert response.status_code == 422
    assert "Datoen kan ikke være i fremtiden." in response.text
    assert response.context["form"].errors["received_on"]
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_pause_and_resume_through_the_page(client, world):
    referral = make_case(world, stage="received")
    client.force_login(world.advisor)
    client.post(
        action_url(referral, "pause"),
        {"started_on": days_ago(5).isoformat(), "reason": pause_reason(referral).pk},
    )
    assert Pause.objects.get(referral=referral).ended_on is None
    response = client.post(
        action_url(referral, "pause"),
        {"started_on": days_ago(2).isoformat(), "reason": pause_reason(referral).pk},
        follow=True,
    )
    assert "Saken står allerede på pause." in response.text
    client.post(action_url(referral, "resume"), {"ended_on": days_ago(1).isoformat()})
    assert Pause.objects.get(referral=referral).ended_on == days_ago(1)


def test_withdraw_through_the_page(client, world):
    referral = make_case(world, stage="received")
    client.force_login(world.advisor)
    response = client.post(action_url(referral, "withdraw"), {"reason": "Familien har flyttet"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.withdrawn_reason) == (S.WITHDRAWN, "Familien har flyttet")


def test_assign_offers_only_advisors_serving_the_municipality(client, world):
    referral = make_case(world)
    client.force_login(world.advisor)
    form = client.get(detail_url(referral)).context["action_forms"]["assign"]
    choices = set(form.fields["advisor"].queryset)
    assert {world.advisor, world.advisor_south} <= choices
    assert world.outsider not in choices and world.styrer_a not in choices
    response = client.post(action_url(referral, "assign"), {"advisor": world.outsider.pk})
    assert response.status_code == 422
    client.post(action_url(referral, "assign"), {"advisor": world.advisor_south.pk})
    referral.refresh_from_db()
    assert referral.advisor == world.advisor_south


def test_start_assessment_through_the_page(client, world):
    referral = make_case(world, stage="received")
    client.force_login(world.advisor)
    client.post(action_url(referral, "start-assessment"))
    referral.refresh_from_db()
    assert referral.status == S.ASSESSING
    assert Assessment.objects.filter(referral=referral).exists()


# --- the sakkyndig vurdering ----------------------------------------------------------------------

COMPLETE = {
    "development": "Forsinket språk.",
    "goals": "Setninger med tre ord.",
    "kind_of_help": "Språkgruppe.",
    "organisation": "group",
    "recommended_hours": "4.5",
    "competence": "special_educator",
    "child_views": "Liker å leke med biler.",
    "guardian_views": "Enige; vektlagt i anbefalingen.",
    "conclusion": "needs_help",
}


def test_the_assessment_form_has_the_section_34_fields(client, world):
    referral = make_case(world, stage="assessing")
    client.force_login(world.advisor)
    response = client.get(assessment_url(referral))
    assert response.status_code == 200
    text = response.text
    for label in [
        "Barnets utvikling og vansker",
        "Realistiske mål for utvikling og læring",
        "Anbefalte timer per uke",
        "Kompetanse hos den som gir hjelpen",
        "Foresattes synspunkter og hvordan de er vektlagt",
        "Lagre utkast",
        "Ferdigstill vurderingen",
    ]:
        assert label in text, label
    # Hours with a decimal comma: a text input with a decimal keyboard (issue 18).
    assert 'inputmode="decimal"' in text
    assert 'type="date"' in text
    assert 'name="version" value="1"' in text


def test_the_assessment_form_is_only_for_cases_being_assessed(client, world):
    referral = make_case(world, stage="received")
    client.force_login(world.advisor)
    response = client.get(assessment_url(referral), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(referral)
    assert "Den sakkyndige vurderingen kan bare skrives" in response.text


@pytest.mark.parametrize("persona", ["styrer_a", "office"])
def test_read_only_roles_cannot_open_the_assessment_form(client, world, persona):
    referral = make_case(world, stage="assessing")
    client.force_login(getattr(world, persona))
    assert client.get(assessment_url(referral)).status_code == 403


def test_save_a_draft(client, world):
    referral = make_case(world, stage="assessing")
    client.force_login(world.advisor)
    response = client.post(
        assessment_url(referral), {"version": 1, "development": "Utkast", "save": "1"}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(referral=referral)
    assert (assessment.development, assessment.version) == ("Utkast", 2)
    referral.refresh_from_db()
    assert referral.status == S.ASSESSING


def test_completing_with_missing_content_shows_what_is_missing_and_saves_nothing(client, world):
    referral = make_case(world, stage="assessing")
    client.force_login(world.advisor)
    data = {**COMPLETE, "goals": "", "version": 1, "complete": "1"}
    response = client.post(assessment_url(referral), data)
    assert response.status_code == 422  # refused: issue 17
    assert "Fyll ut før vurderingen kan ferdigstilles" in response.text
    assert "realistiske mål for utvikling og læring" in response.text
    assessment = Assessment.objects.get(referral=referral)
    assert (assessment.development, assessment.version) == ("", 1)
    referral.refresh_from_db()
    assert referral.status == S.ASSESSING


def test_complete_the_assessment(client, world):
    referral = make_case(world, stage="assessing")
    client.force_login(world.advisor)
    data = {**COMPLETE, "version": 1, "complete": "1", "completed_on": days_ago(1).isoformat()}
    response = client.post(assessment_url(referral), data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral)
    referral.refresh_from_db()
    assert (referral.status, referral.assessed_on) == (S.ASSESSED, days_ago(1))
    assessment = referral.assessment
    assert assessment.recommended_hours == Decimal("4.5")
    text = client.get(detail_url(referral)).text
    assert "Ferdigstilt" in text and "Barnet har behov for spesialpedagogisk hjelp" in text


@pytest.mark.parametrize("hours", ["45.5", "-1", "3.3", "3,3"])
def test_hours_outside_0_to_45_in_halves_are_refused(client, world, hours):
    referral = make_case(world, stage="assessing")
    client.force_login(world.advisor)
    response = client.post(
        assessment_url(referral),
        {**COMPLETE, "recommended_hours": hours, "version": 1, "save": "1"},
    )
    assert response.status_code == 422  # refused: issue 17
    assert response.context["form"].errors["recommended_hours"]
    assert Assessment.objects.get(referral=referral).version == 1


def test_a_stale_assessment_shows_the_other_change_and_a_resubmit_works(client, world):
    referral = make_case(world, stage="assessing")
    services.assessment_save(
        referral_id=referral.pk, version=1, actor=world.advisor_south, goals="Kollegaens mål"
    )
    client.force_login(world.advisor)
    data = {**COMPLETE, "version": 1, "save": "1", "goals": "Mine mål"}
    response = client.post(assessment_url(referral), data)
    assert response.status_code == 409  # a stale edit is refused as a conflict
    text = response.text
    assert "Saken ble endret av noen andre mens du redigerte. Ingenting er lagret." in text
    assert "Arne" in text and "Kollegaens mål" in text
    assert "Mine mål" in text  # the user's input is kept
    assert 'name="version" value="2"' in text
    assert Assessment.objects.get(referral=referral).goals == "Kollegaens mål"
    client.post(assessment_url(referral), {**data, "version": 2})
    assert Assessment.objects.get(referral=referral).goals == "Mine mål"


def test_completing_with_missing_fields_marks_each_field(client, world):
    referral = make_case(world, guardians=1, stage="assessing")
    client.force_login(world.advisor)
    from referrals.models import Assessment

    version = Assessment.objects.get(referral=referral).version
    response = client.post(
        reverse("referrals:assessment_edit", args=[referral.pk]),
        {"version": version, "complete": "1", "completed_on": "2026-11-20", "development": "Noe"},
    )
    assert response.text.count("Må fylles ut før vurderingen kan ferdigstilles.") >= 3


def test_a_stale_edit_names_the_pp_radgiver_as_written(world):
    """One label helper for the journal and the stale-edit box: "PP-rådgiver", never the
    "Pp-rådgiver" str.capitalize() made of it."""
    from types import SimpleNamespace

    from referrals.services import StaleEdit
    from referrals.views.registration import stale_current

    referral = ReferralFactory(
        child=ChildFactory(unit=world.unit_a), created_by=world.advisor, advisor=None
    )
    event = CaseEvent.objects.create(
        referral=referral,
        actor=world.advisor_south,
        action="referral.updated",
        detail={"object": "referral", "version": 2, "changes": {"advisor": [None, "Kari"]}},
    )
    typed = SimpleNamespace(values=lambda: {"advisor": world.advisor})
    rows = stale_current(StaleEdit(current=referral, events=[]), typed)
    assert [label for label, _saved, _yours in rows] == ["PP-rådgiver"]
    [entry] = case_page.stale_events([event, event])  # a repeated version is shown once
    assert entry["changes"][0][0] == "PP-rådgiver"
