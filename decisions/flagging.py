"""The morning job: detect deadlines that need the office's attention, then deliver digests.

Detect and deliver are separate steps (STYLE.md "Jobs"). The database decides what is due and
who owns it; Celery only triggers and retries.

- detect(today): one indexed query for unmet, unpaused deadlines whose warning date has come;
  one DeadlineFlag per (deadline, level) and one digest Notification per recipient per day,
  both under unique constraints, so a second run, or two at once, adds nothing. Who is told
  is FLAG_OWNERS (the deadline's owner by law); an acknowledged flag is told no more until
  its deadline reaches a new level (a new flag).
- deliver(notification_id): claims the row with a conditional UPDATE (pending → sending) and
  sends only if exactly one row changed; re-checks that something is still due (a deadline met
  between detect and send sends nothing); on failure the row goes back to pending for a retry.
- sweep(): a row stuck in "sending" (a worker died mid-send) goes back to pending.
"""

import logging
import socket
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from decisions.models import DeadlineFlag, Notification
from referrals import case_kinds, clock
from referrals.clock import DeadlineKind
from teams.models import Role, TaskRun
from teams.scoping import has_role

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STUCK_AFTER = timedelta(minutes=15)
DIGEST = "deadline_digest"
DIGEST_ROWS = 25


class Owner(StrEnum):
    """Who is told of a deadline's flag."""

    # PPT: the case's PP-rådgiver; a case nobody is assigned to (or whose advisor has left)
    # goes to the PP-leder(s) of the PPT office serving the case's municipality.
    PPT = "ppt"
    # The municipality (barnehagekontoret): its office users for the case's kind of unit.
    OFFICE = "office"


@dataclass(frozen=True)
class Ownership:
    owner: Owner
    source: str


# Which deadline is whose, by law: the one place the morning job reads it. A kind not listed
# (a new kind added to referrals.clock.DeadlineKind: the delivery check, …) is the
# municipality's: it decides and answers for the help (barnehageloven § 35), PPT only for its
# sakkyndig vurdering (§ 34).
FLAG_OWNERS: dict[str, Ownership] = {
    DeadlineKind.ASSESSMENT: Ownership(
        Owner.PPT, "barnehageloven § 34: PPT utarbeider den sakkyndige vurderingen"
    ),
    # The municipality sends the foreløpig svar to the parents (forvaltningsloven § 11 a; Udir:
    # "PPT must tell the municipality" when its pace makes the month impossible, DOMAIN.md):
    # the office registers it (referrals.states "provisional_reply"), so the office is told.
    DeadlineKind.PROVISIONAL_REPLY: Ownership(
        Owner.OFFICE,
        "forvaltningsloven § 11 a: kommunen (barnehagekontoret) sender foreløpig svar",
    ),
    DeadlineKind.DECISION: Ownership(
        Owner.OFFICE, "barnehageloven § 35: kommunen fatter vedtak om spesialpedagogisk hjelp"
    ),
    DeadlineKind.HELP_START: Ownership(
        Owner.OFFICE, "barnehageloven § 35: kommunen sørger for at hjelpen gis som vedtatt"
    ),
    DeadlineKind.RENEWAL: Ownership(
        Owner.OFFICE, "barnehageloven § 35: kommunen fatter nytt vedtak før det gamle løper ut"
    ),
    DeadlineKind.ANNUAL_REPORT: Ownership(
        Owner.OFFICE,
        "barnehageloven § 32 tredje ledd: årsrapporten sendes kommunen og PPT; kommunen følger opp",
    ),
    DeadlineKind.APPEAL: Ownership(
        Owner.OFFICE,
        "forvaltningsloven § 33: kommunen (underinstansen) forbereder klagen og sender den videre",
    ),
    DeadlineKind.DELIVERY: Ownership(
        Owner.OFFICE, "barnehageloven § 35: kommunen sørger for at hjelpen gis som vedtatt"
    ),
    # Issue 19, transition part (decisions/transition.py): PPT prepares the school case.
    DeadlineKind.SCHOOL_START: Ownership(
        Owner.PPT,
        "opplæringslova § 11-7 første ledd: PPT skriver den sakkunnige vurderingen skolen "
        "trenger før skolestart (barnehageloven § 31 gjelder til barnet begynner på skolen)",
    ),
}
DEFAULT_OWNERSHIP = Ownership(
    Owner.OFFICE, "barnehageloven § 35: kommunen har ansvaret for hjelpen den har vedtatt"
)


def flag_owner(kind: str) -> Owner:
    """The owner of a deadline kind's flags (FLAG_OWNERS; any other kind: the office)."""
    return FLAG_OWNERS.get(kind, DEFAULT_OWNERSHIP).owner


def ppt_kinds() -> list[str]:
    return sorted(str(kind) for kind, own in FLAG_OWNERS.items() if own.owner == Owner.PPT)


@dataclass
class Detected:
    deadlines: int = 0
    flags_created: int = 0
    notification_ids: list[int] = field(default_factory=list)


def open_flags():
    """Flags whose deadline is still unmet and running: what a digest or the worklist shows."""
    return DeadlineFlag.objects.filter(deadline__met_on__isnull=True, deadline__paused=False)


# The deadlines due on a day: unmet, unpaused, warning date come. One range scan on the partial
# index deadline_open_warn_on: its size is the open work, never the archive.
_DUE = """
    SELECT d.id, d.due_on, d.referral_id, d.kind FROM decisions_deadline d
    WHERE d.met_on IS NULL AND NOT d.paused AND d.warn_on <= %(today)s
"""

# One flag per due deadline at the level it has reached; a flag it already has is skipped.
_FLAG = f"""
    WITH due AS ({_DUE}),
    created AS (
        INSERT INTO decisions_deadlineflag (deadline_id, level, flagged_on, created_at, comment)
        SELECT id, CASE WHEN due_on < %(today)s THEN 'overdue' ELSE 'approaching' END,
               %(today)s, now(), ''
        FROM due
        ON CONFLICT (deadline_id, level) DO NOTHING
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM created)
"""  # noqa: S608 (only the constant _DUE is interpolated)

# Who is told of which flag: each due deadline once, at its most urgent flag, unless that flag
# is acknowledged (a new level is a new flag, told again), to its owner (FLAG_OWNERS): PPT's
# kinds (%(ppt_kinds)s) to the case's active advisor, or without one to the PP-leder(s) of the
# PPT offices serving the case's municipality; every other kind to every active office user of
# its municipality (and kind of unit, when the role names one), or, for a pupil's case where
# the municipality has delegated the vedtak to the rektor (issue 19), to the school's rektor. Read after the flags are
# written (a new statement sees what a concurrent run committed).
# The case kinds whose vedtak the rektor makes where the municipality has delegated it.
_RECTOR_KINDS = ", ".join(
    f"'{kind}'"
    for kind, rule in case_kinds.RULES.items()
    if rule.decided_by == case_kinds.DecidedBy.RECTOR_WHERE_DELEGATED
)

_PAIRS = f"""
    CREATE TEMP TABLE flagging_pairs ON COMMIT DROP AS
    WITH due AS ({_DUE})
    SELECT DISTINCT who.user_id, best.id AS flag_id
    FROM due
    CROSS JOIN LATERAL (
        SELECT f.id, f.acknowledged_at FROM decisions_deadlineflag f
        WHERE f.deadline_id = due.id
        ORDER BY f.level = 'overdue' DESC, f.id LIMIT 1
    ) best
    -- One primary-key lookup per due deadline; OFFSET 0 keeps it that (joined plainly,
    -- PostgreSQL hashed every case of the archive: 1 s at 1,000,000 cases, bench/plans).
    CROSS JOIN LATERAL (
        SELECT r.municipality_id, u.kind, r.advisor_id, r.unit_id,
               COALESCE((SELECT a.is_active FROM teams_user a WHERE a.id = r.advisor_id), FALSE)
                   AS advisor_active,
               -- issue 19: a pupil's case where the municipality has delegated the vedtak to
               -- the rektor (referrals/case_kinds.py DecidedBy.RECTOR_WHERE_DELEGATED)
               (r.kind IN ({_RECTOR_KINDS}) AND m.school_decisions_by_rektor) AS rektor_decides
        FROM referrals_referral r
        JOIN teams_unit u ON u.id = r.unit_id
        JOIN teams_municipality m ON m.id = r.municipality_id
        WHERE r.id = due.referral_id OFFSET 0
    ) c
    CROSS JOIN LATERAL (
        SELECT o.user_id FROM teams_role o
        WHERE NOT (due.kind = ANY(%(ppt_kinds)s))
          AND o.kind = '{Role.Kind.OFFICE}' AND o.municipality_id = c.municipality_id
          AND o.unit_kind IN ('', c.kind) AND NOT c.rektor_decides
        UNION ALL
        -- the rektor decides for the school's pupils where delegated: told in the office's place
        SELECT hr.user_id FROM teams_role hr
        JOIN teams_role_units hu ON hu.role_id = hr.id
        WHERE NOT (due.kind = ANY(%(ppt_kinds)s)) AND c.rektor_decides
          AND hr.kind = '{Role.Kind.UNIT_HEAD}' AND hu.unit_id = c.unit_id
        UNION ALL
        SELECT c.advisor_id WHERE due.kind = ANY(%(ppt_kinds)s) AND c.advisor_active
        UNION ALL
        SELECT l.user_id FROM teams_role l
        JOIN teams_pptoffice_municipalities om ON om.pptoffice_id = l.ppt_office_id
        WHERE due.kind = ANY(%(ppt_kinds)s) AND NOT c.advisor_active
          AND l.kind = '{Role.Kind.PPT_LEADER}' AND om.municipality_id = c.municipality_id
    ) who
    JOIN teams_user p ON p.id = who.user_id AND p.is_active
    WHERE best.acknowledged_at IS NULL
"""  # noqa: S608 (only constants are interpolated)

_DIGESTS = """
    INSERT INTO decisions_notification (recipient_id, day, kind, status, subject, body_text,
                                        body_html, attempts, last_error, created_at)
    SELECT DISTINCT user_id, %(today)s, %(kind)s, 'pending', '', '', '', 0, '', now()
    FROM flagging_pairs
    ON CONFLICT (recipient_id, day, kind) DO NOTHING;
    INSERT INTO decisions_notification_flags (notification_id, deadlineflag_id)
    SELECT n.id, p.flag_id
    FROM flagging_pairs p
    JOIN decisions_notification n ON n.recipient_id = p.user_id AND n.day = %(today)s
                                 AND n.kind = %(kind)s
    ON CONFLICT (notification_id, deadlineflag_id) DO NOTHING;
"""

_PENDING = """
    SELECT n.id FROM decisions_notification n
    WHERE n.day = %(today)s AND n.kind = %(kind)s AND n.status = 'pending'
      AND n.recipient_id IN (SELECT user_id FROM flagging_pairs)
    ORDER BY n.id
"""


@transaction.atomic
def detect(today: date) -> Detected:
    """Flag what is due and queue the day's digests, in SQL: a few set-based statements whatever
    the number of deadlines due (bench/: 0.5 % of 3.5 million deadlines due). With nothing due
    it is one index range scan that finds nothing."""
    params = {"today": today, "kind": DIGEST, "ppt_kinds": ppt_kinds()}
    with connection.cursor() as cursor:
        cursor.execute(_FLAG, params)
        due, created = cursor.fetchone()
        result = Detected(deadlines=due, flags_created=created)
        if due:
            cursor.execute("DROP TABLE IF EXISTS flagging_pairs")
            cursor.execute(_PAIRS, params)
            cursor.execute(_DIGESTS, params)
            cursor.execute(_PENDING, params)
            result.notification_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE flagging_pairs")
    _record_run(today, result)
    return result


def _record_run(today: date, result: Detected) -> None:
    TaskRun.objects.create(
        name="flag_deadlines",
        hostname=socket.gethostname()[:200],
        detail=f"{today:%Y-%m-%d}: {result.deadlines} due, {result.flags_created} new flags, "
        f"{len(result.notification_ids)} digests",
    )


def _list_of(user) -> tuple[str, str]:
    """The page a digest links to, and its name: the office's worklist, the PP-leder's
    intake, else the advisor's caseload."""
    if has_role(user, Role.Kind.OFFICE):
        return "decisions:worklist", _("arbeidslisten")
    if has_role(user, Role.Kind.PPT_LEADER):
        return "referrals:ppt_intake", _("inntakslisten")
    return "referrals:caseload", _("saksoversikten")


def digest_context(notification: Notification) -> dict:
    flags = list(
        open_flags()
        # acknowledged since the morning run: nothing more to tell
        .filter(notifications=notification, acknowledged_at__isnull=True)
        .select_related("deadline__referral__unit", "deadline__referral__advisor")
        .order_by("deadline__due_on")
    )
    today = notification.day
    list_url, list_name = _list_of(notification.recipient)
    rows = [
        {
            "reference": f.deadline.referral.reference,
            "unit": f.deadline.referral.unit.name,
            "kind": f.deadline.get_kind_display(),
            "due_on": f.deadline.due_on,
            "days": (f.deadline.due_on - today).days,
            "late": (today - f.deadline.due_on).days,
            "url": settings.SITE_URL
            + reverse("referrals:case_detail", args=[f.deadline.referral_id]),
            # An open flag's deadline is unmet and unpaused: the clock says overdue or not.
            "overdue": clock.deadline_state(f.deadline.due_on, today=today)[0]
            == clock.State.OVERDUE,
        }
        for f in flags
    ]
    overdue = [r for r in rows if r["overdue"]]
    approaching = [r for r in rows if not r["overdue"]]
    return {
        "recipient": notification.recipient,
        "day": today,
        # An e-mail lists at most DIGEST_ROWS per group; the worklist has them all.
        "overdue": overdue[:DIGEST_ROWS],
        "overdue_more": max(0, len(overdue) - DIGEST_ROWS),
        "overdue_total": len(overdue),
        "approaching": approaching[:DIGEST_ROWS],
        "approaching_more": max(0, len(approaching) - DIGEST_ROWS),
        "approaching_total": len(approaching),
        "worklist_url": settings.SITE_URL + reverse(list_url),
        "list_name": list_name,
    }


def deliver(notification_id: int) -> bool:
    """Send one digest if this process wins the claim; True when it was sent."""
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False  # another worker has it, or it was sent or cancelled
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    with translation.override("nb"):
        context = digest_context(notification)
        if not context["overdue"] and not context["approaching"]:
            Notification.objects.filter(pk=notification.pk).update(
                status=Notification.Status.CANCELLED
            )
            return False
        subject = render_to_string("emails/deadline_digest_subject.txt", context).strip()
        text = render_to_string("emails/deadline_digest_body.txt", context)
        html = render_to_string("emails/deadline_digest_body.html", context)
    try:
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email]
        )
        message.attach_alternative(html, "text/html")
        _send_accepted(message)
    except Exception as exc:
        status = (
            Notification.Status.FAILED
            if notification.attempts >= MAX_ATTEMPTS
            else Notification.Status.PENDING
        )
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=status, last_error=str(exc)[:500]
        )
        log.warning(
            "notification %s not sent (attempt %s): %s",
            notification.pk,
            notification.attempts,
            type(exc).__name__,
        )
        raise
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        subject=subject,
        body_text=text,
        body_html=html,
        last_error="",
    )
    return True


def _send_accepted(message) -> None:
    """Send one message; return once the mail server has accepted it.

    The connection is closed separately: a failure after the server's 250 (QUIT timing out,
    the server hanging up) must not put the row back to pending, or the digest would be sent
    again (the fault suite's SIGKILL test caught exactly that under load)."""
    mailer = mail.get_connection()
    mailer.open()
    try:
        mailer.send_messages([message])
    finally:
        try:
            mailer.close()
        except Exception as exc:  # the message was accepted; only the goodbye failed
            log.warning("mail connection not closed cleanly: %s", type(exc).__name__)


def sweep(now=None) -> int:
    """Put rows stuck in "sending" (their worker died) back to pending."""
    now = now or timezone.now()
    # NOTIFICATION_STUCK_SECONDS (default STUCK_AFTER): longer than any one send may take.
    stuck_after = (
        timedelta(seconds=getattr(settings, "NOTIFICATION_STUCK_SECONDS", 0)) or STUCK_AFTER
    )
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - stuck_after
    ).update(status=Notification.Status.PENDING)


def pending_ids(limit: int = 200) -> list[int]:
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(Q(attempts__lt=MAX_ATTEMPTS))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
