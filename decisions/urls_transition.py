"""Issue 19: urls_transition (its part owns this module; included by the app's urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
