"""Draft, then final: what is missing blocks the final; a final is stored once (bytes,
SHA-256, sign-off, journal) and no path changes it; a correction is a new version; stale
edits and double clicks; who may write which letter; nynorsk for Bergtun."""

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.errors import DomainError
from documents import letter_services, letters
from documents.models import Document, ImmutableError, JournalEntry
from referrals.access_log import AccessLogEntry
from tests.builders import case_at
from tests.conftest import frozen_today
from tests.documents.test_letters_support import (
    ON,
    TODAY,
    decided_case,
    draft,
    letterhead,
    pdf_text,
)


@pytest.fixture
def final(world):
    letterhead(world.municipality)
    with frozen_today(TODAY):
        referral = decided_case(world)
        document = draft(world, referral, "decision")
        return letter_services.finalise(actor=world.office, document_id=document.pk)


# --- what is missing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_provisional_reply_without_reason_or_date_names_both_and_cannot_be_finalised(world):
    letterhead(world.municipality)
    referral = case_at("assessing", world=world, on=ON)
    document = draft(world, referral, "provisional_reply")
    missing = letters.missing(document)
    assert any("Grunnen til at saken tar tid" in m for m in missing)
    assert any("Datoen dere kan vente svar" in m for m in missing)
    with pytest.raises(DomainError, match="forvaltningsloven § 11 a"):
        letter_services.finalise(actor=world.office, document_id=document.pk)
    assert Document.objects.get(pk=document.pk).status == "draft"
    assert not JournalEntry.objects.filter(document=document).exists()


@pytest.mark.django_db
def test_a_vedtak_without_its_reason_names_it(world):
    letterhead(world.municipality)
    referral = decided_case(world)
    referral.decisions.update(reason="")
    document = draft(world, referral, "decision")
    assert "Vedtaket mangler begrunnelse (forvaltningsloven §§ 24–25)." in letters.missing(document)


@pytest.mark.django_db
def test_a_case_without_letterhead_or_guardians_says_so(world):
    referral = decided_case(world)
    referral.child.guardians.update(parental_responsibility=False)
    document = draft(world, referral, "decision")
    missing = " ".join(letters.missing(document))
    assert "brevhode" in missing and "foreldreansvar" in missing


@pytest.mark.django_db
def test_an_appeal_letter_without_an_appeal_names_it(world):
    letterhead(world.municipality)
    document = draft(world, decided_case(world), "appeal_received")
    assert "Saken har ingen registrert klage." in letters.missing(document)


# --- the final -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_final_holds_its_bytes_checksum_and_sign_off_and_is_journalled_once(world, final):
    stored = Document.objects.get(pk=final.pk)
    data = bytes(stored.pdf)
    assert data.startswith(b"%PDF-")
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert stored.finalised_by == world.office and stored.document_date == TODAY
    assert "godkjent elektronisk 25.11.2026 av Charlie" in pdf_text(data)
    again = letter_services.finalise(actor=world.office, document_id=final.pk)
    assert again.sha256 == stored.sha256
    entry = JournalEntry.objects.get(direction="U")
    assert (entry.direction, entry.document_id, entry.title) == ("U", final.pk, stored.title)
    guardian = stored.referral.child.guardians.get()
    assert entry.correspondent == guardian.name


@pytest.mark.django_db
def test_the_orm_cannot_change_a_final(final):
    document = Document.objects.get(pk=final.pk)
    document.title = "Endret"
    with pytest.raises(ImmutableError):
        document.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda pk: Document.objects.filter(pk=pk).update(title="Endret"),
        lambda pk: Document.objects.filter(pk=pk).delete(),
        lambda pk: connection.cursor().execute(
            "UPDATE documents_document SET sha256 = repeat('0', 64) WHERE id = %s", [pk]
        ),
        lambda pk: connection.cursor().execute(
            "DELETE FROM documents_document WHERE id = %s", [pk]
        ),
    ],
    ids=["queryset-update", "queryset-delete", "sql-update", "sql-delete"],
)
def test_the_database_refuses_any_change_of_a_final(final, change):
    with pytest.raises(DatabaseError), transaction.atomic():
        change(final.pk)
    assert Document.objects.get(pk=final.pk).sha256 == final.sha256


@pytest.mark.django_db
def test_texts_of_a_final_are_refused(world, final):
    with pytest.raises(DomainError):
        letter_services.update_texts(
            actor=world.office, document_id=final.pk, version=final.version, texts={"intro": "x"}
        )


@pytest.mark.django_db
def test_a_new_version_refers_to_the_old_which_stays_as_it_was(world, final):
    new = letter_services.new_version(actor=world.office, document_id=final.pk)
    assert (new.replaces_id, new.edition, new.status) == (final.pk, 2, "draft")
    assert letter_services.new_version(actor=world.office, document_id=final.pk).pk == new.pk
    old = Document.objects.get(pk=final.pk)
    assert old.status == "final" and old.sha256 == final.sha256
    with frozen_today(date(2026, 11, 26)):
        done = letter_services.finalise(actor=world.office, document_id=new.pk)
    assert "Versjon 2, erstatter brevet datert 25.11.2026" in pdf_text(bytes(done.pdf))


# --- stale edits, double clicks, who may -------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_keeps_what_was_saved(world):
    letterhead(world.municipality)
    document = draft(world, case_at("assessing", world=world, on=ON), "provisional_reply")
    letter_services.update_texts(
        actor=world.office, document_id=document.pk, version=1, texts={"reason": "Først"}
    )
    with pytest.raises(letter_services.StaleLetter):
        letter_services.update_texts(
            actor=world.office, document_id=document.pk, version=1, texts={"reason": "Andre"}
        )
    assert Document.objects.get(pk=document.pk).texts == {"reason": "Først"}


@pytest.mark.django_db
def test_a_double_click_on_new_letter_makes_one_draft(client, world):
    referral = decided_case(world)
    client.force_login(world.office)
    url = reverse("documents:letter_new", args=[referral.pk, "decision"])
    first, second = client.post(url), client.post(url)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Document.objects.filter(referral=referral).count() == 1


@pytest.mark.django_db
def test_the_draft_page_refuses_a_stale_edit_with_409(client, world):
    letterhead(world.municipality)
    document = draft(world, case_at("assessing", world=world, on=ON), "provisional_reply")
    letter_services.update_texts(
        actor=world.office, document_id=document.pk, version=1, texts={"reason": "Først"}
    )
    client.force_login(world.office)
    url = reverse("documents:letter_detail", args=[document.pk])
    response = client.post(url, {"version": "1", "reason": "Andre", "expected_on": ""})
    assert response.status_code == 409
    assert Document.objects.get(pk=document.pk).texts == {"reason": "Først"}


@pytest.mark.django_db
def test_finalising_a_draft_that_lacks_something_is_a_422_naming_it(client, world):
    letterhead(world.municipality)
    document = draft(world, case_at("assessing", world=world, on=ON), "provisional_reply")
    client.force_login(world.office)
    response = client.post(reverse("documents:letter_finalise", args=[document.pk]))
    assert response.status_code == 422
    assert "Grunnen til at saken tar tid mangler" in response.content.decode()


@pytest.mark.django_db
def test_the_download_is_the_stored_pdf_and_is_in_the_access_log(client, world, final):
    client.force_login(world.styrer_a)
    response = client.get(reverse("documents:document_pdf", args=[final.pk]))
    assert response.status_code == 200 and response.content == bytes(final.pdf)
    row = AccessLogEntry.objects.get(action="download")
    assert (row.object_type, row.object_id, row.user) == ("document", final.pk, world.styrer_a)


@pytest.mark.django_db
def test_who_may_write_which_letter(world):
    referral = decided_case(world)
    may = letter_services.may_write
    assert may(world.office, referral, "decision") and not may(world.advisor, referral, "decision")
    assert may(world.advisor, referral, "assessment") and not may(
        world.office, referral, "assessment"
    )
    assert may(world.styrer_a, referral, "annual_report") and not may(
        world.styrer_b, referral, "annual_report"
    )
    with pytest.raises(PermissionDenied):
        letter_services.create_draft(actor=world.styrer_a, referral_id=referral.pk, kind="decision")


@pytest.mark.django_db
def test_bergtun_writes_nynorsk(world):
    from tests.support.factories_decisions import DecisionFactory  # noqa: F401 (same builders)

    letterhead(world.other_municipality, language="nn", name="Bergtun kommune")
    with frozen_today(TODAY):
        referral = case_at("decided", world=world, unit=world.other_unit, on=ON)
        type(referral.decisions.get()).objects.filter(referral=referral).update(
            starts_on=date(2026, 10, 1), ends_on=date(2027, 6, 30)
        )
        from teams.models import Role
        from tests.factories import RoleFactory, UserFactory

        office = UserFactory(email="kontor@bergtun.no", full_name="Kontor Bergtun")
        RoleFactory(user=office, kind=Role.Kind.OFFICE, municipality=world.other_municipality)
        document = letter_services.create_draft(
            actor=office, referral_id=referral.pk, kind="decision"
        )
        document = letter_services.finalise(actor=office, document_id=document.pk)
    assert document.language == "nn"
    text = pdf_text(bytes(document.pdf))
    assert "Reglar vedtaket byggjer på (forvaltningsloven § 25 første ledd)" in text
    assert "Klagerett" in text and "Med venleg helsing" in text


@pytest.mark.django_db
def test_the_final_page_shows_sign_off_and_checksum_and_only_the_office_may_correct(
    client, world, final
):
    url = reverse("documents:letter_detail", args=[final.pk])
    client.force_login(world.office)
    page = client.get(url).content.decode()
    assert final.sha256 in page and "Charlie" in page and "Lag ny versjon" in page
    assert reverse("documents:document_pdf", args=[final.pk]) in page
    client.force_login(world.styrer_a)
    page = client.get(url).content.decode()
    assert final.sha256 in page and "Lag ny versjon" not in page
    row = AccessLogEntry.objects.filter(action="view", object_type="document").last()
    assert (row.object_id, row.child_id) == (final.pk, final.referral.child_id)


@pytest.mark.django_db
def test_the_draft_page_shows_the_preview_escaped_and_what_is_missing(client, world):
    letterhead(world.municipality)
    document = draft(world, case_at("assessing", world=world, on=ON), "provisional_reply")
    letter_services.update_texts(
        actor=world.office, document_id=document.pk, version=1, texts={"intro": "<b>hei</b>"}
    )
    client.force_login(world.office)
    page = client.get(reverse("documents:letter_detail", args=[document.pk])).content.decode()
    assert "&lt;b&gt;hei&lt;/b&gt;" in page and "<b>hei</b>" not in page
    assert "Datoen dere kan vente svar mangler" in page
