"""The pause ledger (issue 18, deliverable 2): a pause's reason comes from its municipality's
list, stops only the deadline kinds the reason names and carries its legal basis; capacity is
never a reason (Sivilombudet); pauses never overlap; pauses are in the journal and the history;
the case page shows the ledger."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from decisions.models import Deadline
from referrals import services
from referrals.clock import DeadlineKind as K
from referrals.history import case_history
from referrals.models import CaseEvent, Pause, PauseReason
from referrals.pause_reasons import DEFAULT_PAUSE_REASONS
from referrals.services import CaseError, TransitionError
from tests.builders import case_at, pause_reason
from tests.conftest import frozen_today
from tests.factories import MunicipalityFactory

TODAY = date(2026, 12, 1)  # the case was received 28.10.2026 (tests.builders.RECEIVED)


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


def pause(case, start, end=None, code="barnet-utilgjengelig", *, actor, note=""):
    return services.referral_pause(
        referral_id=case.pk,
        started_on=start,
        ended_on=end,
        reason=pause_reason(case, code),
        note=note,
        actor=actor,
    )


# --- the reasons -------------------------------------------------------------------------------


def test_every_municipality_has_the_default_reasons_and_a_new_one_gets_them(world):
    codes = {r["code"] for r in DEFAULT_PAUSE_REASONS}
    for municipality in (world.municipality, world.other_municipality, MunicipalityFactory()):
        found = set(
            PauseReason.objects.filter(municipality=municipality).values_list("code", flat=True)
        )
        assert found == codes
    for reason in PauseReason.objects.all():
        reason.full_clean()  # each names its legal basis and the kinds it stops
        assert "§" in reason.legal_basis


def test_no_default_reason_stops_the_provisional_reply(world):
    # forvaltningsloven § 11 a: a foreløpig svar tells the parents of the wait, whatever it is.
    for reason in PauseReason.objects.filter(municipality=world.municipality):
        assert K.PROVISIONAL_REPLY not in reason.stops


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("kapasitet", "Venter på ledig rådgiver"),
        ("travelt", "Mangel på kapasitet i PPT"),
        ("bemanning", "Lav bemanning"),
        ("ventetid", "Ventelisten er lang"),
        ("ansatte", "Mangel på ansatte"),
    ],
)
def test_a_reason_about_capacity_is_refused_citing_sivilombudet(world, code, label):
    reason = PauseReason(
        municipality=world.municipality,
        code=code,
        label=label,
        stops=[K.ASSESSMENT],
        legal_basis="Forvaltningsloven § 11 a",
    )
    with pytest.raises(ValidationError) as exc:
        reason.full_clean()
    assert "Sivilombudet" in str(exc.value)


def test_a_reason_needs_its_legal_basis_and_kinds(world):
    reason = PauseReason(municipality=world.municipality, code="x", label="Annet", stops=[])
    with pytest.raises(ValidationError) as exc:
        reason.full_clean()
    assert {"legal_basis", "stops"} <= set(exc.value.message_dict)


@pytest.fixture
def solvik_admin(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


def test_the_admin_refuses_a_capacity_reason_and_scopes_by_municipality(world, solvik_admin):
    client = Client()
    client.force_login(solvik_admin)
    response = client.post(
        reverse("admin:referrals_pausereason_add"),
        {
            "municipality": world.municipality.pk,
            "code": "kapasitet",
            "label": "Ikke kapasitet",
            "stops": [K.ASSESSMENT],
            "legal_basis": "Ingen",
            "active": "on",
            "position": "5",
        },
    )
    assert response.status_code == 200
    assert "Sivilombudet" in response.text
    assert not PauseReason.objects.filter(code="kapasitet").exists()
    listing = client.get(reverse("admin:referrals_pausereason_changelist"))
    assert "Foresatte ber om utsettelse" in listing.text
    other = pause_reason(world.other_municipality)
    url = reverse("admin:referrals_pausereason_change", args=[other.pk])
    assert client.get(url).status_code == 404


def test_a_capacity_reason_in_the_database_cannot_be_chosen(world):
    case = case_at("received", world=world)
    bad = PauseReason.objects.create(
        municipality=world.municipality,
        code="kapasitet",
        label="Kapasitet",
        stops=[K.ASSESSMENT],
        legal_basis="-",
    )
    with pytest.raises(CaseError) as exc:
        services.referral_pause(
            referral_id=case.pk, started_on=date(2026, 11, 2), reason=bad, actor=world.advisor
        )
    assert exc.value.field == "reason"
    assert not Pause.objects.filter(referral=case).exists()


def test_the_legacy_reason_cannot_be_chosen_for_a_new_pause(world):
    case = case_at("received", world=world)
    legacy = PauseReason.objects.create(
        municipality=world.municipality,
        code="eldre-pause",
        label="Annet / eldre pause",
        stops=list(K.values),
        legal_basis="-",
        active=False,
    )
    with pytest.raises(CaseError) as exc:
        services.referral_pause(
            referral_id=case.pk, started_on=date(2026, 11, 2), reason=legacy, actor=world.advisor
        )
    assert exc.value.field == "reason"


def test_another_municipalitys_reason_is_refused_by_the_service(world):
    case = case_at("received", world=world)
    with pytest.raises(CaseError) as exc:
        services.referral_pause(
            referral_id=case.pk,
            started_on=date(2026, 11, 2),
            reason=pause_reason(world.other_municipality).pk,
            actor=world.advisor,
        )
    assert exc.value.field == "reason"


# --- overlaps ----------------------------------------------------------------------------------


def test_an_overlapping_pause_is_refused_naming_the_other_pauses_dates(world):
    case = case_at("received", world=world)
    pause(case, date(2026, 11, 2), date(2026, 11, 10), actor=world.advisor)
    with pytest.raises(CaseError) as exc:
        pause(case, date(2026, 11, 5), actor=world.advisor)
    assert exc.value.field == "started_on"
    assert "02.11.2026" in str(exc.value) and "10.11.2026" in str(exc.value)
    with pytest.raises(CaseError):  # registered after the fact, around the first one
        pause(case, date(2026, 10, 30), date(2026, 11, 20), actor=world.advisor)
    assert Pause.objects.filter(referral=case).count() == 1


def test_a_pause_after_the_fact_inside_the_open_pause_is_refused(world):
    case = case_at("received", world=world)
    pause(case, date(2026, 11, 10), actor=world.advisor)
    with pytest.raises(CaseError) as exc:
        pause(case, date(2026, 11, 15), date(2026, 11, 20), actor=world.advisor)
    assert "pågår" in str(exc.value)
    with pytest.raises(TransitionError):  # and never two open pauses
        pause(case, date(2026, 11, 20), actor=world.advisor)


def test_back_to_back_pauses_and_one_before_the_open_one_are_allowed(world):
    case = case_at("received", world=world)
    pause(case, date(2026, 11, 2), date(2026, 11, 10), actor=world.advisor)
    pause(case, date(2026, 11, 10), date(2026, 11, 12), "venter-pa-dokumenter", actor=world.advisor)
    pause(case, date(2026, 11, 20), actor=world.advisor)
    assert Pause.objects.filter(referral=case).count() == 3


def test_an_end_date_after_the_fact_must_follow_the_start_and_not_be_in_the_future(world):
    case = case_at("received", world=world)
    with pytest.raises(CaseError) as exc:
        pause(case, date(2026, 11, 10), date(2026, 11, 10), actor=world.advisor)
    assert exc.value.field == "ended_on"
    with pytest.raises(CaseError) as exc:
        pause(case, date(2026, 11, 10), date(2026, 12, 5), actor=world.advisor)
    assert exc.value.field == "ended_on"


# --- a reason stops only its kinds ------------------------------------------------------------


def deadlines(case) -> dict:
    return {d.kind: d for d in Deadline.objects.filter(referral=case)}


def test_a_reason_stops_only_the_deadlines_it_lists(world):
    case = case_at("received", world=world)
    before = deadlines(case)
    pause(case, date(2026, 11, 2), date(2026, 11, 12), "venter-pa-dokumenter", actor=world.advisor)
    after = deadlines(case)
    # Waiting for documents (forvaltningsloven § 17) stops the assessment and the decision ...
    for kind in (K.ASSESSMENT, K.DECISION):
        assert after[kind].paused_days == 10
        assert after[kind].due_on > before[kind].due_on
    # ... and not the foreløpig svar (forvaltningsloven § 11 a).
    assert after[K.PROVISIONAL_REPLY].paused_days == 0
    assert after[K.PROVISIONAL_REPLY].due_on == before[K.PROVISIONAL_REPLY].due_on


def test_an_open_pause_pauses_only_its_kinds(world):
    case = case_at("received", world=world)
    pause(case, date(2026, 11, 20), code="venter-pa-dokumenter", actor=world.advisor)
    rows = deadlines(case)
    assert rows[K.ASSESSMENT].paused and rows[K.DECISION].paused
    assert not rows[K.PROVISIONAL_REPLY].paused
    case.refresh_from_db()
    assert case.next_deadline_kind == K.PROVISIONAL_REPLY  # still due, still flagged


# --- history and journal -----------------------------------------------------------------------


def test_pauses_are_in_the_journal_and_the_history_with_their_reason(world):
    case = case_at("received", world=world)
    pause(case, date(2026, 11, 20), code="foresatte-ber-om-utsettelse", actor=world.advisor)
    services.referral_resume(referral_id=case.pk, ended_on=date(2026, 11, 25), actor=world.advisor)
    started = CaseEvent.objects.get(referral=case, action="referral.paused")
    ended = CaseEvent.objects.get(referral=case, action="referral.resumed")
    assert started.detail["reason"] == "Foresatte ber om utsettelse"
    assert started.detail["from"] == "20.11.2026"
    assert set(started.detail["stops"]) == {K.ASSESSMENT, K.DECISION, K.HELP_START}
    assert ended.detail == {
        "reason": "Foresatte ber om utsettelse",
        "to": "25.11.2026",
        "days": 5,
    }
    entries, _more = case_history(case)
    pauses = [e for e in entries if e.subject == "Pause"]
    assert [e.kind for e in pauses] == ["update", "insert"]
    changed = {c.label: (c.old, c.new) for c in pauses[0].changes}
    assert changed["Til"] == ("–", "25.11.2026")
    inserted = {c.label: c.new for c in pauses[1].changes}
    assert inserted["Grunn"] == "Foresatte ber om utsettelse"


# --- the case page -----------------------------------------------------------------------------


def _token(html: str) -> str:
    tag = re.search(r'<input[^>]*id="id_pause_once"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def test_the_page_offers_the_municipalitys_reasons_and_one_click_makes_one_pause(client, world):
    case = case_at("received", world=world)
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:case_detail", args=[case.pk]))
    assert "Venter på samtykke fra foresatte" in page.text
    other = pause_reason(world.other_municipality)
    assert f'value="{other.pk}"' not in page.text
    url = reverse("referrals:case_transition", args=[case.pk, "pause"])
    data = {
        "started_on": "2026-11-20",
        "reason": pause_reason(case).pk,
        "note": "Innlagt på sykehus",
        "once": _token(page.text),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Pause.objects.filter(referral=case).count() == 1
    page = client.get(reverse("referrals:case_detail", args=[case.pk]))
    ledger = page.text[page.text.index('id="pauser"') :]
    assert "Barnet er ikke tilgjengelig (sykdom, reise)" in ledger
    assert "Innlagt på sykehus" in ledger
    assert "Sakkyndig vurdering, Vedtak, Hjelpen starter" in ledger
    assert "Pausedager per frist" in ledger
    assert world.advisor.full_name in ledger


@pytest.mark.parametrize("whose", ["other", "missing"])
def test_a_reason_of_another_municipality_posted_is_refused_at_the_field(client, world, whose):
    """Another municipality's reason id reads as one that does not exist (no existence leak):
    a 422 with the message at the field, nothing saved."""
    case = case_at("received", world=world)
    client.force_login(world.advisor)
    reason_id = pause_reason(world.other_municipality).pk if whose == "other" else 10**9
    response = client.post(
        reverse("referrals:case_transition", args=[case.pk, "pause"]),
        {"started_on": "2026-11-20", "reason": reason_id},
    )
    assert response.status_code == 422
    assert re.search(r'id="error_\d+_id_pause_reason"|is-invalid', response.text)
    assert not Pause.objects.filter(referral=case).exists()


def test_an_overlap_through_the_page_is_a_422_at_the_field(client, world):
    case = case_at("received", world=world)
    pause(case, date(2026, 11, 2), date(2026, 11, 10), actor=world.advisor)
    client.force_login(world.advisor)
    response = client.post(
        reverse("referrals:case_transition", args=[case.pk, "pause"]),
        {"started_on": "2026-11-05", "reason": pause_reason(case).pk},
    )
    assert response.status_code == 422
    assert "02.11.2026" in response.text
    assert Pause.objects.filter(referral=case).count() == 1


# --- the migration of the free-text pauses -----------------------------------------------------


def test_the_migration_puts_old_pauses_under_an_inactive_reason_that_stops_every_kind(world):
    """referrals/migrations/0014: a pause from before the ledger keeps stopping every deadline
    (no case's dates move) under "Annet / eldre pause", which no new pause may choose."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("referrals.migrations.0014_pause_ledger")
    case = case_at("received", world=world)
    old = pause(case, date(2026, 11, 2), date(2026, 11, 10), actor=world.advisor, note="Syk")
    migration.seed_reasons(apps, None)
    old.refresh_from_db()
    assert old.reason.code == "eldre-pause" and not old.reason.active
    # every kind the clock had while pauses were free text (the appeal and delivery kinds came
    # with the ledger and are never stopped by an old pause)
    assert set(old.reason.stops) == {
        K.PROVISIONAL_REPLY,
        K.ASSESSMENT,
        K.DECISION,
        K.HELP_START,
        K.RENEWAL,
        K.ANNUAL_REPORT,
    }
    assert old.note == "Syk"
    assert not PauseReason.objects.filter(
        municipality=world.other_municipality, code="eldre-pause"
    ).exists()  # only where there were old pauses
    assert old.reason not in PauseReason.objects.choosable(world.municipality.pk)


# --- correcting an end date ----------------------------------------------------------------------


def test_correcting_an_end_date_moves_the_deadlines_and_is_in_the_journal_and_history(world):
    case = case_at("received", world=world)
    first = pause(
        case, date(2026, 11, 2), date(2026, 11, 10), "venter-pa-dokumenter", actor=world.advisor
    )
    services.pause_correct_end(
        referral_id=case.pk, pause_id=first.pk, ended_on=date(2026, 11, 14), actor=world.office
    )
    assert deadlines(case)[K.ASSESSMENT].paused_days == 12
    event = CaseEvent.objects.get(referral=case, action="referral.pause_corrected")
    assert (event.detail["was"], event.detail["to"]) == ("10.11.2026", "14.11.2026")
    entries, _more = case_history(case)
    update = next(e for e in entries if e.subject == "Pause" and e.kind == "update")
    assert [(c.label, c.old, c.new) for c in update.changes] == [
        ("Til", "10.11.2026", "14.11.2026")
    ]


def test_a_correction_may_not_overlap_the_next_pause_nor_touch_an_open_one(world):
    case = case_at("received", world=world)
    first = pause(case, date(2026, 11, 2), date(2026, 11, 10), actor=world.advisor)
    second = pause(case, date(2026, 11, 12), actor=world.advisor)
    with pytest.raises(CaseError) as exc:
        services.pause_correct_end(
            referral_id=case.pk, pause_id=first.pk, ended_on=date(2026, 11, 13), actor=world.advisor
        )
    assert exc.value.field == "ended_on" and "12.11.2026" in str(exc.value)
    with pytest.raises(CaseError) as exc:  # the open one ends by "Avslutt pausen"
        services.pause_correct_end(
            referral_id=case.pk,
            pause_id=second.pk,
            ended_on=date(2026, 11, 20),
            actor=world.advisor,
        )
    assert exc.value.field == "pause"
    other = case_at("received", world=world)
    with pytest.raises(CaseError):  # another case's pause
        services.pause_correct_end(
            referral_id=other.pk,
            pause_id=first.pk,
            ended_on=date(2026, 11, 11),
            actor=world.advisor,
        )
    first.refresh_from_db()
    assert first.ended_on == date(2026, 11, 10)


def test_the_page_corrects_an_end_date(client, world):
    case = case_at("received", world=world)
    first = pause(case, date(2026, 11, 2), date(2026, 11, 10), actor=world.advisor)
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:case_detail", args=[case.pk]))
    assert "Rett sluttdatoen for en pause" in page.text
    url = reverse("referrals:case_transition", args=[case.pk, "correct-pause"])
    bad = client.post(url, {"pause_id": first.pk, "ended_on": "2026-11-01"})
    assert bad.status_code == 422
    good = client.post(url, {"pause_id": first.pk, "ended_on": "2026-11-11"})
    assert good.status_code == 302
    first.refresh_from_db()
    assert first.ended_on == date(2026, 11, 11)
