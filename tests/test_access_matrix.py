"""Every URL × every persona (STYLE.md, pretix's permission matrix): 404 for what is not
theirs, 403 for what they may see but not do, the login page for anonymous users. A URL
without an entry here fails the suite."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from decisions.models import Appeal, Deadline, DeadlineFlag, Decision, Notification
from referrals.models import Attachment, Consent
from referrals.services import (
    consent_register,
    referral_start_assessment,
    referral_submit,
)
from tests.factories import ChildFactory, GuardianFactory, ReferralFactory

PERSONAS = ["anonymous", "advisor", "styrer_a", "styrer_b", "office", "director", "outsider"]
OK = {200}
DONE = {200, 302, 422}  # shown, redirected after success, or re-shown with errors
LOGIN = "login"

# Reading a child or case: the advisor, the unit's own styrer and the office see it; anyone
# else gets 404, never a hint that it exists.
READ = {
    "advisor": OK,
    "styrer_a": OK,
    "styrer_b": 404,
    "office": OK,
    "director": 404,
    "outsider": 404,
}
# Working on a case (PPT): only the advisor; those who may see it get 403.
WORK = {
    "advisor": DONE,
    "styrer_a": 403,
    "styrer_b": 404,
    "office": 403,
    "director": 404,
    "outsider": 404,
}
# Deciding (the kindergarten office): the advisor and the styrer may see the case, not decide.
DECIDE = {
    "advisor": 403,
    "styrer_a": 403,
    "styrer_b": 404,
    "office": DONE,
    "director": 404,
    "outsider": 404,
}
EVERYONE = dict.fromkeys(PERSONAS[1:], OK)
# The ressursteam of unit A: its advisor and its styrer; no one else learns it exists.
TEAM = {**dict.fromkeys(PERSONAS[1:], {404}), "advisor": OK, "styrer_a": OK}
ADVISORS_ONLY = {**dict.fromkeys(PERSONAS[1:], {404}), "advisor": OK, "outsider": OK}
DASHBOARD = {**dict.fromkeys(PERSONAS[1:], {403}), "director": OK, "office": OK}

MATRIX = {
    # name: (method, kwargs from the objects, expectations)
    "login": ("get", {}, {"anonymous": OK, **dict.fromkeys(PERSONAS[1:], {302})}),
    "logout": ("post", {}, dict.fromkeys(PERSONAS, {302})),
    "set_language": ("post", {}, dict.fromkeys(PERSONAS, {302})),
    # Single sign-on is off in the test settings: a 404 for everyone (tests/teams/test_oidc.py
    # covers it switched on, against a mock provider).
    "oidc_authentication_init": ("get", {}, dict.fromkeys(PERSONAS, {404})),
    "oidc_authentication_callback": ("get", {}, dict.fromkeys(PERSONAS, {404})),
    "home": ("get", {}, EVERYONE),
    # Health endpoints (ops/health.py): open to all, no personal data; readiness is 503 here
    # (no Celery worker answers in the test), its details only for staff.
    "health_live": ("get", {}, dict.fromkeys(PERSONAS, OK)),
    "health_ready": ("get", {}, dict.fromkeys(PERSONAS, {200, 503})),
    "admin:index": ("get", {}, dict.fromkeys(PERSONAS, {302})),  # none of them is staff
    "referrals:caseload": ("get", {}, {**EVERYONE, "director": 403}),
    "referrals:unit_caseload": (
        "get",
        {},
        {**dict.fromkeys(PERSONAS[1:], {403}), "styrer_a": OK, "styrer_b": OK},
    ),
    "referrals:child_new": (
        "get",
        {},
        {**dict.fromkeys(PERSONAS[1:], {403}), "advisor": OK, "outsider": OK},
    ),
    "referrals:child_detail": ("get", {"pk": "child"}, READ),
    "referrals:child_edit": ("get", {"pk": "child"}, WORK),
    "referrals:guardian_new": ("get", {"pk": "child"}, WORK),
    "referrals:guardian_edit": ("get", {"pk": "guardian"}, WORK),
    "referrals:referral_new": ("get", {"pk": "child"}, WORK),
    "referrals:referral_edit": ("get", {"pk": "case"}, WORK),
    "referrals:consent_new": ("get", {"pk": "case"}, WORK),
    "referrals:consent_withdraw": ("get", {"pk": "case", "consent_pk": "consent"}, WORK),
    "referrals:case_detail": ("get", {"pk": "case"}, READ),
    "referrals:case_history": ("get", {"pk": "case"}, READ),
    "referrals:case_transition": ("post", {"pk": "case", "action": "pause"}, WORK),
    "referrals:assessment_edit": ("get", {"pk": "case"}, WORK),
    "referrals:attachment_upload": ("post", {"pk": "case"}, WORK),
    "referrals:attachment_download": ("get", {"pk": "case", "attachment_pk": "attachment"}, READ),
    "decisions:worklist": ("get", {}, {**dict.fromkeys(PERSONAS[1:], {403}), "office": OK}),
    "decisions:flag_acknowledge": ("post", {"pk": "flag"}, DECIDE),
    "decisions:case_clock": ("get", {"pk": "case"}, READ),
    "decisions:provisional_reply_new": ("get", {"pk": "case"}, DECIDE),
    "decisions:decision_new": ("get", {"pk": "case"}, DECIDE),
    "decisions:help_start": ("get", {"pk": "case"}, DECIDE),
    "decisions:appeal_new": ("get", {"pk": "case"}, DECIDE),
    "decisions:appeal_update": ("get", {"pk": "appeal"}, DECIDE),
    "decisions:inbox": ("get", {}, EVERYONE),
    # The access log is the admin's (a persona not in this matrix: tests/referrals/
    # test_access_log.py covers the admin, the other municipality's admin and superusers);
    # everyone here is refused before any lookup, so the user page's pk needs no object.
    "referrals:access_log_search": ("get", {}, dict.fromkeys(PERSONAS[1:], {403})),
    "referrals:access_log_child": ("get", {"pk": "child"}, dict.fromkeys(PERSONAS[1:], {403})),
    "referrals:access_log_user": ("get", {"pk": 1}, dict.fromkeys(PERSONAS[1:], {403})),
    "decisions:notification_detail": (
        "get",
        {"pk": "notification"},
        {**dict.fromkeys(PERSONAS[1:], {404}), "office": OK},
    ),
    # The dashboard: aggregates for the director and the office (its kind of unit). Advisors
    # get 403 until there is a PPT-leadership role for the per-advisor figures.
    "decisions:dashboard": ("get", {}, DASHBOARD),
    "decisions:dashboard_export": ("get", {"table": "faser", "fmt": "csv"}, DASHBOARD),
    # The ressursteam (teams/ressursteam_*.py): the advisor and the unit's styrer see and write
    # their teams; the director sees counts only; everyone else 404.
    "teams:team_list": ("get", {}, {**EVERYONE, "director": 404, "office": 404}),
    "teams:team_counts": ("get", {}, {**dict.fromkeys(PERSONAS[1:], {404}), "director": OK}),
    "teams:unit_team": ("get", {"pk": "unit"}, TEAM),
    "teams:member_new": ("get", {"pk": "unit"}, TEAM),
    "teams:meeting_new": ("get", {"pk": "unit"}, TEAM),
    "teams:meeting_detail": ("get", {"pk": "meeting"}, TEAM),
    "teams:meeting_edit": ("get", {"pk": "meeting"}, TEAM),
    "teams:consultation_new": ("get", {"pk": "meeting"}, TEAM),
    "teams:follow_up_new": ("get", {"pk": "meeting"}, TEAM),
    "teams:follow_up_done": (
        "post",
        {"pk": "follow_up"},
        {**TEAM, "advisor": {302}, "styrer_a": {302}},
    ),
    "teams:system_work_new": ("get", {}, ADVISORS_ONLY),
    "teams:my_work": ("get", {}, ADVISORS_ONLY),
    "teams:service_list": ("get", {}, EVERYONE),
    # Named consultations (referrals/consultations_views.py): a child's record.
    "referrals:meeting_named": ("get", {"pk": "meeting"}, TEAM),
    "referrals:consultation_consent_new": ("get", {"pk": "child"}, WORK),
    "referrals:consultation_consent_withdraw": (
        "get",
        {"pk": "child", "consent_pk": "consultation_consent"},
        WORK,
    ),
    "referrals:consultation_new": ("get", {"pk": "child"}, WORK),
    "referrals:consultation_detail": ("get", {"pk": "consultation"}, READ),
    "referrals:consultation_referral": ("get", {"pk": "consultation"}, WORK),
}


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if ns == "admin:":
                yield "admin:index"  # the admin is Django's; its login guards every page
                continue
            yield from _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_has_an_entry_in_the_matrix():
    missing = sorted(set(_names()) - set(MATRIX))
    assert missing == [], f"add these URLs to the access matrix: {missing}"


@pytest.fixture
def objects(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    child = ChildFactory(unit=world.unit_a)
    guardian = GuardianFactory(child=child)
    case = ReferralFactory(child=child, created_by=world.advisor, advisor=world.advisor)
    referral_submit(referral_id=case.pk, actor=world.advisor, received_on=date(2026, 10, 28))
    consent_register(
        referral_id=case.pk,
        guardian_id=guardian.pk,
        purpose="assessment",
        given_on=date(2026, 10, 28),
        actor=world.advisor,
    )
    referral_start_assessment(referral_id=case.pk, actor=world.advisor)
    from django.core.files.base import ContentFile

    attachment = Attachment(
        referral=case,
        title="Rapport",
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=world.advisor,
    )
    attachment.file.save("x", ContentFile(b"%PDF-1.4"), save=True)
    decision = Decision.objects.create(
        referral=case,
        decided_on=date(2026, 11, 2),
        decided_by=world.office,
        outcome="refused",
        superseded=True,
    )
    appeal = Appeal.objects.create(
        decision=decision, received_on=date(2026, 11, 3), registered_by=world.office
    )
    deadline = Deadline.objects.get(referral=case, kind="provisional_reply")
    flag = DeadlineFlag.objects.create(
        deadline=deadline, level="approaching", flagged_on=date(2026, 11, 25)
    )
    note = Notification.objects.create(recipient=world.office, day=date(2026, 11, 25))
    from referrals.consultations import (
        consultation_consent_register,
        consultation_named_create,
    )
    from teams.ressursteam_models import FollowUp, Meeting

    meeting = Meeting.objects.create(
        unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor
    )
    follow_up = FollowUp.objects.create(
        meeting=meeting, description="Kartlegge", responsible="Styrer", due_on=date(2026, 12, 1)
    )
    consultation_consent = consultation_consent_register(
        child_id=child.pk, guardian_id=guardian.pk, given_on=date(2026, 11, 1), actor=world.advisor
    )
    named = consultation_named_create(
        child_id=child.pk, meeting=meeting, actor=world.advisor, question="Språk", bti_level=1
    )
    return {
        "child": child.pk,
        "guardian": guardian.pk,
        "case": case.pk,
        "consent": Consent.objects.get(referral=case).pk,
        "attachment": attachment.pk,
        "appeal": appeal.pk,
        "flag": flag.pk,
        "notification": note.pk,
        "unit": world.unit_a.pk,
        "meeting": meeting.pk,
        "follow_up": follow_up.pk,
        "consultation": named.pk,
        "consultation_consent": consultation_consent.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_what_the_matrix_says(client, world, objects, name):
    method, kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    failures = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = getattr(client, method)(url)
        wanted = expected.get(persona, LOGIN)
        if wanted == LOGIN:
            ok = response.status_code == 302 and reverse("login") in response["Location"]
        else:
            ok = response.status_code in (wanted if isinstance(wanted, set) else {wanted})
        if not ok:
            failures.append(f"{persona}: got {response.status_code}, wanted {wanted}")
    assert failures == [], f"{name} {url}: " + "; ".join(failures)
