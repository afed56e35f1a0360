"""The case's state table: its statuses, their named groups, and every action with the
statuses it may start from and the status it moves to.

The one place these rules are written. The services check ``allowed(action, status)`` under
their row lock; the case page's buttons, the worklist's actions, the dashboard's phases and
the demo read the same table. A new status or case kind is one edit here plus its service.
Pure Python (no models): referrals/models.py takes ``Status`` from here as its choices.
"""

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    """Referral.Status: the database's choices (order matters: it is the path of a case)."""

    DRAFT = "draft", _("Utkast")
    AWAITING_CONSENT = "awaiting_consent", _("Venter på samtykke")
    RECEIVED = "received", _("Mottatt")
    ASSESSING = "assessing", _("Utredning pågår")
    ASSESSED = "assessed", _("Sakkyndig vurdering ferdig")
    DECIDED = "decided", _("Vedtak fattet")
    APPEALED = "appealed", _("Klage")
    HELP_STARTED = "help_started", _("Hjelpen er i gang")
    CLOSED = "closed", _("Avsluttet")
    WITHDRAWN = "withdrawn", _("Trukket")


S = Status

# --- the named groups (tuples in the order of Status, so a group can be read as a path) -----

# The clock runs (T0 is set) and no decision is made yet.
UNDECIDED = (S.RECEIVED, S.ASSESSING, S.ASSESSED)
# Before the vedtak: the referral's content may still change and the case may be withdrawn.
BEFORE_DECISION = (S.DRAFT, S.AWAITING_CONSENT, *UNDECIDED)
# The referral is in, no vedtak yet: forvaltningsloven § 11 a's provisional reply may be sent.
REPLYABLE = (S.AWAITING_CONSENT, *UNDECIDED)
# A vedtak stands.
DECIDED = (S.DECIDED, S.HELP_STARTED)
# Nothing more happens to the case.
CLOSED = (S.CLOSED, S.WITHDRAWN)
# Cases still on their way to the help (ReferralQuerySet.open(), the actions below, the
# dashboard's phases, the styrer's need to know).
OPEN = tuple(s for s in S if s not in CLOSED and s != S.HELP_STARTED)
# Every case not closed or withdrawn, a running vedtak too: the caseload's default list and the
# partial indexes in Referral.Meta that serve it.
NOT_CLOSED = tuple(s for s in S if s not in CLOSED)


@dataclass(frozen=True)
class Action:
    starts_from: tuple[Status, ...]
    moves_to: Status | None = None  # None: the status stays


ACTIONS: dict[str, Action] = {
    # referrals/services.py
    "submit": Action((S.DRAFT,), S.AWAITING_CONSENT),
    # consent and referral both in: the clock starts (T0)
    "receive": Action((S.AWAITING_CONSENT,), S.RECEIVED),
    "consent": Action(OPEN),
    "assign": Action(OPEN),
    # The case page offers "Endre henvisningen" until the vedtak (the referral's content is then
    # settled); the service still takes an edit of any open case (a moved unit after a klage).
    "edit_referral": Action(BEFORE_DECISION),
    "update_referral": Action(OPEN),
    "start_assessment": Action((S.RECEIVED,), S.ASSESSING),
    "edit_assessment": Action((S.ASSESSING,)),
    "assess": Action((S.ASSESSING,), S.ASSESSED),
    "withdraw": Action(BEFORE_DECISION, S.WITHDRAWN),
    # a withdrawn consent the work rests on stops the case
    "stop_without_consent": Action(UNDECIDED, S.WITHDRAWN),
    "pause": Action(UNDECIDED),
    "resume": Action(OPEN),
    "upload": Action(NOT_CLOSED),
    # decisions/services.py
    "provisional_reply": Action(REPLYABLE),
    # barnehageloven § 34: the sakkyndig vurdering must exist before the municipality decides.
    "decide": Action((S.ASSESSED, S.APPEALED), S.DECIDED),
    "help_start": Action((S.DECIDED,), S.HELP_STARTED),
    # forvaltningsloven § 42: a pending appeal does not stop the vedtak (unless its execution is
    # deferred, decisions.services); the case stays appealed until the appeal is decided.
    "help_start_during_appeal": Action((S.APPEALED,)),
    "appeal": Action(DECIDED, S.APPEALED),
    "appeal_upheld": Action((S.APPEALED,), S.DECIDED),
    "appeal_upheld_after_help": Action((S.APPEALED,), S.HELP_STARTED),
    # --- the life of a running vedtak (decisions/services.py, case life) ---
    # Barnehageloven § 32 third paragraph: once a year the one who gives the help writes a
    # report on the help given and the child's development, while a vedtak runs (also during
    # an appeal: forvaltningsloven § 42, the vedtak stands until the appeal is decided).
    "annual_report": Action((*DECIDED, S.APPEALED)),
    # Sivilombudet (Porsgrunn): reassess the need well before a vedtak runs out. The renewal
    # (a new assessment: a new case linked to this one; or a decision to continue) leaves this
    # case's status as it is. Not from a closed case: nothing runs there to renew.
    "renew": Action(DECIDED),
    # An endringsvedtak changes a standing vedtak (an enkeltvedtak of its own, forvaltningsloven
    # §§ 24–25 and barnehageloven §§ 32, 35). Not while an appeal is pending: the appeal body
    # then decides the vedtak (forvaltningsloven § 33), and a reversed appeal is a new vedtak.
    "change_decision": Action(DECIDED),
    # Closing: the help ends (the period ran out, school start, moved, withdrawn, not needed).
    # Not while an appeal is pending (forvaltningsloven §§ 32–33: the appeal must be decided,
    # or withdrawn by the parents, before the case can end; the office updates it first).
    "close": Action(DECIDED, S.CLOSED),
    # Reopening is a new case linked to the closed one; the closed case stays closed.
    "reopen": Action((S.CLOSED,)),
    # decisions/delivery.py: the help given per week under a running vedtak (also while an
    # appeal is pending, forvaltningsloven § 42); the office's etterlevering of owed hours
    # may still be settled after the case has closed.
    "deliver": Action((S.HELP_STARTED, S.APPEALED)),
    "makeup": Action((S.HELP_STARTED, S.APPEALED, *CLOSED)),
}


def allowed(action: str, status: str) -> bool:
    """May ``action`` start from ``status``? (A KeyError for an action the table lacks.) The
    rule of a case of barnehageloven § 31, the first kind; for a case of any kind use
    allowed_for."""
    return status in ACTIONS[action].starts_from


def moves_to(action: str) -> Status | None:
    return ACTIONS[action].moves_to


# --- per case kind (referrals/case_kinds.py) ------------------------------------------------

# Barnehageloven § 37 and opplæringslova §§ 11-4, 11-5 need no sakkyndig vurdering (the kind's
# rule: assessment_required False): the vedtak may be made once the referral and consent are in,
# also while PPT writes an assessment anyway (or after it).
DECIDE_WITHOUT_ASSESSMENT = Action((S.RECEIVED, S.ASSESSING, S.ASSESSED, S.APPEALED), S.DECIDED)


def assessment_needed(kind: str, *, covering_case: bool = False) -> bool:
    """Does the vedtak of a case of ``kind`` need a sakkyndig vurdering? The kind's rule; and,
    for opplæringslova §§ 11-4 and 11-5, also when the pupil has a case of the kind that covers
    it (``covering_case``: a § 11-6 case; § 11-7 first paragraph: the vedtak of personleg
    assistanse or fysisk tilrettelegging for a pupil who also needs individuelt tilrettelagd
    opplæring needs the sakkyndig vurdering, one for all)."""
    from referrals import case_kinds  # pure Python, no models

    rule = case_kinds.rule(kind)
    return rule.assessment_required or bool(covering_case and rule.covered_by_assessment_of)


def kind_actions(
    kind: str, *, covering_case: bool = False, covering_assessed: bool = False
) -> dict[str, Action]:
    """The state table of a case of ``kind``: ACTIONS with the kind's rules applied.
    ``covering_case``: the pupil also has a case whose assessment covers this one (see
    assessment_needed); ``covering_assessed``: that case's assessment is completed, and
    serves this case's vedtak (§ 11-7 first paragraph)."""
    actions = dict(ACTIONS)
    if not assessment_needed(kind, covering_case=covering_case) or covering_assessed:
        actions["decide"] = DECIDE_WITHOUT_ASSESSMENT
    return actions


def allowed_for(
    action: str,
    status: str,
    kind: str,
    *,
    covering_case: bool = False,
    covering_assessed: bool = False,
) -> bool:
    """May ``action`` start from ``status`` in a case of ``kind`` (referrals/case_kinds.py)?
    What the services check under their row lock and the case page's buttons offer."""
    table = kind_actions(kind, covering_case=covering_case, covering_assessed=covering_assessed)
    return status in table[action].starts_from


def refusal(action: str, status: str, kind: str, *, covering_case: bool = False) -> str | None:
    """Why ``action`` may not start from ``status`` in a case of ``kind`` because of the kind's
    law (a Norwegian message naming its paragraph), or None."""
    from django.utils.translation import gettext as _

    from referrals import case_kinds

    rule = case_kinds.rule(kind)
    if (
        action == "decide"
        and status in (S.RECEIVED, S.ASSESSING)
        and assessment_needed(kind, covering_case=covering_case)
    ):
        source = rule.assessment_source
        if not rule.assessment_required:  # §§ 11-4, 11-5 of a pupil who also has a § 11-6 case
            source = case_kinds.rule(rule.covered_by_assessment_of[0]).assessment_source
        return _("Vedtak etter %(basis)s krever en ferdig sakkyndig vurdering (%(source)s).") % {
            "basis": rule.legal_basis,
            "source": source,
        }
    return None
