"""The parents' bundle (forvaltningsloven §§ 18–19): every final document they may see as one
PDF, a cover page first; internal notes (§ 18 a), drafts and withheld documents (§ 19) left
out; logged for the case and for each document handed out."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents import selectors
from documents.models import Document
from referrals.access_log import AccessLogEntry
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.documents.conftest import final_document


@pytest.fixture
def case(world):
    with frozen_today(date(2026, 12, 1)):
        case = case_at("assessing", world=world)
    final_document(case, title="Svar fra foreldrene", pages=1, by=world.advisor)
    final_document(case, title="Vedtak om hjelp", kind=Document.Kind.DECISION, pages=2)
    final_document(case, title="Notat etter møte", kind=Document.Kind.NOTE, pages=3)
    final_document(
        case,
        title="Uttalelse om søsken",
        pages=4,
        texts={"withheld_from_parties": "forvaltningsloven § 19 første ledd bokstav c"},
    )
    Document.objects.create(referral=case, kind=Document.Kind.DECISION, title="Utkast til vedtak")
    return case


@pytest.mark.django_db
def test_the_parents_documents_leave_out_notes_drafts_and_withheld(case):
    titles = [d.title for d in selectors.parents_documents(case)]
    assert titles == ["Svar fra foreldrene", "Vedtak om hjelp"]


@pytest.mark.django_db
def test_the_bundle_is_the_cover_and_each_document_the_parents_may_see(client, world, case):
    client.force_login(world.advisor)
    response = client.get(reverse("documents:parents_bundle", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # 1 cover page + 1 + 2: not the note's 3 pages, not the withheld document's 4.
    assert len(reader.pages) == 4
    cover = reader.pages[0].extract_text()
    assert "Svar fra foreldrene" in cover and "Vedtak om hjelp" in cover
    assert "Notat etter møte" not in cover and "Uttalelse om søsken" not in cover
    assert response["X-Document-Count"] == "2"
    assert "dokumenter-2.pdf" in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_bundle_is_logged_for_the_case_and_each_document(client, world, case):
    client.force_login(world.office)
    client.get(reverse("documents:parents_bundle", args=[case.pk]))
    rows = AccessLogEntry.objects.filter(user=world.office).order_by("pk")
    assert [(r.action, r.object_type) for r in rows] == [
        ("download", "referral"),
        ("download", "document"),
        ("download", "document"),
    ]
    assert {r.child_id for r in rows} == {case.child_id}
    shown = {d.pk for d in selectors.parents_documents(case)}
    assert {r.object_id for r in rows[1:]} == shown


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["styrer_b", "outsider", "director", "admin"])
def test_the_bundle_of_a_case_outside_ones_scope_is_404(client, world, case, persona):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("documents:parents_bundle", args=[case.pk]))
    assert response.status_code == 404
    row = AccessLogEntry.objects.get(user=getattr(world, persona))
    assert (row.action, row.object_id) == ("denied", case.pk)
