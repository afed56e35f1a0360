from django.db import models

from referrals import states


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=states.OPEN)

    def for_units(self, unit_ids):
        return self.filter(unit_id__in=unit_ids)

    def with_list_data(self):
        """What a caseload row shows, in one query."""
        return self.select_related("child", "unit", "advisor")
