"""The clock's vocabulary, in one pure module: the kinds of deadline, the states a deadline
can be in, and the one function that decides the state.

No models, no database, no wall clock: ``today`` is an argument. decisions/deadlines.py (the
engine), the deadline badge (referrals/templatetags/deadlines.py: caseloads, case page,
worklist) all call ``deadline_state``. It lives in referrals/ so that referrals' badge can use
it: referrals never imports decisions.
"""

from datetime import date, timedelta
from enum import StrEnum

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class DeadlineKind(TextChoices):
    """The kinds of deadline on a case's clock (the choices of Deadline.kind, DeadlinePolicy.kind
    and Referral.next_deadline_kind)."""

    PROVISIONAL_REPLY = "provisional_reply", _("Foreløpig svar")
    ASSESSMENT = "assessment", _("Sakkyndig vurdering")
    DECISION = "decision", _("Vedtak")
    HELP_START = "help_start", _("Hjelpen starter")
    RENEWAL = "renewal", _("Ny vurdering før vedtaket løper ut")
    ANNUAL_REPORT = "annual_report", _("Årsrapport")
    # Forvaltningsloven § 33: the office prepares an appeal and, unless it reverses its vedtak,
    # sends it to Statsforvalteren "så snart saken er tilrettelagt" (the policy's days).
    APPEAL = "appeal", _("Klagen sendes Statsforvalteren")
    # Not computed from the case's dates: decisions/delivery.py's morning check opens it when
    # the help delivered falls under the municipality's threshold, and meets it when it is back.
    DELIVERY = "delivery", _("Levert hjelp under terskel")
    # Issue 19: a child with a running § 31 vedtak who starts school in August; PPT is flagged
    # in the spring before (the policy's date) to prepare the school case (opplæringslova
    # § 11-7: a new assessment and vedtak under chapter 11).
    SCHOOL_START = "school_start", _("Overgang til skolen")


class State(StrEnum):
    NONE = "none"  # no deadline (a case whose clock has not started)
    OK = "ok"
    APPROACHING = "approaching"
    OVERDUE = "overdue"
    PAUSED = "paused"
    MET = "met"
    MET_LATE = "met_late"


def deadline_state(
    due_on: date | None,
    *,
    today: date,
    warn_on: date | None = None,
    warning_days: int | None = None,
    met_on: date | None = None,
    paused: bool = False,
) -> tuple[State, int]:
    """The state of a deadline on ``today`` and its days: left (ok, approaching, paused),
    over (overdue) or late (met late). The warning window starts on ``warn_on``, or
    ``warning_days`` before the due date (the same day: warn_on = due_on − warning_days).
    Met wins over paused, paused over overdue: a paused deadline is not flagged."""
    if due_on is None:
        return State.NONE, 0
    if met_on is not None:
        late = (met_on - due_on).days
        return (State.MET_LATE, late) if late > 0 else (State.MET, 0)
    left = (due_on - today).days
    if paused:
        return State.PAUSED, left
    if left < 0:
        return State.OVERDUE, -left
    if warn_on is None and warning_days is not None:
        warn_on = due_on - timedelta(days=warning_days)
    if warn_on is not None and today >= warn_on:
        return State.APPROACHING, left
    return State.OK, left
