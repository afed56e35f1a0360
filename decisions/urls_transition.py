"""Issue 19: the move from kindergarten to school (decisions/transition_views.py); included by
the app's urls.py, so the name is decisions:transition_to_school."""

from django.urls import path

from decisions import transition_views

urlpatterns: list = [
    path(
        "saker/<int:pk>/overgang-skole/",
        transition_views.transition_to_school,
        name="transition_to_school",
    ),
]
