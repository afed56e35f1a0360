"""The schema (OpenAPI 3, drf-spectacular) and the documentation page: Swagger UI from
drf-spectacular-sidecar's files, served by the project (no CDN). Its start-up script is a file
of its own (SpectacularSwaggerSplitView serves it), so the page runs under the site's CSP
unchanged: scripts from our origin only, its one <style> carrying the request's nonce."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = []
    permission_classes = [AllowAny]
    url_name = "api:schema"
    template_name = "api/swagger_ui.html"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "<nøkkel-id>.<hemmelighet>",
            "description": (
                "Nøkkelen fra administrasjonen (API-klienter), vist én gang da klienten ble "
                "opprettet: «Authorization: Bearer <nøkkel-id>.<hemmelighet>»."
            ),
        }
