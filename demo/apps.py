from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The synthetic demo (manage.py seed_demo): it may import every app; no product app imports
    it, so the product runs the same without it."""

    name = "demo"
    verbose_name = _("Demodata")
