"""A school's pupils (issue 19): the rektor's and the teachers' list by class, the rektor's
registration of a pupil and the move to another class (referrals/views/pupils.py)."""

from django.urls import path

from referrals.views import pupils

urlpatterns: list = [
    path("elever/", pupils.pupil_list, name="pupil_list"),
    path("elever/ny/", pupils.pupil_new, name="pupil_new"),
    path("elever/<int:pk>/klasse/", pupils.pupil_class, name="pupil_class"),
]
