"""Dispatch (documents/dispatch/): send a final letter, the case's shipments, the office's
list of shipments not yet sent."""

from django.urls import path

from documents.dispatch import views

urlpatterns = [
    path("dokumenter/<int:pk>/send/", views.document_send, name="document_send"),
    path("saker/<int:pk>/forsendelser/", views.case_shipments, name="case_shipments"),
    path("forsendelser/", views.office_shipments, name="office_shipments"),
    path("forsendelser/<int:pk>/prov-igjen/", views.shipment_retry, name="shipment_retry"),
]
