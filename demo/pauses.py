"""The pause ledger in the demo (issue 18): a few of Solvik's cases paused through the services
with each default reason, one with two pauses back to back (waiting for consent, then for
documents), and one open pause the parents asked for. Idempotent: nothing is added once the
demo's open pause exists."""

from datetime import date, timedelta

from referrals.models import Pause, PauseReason, Referral
from referrals.services import referral_pause

OPEN_NOTE = "Foreldrene ba om å vente til barnet er tilbake fra ferie."


def seed_pause_ledger(org, *, today: date) -> int:
    """Pause three of Solvik's undecided cases; returns how many pauses it registered."""
    solvik = org.municipalities[0]
    if Pause.objects.filter(referral__municipality=solvik, note=OPEN_NOTE).exists():
        return 0
    advisor = org.users["advisor"]
    reasons = {r.code: r for r in PauseReason.objects.choosable(solvik.pk)}
    cases = list(
        Referral.objects.filter(
            municipality=solvik,
            status__in=[Referral.Status.RECEIVED, Referral.Status.ASSESSING],
            t0__lte=today - timedelta(days=30),
            pauses__isnull=True,
        ).order_by("pk")[:3]
    )
    plans = [
        [
            ("venter-pa-samtykke", 3, 10, "Venter på samtykke fra far (delt foreldreansvar)."),
            ("venter-pa-dokumenter", 10, 20, "Venter på pedagogisk rapport fra barnehagen."),
        ],
        [("barnet-utilgjengelig", 5, 12, "Barnet var innlagt på sykehus.")],
        [("foresatte-ber-om-utsettelse", None, None, OPEN_NOTE)],
    ]
    count = 0
    for case, plan in zip(cases, plans, strict=False):
        for code, start, end, note in plan:
            if start is None:  # the open one: from a few days ago
                started, ended = max(case.t0, today - timedelta(days=6)), None
            else:
                started, ended = case.t0 + timedelta(days=start), case.t0 + timedelta(days=end)
            referral_pause(
                referral_id=case.pk,
                started_on=started,
                ended_on=ended,
                reason=reasons[code],
                note=note,
                actor=advisor,
            )
            count += 1
    return count
