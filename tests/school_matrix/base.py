"""Access matrix entries of issue 19: base (see tests/school_matrix/__init__.py).

SCHOOL: every URL that existed before issue 19 (tests/test_access_matrix.py MATRIX: the same
names, kwargs and objects) for the school personas: the rektor of school S (rektor_a), the
rektor of school T (rektor_b), the kontaktlærer of class 5A at S (teacher) and the
municipality's school office (school_office: an OFFICE role with unit_kind school).

The objects of the main matrix are a kindergarten's (unit A): a kindergarten case, its child,
documents, decisions, the ressursteam of unit A. None of the school personas sees them (404);
a list or action page that is not their role's is 403; their own lists are 200. The pupils'
own cases are tested in tests/referrals/test_pupils.py and tests/school_matrix/pupils.py.
"""

SCHOOL_PERSONAS = ("rektor_a", "rektor_b", "teacher", "school_office")
OK = {200}
NOBODY = dict.fromkeys(SCHOOL_PERSONAS, {404})
REFUSED = dict.fromkeys(SCHOOL_PERSONAS, {403})
API = dict.fromkeys(SCHOOL_PERSONAS, {401})
EVERYONE = dict.fromkeys(SCHOOL_PERSONAS, OK)
REDIRECT = dict.fromkeys(SCHOOL_PERSONAS, {302})
# Readiness is 503 here: no Celery worker answers in the test (tests/test_access_matrix.py).
READY = dict.fromkeys(SCHOOL_PERSONAS, {200, 503})
OFFICE_ONLY = {**REFUSED, "school_office": OK}
RECTORS_ONLY = {**REFUSED, "rektor_a": OK, "rektor_b": OK}

MAIN: dict = {}
SCHOOL: dict = {
    # The admin: none of them is staff (its login page).
    "admin:index": ("get", {}, REDIRECT),
    # The JSON API: keys only, a person's session is a 401; its schema and page are open.
    "api:case_deadlines": ("get", {"pk": "case"}, API),
    "api:case_decisions": ("get", {"pk": "case"}, API),
    "api:case_detail": ("get", {"pk": "case"}, API),
    "api:case_documents": ("get", {"pk": "case"}, API),
    "api:case_flags": ("get", {"pk": "case"}, API),
    "api:case_list": ("get", {}, API),
    "api:decision_detail": ("get", {"pk": "running_decision"}, API),
    "api:decision_weeks": ("get", {"pk": "running_decision"}, API),
    "api:docs": ("get", {}, EVERYONE),
    "api:document_detail": ("get", {"pk": "case"}, API),
    "api:document_pdf": ("get", {"pk": "case"}, API),
    "api:flag_acknowledge": ("post", {"pk": "flag"}, API),
    "api:schema": ("get", {}, EVERYONE),
    "api:statistics": ("get", {}, API),
    # The case of the matrix is a kindergarten case of unit A (area north): no school persona
    # sees it. The rektors head schools, not unit A (referrals.scoping._headed_q); the teacher
    # sees only the pupils of class 5A (_taught_q); the school office is an OFFICE role with
    # unit_kind school, so its case units are the municipality's schools (teams.scoping).
    "decisions:annual_report": ("get", {"pk": "case"}, NOBODY),
    "decisions:appeal_new": ("get", {"pk": "case"}, NOBODY),
    "decisions:appeal_update": ("get", {"pk": "appeal"}, NOBODY),
    "decisions:case_clock": ("get", {"pk": "case"}, NOBODY),
    "decisions:case_close": ("get", {"pk": "case"}, NOBODY),
    "decisions:case_reopen": ("get", {"pk": "case"}, NOBODY),
    # The office's pages (aggregates, worklist, letter batches, shipments): the school office
    # holds the office's role; the rektors and the teacher do not.
    "decisions:dashboard": ("get", {}, OFFICE_ONLY),
    "decisions:dashboard_export": ("get", {"table": "faser", "fmt": "csv"}, OFFICE_ONLY),
    "decisions:decision_change": ("get", {"pk": "case"}, NOBODY),
    "decisions:decision_continue": ("get", {"pk": "case"}, NOBODY),
    "decisions:decision_new": ("get", {"pk": "case"}, NOBODY),
    "decisions:decision_notified": ("get", {"pk": "case"}, NOBODY),
    "decisions:delivery_page": ("get", {"pk": "running_decision"}, NOBODY),
    "decisions:delivery_week_edit": ("get", {"pk": "running_decision"}, NOBODY),
    "decisions:flag_acknowledge": ("post", {"pk": "flag"}, NOBODY),
    "decisions:help_start": ("get", {"pk": "case"}, NOBODY),
    # Everyone's own notices.
    "decisions:inbox": ("get", {}, EVERYONE),
    "decisions:makeup_new": ("get", {"pk": "running_decision"}, NOBODY),
    # The vedtak a styrer/rektor's unit gives help under: the rektors (their schools), not the
    # teacher or the office.
    "decisions:my_vedtak": ("get", {}, RECTORS_ONLY),
    "decisions:national_report": ("get", {}, OFFICE_ONLY),
    "decisions:national_report_export": ("get", {"fmt": "csv"}, OFFICE_ONLY),
    "decisions:notification_detail": ("get", {"pk": "notification"}, NOBODY),
    "decisions:provisional_reply_new": ("get", {"pk": "case"}, NOBODY),
    "decisions:renewal_start": ("get", {"pk": "case"}, NOBODY),
    "decisions:worklist": ("get", {}, OFFICE_ONLY),
    "documents:batch_detail": ("get", {"pk": "batch"}, NOBODY),
    "documents:batch_list": ("get", {}, OFFICE_ONLY),
    "documents:batch_new": ("get", {}, OFFICE_ONLY),
    "documents:batch_progress": ("get", {"pk": "batch"}, NOBODY),
    "documents:case_documents": ("get", {"pk": "case"}, NOBODY),
    "documents:case_shipments": ("get", {"pk": "case"}, NOBODY),
    "documents:document_pdf": ("get", {"pk": "letter_final"}, NOBODY),
    "documents:document_print": ("get", {"pk": "document"}, NOBODY),
    "documents:document_send": ("post", {"pk": "sent_letter"}, NOBODY),
    "documents:document_view": ("get", {"pk": "document"}, NOBODY),
    "documents:incoming_new": ("get", {"pk": "case"}, NOBODY),
    "documents:letter_detail": ("get", {"pk": "letter_draft"}, NOBODY),
    "documents:letter_finalise": ("post", {"pk": "letter_draft"}, NOBODY),
    "documents:letter_new": ("post", {"pk": "case", "kind": "decision"}, NOBODY),
    "documents:letter_new_version": ("post", {"pk": "letter_final"}, NOBODY),
    "documents:note_new": ("get", {"pk": "case"}, NOBODY),
    "documents:office_shipments": ("get", {}, OFFICE_ONLY),
    "documents:parents_bundle": ("get", {"pk": "case"}, NOBODY),
    "documents:shipment_retry": ("post", {"pk": "shipment"}, NOBODY),
    "health_live": ("get", {}, EVERYONE),
    "health_ready": ("get", {}, READY),
    "home": ("get", {}, EVERYONE),
    "login": ("get", {}, REDIRECT),
    "logout": ("post", {}, REDIRECT),
    "oidc_authentication_callback": ("get", {}, NOBODY),
    "oidc_authentication_init": ("get", {}, NOBODY),
    # The access log is the municipality's administrator's.
    "referrals:access_log_child": ("get", {"pk": "child"}, REFUSED),
    "referrals:access_log_search": ("get", {}, REFUSED),
    "referrals:access_log_user": ("get", {"pk": 1}, REFUSED),
    "referrals:assessment_edit": ("get", {"pk": "case"}, NOBODY),
    "referrals:attachment_download": ("get", {"pk": "case", "attachment_pk": "attachment"}, NOBODY),
    "referrals:attachment_upload": ("post", {"pk": "case"}, NOBODY),
    "referrals:case_detail": ("get", {"pk": "case"}, NOBODY),
    "referrals:case_history": ("get", {"pk": "case"}, NOBODY),
    "referrals:case_transition": ("post", {"pk": "case", "action": "pause"}, NOBODY),
    # /saker/: every case role (the rektors as unit heads, the school office); the teacher's
    # list is /elever/ (tests/school_matrix/pupils.py).
    "referrals:caseload": ("get", {}, {**EVERYONE, "teacher": {403}}),
    "referrals:child_detail": ("get", {"pk": "child"}, NOBODY),
    "referrals:child_edit": ("get", {"pk": "child"}, NOBODY),
    # Registering a child is PPT's (the rektor registers pupils at /elever/ny/).
    "referrals:child_new": ("get", {}, REFUSED),
    "referrals:consent_new": ("get", {"pk": "case"}, NOBODY),
    "referrals:consent_withdraw": ("get", {"pk": "case", "consent_pk": "consent"}, NOBODY),
    "referrals:consultation_consent_new": ("get", {"pk": "child"}, NOBODY),
    "referrals:consultation_consent_withdraw": (
        "get",
        {"pk": "child", "consent_pk": "consultation_consent"},
        NOBODY,
    ),
    "referrals:consultation_detail": ("get", {"pk": "consultation"}, NOBODY),
    "referrals:consultation_new": ("get", {"pk": "child"}, NOBODY),
    "referrals:consultation_referral": ("get", {"pk": "consultation"}, NOBODY),
    "referrals:guardian_edit": ("get", {"pk": "guardian"}, NOBODY),
    "referrals:guardian_new": ("get", {"pk": "child"}, NOBODY),
    "referrals:meeting_named": ("get", {"pk": "meeting"}, NOBODY),
    # The PP-leder's intake.
    "referrals:ppt_intake": ("get", {}, REFUSED),
    "referrals:ppt_intake_assign": ("post", {"pk": "case"}, REFUSED),
    "referrals:referral_edit": ("get", {"pk": "case"}, NOBODY),
    "referrals:referral_new": ("get", {"pk": "child"}, NOBODY),
    # /min-enhet/: the unit heads' (the rektors).
    "referrals:unit_caseload": ("get", {}, RECTORS_ONLY),
    "set_language": ("post", {}, REDIRECT),
    # The ressursteam of unit A: its advisor and its styrer only; the list is the unit heads'
    # and the advisors' (teams.ressursteam_scoping), not the teacher's or the office's.
    "teams:consultation_new": ("get", {"pk": "meeting"}, NOBODY),
    "teams:follow_up_done": ("post", {"pk": "follow_up"}, NOBODY),
    "teams:follow_up_new": ("get", {"pk": "meeting"}, NOBODY),
    "teams:meeting_detail": ("get", {"pk": "meeting"}, NOBODY),
    "teams:meeting_edit": ("get", {"pk": "meeting"}, NOBODY),
    "teams:meeting_new": ("get", {"pk": "unit"}, NOBODY),
    "teams:member_new": ("get", {"pk": "unit"}, NOBODY),
    "teams:my_work": ("get", {}, NOBODY),
    "teams:service_list": ("get", {}, EVERYONE),
    "teams:system_work_new": ("get", {}, NOBODY),
    "teams:team_counts": ("get", {}, NOBODY),
    "teams:team_list": ("get", {}, {**NOBODY, "rektor_a": OK, "rektor_b": OK}),
    "teams:unit_team": ("get", {"pk": "unit"}, NOBODY),
}


def objects(world) -> dict:
    return {}
