"""Reading a case's documents and journal: the only way views reach Document and JournalEntry.

Who sees a document follows who sees its case (referrals.scoping.visible_referrals: the
advisor, the PP-leder, the office, the styrer of the unit; the director and the administrator
see no child's case, so no document). One narrowing, decided here:

- A styrer or rektor (unit_head) sees the case's final documents and incoming documents, but
  not PPT's internal notes nor drafts. The unit is not part of PPT or of the office that
  decides: an internal note is PPT's own preparation (forvaltningsloven § 18 a, organinterne
  dokumenter: not even the parents may demand it) and a draft is not yet a document of the
  case; the unit's need to know is the help, which the final letters carry
  (personopplysningsloven / GDPR art. 5 (1) c, data minimisation). The journal entries of
  notes are left out for them too, as their titles would tell what the notes say.
  A unit head who also holds an advisor's, PP-leder's or office role sees them.

The pdf column is never loaded in a list (.defer("pdf")): a case with 50 letters would read
megabytes to print a table.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from documents.models import Document, JournalEntry
from referrals.scoping import FULL_CASE_ROLES, visible_referrals
from teams.scoping import has_role

NOTE = Document.Kind.NOTE
FINAL = Document.Status.FINAL
# Key in an incoming document's texts naming why it is withheld from the parents (services).
WITHHELD = "withheld_from_parties"


def sees_internal_documents(user) -> bool:
    """PPT's notes and drafts: for PPT and the office, not for the unit's head (see above).
    No query: the roles are read once per request."""
    return has_role(user, *FULL_CASE_ROLES)


def _narrowed(user, documents: QuerySet[Document]) -> QuerySet[Document]:
    if sees_internal_documents(user):
        return documents
    return documents.filter(status=FINAL).exclude(kind=NOTE)


def visible_documents(user) -> QuerySet[Document]:
    """The documents of the cases ``user`` sees (narrowed for a unit head)."""
    cases = visible_referrals(user).order_by().values("pk")
    return _narrowed(user, Document.objects.filter(referral__in=cases))


def get_document_for_user(user, pk) -> Document:
    """One document with its PDF and its case, or 404 (an administrator too)."""
    return get_object_or_404(visible_documents(user).select_related("referral"), pk=pk)


def case_documents(user, referral) -> list[Document]:
    """The documents tab's list: one query, without the PDF bytes."""
    documents = (
        Document.objects.filter(referral=referral)
        .defer("pdf")
        .select_related("finalised_by", "created_by")
        .order_by("created_at", "pk")
    )
    return list(_narrowed(user, documents))


def case_journal(user, referral) -> list[JournalEntry]:
    """The case's journal in document-number order (one query)."""
    entries = JournalEntry.objects.filter(referral=referral).order_by("number_in_case")
    if not sees_internal_documents(user):
        entries = entries.exclude(direction=JournalEntry.Direction.NOTE)
    return list(entries)


def parents_documents(referral) -> list[Document]:
    """What the parents may see as one bundle (forvaltningsloven § 18: a party may see the
    case's documents), in the order they came into the case, each with its journal number:

    - final documents only: a draft is not a document of the case yet;
    - not internal notes (forvaltningsloven § 18 a: organinterne dokumenter);
    - not one marked as withheld when it was registered (forvaltningsloven § 19, with the
      provision named, as § 21 asks of a refusal).
    One query, PDFs included (they are what the bundle is made of)."""
    first_entry = JournalEntry.objects.filter(document=OuterRef("pk")).order_by("pk")
    return list(
        Document.objects.filter(referral=referral, status=FINAL)
        .exclude(kind=NOTE)
        .exclude(Q(texts__has_key=WITHHELD))
        .annotate(
            journal_year=Subquery(first_entry.values("year")[:1]),
            journal_sequence=Subquery(first_entry.values("sequence")[:1]),
        )
        .order_by("created_at", "pk")
    )
