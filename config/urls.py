from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ops import health
from teams import oidc
from teams.forms import LoginForm

urlpatterns = [
    # Liveness and readiness for the load balancer and monitoring (ops/health.py).
    path("helse/", health.liveness, name="health_live"),
    path("helse/klar/", health.readiness_view, name="health_ready"),
    path(
        "logg-inn/",
        oidc.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (teams/oidc.py): always routed, a 404 unless OIDC_RP_CLIENT_ID is set.
    # Not mozilla_django_oidc.urls, whose views fail without the settings and whose
    # logout answers a GET.
    path("oidc/authenticate/", oidc.OIDCStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("referrals.urls")),
    path("", include("decisions.urls")),
    path("", include("documents.urls")),
    path("", include("teams.urls")),
    path("", include("teams.ressursteam_urls")),
]

handler403 = "teams.errors.permission_denied"
handler404 = "teams.errors.page_not_found"
# 503 with Retry-After when the database is unreachable, else teams.errors.server_error.
handler500 = "ops.errors.server_error"
