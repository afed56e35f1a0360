from django.urls import include, path

from referrals.views import access_log, attachments, case, caseload, history, intake, registration

app_name = "referrals"

urlpatterns = [
    # caseloads
    path("saker/", caseload.caseload, name="caseload"),
    path("min-enhet/", caseload.unit_caseload, name="unit_caseload"),
    # the PP-leder's intake: received cases without an advisor
    path("saker/inntak/", intake.ppt_intake, name="ppt_intake"),
    path("saker/<int:pk>/inntak/tildel/", intake.ppt_intake_assign, name="ppt_intake_assign"),
    # children, guardians, referrals, consent
    path("barn/ny/", registration.child_new, name="child_new"),
    path("barn/<int:pk>/", registration.child_detail, name="child_detail"),
    path("barn/<int:pk>/endre/", registration.child_edit, name="child_edit"),
    path("barn/<int:pk>/foresatte/ny/", registration.guardian_new, name="guardian_new"),
    path("foresatte/<int:pk>/endre/", registration.guardian_edit, name="guardian_edit"),
    path("barn/<int:pk>/henvisning/ny/", registration.referral_new, name="referral_new"),
    path("saker/<int:pk>/endre/", registration.referral_edit, name="referral_edit"),
    path("saker/<int:pk>/samtykke/ny/", registration.consent_new, name="consent_new"),
    path(
        "saker/<int:pk>/samtykke/<int:consent_pk>/trekk/",
        registration.consent_withdraw,
        name="consent_withdraw",
    ),
    # the case page, its transitions and the assessment
    path("saker/<int:pk>/", case.case_detail, name="case_detail"),
    path("saker/<int:pk>/handling/<slug:action>/", case.case_transition, name="case_transition"),
    path("saker/<int:pk>/vurdering/", case.assessment_edit, name="assessment_edit"),
    # attachments
    path("saker/<int:pk>/vedlegg/ny/", attachments.attachment_upload, name="attachment_upload"),
    path(
        "saker/<int:pk>/vedlegg/<int:attachment_pk>/",
        attachments.attachment_download,
        name="attachment_download",
    ),
]

# the access log (innsynslogg), for the municipality's system administrator
urlpatterns += [
    path("tilgangslogg/", access_log.access_log_search, name="access_log_search"),
    path("tilgangslogg/barn/<int:pk>/", access_log.access_log_child, name="access_log_child"),
    path("tilgangslogg/bruker/<int:pk>/", access_log.access_log_user, name="access_log_user"),
]

# the case's change history (pghistory)
urlpatterns += [
    path("saker/<int:pk>/historikk/", history.case_history, name="case_history"),
]

# named consultations (drøftinger med navn) in the ressursteam
from referrals import consultations_views  # noqa: E402

urlpatterns += [
    path(
        "ressursteam/mote/<int:pk>/drofting-med-navn/",
        consultations_views.meeting_named,
        name="meeting_named",
    ),
    path(
        "barn/<int:pk>/drofting/samtykke/",
        consultations_views.consultation_consent_new,
        name="consultation_consent_new",
    ),
    path(
        "barn/<int:pk>/drofting/samtykke/<int:consent_pk>/trekk/",
        consultations_views.consultation_consent_withdraw,
        name="consultation_consent_withdraw",
    ),
    path(
        "barn/<int:pk>/drofting/ny/",
        consultations_views.consultation_new,
        name="consultation_new",
    ),
    path("drofting/<int:pk>/", consultations_views.consultation_detail, name="consultation_detail"),
    path(
        "drofting/<int:pk>/henvisning/",
        consultations_views.consultation_referral,
        name="consultation_referral",
    ),
    path("", include("referrals.urls_unit_referrals")),  # issue 19
    path("", include("referrals.urls_pupils")),  # issue 19
]
