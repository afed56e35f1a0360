"""Letters (documents/letter_views.py): a new draft from a case, the draft and final letter
pages, and the canonical PDF download of any final document."""

from django.urls import path

from . import letter_views

urlpatterns = [
    path("saker/<int:pk>/brev/ny/<str:kind>/", letter_views.letter_new, name="letter_new"),
    path("dokumenter/<int:pk>/brev/", letter_views.letter_detail, name="letter_detail"),
    path(
        "dokumenter/<int:pk>/brev/ferdigstill/",
        letter_views.letter_finalise,
        name="letter_finalise",
    ),
    path(
        "dokumenter/<int:pk>/brev/ny-versjon/",
        letter_views.letter_new_version,
        name="letter_new_version",
    ),
    path("dokumenter/<int:pk>/pdf/", letter_views.document_pdf, name="document_pdf"),
]
