"""How the journal hears of what comes in through the case's own services (docs/architecture.md,
"How news travels up"): referrals' services send ``case_changed`` once at their end, inside their
transaction, with the case row locked; decisions' appeal_register sends it for an appeal.

- "referral.submitted": PPT has received the referral → the referral and the attachments
  uploaded while it was a draft are journalled (arkivforskrifta § 14: every incoming
  saksdokument);
- "attachment.uploaded" on a received case → the new attachment;
- "appeal.received" → the appeal, from the guardians.

Connected in DocumentsConfig.ready. A draft case is never journalled."""

from django.dispatch import receiver

from documents import services
from referrals.models import CaseEvent
from referrals.signals import case_changed

# A case reaches "received" (consent) only after it was submitted, and journalled then.
RECEIVED_ACTIONS = {"referral.submitted", "attachment.uploaded"}


def _actor(referral, action: str):
    """Who did it: the signal names the case and the action; the service's journal event of
    that action (written just before, in the same transaction) names the user."""
    event = (
        CaseEvent.objects.filter(referral=referral, action=action)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    return event.actor if event else None


@receiver(case_changed, dispatch_uid="documents.journal_incoming")
def journal_on_case_change(sender, referral, action=None, actions=(), **kwargs):
    actions = set(actions or ()) | {action}
    appeal = kwargs.get("appeal")
    if "appeal.received" in actions and appeal is not None:
        actor = kwargs.get("actor") or _actor(referral, "appeal.received")
        services.journal_appeal(referral=referral, appeal=appeal, actor=actor)
    touched = actions & RECEIVED_ACTIONS
    if touched:
        actor = kwargs.get("actor")
        services.journal_case_received(
            referral=referral,
            # Looked up only when something is journalled (an upload to a draft is not).
            actor=actor if actor is not None else lambda: _actor(referral, sorted(touched)[0]),
        )
