"""Referrals written by the kindergarten or school itself, PPT's arrivals and receiving, and
the parents' own request (issue 19, item 4)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.access_log import AccessLogEntry
from referrals.models import CaseEvent, Consent, Referral
from referrals.services import consent_register
from referrals.services.unit_referral import (
    unit_referral_create,
    unit_referral_send,
)
from teams.models import Role
from tests.conftest import frozen_today
from tests.factories import ChildFactory, GuardianFactory, RoleFactory, UserFactory

TODAY = date(2026, 11, 20)  # a Friday
CONSENT_ON = date(2026, 11, 2)
S = Referral.Status


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


def _child(unit, **kw):
    child = ChildFactory(unit=unit, **kw)
    GuardianFactory(child=child)
    return child


def _draft(world, *, unit=None, head=None, kind="bhl_31", concern="Snakker lite.", **kw):
    unit = unit or world.unit_a
    head = head or world.styrer_a
    child = _child(unit, **kw)
    return unit_referral_create(actor=head, child_id=child.pk, kind=kind, concern=concern)


def _consent(referral, actor, on=CONSENT_ON):
    guardian = referral.child.guardians.get()
    consent_register(
        referral_id=referral.pk,
        guardian_id=guardian.pk,
        purpose=Consent.Purpose.ASSESSMENT,
        given_on=on,
        actor=actor,
    )
    referral.refresh_from_db()
    return referral


def _sent(world, **kw):
    referral = _consent(_draft(world, **kw), kw.get("head") or world.styrer_a)
    return unit_referral_send(
        referral_id=referral.pk, version=referral.version, actor=kw.get("head") or world.styrer_a
    )


def _leader(world):
    leader = UserFactory(email="lise@test.no", full_name="Lise")
    RoleFactory(user=leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    return leader


# --- writing and sending ------------------------------------------------------------------------


def test_rektor_writes_and_sends_a_school_referral(client, world):
    pupil = _child(world.school, school_class=world.class_5a, first_name="Ola")
    client.force_login(world.rektor_a)
    new_url = reverse("referrals:unit_referral_new") + f"?barn={pupil.pk}"
    page = client.get(new_url).content.decode()
    # The school's headings and the pupil's views (opplæringslova § 10-2), the school kinds only.
    assert "Faglig fungering" in page and "opplæringslova § 10-2" in page
    assert "oppl_11_6" in page and "bhl_31" not in page and "Allmenn fungering og lek" not in page

    response = client.post(
        new_url,
        {
            "kind": "oppl_11_6",
            "concern": "Leser svakt.",
            "tried": "Lesekurs i 8 uker.",
            "report_subjects": "Under forventet nivå i norsk.",
            "report_adapted": "Tilpasset lekser.",
            "guardian_views": "Ønsker hjelp.",
            "child_views": "Synes lesing er vanskelig.",
        },
    )
    referral = Referral.objects.get(child=pupil)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:unit_referral_edit", args=[referral.pk])
    assert (referral.source, referral.status, referral.kind) == ("unit", S.DRAFT, "oppl_11_6")
    assert referral.report_subjects == "Under forventet nivå i norsk."
    assert referral.child_views == "Synes lesing er vanskelig."
    assert referral.unit == world.school and referral.sent_on is None

    guardian = pupil.guardians.get()
    consent_url = reverse("referrals:unit_referral_consent", args=[referral.pk])
    client.get(consent_url)
    response = client.post(consent_url, {"guardian": guardian.pk, "given_on": "2026-11-02"})
    assert response.status_code == 302
    assert referral.consents.get().purpose == Consent.Purpose.ASSESSMENT

    referral.refresh_from_db()
    send_url = reverse("referrals:unit_referral_send", args=[referral.pk])
    assert client.post(send_url, {"version": referral.version}).status_code == 302
    referral.refresh_from_db()
    assert referral.sent_on == TODAY and referral.status == S.DRAFT
    page = client.get(reverse("referrals:unit_referral_edit", args=[referral.pk])).content.decode()
    assert "Sendt, venter på PPT" in page and "Send henvisningen" not in page


def test_styrer_writes_a_kindergarten_referral_with_the_kindergarten_headings(client, world):
    child = _child(world.unit_a)
    client.force_login(world.styrer_a)
    url = reverse("referrals:unit_referral_new") + f"?barn={child.pk}"
    page = client.get(url).content.decode()
    assert "Allmenn fungering og lek" in page and "barnehageloven § 3" in page
    assert "Faglig fungering" not in page
    # A school kind for a kindergarten child: refused at the field (referrals/case_kinds.py).
    response = client.post(url, {"kind": "oppl_11_6", "concern": "x"})
    assert response.status_code == 422 and not Referral.objects.filter(child=child).exists()
    response = client.post(
        url, {"kind": "bhl_31", "concern": "Lite språk.", "report_play": "Leker alene."}
    )
    assert response.status_code == 302
    referral = Referral.objects.get(child=child)
    assert (referral.kind, referral.report_play, referral.unit) == (
        "bhl_31",
        "Leker alene.",
        world.unit_a,
    )


def test_a_service_refuses_a_kind_of_the_other_unit_kind(world):
    from referrals.services import CaseError

    child = _child(world.unit_a)
    with pytest.raises(CaseError) as exc:
        unit_referral_create(actor=world.styrer_a, child_id=child.pk, kind="oppl_11_4")
    assert exc.value.field == "kind"


def test_sending_without_consent_is_refused_and_nothing_saved(client, world):
    referral = _draft(world)
    client.force_login(world.styrer_a)
    response = client.post(
        reverse("referrals:unit_referral_send", args=[referral.pk]), {"version": referral.version}
    )
    assert response.status_code == 422
    assert "Foreldrenes samtykke må være registrert før henvisningen sendes." in (
        response.content.decode()
    )
    # the kind's consent rule names its source (referrals/case_kinds.py)
    assert "Hjemmel: barnehageloven § 32 første ledd." in response.content.decode()
    after = Referral.objects.get(pk=referral.pk)
    assert after.sent_on is None and after.version == referral.version
    assert not CaseEvent.objects.filter(referral=referral, action="referral.sent").exists()


def test_a_school_referral_without_consent_cites_opplaeringslova(world):
    from referrals.services import CaseError

    referral = _draft(world, unit=world.school, head=world.rektor_a, kind="oppl_11_6")
    with pytest.raises(CaseError) as exc:
        unit_referral_send(referral_id=referral.pk, version=referral.version, actor=world.rektor_a)
    assert "opplæringslova § 11-7 tredje ledd" in exc.value.message


def test_a_consent_from_a_parent_the_child_does_not_live_with_is_not_enough(world):
    from referrals.services import CaseError

    referral = _draft(world)
    other = GuardianFactory(child=referral.child, lives_with_child=False)
    consent_register(
        referral_id=referral.pk,
        guardian_id=other.pk,
        purpose=Consent.Purpose.ASSESSMENT,
        given_on=CONSENT_ON,
        actor=world.styrer_a,
    )
    referral.refresh_from_db()
    with pytest.raises(CaseError):
        unit_referral_send(referral_id=referral.pk, version=referral.version, actor=world.styrer_a)


def test_sending_without_the_concern_is_refused(client, world):
    referral = _consent(_draft(world, concern=""), world.styrer_a)
    client.force_login(world.styrer_a)
    response = client.post(
        reverse("referrals:unit_referral_send", args=[referral.pk]), {"version": referral.version}
    )
    assert response.status_code == 422
    assert "Skriv bekymringen" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).sent_on is None


def test_a_double_send_sends_once(client, world):
    referral = _consent(_draft(world), world.styrer_a)
    client.force_login(world.styrer_a)
    url = reverse("referrals:unit_referral_send", args=[referral.pk])
    first = client.post(url, {"version": referral.version})
    second = client.post(url, {"version": referral.version})  # the same page, clicked again
    assert first.status_code == second.status_code == 302
    assert CaseEvent.objects.filter(referral=referral, action="referral.sent").count() == 1
    assert Referral.objects.get(pk=referral.pk).version == referral.version + 1


def test_a_stale_edit_is_refused_and_shows_the_other_change(client, world):
    referral = _draft(world)
    client.force_login(world.styrer_a)
    url = reverse("referrals:unit_referral_edit", args=[referral.pk])
    data = {"version": referral.version, "kind": "bhl_31", "concern": "Første"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "concern": "Andre"})
    assert response.status_code == 409
    assert Referral.objects.get(pk=referral.pk).concern == "Første"


def test_a_sent_referral_is_not_edited_by_the_unit(client, world):
    referral = _sent(world)
    client.force_login(world.styrer_a)
    url = reverse("referrals:unit_referral_edit", args=[referral.pk])
    response = client.post(url, {"version": referral.version, "kind": "bhl_31", "concern": "Ny"})
    assert response.status_code == 422
    assert Referral.objects.get(pk=referral.pk).concern == "Snakker lite."


def test_ppt_cannot_receive_a_units_draft_before_it_is_sent(world):
    from referrals.services import TransitionError, referral_submit

    referral = _draft(world)
    with pytest.raises(TransitionError):
        referral_submit(referral_id=referral.pk, actor=world.advisor, received_on=TODAY)
    assert Referral.objects.get(pk=referral.pk).status == S.DRAFT


# --- another unit's head ------------------------------------------------------------------------


def test_another_units_styrer_or_rektor_gets_404(client, world):
    child = _child(world.unit_a)
    client.force_login(world.styrer_b)
    url = reverse("referrals:unit_referral_new") + f"?barn={child.pk}"
    assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(
        user=world.styrer_b, action="denied", child_id=child.pk, status=404
    ).exists()
    # A rektor for a kindergarten child of the same municipality: not at their unit.
    client.force_login(world.rektor_a)
    assert client.get(url).status_code == 404
    school_referral = _draft(world, unit=world.school, head=world.rektor_a, kind="oppl_11_6")
    client.force_login(world.rektor_b)
    for name in ("unit_referral_edit", "unit_referral_consent"):
        assert (
            client.get(reverse(f"referrals:{name}", args=[school_referral.pk])).status_code == 404
        )
    send = reverse("referrals:unit_referral_send", args=[school_referral.pk])
    assert client.post(send, {"version": 1}).status_code == 404
    assert (
        client.get(reverse("referrals:unit_referral_list"))
        .content.decode()
        .count(school_referral.child.full_name)
        == 0
    )


def test_a_child_who_left_the_unit_cannot_be_referred_from_it(client, world):
    child = _child(world.unit_b)
    client.force_login(world.styrer_a)
    url = reverse("referrals:unit_referral_new") + f"?barn={child.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("referrals:unit_referral_new") + "?barn=12x").status_code == 404
    assert (
        client.get(reverse("referrals:unit_referral_new") + "?barn=" + "9" * 40).status_code == 404
    )


# --- PPT's arrivals -----------------------------------------------------------------------------


def test_ppt_intake_shows_it_and_receiving_starts_the_clock(client, world):
    referral = _sent(world)
    draft = _draft(world)  # not sent: not PPT's yet
    client.force_login(world.advisor)
    page = client.get(reverse("referrals:arrived_list")).content.decode()
    assert referral.child.full_name in page and draft.child.full_name not in page

    url = reverse("referrals:referral_receive", args=[referral.pk])
    assert client.post(url).status_code == 302
    received = Referral.objects.get(pk=referral.pk)
    # referrals.services.referral_submit: received today, T0 the later of received and consent.
    assert received.status == S.RECEIVED
    assert received.received_on == TODAY and received.consent_on == CONSENT_ON
    assert received.t0 == TODAY
    assert received.deadlines.filter(kind="provisional_reply").exists()
    # a second click changes nothing
    assert client.post(url).status_code == 302
    assert CaseEvent.objects.filter(referral=referral, action="referral.submitted").count() == 1
    assert (
        referral.child.full_name
        not in client.get(reverse("referrals:arrived_list")).content.decode()
    )
    # and it shows on the unit's list as received
    client.force_login(world.styrer_a)
    page = client.get(reverse("referrals:unit_referral_list")).content.decode()
    assert "20.11.2026" in page


def test_the_pp_leder_receives_and_another_office_gets_404(client, world):
    referral = _sent(world)
    client.force_login(world.outsider)
    url = reverse("referrals:referral_receive", args=[referral.pk])
    assert client.post(url).status_code == 404
    assert (
        referral.child.full_name
        not in client.get(reverse("referrals:arrived_list")).content.decode()
    )
    client.force_login(_leader(world))
    page = client.get(reverse("referrals:arrived_list")).content.decode()
    assert referral.child.full_name in page and reverse("referrals:ppt_intake") in page
    assert client.post(url).status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == S.RECEIVED


# --- the parents' own request -------------------------------------------------------------------


def test_parents_request_is_registered_with_its_date(client, world):
    child = _child(world.unit_a)
    client.force_login(world.advisor)
    url = reverse("referrals:parents_request_new", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"unit": world.unit_a.pk, "kind": "bhl_31", "requested_on": "2026-11-16", "concern": ""},
    )
    referral = Referral.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:case_detail", args=[referral.pk])
    assert referral.source == Referral.Source.PARENTS
    assert referral.requested_on == referral.received_on == date(2026, 11, 16)
    assert referral.status == S.AWAITING_CONSENT  # the clock starts with the consent


@pytest.mark.parametrize(
    "requested_on, message",
    [
        ("2026-11-21", "fremtiden"),  # tomorrow
        ("2026-02-30", "gyldig dato"),
        ("20261116", "gyldig dato"),
        ("1999-12-31", ""),
    ],
)
def test_a_parents_request_date_is_parsed_strictly_and_bounded(
    client, world, requested_on, message
):
    child = _child(world.unit_a)
    client.force_login(world.advisor)
    url = reverse("referrals:parents_request_new", args=[child.pk])
    response = client.post(
        url, {"unit": world.unit_a.pk, "kind": "bhl_31", "requested_on": requested_on}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Referral.objects.filter(child=child).exists()


def test_a_parents_request_kind_must_fit_the_unit(client, world):
    child = _child(world.unit_a)
    client.force_login(world.advisor)
    url = reverse("referrals:parents_request_new", args=[child.pk])
    response = client.post(
        url, {"unit": world.unit_a.pk, "kind": "oppl_11_6", "requested_on": "2026-11-16"}
    )
    assert response.status_code == 422 and not Referral.objects.filter(child=child).exists()


# --- query counts -------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_units_list_has_a_constant_query_count(client, world):
    client.force_login(world.styrer_a)
    url = reverse("referrals:unit_referral_list")
    _draft(world)
    one = _count(client, url)
    for _ in range(6):
        _sent(world)
    assert _count(client, url) == one


def test_the_arrivals_have_a_constant_query_count(client, world):
    client.force_login(world.advisor)
    url = reverse("referrals:arrived_list")
    _sent(world)
    one = _count(client, url)
    for _ in range(6):
        _sent(world)
    _sent(
        world, unit=world.school, head=world.rektor_a, kind="oppl_11_6", school_class=world.class_5a
    )
    assert _count(client, url) == one


# --- hostile text -------------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script><a hx-get="/saker/" hx-trigger="load">x</a>'


def test_hostile_text_is_escaped_in_the_lists_and_the_page(client, world):
    referral = _sent(world, concern=HOSTILE, first_name=HOSTILE)
    pages = []
    client.force_login(world.styrer_a)
    pages.append(client.get(reverse("referrals:unit_referral_list")).content.decode())
    pages.append(
        client.get(reverse("referrals:unit_referral_edit", args=[referral.pk])).content.decode()
    )
    client.force_login(world.advisor)
    pages.append(client.get(reverse("referrals:arrived_list")).content.decode())
    for page in pages:
        assert "<script>alert(1)</script>" not in page
        assert 'hx-get="/saker/"' not in page
        assert "&lt;script&gt;" in page
