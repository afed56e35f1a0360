"""The letterhead's logo: PNG or SVG only, size-limited, an SVG without script or outside
links (it is embedded in every PDF); documents and the journal are read-only in the admin."""

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from documents.admin import LetterheadForm
from documents.models import Document, JournalEntry
from documents.pdf import LOGO_MAX_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def _form(world, name, data):
    values = dict(
        municipality=world.municipality.pk,
        name="Solvik kommune",
        address="Rådhusgata 1",
        postal="9900 Solvik",
        org_number="964964964",
        signatory="Kari Nordmann",
        signatory_title="Barnehagesjef",
        language="nb",
        appeal_body="Statsforvalteren",
    )
    return LetterheadForm(values, {"logo": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, ok",
    [
        ("logo.png", PNG, True),
        ("logo.svg", SVG, True),
        ("logo.png", b"GIF89a not a png", False),
        ("logo.gif", b"GIF89a", False),
        ("logo.svg", SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), False),
        (
            "logo.svg",
            SVG.replace(b"<rect", b'<image href="http://evil.example/x.png"/><rect'),
            False,
        ),
        ("logo.png", PNG + b"\x00" * LOGO_MAX_BYTES, False),
    ],
)
def test_the_logo_is_a_small_png_or_a_self_contained_svg(world, name, data, ok):
    form = _form(world, name, data)
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert "logo" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Document, JournalEntry])
def test_documents_and_the_journal_cannot_be_changed_in_the_admin(world, model):
    request = RequestFactory().get("/")
    request.user = world.admin
    model_admin = site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
