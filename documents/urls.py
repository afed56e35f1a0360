"""The documents app's pages, one module per part (letters, journal, dispatch, batches)."""

from django.urls import include, path

app_name = "documents"

urlpatterns = [
    path("", include("documents.urls_letters")),
    path("", include("documents.urls_journal")),
    path("", include("documents.urls_dispatch")),
    path("", include("documents.urls_batch")),
]
