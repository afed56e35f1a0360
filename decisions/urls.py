from django.urls import include, path

from decisions import case_life_views, delivery_views, national_report_views, views
from decisions.dashboard import views as dashboard_views

app_name = "decisions"

urlpatterns = [
    path("arbeidsliste/", views.worklist, name="worklist"),
    path("flagg/<int:pk>/kvitter/", views.flag_acknowledge, name="flag_acknowledge"),
    path("saker/<int:pk>/frister/", views.case_clock, name="case_clock"),
    path(
        "saker/<int:pk>/forelopig-svar/", views.provisional_reply_new, name="provisional_reply_new"
    ),
    path("saker/<int:pk>/vedtak/", views.decision_new, name="decision_new"),
    path("saker/<int:pk>/vedtak/forkynt/", views.decision_notified, name="decision_notified"),
    path("saker/<int:pk>/hjelp-startet/", views.help_start, name="help_start"),
    path("saker/<int:pk>/klage/", views.appeal_new, name="appeal_new"),
    path("klager/<int:pk>/", views.appeal_update, name="appeal_update"),
    # the case's life after the vedtak (decisions/case_life_views.py)
    path("saker/<int:pk>/arsrapport/", case_life_views.annual_report, name="annual_report"),
    path("saker/<int:pk>/fornyelse/", case_life_views.renewal_start, name="renewal_start"),
    path(
        "saker/<int:pk>/videreforing/",
        case_life_views.decision_continue,
        name="decision_continue",
    ),
    path("saker/<int:pk>/endringsvedtak/", case_life_views.decision_change, name="decision_change"),
    path("saker/<int:pk>/avslutt/", case_life_views.case_close, name="case_close"),
    path("saker/<int:pk>/gjenapne/", case_life_views.case_reopen, name="case_reopen"),
    path("varsler/", views.inbox, name="inbox"),
    path("varsler/<int:pk>/", views.notification_detail, name="notification_detail"),
    # help delivered against help decided (issue 18)
    path("mine-vedtak/", delivery_views.my_vedtak, name="my_vedtak"),
    path("vedtak/<int:pk>/hjelp/", delivery_views.delivery_page, name="delivery_page"),
    path(
        "vedtak/<int:pk>/hjelp/endre-uke/",
        delivery_views.delivery_week_edit,
        name="delivery_week_edit",
    ),
    path("vedtak/<int:pk>/etterlevering/", delivery_views.makeup_new, name="makeup_new"),
    path("oversikt/", dashboard_views.dashboard, name="dashboard"),
    path(
        "oversikt/eksport/<slug:table>.<str:fmt>",
        dashboard_views.export,
        name="dashboard_export",
    ),
    # the national reports, BASIL and GSI (issue 21): aggregates, under the director's segment
    path(
        "oversikt/nasjonal-rapport/", national_report_views.national_report, name="national_report"
    ),
    path(
        "oversikt/nasjonal-rapport/eksport.<str:fmt>",
        national_report_views.national_report_export,
        name="national_report_export",
    ),
    path("", include("decisions.urls_school")),  # issue 19
    path("", include("decisions.urls_transition")),  # issue 19
]
