"""The case's documents tab and journal, reading a document, and the parents' bundle."""

from django.urls import path

from documents import views

urlpatterns = [
    path("saker/<int:pk>/dokumenter/", views.case_documents, name="case_documents"),
    path("saker/<int:pk>/dokumenter/innkommet/", views.incoming_new, name="incoming_new"),
    path("saker/<int:pk>/dokumenter/notat/", views.note_new, name="note_new"),
    path("saker/<int:pk>/dokumenter/samlet/", views.parents_bundle, name="parents_bundle"),
    path("dokumenter/<int:pk>/vis/", views.document_view, name="document_view"),
    path("dokumenter/<int:pk>/utskrift/", views.document_print, name="document_print"),
]
