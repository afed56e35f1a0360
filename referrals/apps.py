from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Barn og henvisninger")

    def ready(self):
        # teams asks for the names of a unit's children and for case figures through
        # teams.hooks, since teams never imports referrals (see teams/hooks.py).
        from referrals.consultations import register_team_hooks

        register_team_hooks()
