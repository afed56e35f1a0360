"""The one explicit signal by which news of a case travels upward (DESIGN.md).

``case_changed`` is sent once by every referral service function that changes a case, at its
end and inside its transaction, with ``referral`` (the locked, saved Referral), ``action``
(its last journal action) and ``actions`` (every journal action it wrote: a submit may also
start the clock). decisions/ listens to it to recompute the case's deadlines; decisions' own
services recompute directly and do not send it. No post_save handler carries domain flow.
"""

from django.dispatch import Signal

case_changed = Signal()
