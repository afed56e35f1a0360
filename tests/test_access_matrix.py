"""Every URL × every persona (STYLE.md, pretix's permission matrix): 404 for what is not
theirs, 403 for what they may see but not do, the login page for anonymous users. A URL
without an entry here fails the suite."""

import functools
import hashlib
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from decisions.models import Deadline, Notification
from documents.models import Document, LetterBatch
from referrals.models import Attachment, Consent
from tests import school_matrix
from tests.builders import case_at
from tests.support.factories_decisions import AppealFactory, DeadlineFlagFactory, DecisionFactory
from tests.support.factories_ressursteam import FollowUpFactory, MeetingFactory

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
    # The PP-leder's intake (LEADER_ROWS below has the PP-leder personas): everyone here 403.
    "referrals:ppt_intake": ("get", {}, dict.fromkeys(PERSONAS[1:], {403})),
    "referrals:ppt_intake_assign": ("post", {"pk": "case"}, dict.fromkeys(PERSONAS[1:], {403})),
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
    "decisions:decision_notified": ("get", {"pk": "case"}, DECIDE),
    "decisions:help_start": ("get", {"pk": "case"}, DECIDE),
    "decisions:appeal_new": ("get", {"pk": "case"}, DECIDE),
    "decisions:appeal_update": ("get", {"pk": "appeal"}, DECIDE),
    # The case's life (decisions/case_life_views.py): the annual report is written by the unit
    # that gives the help (its styrer); the advisor and the office read it on the case page.
    "decisions:annual_report": (
        "get",
        {"pk": "case"},
        {**READ, "advisor": {403}, "office": {403}, "styrer_a": OK},
    ),
    "decisions:renewal_start": ("get", {"pk": "case"}, DECIDE),
    "decisions:decision_continue": ("get", {"pk": "case"}, DECIDE),
    "decisions:decision_change": ("get", {"pk": "case"}, DECIDE),
    "decisions:case_close": ("get", {"pk": "case"}, DECIDE),
    "decisions:case_reopen": ("get", {"pk": "case"}, DECIDE),
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
    # Help delivered (issue 18): the givers' caseload, a running vedtak's delivery page (read
    # by those who see the case), the correction of a week (?uke= names it: without it, 404),
    # the office's etterlevering. The spesialpedagog's rows: DELIVERY_SPECIAL_EDUCATOR below.
    "decisions:my_vedtak": (
        "get",
        {},
        {**dict.fromkeys(PERSONAS[1:], {403}), "styrer_a": OK, "styrer_b": OK},
    ),
    "decisions:delivery_page": ("get", {"pk": "running_decision"}, READ),
    "decisions:delivery_week_edit": (
        "get",
        {"pk": "running_decision"},
        dict.fromkeys(PERSONAS[1:], {404}),
    ),
    "decisions:makeup_new": ("get", {"pk": "running_decision"}, DECIDE),
    "decisions:dashboard": ("get", {}, DASHBOARD),
    "decisions:dashboard_export": ("get", {"table": "faser", "fmt": "csv"}, DASHBOARD),
    # The national reports (BASIL, GSI; issue 21): aggregates for the director and the office.
    "decisions:national_report": ("get", {}, DASHBOARD),
    "decisions:national_report_export": ("get", {"fmt": "csv"}, DASHBOARD),
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
    # Letter batches (documents/batch_views.py): the office starts them; a batch is its
    # creator's own, anyone else gets 404.
    "documents:batch_list": ("get", {}, {**dict.fromkeys(PERSONAS[1:], {403}), "office": OK}),
    "documents:batch_new": ("get", {}, {**dict.fromkeys(PERSONAS[1:], {403}), "office": OK}),
    "documents:batch_detail": (
        "get",
        {"pk": "batch"},
        {**dict.fromkeys(PERSONAS[1:], {404}), "office": OK},
    ),
    "documents:batch_progress": (
        "get",
        {"pk": "batch"},
        {**dict.fromkeys(PERSONAS[1:], {404}), "office": OK},
    ),
    # Letters (documents/letter_views.py): the office makes the vedtak letters; whoever sees
    # the case reads a letter and downloads its PDF.
    "documents:letter_new": ("post", {"pk": "case", "kind": "decision"}, DECIDE),
    # A draft is PPT's and the office's work: the unit's styrer sees final letters only (the
    # Dokumenter tab's rule, documents.selectors.visible_documents).
    "documents:letter_detail": ("get", {"pk": "letter_draft"}, {**READ, "styrer_a": 404}),
    "documents:letter_finalise": ("post", {"pk": "letter_draft"}, {**DECIDE, "styrer_a": 404}),
    "documents:letter_new_version": ("post", {"pk": "letter_final"}, DECIDE),
    "documents:document_pdf": ("get", {"pk": "letter_final"}, READ),
    # The case's documents and journal (documents/views.py): read by those who see the case
    # (the styrer without PPT's internal notes); incoming documents and notes by the advisor.
    "documents:case_documents": ("get", {"pk": "case"}, READ),
    "documents:incoming_new": ("get", {"pk": "case"}, WORK),
    "documents:note_new": ("get", {"pk": "case"}, WORK),
    "documents:parents_bundle": ("get", {"pk": "case"}, READ),
    "documents:document_view": ("get", {"pk": "document"}, READ),
    "documents:document_print": ("get", {"pk": "document"}, READ),
    # Dispatch (documents/dispatch/): the office that decides sends a final letter and retries a
    # failed shipment; whoever sees the case sees its shipments; the office's list is its own.
    "documents:document_send": ("post", {"pk": "sent_letter"}, DECIDE),
    "documents:case_shipments": ("get", {"pk": "case"}, READ),
    "documents:office_shipments": (
        "get",
        {},
        {**dict.fromkeys(PERSONAS[1:], {403}), "office": OK},
    ),
    "documents:shipment_retry": ("post", {"pk": "shipment"}, DECIDE),
    # The JSON API (api/, issue 21): keys only; a person's session gets a 401 everywhere
    # (tests/api/ has the keys' own matrix). The schema and its documentation page are open.
    "api:schema": ("get", {}, dict.fromkeys(PERSONAS, OK)),
    "api:docs": ("get", {}, dict.fromkeys(PERSONAS, OK)),
    **{
        f"api:{name}": (method, kwargs, dict.fromkeys(PERSONAS, {401}))
        for name, method, kwargs in [
            ("case_list", "get", {}),
            ("case_detail", "get", {"pk": "case"}),
            ("case_deadlines", "get", {"pk": "case"}),
            ("case_flags", "get", {"pk": "case"}),
            ("case_decisions", "get", {"pk": "case"}),
            ("case_documents", "get", {"pk": "case"}),
            ("flag_acknowledge", "post", {"pk": "flag"}),
            ("decision_detail", "get", {"pk": "running_decision"}),
            ("decision_weeks", "get", {"pk": "running_decision"}),
            ("document_detail", "get", {"pk": "case"}),
            ("document_pdf", "get", {"pk": "case"}),
            ("statistics", "get", {}),
        ]
    },
}


# Issue 19's new URLs, one module per part (tests/school_matrix/).
MATRIX.update(school_matrix.main_entries())


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
    case = case_at("assessing", world=world, on=date(2026, 10, 28))
    child = case.child
    guardian = child.guardians.get()
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
    from tests.documents.conftest import final_document

    document = final_document(case, by=world.advisor)
    decision = DecisionFactory(
        referral=case,
        decided_on=date(2026, 11, 2),
        decided_by=world.office,
        refused=True,
        superseded=True,
    )
    appeal = AppealFactory(
        decision=decision, received_on=date(2026, 11, 3), registered_by=world.office
    )
    deadline = Deadline.objects.get(referral=case, kind="provisional_reply")
    flag = DeadlineFlagFactory(
        deadline=deadline, level="approaching", flagged_on=date(2026, 11, 25)
    )
    note = Notification.objects.create(recipient=world.office, day=date(2026, 11, 25))
    from referrals.consultations import (
        consultation_consent_register,
        consultation_named_create,
    )

    meeting = MeetingFactory(
        unit=world.unit_a, held_on=date(2026, 11, 10), created_by=world.advisor, agenda=""
    )
    follow_up = FollowUpFactory(
        meeting=meeting, description="Kartlegge", responsible="Styrer", due_on=date(2026, 12, 1)
    )
    consultation_consent = consultation_consent_register(
        child_id=child.pk, guardian_id=guardian.pk, given_on=date(2026, 11, 1), actor=world.advisor
    )
    named = consultation_named_create(
        child_id=child.pk, meeting=meeting, actor=world.advisor, question="Språk", bti_level=1
    )
    # Help started 01.10.2026: before any day a test freezes (the hostile crawl's too).
    running = case_at("help_started", world=world, on=date(2026, 9, 1))
    running = running.decisions.get(superseded=False)
    batch = LetterBatch.objects.create(
        kind="provisional_reply", referral_ids=[case.pk], total=1, created_by=world.office
    )
    letter_draft = Document.objects.create(referral=case, kind="decision", title="Vedtak")
    letter_final = Document.objects.create(
        referral=case,
        kind="decision",
        title="Vedtak",
        status="final",
        pdf=_tiny_pdf(),
        sha256=hashlib.sha256(_tiny_pdf()).hexdigest(),
        size=len(_tiny_pdf()),
        finalised_by=world.office,
    )
    sent_letter, shipment = _dispatch_objects(case, guardian)
    return {
        **school_matrix.objects(world),
        "batch": batch.pk,
        "letter_draft": letter_draft.pk,
        "letter_final": letter_final.pk,
        "sent_letter": sent_letter.pk,
        "shipment": shipment.pk,
        "running_decision": running.pk,
        "child": child.pk,
        "guardian": guardian.pk,
        "case": case.pk,
        "consent": Consent.objects.get(referral=case).pk,
        "attachment": attachment.pk,
        "document": document.pk,
        "appeal": appeal.pk,
        "flag": flag.pk,
        "notification": note.pk,
        "unit": world.unit_a.pk,
        "meeting": meeting.pk,
        "follow_up": follow_up.pk,
        "consultation": named.pk,
        "consultation_consent": consultation_consent.pk,
    }


@functools.cache
def _tiny_pdf() -> bytes:
    """A real one-page PDF: the parents' bundle opens every final document."""
    import weasyprint

    return weasyprint.HTML(string="<p>Vedtak</p>").write_pdf()


def _dispatch_objects(case, guardian):
    """A final letter of the case and its (sent) shipment to the guardian."""

    from documents.models import Document, Shipment

    pdf = _tiny_pdf()
    document = Document.objects.create(
        referral=case,
        kind=Document.Kind.DECISION,
        status=Document.Status.FINAL,
        title="Vedtak",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    shipment = Shipment.objects.create(
        document=document,
        guardian=guardian,
        recipient_name=guardian.name,
        channel=Shipment.Channel.LOCAL,
        status=Shipment.Status.SENT,
    )
    return document, shipment


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


# The spesialpedagog (municipality-wide, issue 18) on the pages of help delivered: registers
# the help given under every running vedtak of the municipality; no etterlevering.
DELIVERY_SPECIAL_EDUCATOR = {
    "decisions:my_vedtak": ("get", {}, OK),
    "decisions:delivery_page": ("get", {"pk": "running_decision"}, OK),
    "decisions:delivery_week_edit": ("get", {"pk": "running_decision"}, {404}),
    "decisions:makeup_new": ("get", {"pk": "running_decision"}, {403}),
    "decisions:case_clock": ("get", {"pk": "case"}, {404}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DELIVERY_SPECIAL_EDUCATOR))
def test_the_special_educator_gets_what_the_delivery_rows_say(client, world, objects, name):
    method, kwargs, expected = DELIVERY_SPECIAL_EDUCATOR[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    client.force_login(world.special_educator)
    assert getattr(client, method)(url).status_code in expected


# --- the admin and tenancy (issue 16) --------------------------------------------------------------
# Three more personas, kept apart so rows above need no new columns: Solvik's system
# administrator ("admin", staff, the ADMIN role), Bergtun's ("other_admin"), and the platform
# operator ("platform", staff, the PLATFORM role). On the rows above they get what the director
# gets (no case or child of anyone) except where ADMIN_PERSONA_ROWS says otherwise; the admin's
# own pages are in ADMIN_MATRIX below.

ADMIN_PERSONAS = ["admin", "other_admin", "platform"]


@pytest.fixture
def admin_personas(world):
    from teams.models import Role
    from tests.factories import RoleFactory, UserFactory

    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    other_admin = UserFactory(email="astrid@bergtun.no", is_staff=True)
    RoleFactory(user=other_admin, kind=Role.Kind.ADMIN, municipality=world.other_municipality)
    platform = UserFactory(email="drift@test.no", is_staff=True)
    RoleFactory(user=platform, kind=Role.Kind.PLATFORM)
    return {"admin": world.admin, "other_admin": other_admin, "platform": platform}


def _like_director(name):
    return {p: MATRIX[name][2].get("director", LOGIN) for p in ADMIN_PERSONAS}


STAFF = {"admin": OK, "other_admin": OK, "platform": OK}
ADMIN_PERSONA_ROWS = {
    "admin:index": STAFF,
    "home": STAFF,
    # The access log: Solvik's admin reads Solvik's child; Bergtun's gets 404; the platform
    # operator has no children and no log of them (403, like everyone without the admin role).
    "referrals:access_log_search": {"admin": OK, "other_admin": OK, "platform": {403}},
    "referrals:access_log_child": {"admin": OK, "other_admin": {404}, "platform": {403}},
    "referrals:access_log_user": {"admin": {404}, "other_admin": {404}, "platform": {403}},
    # The director's aggregates are not the system administrator's or the operator's.
    "decisions:dashboard": dict.fromkeys(ADMIN_PERSONAS, {403}),
    "decisions:dashboard_export": dict.fromkeys(ADMIN_PERSONAS, {403}),
    "decisions:national_report": dict.fromkeys(ADMIN_PERSONAS, {403}),
    "decisions:national_report_export": dict.fromkeys(ADMIN_PERSONAS, {403}),
    "teams:team_counts": dict.fromkeys(ADMIN_PERSONAS, {404}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_admins_and_the_platform_operator_get_what_the_matrix_says(
    client, world, objects, admin_personas, name
):
    method, kwargs, _ = MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    expected = {**_like_director(name), **ADMIN_PERSONA_ROWS.get(name, {})}
    failures = []
    for persona in ADMIN_PERSONAS:
        client.force_login(admin_personas[persona])
        response = getattr(client, method)(url)
        if not _as_expected(response, expected[persona]):
            failures.append(f"{persona}: got {response.status_code}, wanted {expected[persona]}")
    assert failures == [], f"{name} {url}: " + "; ".join(failures)


def _as_expected(response, wanted) -> bool:
    if wanted == LOGIN:
        return response.status_code == 302 and reverse("login") in response["Location"]
    return response.status_code in (wanted if isinstance(wanted, set) else {wanted})


# The admin's pages: a changelist for every registered model and the change page of one object
# of each municipality. Everyone who is not staff is sent to the admin's login (302).
ADMIN_LOGIN = {302}
NOT_STAFF = dict.fromkeys(PERSONAS, ADMIN_LOGIN)
TENANT_LIST = {**NOT_STAFF, "admin": OK, "other_admin": OK, "platform": {403}}
OPERATOR_LIST = {**NOT_STAFF, "admin": {403}, "other_admin": {403}, "platform": OK}
BOTH_LIST = {**NOT_STAFF, "admin": OK, "other_admin": OK, "platform": OK}
SOLVIKS = {**NOT_STAFF, "admin": OK, "other_admin": {404}, "platform": {403}}
BERGTUNS = {**NOT_STAFF, "admin": {404}, "other_admin": OK, "platform": {403}}
ADMIN_MATRIX = {
    # (url name, object key or None): expectations
    ("admin:index", None): {**NOT_STAFF, **STAFF},
    ("admin:teams_user_changelist", None): BOTH_LIST,
    ("admin:teams_role_changelist", None): BOTH_LIST,
    ("admin:teams_municipality_changelist", None): BOTH_LIST,
    ("admin:teams_area_changelist", None): TENANT_LIST,
    ("admin:teams_unit_changelist", None): TENANT_LIST,
    ("admin:teams_service_changelist", None): TENANT_LIST,
    ("admin:teams_teammember_changelist", None): TENANT_LIST,
    ("admin:teams_systemwork_changelist", None): TENANT_LIST,
    ("admin:decisions_deadlinepolicy_changelist", None): TENANT_LIST,
    ("admin:referrals_pausereason_changelist", None): TENANT_LIST,
    ("admin:referrals_pausereason_add", None): TENANT_LIST,
    ("admin:teams_pptoffice_changelist", None): OPERATOR_LIST,
    ("admin:teams_taskrun_changelist", None): OPERATOR_LIST,
    ("admin:teams_user_add", None): BOTH_LIST,
    ("admin:teams_municipality_add", None): OPERATOR_LIST,
    # API clients (api/admin.py): the municipality's system administrator's, keys shown once.
    ("admin:api_apiclient_changelist", None): TENANT_LIST,
    ("admin:api_apiclient_add", None): TENANT_LIST,
    # Solvik's objects, then Bergtun's. Users and roles: the platform operator opens only the
    # system administrators (404 for a styrer and her role).
    ("admin:teams_user_change", "styrer_user"): {**SOLVIKS, "platform": {404}},
    ("admin:teams_role_change", "styrer_role"): {**SOLVIKS, "platform": {404}},
    ("admin:teams_unit_change", "unit"): SOLVIKS,
    ("admin:teams_area_change", "area"): SOLVIKS,
    ("admin:decisions_deadlinepolicy_change", "policy"): SOLVIKS,
    ("admin:referrals_pausereason_change", "pause_reason"): SOLVIKS,
    ("admin:teams_service_change", "service"): SOLVIKS,
    ("admin:teams_municipality_change", "municipality"): {**SOLVIKS, "platform": OK},
    ("admin:teams_user_change", "other_user"): {**BERGTUNS, "platform": {404}},
    ("admin:teams_role_change", "other_role"): {**BERGTUNS, "platform": {404}},
    ("admin:teams_unit_change", "other_unit"): BERGTUNS,
    ("admin:teams_area_change", "other_area"): BERGTUNS,
    ("admin:decisions_deadlinepolicy_change", "other_policy"): BERGTUNS,
    ("admin:referrals_pausereason_change", "other_pause_reason"): BERGTUNS,
    ("admin:teams_service_change", "other_service"): BERGTUNS,
    ("admin:teams_municipality_change", "other_municipality"): {**BERGTUNS, "platform": OK},
}


@pytest.fixture
def admin_objects(world):
    from decisions.models import DeadlinePolicy
    from decisions.services import deadline_policy_ensure_defaults
    from referrals.models import PauseReason
    from teams.ressursteam_models import Service

    def service(municipality):
        return Service.objects.create(
            municipality=municipality,
            name="Helsestasjon",
            offers="-",
            age_group="both",
            contact="-",
        ).pk

    deadline_policy_ensure_defaults(world.municipality)
    deadline_policy_ensure_defaults(world.other_municipality)
    policies = DeadlinePolicy.objects.order_by("pk")
    pause_reasons = PauseReason.objects.order_by("pk")
    return {
        "styrer_user": world.styrer_a.pk,
        "styrer_role": world.styrer_a.roles.get().pk,
        "unit": world.unit_a.pk,
        "area": world.north.pk,
        "policy": policies.filter(municipality=world.municipality).first().pk,
        "pause_reason": pause_reasons.filter(municipality=world.municipality).first().pk,
        "service": service(world.municipality),
        "municipality": world.municipality.pk,
        "other_user": world.outsider.pk,
        "other_role": world.outsider.roles.get().pk,
        "other_unit": world.other_unit.pk,
        "other_area": world.other_unit.area_id,
        "other_policy": policies.filter(municipality=world.other_municipality).first().pk,
        "other_pause_reason": pause_reasons.filter(municipality=world.other_municipality)
        .first()
        .pk,
        "other_service": service(world.other_municipality),
        "other_municipality": world.other_municipality.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("row", sorted(ADMIN_MATRIX, key=str), ids=str)
def test_each_persona_gets_what_the_admin_matrix_says(
    client, world, admin_personas, admin_objects, row
):
    name, key = row
    url = reverse(name, args=[admin_objects[key]] if key else [])
    failures = []
    for persona in PERSONAS + ADMIN_PERSONAS:
        client.logout()
        if persona in ADMIN_PERSONAS:
            client.force_login(admin_personas[persona])
        elif persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = client.get(url)
        wanted = ADMIN_MATRIX[row][persona]
        if response.status_code not in wanted:
            failures.append(f"{persona}: got {response.status_code}, wanted {wanted}")
    assert failures == [], f"{name} {url}: " + "; ".join(failures)


# --- the PP-leder (issue 18) ------------------------------------------------------------------
# Two more personas, kept apart like the admins: Solvik's PP-leder ("ppt_leader", of the PPT
# office serving Solvik) reads every case of the office's municipalities (referrals.scoping)
# but works on none and decides none; the PP-leder of an office serving only Bergtun
# ("other_ppt_leader") gets 404 for every case of Solvik. Rows read from the matrix's groups
# (READ, WORK, DECIDE); every other URL is in LEADER_ROWS.

LEADER_PERSONAS = ["ppt_leader", "other_ppt_leader"]
BOTH = dict.fromkeys(LEADER_PERSONAS, OK)
LEADER_GROUPS = [
    (READ, {"ppt_leader": OK, "other_ppt_leader": {404}}),
    (WORK, {"ppt_leader": {403}, "other_ppt_leader": {404}}),
    (DECIDE, {"ppt_leader": {403}, "other_ppt_leader": {404}}),
]
LEADER_ROWS = {
    # a draft letter: the PP-leder reads the case's drafts like an advisor; may not finalise it
    "documents:letter_detail": {"ppt_leader": OK, "other_ppt_leader": {404}},
    "documents:letter_finalise": {"ppt_leader": {403}, "other_ppt_leader": {404}},
    "login": dict.fromkeys(LEADER_PERSONAS, {302}),
    "logout": dict.fromkeys(LEADER_PERSONAS, {302}),
    "set_language": dict.fromkeys(LEADER_PERSONAS, {302}),
    "oidc_authentication_init": dict.fromkeys(LEADER_PERSONAS, {404}),
    "oidc_authentication_callback": dict.fromkeys(LEADER_PERSONAS, {404}),
    "home": BOTH,
    "health_live": BOTH,
    "health_ready": dict.fromkeys(LEADER_PERSONAS, {200, 503}),
    "admin:index": dict.fromkeys(LEADER_PERSONAS, {302}),
    "referrals:caseload": BOTH,
    "referrals:unit_caseload": dict.fromkeys(LEADER_PERSONAS, {403}),
    "referrals:child_new": dict.fromkeys(LEADER_PERSONAS, {403}),
    # the intake list is each PP-leder's own; assigning Solvik's case: only Solvik's PP-leder
    # (a POST without a form: 422, the form's message)
    "referrals:ppt_intake": BOTH,
    "referrals:ppt_intake_assign": {"ppt_leader": {422}, "other_ppt_leader": {404}},
    "decisions:worklist": dict.fromkeys(LEADER_PERSONAS, {403}),
    # letter batches are the office's; a batch is its creator's own
    "documents:batch_list": dict.fromkeys(LEADER_PERSONAS, {403}),
    "documents:batch_new": dict.fromkeys(LEADER_PERSONAS, {403}),
    "documents:batch_detail": dict.fromkeys(LEADER_PERSONAS, {404}),
    "documents:batch_progress": dict.fromkeys(LEADER_PERSONAS, {404}),
    # the annual report is the unit's to write (the advisor's answer); the givers' caseload is
    # the styrer's and the spesialpedagog's; a week's correction without ?uke= is a 404 for all
    "decisions:annual_report": {"ppt_leader": {403}, "other_ppt_leader": {404}},
    "decisions:my_vedtak": dict.fromkeys(LEADER_PERSONAS, {403}),
    "decisions:delivery_week_edit": dict.fromkeys(LEADER_PERSONAS, {404}),
    # issue 19: the move to school is the advisor's work (tests/school_matrix/transition.py)
    "decisions:transition_to_school": {"ppt_leader": {403}, "other_ppt_leader": {404}},
    "decisions:inbox": BOTH,
    "decisions:notification_detail": dict.fromkeys(LEADER_PERSONAS, {404}),
    "decisions:dashboard": BOTH,
    "decisions:dashboard_export": BOTH,
    # the national reports are the director's and the office's, not PPT's
    "decisions:national_report": dict.fromkeys(LEADER_PERSONAS, {403}),
    "decisions:national_report_export": dict.fromkeys(LEADER_PERSONAS, {403}),
    "referrals:access_log_search": dict.fromkeys(LEADER_PERSONAS, {403}),
    "referrals:access_log_child": dict.fromkeys(LEADER_PERSONAS, {403}),
    "referrals:access_log_user": dict.fromkeys(LEADER_PERSONAS, {403}),
    "teams:team_list": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:team_counts": BOTH,
    "teams:unit_team": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:member_new": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:meeting_new": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:meeting_detail": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:meeting_edit": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:consultation_new": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:follow_up_new": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:follow_up_done": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:system_work_new": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:my_work": dict.fromkeys(LEADER_PERSONAS, {404}),
    "teams:service_list": BOTH,
    "referrals:meeting_named": dict.fromkeys(LEADER_PERSONAS, {404}),
    "documents:office_shipments": dict.fromkeys(LEADER_PERSONAS, {403}),
    # issue 19, the IOP part: the PP-leder reads the school's IOPs, writes none
    **school_matrix.iop.LEADER,
    # the JSON API: keys only, a session is a 401; the schema and its page are open
    **{
        name: dict.fromkeys(
            LEADER_PERSONAS, {401} if name not in ("api:schema", "api:docs") else OK
        )
        for name in MATRIX
        if name.startswith("api:")
    },
}

# Issue 19's parts name their PP-leder rows too (tests/school_matrix/<part>.py, LEADER).
# Issue 19's parts say what the PP-leders get on their new URLs (tests/school_matrix/<part>.py).
for _part in school_matrix.PARTS:
    LEADER_ROWS.update(getattr(_part, "LEADER", {}))


def _leader_expected(name) -> dict | None:
    if name in LEADER_ROWS:
        return LEADER_ROWS[name]
    for group, expected in LEADER_GROUPS:
        if MATRIX[name][2] is group:
            return expected
    return None


@pytest.fixture
def leader_personas(world):
    from teams.models import Role
    from tests.factories import PPTOfficeFactory, RoleFactory, UserFactory

    leader = UserFactory(email="lise@test.no", full_name="Lise")
    RoleFactory(user=leader, kind=Role.Kind.PPT_LEADER, ppt_office=world.office_ppt)
    other = UserFactory(email="per@bergtun.no", full_name="Per")
    office = PPTOfficeFactory(
        name="PPT Bergtun og omegn", municipalities=[world.other_municipality]
    )
    RoleFactory(user=other, kind=Role.Kind.PPT_LEADER, ppt_office=office)
    return {"ppt_leader": leader, "other_ppt_leader": other}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_pp_leders_get_what_the_matrix_says(client, world, objects, leader_personas, name):
    expected = _leader_expected(name)
    assert expected is not None, f"add {name} to LEADER_ROWS"
    method, kwargs, _ = MATRIX[name]
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    failures = []
    for persona in LEADER_PERSONAS:
        client.force_login(leader_personas[persona])
        response = getattr(client, method)(url)
        if not _as_expected(response, expected[persona]):
            failures.append(f"{persona}: got {response.status_code}, wanted {expected[persona]}")
    assert failures == [], f"{name} {url}: " + "; ".join(failures)
