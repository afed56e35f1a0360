"""Every change to a child or a case: one small transactional function per action.

Each locks what it reads, checks the state, saves with update_fields, writes a journal event
and sends ``case_changed`` (decisions recomputes the clock). Edits use optimistic locking: the
caller names the version it started from, and a stale edit raises StaleEdit with the changes
made in between, so nothing is silently overwritten. Errors are domain exceptions with a
Norwegian message; views show them next to the form.

A package by feature (base, registration, consent, case, pause); every public name is
re-exported here, so ``from referrals.services import X`` is the way in.
"""

from referrals.services.base import (  # noqa: F401 (re-exported)
    CaseError,
    StaleEdit,
    TransitionError,
    case_event_record,
    date_check,
    referral_lock,
    referral_move,
    referral_set_next_deadline,
)
from referrals.services.case import (  # noqa: F401 (re-exported)
    ASSESSMENT_REQUIRED,
    ASSESSMENT_REQUIRED_FOR_HELP,
    assessment_elements,
    assessment_required_fields,
    assessment_save,
    covering_facts,
    referral_assign,
    referral_start_assessment,
    referral_withdraw,
)
from referrals.services.consent import (  # noqa: F401 (re-exported)
    assessment_consent_given,
    consent_register,
    consent_withdraw,
    consent_withdrawal_check,
    decision_consent_given,
    pupil_may_consent,
    referral_submit,
)
from referrals.services.pause import (  # noqa: F401 (re-exported)
    pause_correct_end,
    pause_reasons_ensure_defaults,
    referral_pause,
    referral_resume,
)
from referrals.services.registration import (  # noqa: F401 (re-exported)
    OpenReferralExists,
    child_find,
    child_find_or_register,
    child_update,
    guardian_add,
    guardian_update,
    parse_child_id_number,
    referral_create,
    referral_update,
    refuse_second_open_referral,
)
