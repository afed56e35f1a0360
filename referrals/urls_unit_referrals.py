"""Issue 19, item 4: the referral written by the kindergarten or school, PPT's arrivals and
the parents' own request (referrals/views/unit_referral.py; included by referrals/urls.py)."""

from django.urls import path

from referrals.views import unit_referral as views

urlpatterns = [
    # the styrer's or rektor's own referrals
    path("henvisninger/", views.unit_referral_list, name="unit_referral_list"),
    path("henvisninger/ny/", views.unit_referral_new, name="unit_referral_new"),
    path("henvisninger/<int:pk>/", views.unit_referral_edit, name="unit_referral_edit"),
    path(
        "henvisninger/<int:pk>/samtykke/",
        views.unit_referral_consent,
        name="unit_referral_consent",
    ),
    path("henvisninger/<int:pk>/send/", views.unit_referral_send, name="unit_referral_send"),
    # PPT: what the units have sent, and receiving it
    path("saker/innkomne/", views.arrived_list, name="arrived_list"),
    path("saker/<int:pk>/motta/", views.referral_receive, name="referral_receive"),
    # PPT registers the parents' own request
    path(
        "barn/<int:pk>/foreldreanmodning/",
        views.parents_request_new,
        name="parents_request_new",
    ),
]
