from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Vedtak og frister")

    def ready(self):
        # Connects the case_changed receiver that keeps each case's deadlines current.
        from decisions import services  # noqa: F401

        # The access log finds the child of a refused or shown appeal, decision or flag
        # (referrals does not import decisions; decisions tells it).
        from referrals.access_log import AccessLogEntry, register_child_lookup

        Obj = AccessLogEntry.ObjectType
        register_child_lookup(Obj.APPEAL, "decisions.Appeal", "decision__referral__child_id")
        register_child_lookup(Obj.DECISION, "decisions.Decision", "referral__child_id")
        register_child_lookup(Obj.FLAG, "decisions.DeadlineFlag", "deadline__referral__child_id")
        register_child_lookup(Obj.IOP, "decisions.Iop", "referral__child_id")  # issue 19
        register_child_lookup(Obj.EVALUATION, "decisions.AnnualEvaluation", "referral__child_id")
