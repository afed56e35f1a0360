"""Letters for many cases at once (issue 20, deliverable 7): the office starts a batch (say,
every foreløpig svar due this week), a Celery job makes the letters one case at a time, and the
batch page shows its progress from the row the job updates.

- ``letter_batch_start`` (the service the page calls) keeps only the cases the user may make
  that letter for, and makes one batch of a double click (the form's one-time token in the
  view, and here a short window per user, kind and cases under an advisory lock).
- ``letter_batch_run`` (the job, documents/batch_tasks.py) makes each case's letter in its own
  transaction together with the batch's progress: a case's letter and its line in ``results``
  are committed together or not at all, so a worker that dies mid-case leaves nothing half
  done, and a rerun skips the cases already in ``results`` (no duplicate letters).
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from documents.models import Document, LetterBatch
from referrals.models import Referral
from referrals.scoping import visible_referrals

log = logging.getLogger(__name__)

# The letters a batch can make: those made from the case alone (a vedtak's letter needs its
# vedtak, an appeal's its appeal: one at a time, from the case page).
BATCH_KINDS = (Document.Kind.PROVISIONAL_REPLY,)
# At most this many cases per batch: a run stays well inside the task's time limit
# (config/celery.py: 25 minutes; bench/letters.py: 200 letters in well under a minute).
MAX_CASES = 500
# A second start of the same batch (same user, kind and cases) within this window is the
# same click: the first batch is returned.
SAME_CLICK = timedelta(seconds=30)
# A failing case's reason when it is not a refusal the user can act on (logged in full).
TECHNICAL = "Teknisk feil: brevet kunne ikke lages. Prøv igjen, eller lag det fra saken."


def _letters():
    """The letter service (documents/letter_services.py), imported late: it loads the
    renderer, which the pages that only read a batch do not need."""
    from documents import letter_services

    return letter_services


def may_make_letter(user, referral: Referral, kind: str) -> bool:
    """The letter service's own rule (letter_services.may_write: a foreløpig svar is the
    office's, referrals.scoping.can_decide), for a case the user sees."""
    return _letters().may_write(user, referral, kind)


def batch_cases(user, kind: str, referral_ids) -> list[int]:
    """The ids of ``referral_ids`` (in their order, each once) the user may see and make
    ``kind`` for; the others are left out without a word (a 404's silence)."""
    wanted = list(dict.fromkeys(int(pk) for pk in referral_ids))
    rows = visible_referrals(user).filter(pk__in=wanted).select_related("unit")
    allowed = {r.pk for r in rows if may_make_letter(user, r, kind)}
    return [pk for pk in wanted if pk in allowed]


def letter_batch_start(
    user,
    kind: str,
    referral_ids,
    *,
    finalise: bool = False,
    texts: dict | None = None,
    send: bool = True,
) -> LetterBatch:
    """Start a batch of ``kind`` letters for the cases of ``referral_ids`` the user may make it
    for; the job is queued once the batch is committed. ``texts``: the free-text parts every
    letter of the batch shares (a foreløpig svar's reason). Raises DomainError for an unknown
    kind, too many cases or none at all."""
    if kind not in BATCH_KINDS:
        raise DomainError(_("Denne brevtypen kan ikke lages for mange saker samtidig."))
    ids = batch_cases(user, kind, referral_ids)
    if not ids:
        raise DomainError(_("Ingen av sakene kan få dette brevet fra deg."))
    if len(ids) > MAX_CASES:
        raise DomainError(_("Høyst %(n)s saker i én bunke. Velg færre saker.") % {"n": MAX_CASES})
    with transaction.atomic():
        # One start at a time per user: the second of two quick clicks waits here, then
        # finds the first batch below.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [20_07, user.pk])
        same = (
            LetterBatch.objects.filter(
                created_by=user,
                kind=kind,
                referral_ids=ids,
                created_at__gte=timezone.now() - SAME_CLICK,
            )
            .order_by("-created_at")
            .first()
        )
        if same is not None:
            return same
        batch = LetterBatch.objects.create(
            kind=kind, referral_ids=ids, total=len(ids), created_by=user
        )
        if send:
            transaction.on_commit(lambda: _enqueue(batch.pk, finalise, texts or {}))
    return batch


# The name the brief uses; the service name follows STYLE.md's <entity>_<verb>.
def start_batch(user, kind, referral_ids, *, finalise: bool = False, texts=None) -> LetterBatch:
    return letter_batch_start(user, kind, referral_ids, finalise=finalise, texts=texts)


def _enqueue(batch_id: int, finalise: bool, texts: dict) -> None:
    from documents.batch_tasks import run_letter_batch

    try:
        # What the batch's row does not hold (whether to finalise, the shared texts) travels
        # with the task; a task redelivered after a crash carries them again.
        run_letter_batch.delay(batch_id, finalise, texts)
    except Exception:  # the broker is down: the batch stays queued, visible on its page
        log.exception("letter batch %s could not be queued", batch_id)


# --- the job ------------------------------------------------------------------------------------


def letter_batch_run(
    batch_id: int, *, finalise: bool = False, texts: dict | None = None
) -> LetterBatch:
    """Make the batch's letters, one case at a time, in order (unscoped: the job has no
    request; each case is checked against the batch's owner's rights as it is made). Safe to
    run twice, also at the same time: each case is claimed under the batch's row lock and
    skipped when ``results`` already has it."""
    claimed = LetterBatch.objects.filter(
        pk=batch_id, status__in=[LetterBatch.Status.QUEUED, LetterBatch.Status.RUNNING]
    ).update(status=LetterBatch.Status.RUNNING)
    batch = LetterBatch.objects.select_related("created_by").get(pk=batch_id)
    if not claimed:
        return batch  # finished already
    for referral_id in batch.referral_ids:
        _run_case(batch_id, referral_id, batch.created_by, finalise=finalise, texts=texts or {})
    with transaction.atomic():
        batch = LetterBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != LetterBatch.Status.FINISHED:
            batch.status = LetterBatch.Status.FINISHED
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "finished_at"])
    return batch


def _run_case(batch_id: int, referral_id: int, user, *, finalise: bool, texts: dict) -> None:
    """One case: its letter and the batch's progress in one transaction."""
    with transaction.atomic():
        batch = LetterBatch.objects.select_for_update().get(pk=batch_id)
        if any(row["referral"] == referral_id for row in batch.results):
            return  # made before a crash, or by a competing worker
        document_id, error = _make_letter(
            batch.kind, referral_id, user, finalise=finalise, texts=texts
        )
        batch.results = [
            *batch.results,
            {"referral": referral_id, "document": document_id, "error": error},
        ]
        batch.done = F("done") + 1
        if error:
            batch.failed = F("failed") + 1
        batch.save(update_fields=["results", "done", "failed"])


def _make_letter(
    kind: str, referral_id: int, user, *, finalise: bool, texts: dict
) -> tuple[int | None, str]:
    """(the letter's id or None, the reason it failed or ""). The case's open draft of this
    kind is reused (letter_services.create_draft), its texts kept and only its empty parts
    filled. A letter the case lacks data for is kept as a draft that names what is missing
    (the case worker completes it) and counts as failed with that message; any other error
    rolls the case back."""
    letters = _letters()
    try:
        with transaction.atomic():
            referral = visible_referrals(user).select_related("unit").filter(pk=referral_id).first()
            if referral is None or not may_make_letter(user, referral, kind):
                raise PermissionDenied
            document = letters.create_draft(actor=user, referral_id=referral_id, kind=kind)
            wanted = {**texts, **_case_texts(kind, referral)}
            filled = {**wanted, **{k: v for k, v in document.texts.items() if v}}
            if filled != document.texts:
                document = letters.update_texts(
                    actor=user, document_id=document.pk, version=document.version, texts=filled
                )
            lacking = _missing(document)
            if lacking:
                return document.pk, lacking
            if finalise:
                document = letters.finalise(actor=user, document_id=document.pk)
            return document.pk, ""
    except PermissionDenied:
        return None, _("Du har ikke lenger tilgang til å lage dette brevet for saken.")
    except DomainError as exc:
        return None, exc.message[:500]
    except Exception:
        log.exception("letter batch: case %s, %s", referral_id, kind)
        return None, _(TECHNICAL)


def _case_texts(kind: str, referral: Referral) -> dict:
    """The free-text parts each case fills in itself. A foreløpig svar says when the parents
    can expect an answer (forvaltningsloven § 11 a andre ledd): the case's own vedtak deadline
    (decisions' clock), if it has one; without it the letter names the date as missing."""
    if kind != Document.Kind.PROVISIONAL_REPLY:
        return {}
    from decisions.models import Deadline
    from referrals.clock import DeadlineKind

    due = (
        Deadline.objects.filter(referral=referral, kind=DeadlineKind.DECISION, met_on__isnull=True)
        .values_list("due_on", flat=True)
        .first()
    )
    return {"expected_on": due.isoformat()} if due else {}


def _missing(document: Document) -> str:
    """What the letter lacks, as the letter module words it ("" when it is complete)."""
    from documents.letters import missing

    return " ".join(missing(document))


# --- reads (the batch pages) --------------------------------------------------------------------


def batches_of(user) -> QuerySet[LetterBatch]:
    """The user's own batches, newest first; anyone else's is not there (a 404)."""
    return LetterBatch.objects.filter(created_by=user)


def batch_for(user, pk) -> LetterBatch:
    """The user's own batch, else a 404 (another user's, another municipality's: never a hint)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(batches_of(user), pk=pk)


def batch_result_rows(user, batch: LetterBatch) -> list[dict]:
    """The batch's results in order, each with its case (if the user still sees it) and its
    letter: two queries however many rows."""
    results = batch.results
    referrals = (
        visible_referrals(user)
        .select_related("child")
        .in_bulk([row["referral"] for row in results])
    )
    documents = (
        Document.objects.filter(
            referral__in=referrals.values(),
            pk__in=[row["document"] for row in results if row.get("document")],
        )
        .only("pk", "status", "title", "kind", "referral_id")
        .in_bulk()
        if referrals
        else {}
    )
    return [
        {
            "referral": referrals.get(row["referral"]),
            "document": documents.get(row.get("document")),
            "error": row.get("error") or "",
        }
        for row in results
    ]
