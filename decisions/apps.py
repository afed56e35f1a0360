from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Vedtak og frister")

    def ready(self):
        # Connects the case_changed receiver that keeps each case's deadlines current.
        from decisions import services  # noqa: F401
