"""Letter batches (documents/batch_views.py): /brevbunker/…"""

from django.urls import path

from documents import batch_views

urlpatterns = [
    path("brevbunker/", batch_views.batch_list, name="batch_list"),
    path("brevbunker/ny/", batch_views.batch_new, name="batch_new"),
    path("brevbunker/<int:pk>/", batch_views.batch_detail, name="batch_detail"),
    path("brevbunker/<int:pk>/fremdrift/", batch_views.batch_progress, name="batch_progress"),
]
