"""Issue 19: the school's IOP (opplæringslova § 11-10) and årleg evaluering (§ 11-11)
(decisions/school_views.py; included by the app's urls.py, so the names are decisions:…)."""

from django.urls import path

from decisions import school_views

urlpatterns = [
    path("iop/", school_views.iop_list, name="iop_list"),
    path("saker/<int:pk>/iop/", school_views.iop_case, name="iop_case"),
    path("iop/<int:pk>/", school_views.iop_detail, name="iop_detail"),
    path("iop/<int:pk>/ferdig/", school_views.iop_finalise, name="iop_finalise"),
    path("iop/<int:pk>/ny-versjon/", school_views.iop_new_version, name="iop_new_version"),
    path("iop/<int:pk>/evaluering/", school_views.evaluation_new, name="evaluation_new"),
    path("evalueringer/<int:pk>/", school_views.evaluation_detail, name="evaluation_detail"),
    path("evalueringer/<int:pk>/del/", school_views.evaluation_share, name="evaluation_share"),
]
