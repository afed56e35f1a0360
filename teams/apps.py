from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Organisasjon")

    def ready(self):
        # Connects the user_logged_in receiver that starts a session's clocks.
        from teams import sessions  # noqa: F401
