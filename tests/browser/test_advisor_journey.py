"""The PP-rådgiver's main path in a real browser: log in, register a child with guardians,
create a referral with an attachment, register consent, complete the sakkyndig vurdering;
then log out, and the back button shows no case data. Once with the mouse, once by keyboard
alone (Tab, Shift+Tab, Enter, Space, typing)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from referrals.idnumber import generate_synthetic
from referrals.models import Referral

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def field(scope, label: str):
    """A form control by its label, which carries crispy's "*" when the field is required."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def new_id_number() -> str:
    import random

    return generate_synthetic(dt.date(2021, 5, 17), random.Random(7))


def test_advisor_registers_a_child_and_takes_the_case_to_a_finished_assessment(
    world, new_journey, tmp_path
):
    j = new_journey("advisor")
    page = j.page
    today = timezone.localdate()
    j.login(world.advisor.email)

    page.get_by_role("link", name="Registrer barn").first.click()
    j.step("register child form")
    page.get_by_label("Barnehage/skole").select_option(value=str(world.unit_a.pk))
    page.get_by_label("Fødselsnummer eller D-nummer").fill(new_id_number())
    page.get_by_label("Fornavn").fill("Nora")
    page.get_by_label("Etternavn").fill("Nettlesersen")
    page.get_by_label("Jente").check()
    page.get_by_role("button", name="Registrer barnet").click()
    page.get_by_role("heading", name="Nora Nettlesersen").wait_for()
    j.step("child registered")

    for name, relation in (("Kari Nettlesersen", "Mor"), ("Ola Nettlesersen", "Far")):
        page.get_by_role("link", name="Legg til foresatt").click()
        j.step("guardian form")
        field(page, "Navn").fill(name)
        page.get_by_label("Relasjon til barnet").select_option(label=relation)
        page.get_by_label("Telefon").fill("41234567")
        page.get_by_role("group", name="Har foreldreansvar").get_by_label("Ja").check()
        page.get_by_role("group", name="Barnet bor hos denne foresatte").get_by_label("Ja").check()
        page.get_by_role("button", name="Legg til", exact=True).click()
        page.get_by_role("cell", name=name).wait_for()
        j.step(f"guardian {name} added")

    page.get_by_role("link", name="Ny henvisning").click()
    j.step("referral form")
    page.get_by_label("Sakkyndig vurdering").first.check()
    page.get_by_label("Bekymringen, med henviserens ord").fill("Snakker lite, trekker seg fra lek.")
    page.get_by_role("button", name="Opprett utkast").click()
    page.get_by_role("heading", name="Handlinger").wait_for()
    j.step("draft referral")
    referral = Referral.objects.get(child__last_name="Nettlesersen")

    # the attachment, through the upload form on the case page
    upload = page.locator("#vedlegg")
    upload.get_by_label("Tittel").fill("Logopedrapport")
    upload.get_by_label("Fil").set_input_files(
        files=[{"name": "logoped.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    upload.get_by_role("button", name="Last opp").click()
    page.get_by_role("link", name="Logopedrapport").wait_for()
    j.step("attachment uploaded")

    field(page, "Henvisningen mottatt").fill(today.isoformat())  # its <details> is open
    page.get_by_role("button", name="Registrer mottatt").click()
    j.step("referral received")

    page.get_by_role("link", name="Registrer samtykke").click()
    j.step("consent form")
    field(page, "Foresatt").select_option(index=1)  # Kari, the first guardian
    page.get_by_role("radio", name="Sakkyndig vurdering").check()
    field(page, "Samtykket er gitt dato").fill(today.isoformat())
    page.get_by_role("button", name="Registrer samtykket").click()
    j.step("consent registered")

    page.get_by_role("button", name="Start utredning").click()
    j.step("assessment started")
    page.get_by_role("link", name="Skriv sakkyndig vurdering").first.click()
    j.step("assessment form")
    j.expected_statuses.add(422)  # a refused form is answered 422 (issue 17: one form glue)
    page.get_by_role("button", name="Ferdigstill vurderingen").click()
    j.step("assessment errors shown")  # axe checks the error messages' markup too
    j.expected_statuses.discard(422)
    page.get_by_label("Barnets utvikling og vansker").fill("Forsinket språkutvikling.")
    page.get_by_label("Realistiske mål for utvikling og læring").fill("Utvide ordforrådet.")
    page.get_by_label("Hva slags hjelp som gir god utvikling").fill("Språkstimulering i gruppe.")
    page.get_by_label("Anbefalte timer per uke").fill("5")
    page.get_by_label("Organisering av hjelpen").select_option(index=1)
    page.get_by_label("Kompetanse hos den som gir hjelpen").select_option(index=1)
    page.get_by_label("Foresattes synspunkter og hvordan de er vektlagt").fill("Ønsker hjelp.")
    page.get_by_role("radio", name="Barnet har behov for spesialpedagogisk hjelp").check()
    page.get_by_role("button", name="Ferdigstill vurderingen").click()
    j.step("assessment completed")

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ASSESSED
    assert referral.attachments.count() == 1
    j.logout_and_go_back(secret="Nettlesersen")


# --- by keyboard alone ---------------------------------------------------------------------------


def focused(page) -> str:
    """The accessible name of the focused element, as a screen reader would announce it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return '';
            const byId = (ids) => ids.split(/\\s+/).map((i) => document.getElementById(i))
                .filter(Boolean).map((e) => e.textContent).join(' ');
            let name = el.getAttribute('aria-label')
                || (el.getAttribute('aria-labelledby') && byId(el.getAttribute('aria-labelledby')))
                || (el.labels && el.labels.length && el.labels[0].textContent)
                || el.textContent || el.value || '';
            return name.replace(/\\s+/g, ' ').replace(/\\*/g, '').trim();
        }"""
    )


def tab_to(page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the element named ``name`` has the focus (it must be reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page) == name:
            assert page.evaluate(
                "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'"
                " || getComputedStyle(document.activeElement).boxShadow !== 'none'"
            ), f"no visible focus on {name!r}"
            return
    raise AssertionError(f"{name!r} is not reachable with Tab (last focus: {focused(page)!r})")


def open_file_dialog_by_keyboard(page):
    """Space (or Enter) on the focused file input opens the file dialog. Headless Chromium now
    and then drops the first key press under load (seen twice in CI with both cores busy), so a
    second key press is allowed; both are keyboard, and the focus must still be on the input."""
    for key in ("Space", "Enter", "Space"):
        assert focused(page) == "Fil"
        try:
            with page.expect_file_chooser(timeout=5000) as chooser:
                page.keyboard.press(key)
            return chooser.value
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("the file input does not open its dialog with Space or Enter")


def type_into(page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def type_date(page, name: str, day) -> None:
    """Type a date into a date input, segment by segment. The segments' order follows the
    browser's own locale (headless Chromium keeps en-US whatever --lang says), so try the
    Norwegian order, then the American one, checking the value each time."""
    tab_to(page, name)
    for keys in (day.strftime("%d%m%Y"), day.strftime("%m%d%Y")):
        page.keyboard.type(keys)
        if page.evaluate("() => document.activeElement.value") == day.isoformat():
            return
        page.keyboard.press("Shift+Tab")  # back to the first segment, inside the input
        page.keyboard.press("Shift+Tab")
    raise AssertionError(f"could not type {day} into {name!r}")


def test_advisor_journey_by_keyboard_alone(world, new_journey):
    j = new_journey("advisor-keyboard")
    page, kb = j.page, j.page.keyboard
    today = timezone.localdate()
    j.goto("/logg-inn/", "login")
    type_into(page, "E-post", world.advisor.email)
    type_into(page, "Passord", "riktig-passord-123")
    kb.press("Enter")
    page.wait_for_url(lambda url: "/logg-inn/" not in url)
    j.step("logged in")

    tab_to(page, "Hopp til innholdet")  # the skip link comes first
    tab_to(page, "Registrer barn")
    kb.press("Enter")
    page.wait_for_url("**/barn/ny/")
    j.step("register child form")
    tab_to(page, "Barnehage/skole")
    kb.type(world.unit_a.name[:8])  # a focused <select> picks the option typed
    type_into(page, "Fødselsnummer eller D-nummer", new_id_number())
    type_into(page, "Fornavn", "Kai")
    type_into(page, "Etternavn", "Tastesen")
    tab_to(page, "Jente")
    kb.press("Space")
    tab_to(page, "Registrer barnet")
    kb.press("Enter")
    page.get_by_role("heading", name="Kai Tastesen").wait_for()
    j.step("child registered")

    tab_to(page, "Legg til foresatt")
    kb.press("Enter")
    page.wait_for_url("**/foresatte/ny/")
    j.step("guardian form", axe=False)  # checked in the mouse journey
    type_into(page, "Navn", "Kari Tastesen")
    tab_to(page, "Relasjon til barnet")
    kb.type("Mor")
    tab_to(page, "Ja")  # has parental responsibility: the first radio group
    kb.press("Space")
    tab_to(page, "Ja")  # lives with the child: Tab leaves a radio group, so the next "Ja"
    kb.press("Space")
    tab_to(page, "Legg til")
    kb.press("Enter")
    page.get_by_role("cell", name="Kari Tastesen").wait_for()
    j.step("guardian added")

    tab_to(page, "Ny henvisning")
    kb.press("Enter")
    page.wait_for_url("**/henvisning/ny/")
    j.step("referral form", axe=False)
    tab_to(page, "Sakkyndig vurdering")
    kb.press("Space")
    type_into(page, "Bekymringen, med henviserens ord", "Snakker lite.")
    tab_to(page, "Opprett utkast")
    kb.press("Enter")
    page.get_by_role("heading", name="Handlinger").wait_for()
    j.step("draft referral", axe=False)

    type_into(page, "Tittel", "Logopedrapport")
    tab_to(page, "Fil")
    chooser = open_file_dialog_by_keyboard(page)
    chooser.set_files(files=[{"name": "logoped.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    tab_to(page, "Last opp")
    kb.press("Enter")
    page.get_by_role("link", name="Logopedrapport").wait_for()
    j.step("attachment uploaded", axe=False)

    type_date(page, "Henvisningen mottatt", today)
    tab_to(page, "Registrer mottatt")
    kb.press("Enter")
    page.get_by_text("Venter på samtykke").first.wait_for()
    j.step("referral received", axe=False)

    tab_to(page, "Registrer samtykke")
    kb.press("Enter")
    page.wait_for_url("**/samtykke/ny/")
    tab_to(page, "Foresatt")
    kb.type("Kari")
    tab_to(page, "Sakkyndig vurdering")
    kb.press("Space")
    type_date(page, "Samtykket er gitt dato", today)
    tab_to(page, "Registrer samtykket")
    kb.press("Enter")
    page.get_by_role("button", name="Start utredning").wait_for()
    j.step("consent registered", axe=False)

    tab_to(page, "Start utredning")
    kb.press("Enter")
    page.get_by_role("link", name="Skriv sakkyndig vurdering").first.wait_for()
    tab_to(page, "Skriv sakkyndig vurdering")
    kb.press("Enter")
    page.wait_for_url("**/vurdering/")
    j.step("assessment form", axe=False)
    type_into(page, "Barnets utvikling og vansker", "Forsinket språkutvikling.")
    type_into(page, "Realistiske mål for utvikling og læring", "Utvide ordforrådet.")
    type_into(page, "Hva slags hjelp som gir god utvikling", "Språkstimulering.")
    type_into(page, "Anbefalte timer per uke", "5")
    tab_to(page, "Organisering av hjelpen")
    kb.press("ArrowDown")
    tab_to(page, "Kompetanse hos den som gir hjelpen")
    kb.press("ArrowDown")
    type_into(page, "Foresattes synspunkter og hvordan de er vektlagt", "Ønsker hjelp.")
    tab_to(page, "Barnet har behov for spesialpedagogisk hjelp")
    kb.press("Space")
    tab_to(page, "Ferdigstill vurderingen")
    kb.press("Enter")
    page.get_by_text("Sakkyndig vurdering ferdig").first.wait_for()
    j.step("assessment completed")

    referral = Referral.objects.get(child__last_name="Tastesen")
    assert referral.status == Referral.Status.ASSESSED
    assert referral.attachments.count() == 1
    tab_to(page, "Logg ut")
    kb.press("Enter")
    page.wait_for_url(lambda url: "/logg-inn/" in url or "/logg-ut/" in url)
    j.step("logged out")
    page.go_back()
    j.step("back button after logout")
    assert "Tastesen" not in page.content()
