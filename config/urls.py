from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from teams.forms import LoginForm

urlpatterns = [
    path(
        "logg-inn/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("referrals.urls")),
    path("", include("decisions.urls")),
    path("", include("teams.urls")),
]

handler403 = "teams.errors.permission_denied"
handler404 = "teams.errors.page_not_found"
handler500 = "teams.errors.server_error"
