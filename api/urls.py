"""/api/v1/: the JSON API, its OpenAPI schema and its documentation page (api/docs.py)."""

from django.urls import path

from api import docs, views

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("cases/", views.CaseList.as_view(), name="case_list"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case_detail"),
    path("cases/<int:pk>/deadlines/", views.CaseDeadlines.as_view(), name="case_deadlines"),
    path("cases/<int:pk>/flags/", views.CaseFlags.as_view(), name="case_flags"),
    path("cases/<int:pk>/decisions/", views.CaseDecisions.as_view(), name="case_decisions"),
    path("cases/<int:pk>/documents/", views.CaseDocuments.as_view(), name="case_documents"),
    path("flags/<int:pk>/acknowledge/", views.FlagAcknowledge.as_view(), name="flag_acknowledge"),
    path("decisions/<int:pk>/", views.DecisionDetail.as_view(), name="decision_detail"),
    path(
        "decisions/<int:pk>/delivery-weeks/", views.DecisionWeeks.as_view(), name="decision_weeks"
    ),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document_detail"),
    path("documents/<int:pk>/pdf/", views.DocumentPdf.as_view(), name="document_pdf"),
    path("statistics/", views.Statistics.as_view(), name="statistics"),
]
