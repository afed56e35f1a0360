"""The ressursteam: anonymous consultations stay anonymous, each persona sees their own teams,
the director sees counts only, and the lists run a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teams import anonymity
from teams import ressursteam_services as services
from teams.ressursteam_models import (
    AnonymousConsultation,
    FollowUp,
    Meeting,
    Service,
    SystemWork,
    TeamMember,
)
from teams.ressursteam_services import TeamError
from tests.conftest import frozen_today
from tests.factories import ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db

FIELDS = ["question", "tried", "advice", "follow_up"]


def consultation_data(**overrides):
    data = {
        "question": "Gutt, 4 år, bruker få ord.",
        "tried": "Språkgruppe to ganger i uken.",
        "advice": "Kartlegg med TRAS.",
        "follow_up": "Ny drøfting om to måneder.",
        "bti_level": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def meeting(world):
    return Meeting.objects.create(
        unit=world.unit_a,
        held_on=date(2026, 11, 10),
        agenda="1. Drøftinger",
        created_by=world.advisor,
    )


@pytest.fixture
def ola(world):
    return ChildFactory(unit=world.unit_a, first_name="Ola Martin", last_name="Nordmann")


# --- anonymity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("number", ["15076500565", "150765 00565", "150765-00565"])
def test_an_identity_number_in_any_field_is_refused(client, world, meeting, field, number):
    client.force_login(world.advisor)
    url = reverse("teams:consultation_new", args=[meeting.pk])
    response = client.post(url, consultation_data(**{field: f"Gjelder {number}, se notat."}))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert "fødselsnummer" in errors[field][0]
    assert not AnonymousConsultation.objects.exists()


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(
    "text",
    ["Ola Martin Nordmann er urolig", "ola nordmann er urolig", "Nordmann, Ola er urolig"],
)
def test_a_registered_childs_full_name_in_any_field_is_refused(
    client, world, meeting, ola, field, text
):
    client.force_login(world.styrer_a)
    url = reverse("teams:consultation_new", args=[meeting.pk])
    response = client.post(url, consultation_data(**{field: text}))
    assert response.status_code == 422
    message = response.context["form"].errors[field][0]
    assert "for- og etternavnet til et barn" in message
    assert "Nordmann" not in message  # the refusal does not confirm whom it found
    assert not AnonymousConsultation.objects.exists()


def test_a_first_name_alone_or_a_child_of_another_unit_is_not_refused(client, world, meeting, ola):
    ChildFactory(unit=world.unit_b, first_name="Kari", last_name="Holm")
    client.force_login(world.advisor)
    url = reverse("teams:consultation_new", args=[meeting.pk])
    data = consultation_data(question="Ola leker mye alene", advice="Som Kari Holm sa i fjor")
    response = client.post(url, data)
    assert response.status_code == 302
    consultation = AnonymousConsultation.objects.get()
    assert consultation.bti_level == 1
    assert consultation.created_by == world.advisor


def test_the_service_refuses_too(world, meeting, ola):
    with pytest.raises(TeamError) as exc:
        services.consultation_anonymous_create(
            meeting=meeting, actor=world.advisor, question="Om Ola Nordmann", bti_level=0
        )
    assert exc.value.field == "question"


def test_minutes_and_follow_up_are_checked_too(client, world, meeting, ola):
    client.force_login(world.advisor)
    response = client.post(
        reverse("teams:meeting_edit", args=[meeting.pk]),
        {"held_on": "2026-11-10", "agenda": "", "minutes": "Drøftet Ola Nordmann", "version": 1},
    )
    assert "minutes" in response.context["form"].errors
    response = client.post(
        reverse("teams:follow_up_new", args=[meeting.pk]),
        {"description": "Ring om 15076500565", "responsible": "Styrer", "due_on": "2026-12-01"},
    )
    assert "description" in response.context["form"].errors
    assert not FollowUp.objects.exists()


def test_two_members_writing_the_minutes_never_overwrite_each_other(client, world, meeting):
    url = reverse("teams:meeting_edit", args=[meeting.pk])
    client.force_login(world.advisor)
    assert 'name="version" value="1"' in client.get(url).text  # the advisor opens the form
    styrer = Client()
    styrer.force_login(world.styrer_a)
    saved = styrer.post(
        url, {"held_on": "2026-11-10", "agenda": "", "minutes": "Styrerens referat", "version": 1}
    )
    assert saved.status_code == 302
    # The advisor's save started from version 1: refused, nothing saved, both texts shown.
    mine = {"held_on": "2026-11-10", "agenda": "", "minutes": "Rådgiverens referat"}
    response = client.post(url, {**mine, "version": 1})
    assert response.status_code == 409
    text = response.text
    assert "Møtet ble endret av noen andre mens du redigerte. Ingenting er lagret." in text
    assert "Styrerens referat" in text and "Rådgiverens referat" in text
    assert 'name="version" value="2"' in text
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Styrerens referat", 2)
    # Having seen it, the advisor saves again on purpose.
    assert client.post(url, {**mine, "version": 2}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Rådgiverens referat", 3)


def test_the_service_refuses_a_stale_meeting_edit(world, meeting):
    services.meeting_update(
        meeting_id=meeting.pk, version=1, actor=world.advisor,
        held_on=meeting.held_on, agenda="", minutes="Første",
    )  # fmt: skip
    with pytest.raises(services.MeetingChanged) as exc:
        services.meeting_update(
            meeting_id=meeting.pk, version=1, actor=world.styrer_a,
            held_on=meeting.held_on, agenda="", minutes="Andre",
        )  # fmt: skip
    assert exc.value.current.minutes == "Første"
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Første", 2)


def test_the_id_number_pattern():
    assert anonymity.contains_id_number("nr 15076500565.")
    assert anonymity.contains_id_number("150765 00565")
    assert not anonymity.contains_id_number("tlf 33 00 20 00, 4 timer, 2026")
    assert not anonymity.contains_id_number("150765005651")  # 12 digits: not an 11-digit number


# --- the journey's writes ------------------------------------------------------------------------


def test_advisor_holds_a_meeting_and_agrees_a_follow_up_the_styrer_sees(client, world):
    client.force_login(world.advisor)
    today = timezone.localdate()
    response = client.post(
        reverse("teams:meeting_new", args=[world.unit_a.pk]),
        {"held_on": today.isoformat(), "agenda": "Drøftinger", "minutes": "Referat"},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("teams:meeting_detail", args=[meeting.pk])
    client.post(
        reverse("teams:follow_up_new", args=[meeting.pk]),
        {"description": "Kartlegge språk", "responsible": "Styrer", "due_on": "2026-12-15"},
    )
    client.force_login(world.styrer_a)
    page = client.get(reverse("teams:meeting_detail", args=[meeting.pk]))
    assert "Kartlegge språk" in page.content.decode()
    follow_up = FollowUp.objects.get()
    client.post(reverse("teams:follow_up_done", args=[follow_up.pk]), {"done": "1"})
    client.post(reverse("teams:follow_up_done", args=[follow_up.pk]), {"done": "1"})  # harmless
    follow_up.refresh_from_db()
    assert follow_up.done_on == today
    unit_page = client.get(reverse("teams:unit_team", args=[world.unit_a.pk])).content.decode()
    assert meeting.held_on.strftime("%d.%m.%Y") in unit_page


def test_a_second_meeting_on_the_same_day_is_refused(client, world, meeting):
    client.force_login(world.advisor)
    response = client.post(
        reverse("teams:meeting_new", args=[world.unit_a.pk]),
        {"held_on": "2026-11-10", "agenda": "", "minutes": ""},
    )
    assert "held_on" in response.context["form"].errors


def test_system_work_only_for_the_advisors_units(client, world):
    client.force_login(world.advisor_south)
    url = reverse("teams:system_work_new")
    data = {"worked_on": "2026-11-02", "hours": "1.5", "topic": "guidance", "description": "x"}
    response = client.post(url, {**data, "unit": world.unit_a.pk})  # north: not theirs
    assert "unit" in response.context["form"].errors
    response = client.post(url, {**data, "unit": world.unit_b.pk})
    assert response.status_code == 302
    work = SystemWork.objects.get()
    assert (work.advisor, work.hours) == (world.advisor_south, Decimal("1.5"))
    response = client.post(url, {**data, "unit": world.unit_b.pk, "hours": "1.3"})
    assert "hours" in response.context["form"].errors


# --- who sees what ----------------------------------------------------------------------------------


def test_each_persona_sees_their_own_teams(client, world, meeting):
    Meeting.objects.create(unit=world.unit_b, held_on=date(2026, 11, 11), created_by=world.advisor)
    expected = {
        "advisor": {"Barnehage A", "Barnehage B", "Skole S", "Skole T"},
        "advisor_south": {"Barnehage B", "Skole T"},
        "styrer_a": {"Barnehage A"},
        "styrer_b": {"Barnehage B"},
        "outsider": {"Bergtun barnehage"},
    }
    for persona, names in expected.items():
        client.force_login(getattr(world, persona))
        response = client.get(reverse("teams:team_list"))
        assert {u.name for u in response.context["units"]} == names, persona
    for persona in ("director", "office", "admin", "special_educator", "no_roles"):
        client.force_login(getattr(world, persona))
        assert client.get(reverse("teams:team_list")).status_code == 404, persona


def test_the_director_sees_counts_without_texts(client, world, meeting):
    with frozen_today(date(2026, 11, 25)):  # the counts cover the last twelve months
        _director_sees_counts_without_texts(client, world, meeting)


def _director_sees_counts_without_texts(client, world, meeting):
    AnonymousConsultation.objects.create(
        meeting=meeting, question="Hemmelig tekst", bti_level=2, created_by=world.advisor
    )
    FollowUp.objects.create(
        meeting=meeting, description="Gjøremål", responsible="Styrer", due_on=date(2026, 1, 1)
    )
    client.force_login(world.director)
    response = client.get(reverse("teams:team_counts"))
    html = response.content.decode()
    assert "Hemmelig tekst" not in html and "Gjøremål" not in html
    assert dict(response.context["levels"])["Nivå 2: Enkel samhandling mellom to tjenester"] == 1
    assert response.context["follow"] == {"done": 0, "open": 1, "overdue": 1}
    assert client.get(reverse("teams:meeting_detail", args=[meeting.pk])).status_code == 404


def test_the_services_overview_is_searchable_and_per_municipality(client, world):
    Service.objects.create(
        municipality=world.municipality,
        name="Logoped",
        offers="Tale og språk",
        age_group="both",
        contact="PPT",
    )
    Service.objects.create(
        municipality=world.municipality,
        name="Skolehelsetjenesten",
        offers="Helsesykepleier",
        age_group="school",
        contact="Skolen",
    )
    Service.objects.create(
        municipality=world.other_municipality,
        name="Bergtun logoped",
        offers="Språk",
        age_group="both",
        contact="x",
    )
    client.force_login(world.styrer_a)
    names = lambda r: [s.name for s in r.context["services"]]  # noqa: E731
    assert names(client.get(reverse("teams:service_list"))) == ["Logoped", "Skolehelsetjenesten"]
    assert names(client.get(reverse("teams:service_list"), {"q": "språk"})) == ["Logoped"]
    assert names(client.get(reverse("teams:service_list"), {"alder": "preschool"})) == ["Logoped"]
    client.force_login(world.outsider)
    assert names(client.get(reverse("teams:service_list"))) == ["Bergtun logoped"]


# --- system work against individual cases ----------------------------------------------------


def test_unit_page_and_my_work_set_system_work_against_cases_worked(client, world):
    today = timezone.localdate()
    SystemWork.objects.create(
        unit=world.unit_a,
        advisor=world.advisor,
        worked_on=today,
        hours=Decimal("2.5"),
        topic="competence",
    )
    case = ReferralFactory(child=ChildFactory(unit=world.unit_a), created_by=world.advisor)
    from referrals.services import case_event_record

    case_event_record(referral=case, actor=world.advisor, action="referral.updated")
    client.force_login(world.advisor)
    rows = client.get(reverse("teams:unit_team", args=[world.unit_a.pk])).context["balance"]
    assert rows[-1]["month"] == today.replace(day=1)
    assert (rows[-1]["hours"], rows[-1]["cases"]) == (Decimal("2.5"), 1)
    rows = client.get(reverse("teams:my_work")).context["balance"]
    assert (rows[-1]["hours"], rows[-1]["cases"]) == (Decimal("2.5"), 1)
    client.force_login(world.advisor_south)
    rows = client.get(reverse("teams:my_work")).context["balance"]
    assert (rows[-1]["hours"], rows[-1]["cases"]) == (0, 0)


# --- query counts --------------------------------------------------------------------------------


def _fill(world, n: int):
    """n meetings at unit A, each with a consultation and a follow-up; n members, n system
    work rows, n services."""
    for i in range(n):
        m = Meeting.objects.create(
            unit=world.unit_a,
            held_on=date(2026, 1, 1) + timedelta(days=i),
            created_by=world.advisor,
        )
        AnonymousConsultation.objects.create(meeting=m, question="q", created_by=world.advisor)
        FollowUp.objects.create(
            meeting=m, description="d", responsible="r", due_on=date(2026, 12, 1)
        )
        TeamMember.objects.create(unit=world.unit_a, name=f"Person {i}", service="other")
        SystemWork.objects.create(
            unit=world.unit_a,
            advisor=world.advisor,
            worked_on=date(2026, 1, 1),
            hours=1,
            topic="other",
        )
        Service.objects.create(
            municipality=world.municipality,
            name=f"Tjeneste {i}",
            offers="o",
            age_group="both",
            contact="c",
        )
    return m


@pytest.mark.parametrize("n", [1, 30])
def test_the_lists_run_a_fixed_number_of_queries(client, world, django_assert_num_queries, n):
    meeting = _fill(world, n)
    client.force_login(world.advisor)
    client.get(reverse("home"))  # session and user warm
    # Each: session, user, roles (with their areas', units' and office's ids as arrays) = 3.
    pages = [
        # + units with counts and open follow-up, + recent meetings
        (reverse("teams:team_list"), 5),
        # + unit, members, meetings, open follow-ups, recent work, hours, cases worked
        (reverse("teams:unit_team", args=[world.unit_a.pk]), 10),
        # + meeting, consultations, follow-ups
        (reverse("teams:meeting_detail", args=[meeting.pk]), 6),
        # + hours per month, cases worked, by topic, recent
        (reverse("teams:my_work"), 7),
        # + the services
        (reverse("teams:service_list"), 4),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("n", [1, 30])
def test_the_counts_run_a_fixed_number_of_queries(client, world, django_assert_num_queries, n):
    _fill(world, n)
    client.force_login(world.director)
    client.get(reverse("home"))
    # session, user, roles (areas and units as arrays); per area, BTI levels, follow-up, hours
    with django_assert_num_queries(7):
        assert client.get(reverse("teams:team_counts")).status_code == 200


def test_a_double_click_on_registrer_oppfolging_makes_one_follow_up(client, world, meeting):
    """core.views.run_form: every create form carries a one-time token (issue 17)."""
    import re

    client.force_login(world.advisor)
    url = reverse("teams:follow_up_new", args=[meeting.pk])
    token = re.search(r'name="once" value="([^"]+)"', client.get(url).text).group(1)
    post = {"description": "Kartlegge språk", "responsible": "Styrer", "due_on": "2026-12-15"}
    with frozen_today(date(2026, 11, 20)):
        first = client.post(url, {**post, "once": token})
        second = client.post(url, {**post, "once": token})
    assert first.status_code == second.status_code == 302
    assert FollowUp.objects.filter(meeting=meeting).count() == 1
