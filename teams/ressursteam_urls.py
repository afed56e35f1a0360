"""URLs of the ressursteam, system work and the services overview (namespace "teams")."""

from django.urls import path

from teams import ressursteam_views as views

app_name = "teams"

urlpatterns = [
    path("ressursteam/", views.team_list, name="team_list"),
    path("ressursteam/tall/", views.team_counts, name="team_counts"),
    path("ressursteam/enhet/<int:pk>/", views.unit_team, name="unit_team"),
    path("ressursteam/enhet/<int:pk>/medlem/ny/", views.member_new, name="member_new"),
    path("ressursteam/enhet/<int:pk>/mote/ny/", views.meeting_new, name="meeting_new"),
    path("ressursteam/mote/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("ressursteam/mote/<int:pk>/endre/", views.meeting_edit, name="meeting_edit"),
    path("ressursteam/mote/<int:pk>/drofting/ny/", views.consultation_new, name="consultation_new"),
    path("ressursteam/mote/<int:pk>/oppfolging/ny/", views.follow_up_new, name="follow_up_new"),
    path("ressursteam/oppfolging/<int:pk>/utfort/", views.follow_up_done, name="follow_up_done"),
    path("systemarbeid/ny/", views.system_work_new, name="system_work_new"),
    path("mitt-arbeid/", views.my_work, name="my_work"),
    path("tjenester/", views.service_list, name="service_list"),
]
