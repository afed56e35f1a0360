"""The documents app in the admin: each municipality's letterhead (set by its systemansvarlig),
and read-only lists of documents and the journal (arkivlova § 5: nothing final is changed or
deleted, here or anywhere)."""

import re

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.forms import LimitedModelForm
from teams.admin import TenantAdmin

from .models import Document, JournalEntry, Letterhead
from .pdf import LOGO_MAX_BYTES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# An SVG logo is embedded in the PDF: no script, and no reference to anything outside it.
SVG_REFUSED = re.compile(
    rb"<script|<foreignObject|(?:href|src)\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)", re.I
)


class LetterheadForm(LimitedModelForm):
    class Meta:
        model = Letterhead
        fields = "__all__"

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("Logoen kan være høyst %(kb)s kB.") % {"kb": LOGO_MAX_BYTES // 1024}
            )
        head = logo.read(LOGO_MAX_BYTES + 1)
        logo.seek(0)
        name = logo.name.lower()
        if name.endswith(".png") and head.startswith(PNG_MAGIC):
            return logo
        if name.endswith(".svg") and b"<svg" in head[:2048] and not SVG_REFUSED.search(head):
            return logo
        raise forms.ValidationError(
            _("Logoen må være en PNG- eller SVG-fil (SVG uten skript og uten lenker ut).")
        )


@admin.register(Letterhead)
class LetterheadAdmin(TenantAdmin):
    """The municipality's letterhead, signatory, målform and klageinstans."""

    form = LetterheadForm
    list_display = ["name", "municipality", "department", "signatory", "language"]
    list_select_related = ["municipality"]


class ReadOnlyTenantAdmin(TenantAdmin):
    tenant_actions = frozenset({"view"})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyTenantAdmin):
    municipality_path = "referral__municipality"
    list_display = ["title", "kind", "status", "edition", "document_date", "finalised_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["finalised_by"]
    exclude = ["pdf", "texts"]
    readonly_fields = [
        "referral",
        "kind",
        "status",
        "title",
        "language",
        "edition",
        "replaces",
        "sha256",
        "size",
        "document_date",
        "finalised_by",
        "finalised_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyTenantAdmin):
    list_display = [
        "identifier",
        "title",
        "direction",
        "correspondent",
        "document_date",
        "registered_at",
    ]
    list_filter = ["direction", "year"]
    list_select_related = ["municipality"]
