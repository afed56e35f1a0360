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

        # A new municipality gets the default pause reasons (issue 18): configuration, not a
        # case's domain flow, so a post_save is enough (teams may not import referrals).
        from django.db.models.signals import post_save

        from teams.models import Municipality

        post_save.connect(
            _municipality_pause_reasons,
            sender=Municipality,
            dispatch_uid="referrals.pause_reasons_for_new_municipality",
        )


def _municipality_pause_reasons(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from referrals.services.pause import pause_reasons_ensure_defaults

        pause_reasons_ensure_defaults(instance.pk)
