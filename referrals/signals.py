"""The one explicit signal by which news of a case travels upward (DESIGN.md).

``case_changed`` is sent by every referral service function, inside its transaction, with
``referral`` (the locked, saved Referral) and ``action`` (the journal action). decisions/
listens to it to recompute the case's deadlines; no post_save handler carries domain flow.
"""

from django.dispatch import Signal

case_changed = Signal()
