"""The hostile-data crawl in Chromium (issue 16, deliverable 2): every GET page the crawl of
tests/hostile/test_crawl.py opens, over the same hostile data, as each persona the access matrix
lets see it. It fails, once and with the whole list, on any request the user did not ask for
(after the page's own document and static files: any fetch/XHR, any other method than GET, any
other URL, such as one an htmx attribute or an <img> from the data would fire) and on any
axe-core WCAG 2.1 A/AA violation.

Logins are session cookies made with Django's test client (force_login), not the login form:
the journeys test that form; here the time goes to the pages."""

import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from referrals.models import Referral
from teams.ressursteam_models import TeamMember
from teams.ressursteam_services import team_member_add
from tests.conftest import frozen_today
from tests.hostile.checks import Findings, record_figures
from tests.hostile.crawl import targets
from tests.hostile.values import TOKEN, write_report
from tests.hostile.world import TODAY, build_hostile_world
from tests.test_access_matrix import objects  # noqa: F401  (the matrix's objects, reused)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # as tests/browser/conftest.py
NOT_PAGES = {
    "referrals:attachment_download",  # a file download, not a page
    # The API's documentation is drf-spectacular's Swagger UI (a third-party page that fetches
    # the schema itself); the API is checked by schemathesis (tests/api/).
    "api:docs",
    "api:schema",
}
SETTLE_MS = 300  # after "load": long enough for htmx's load triggers to fire
AXE_RUN = """async (tags) => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']});
    return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + n.html.slice(0, 120))}));
}"""


@pytest.fixture
def hostile_browser_world(world, objects):  # noqa: F811
    with frozen_today(TODAY):
        yield build_hostile_world(world, objects)


def _browser_page(browser, user, base_url: str):
    """A fresh context (own cookies) at 1280×900 in nb-NO, signed in as ``user`` (or not)."""
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    if user is not None:
        context.add_cookies([_login_cookie(user, base_url)])
    return context.new_page()


def _login_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": base_url}


def _unasked(requests: list) -> list[str]:
    """Requests other than the document and its static files."""
    found = []
    for request in requests:
        url = urlsplit(request.url)
        path = url.path
        if request.resource_type == "document" and request.is_navigation_request():
            continue  # the page itself, and the redirects on the way to it
        if url.scheme in ("chrome", "chrome-extension"):
            continue  # the browser's own PDF viewer (a letter shown inline), still loading

        asked = (
            request.method == "GET"
            and request.resource_type not in ("xhr", "fetch")
            and (path.startswith(settings.STATIC_URL) or path == "/favicon.ico")
        )
        if not asked:
            origin = "from the data" if TOKEN.search(request.url) else "not from the data"
            found.append(f"{request.method} {request.resource_type} {request.url} ({origin})")
    return found


def _visit(page, url: str, persona: str, allowed, findings: Findings, axe_script: str) -> bool:
    requests = []

    def record(request):
        requests.append(request)

    page.on("request", record)
    try:
        response = page.goto(url, wait_until="load")
        page.wait_for_timeout(SETTLE_MS)
    except PlaywrightError as exc:
        # A file (a PDF, the API's schema) is downloaded, not shown: no page to check.
        if "Download is starting" not in str(exc):
            raise
        return False
    finally:
        page.remove_listener("request", record)
    if response is None or (response.status >= 500 and response.status not in allowed):
        findings.add("500s", url, persona, f"HTTP {response.status if response else '-'}")
        return False
    if "html" not in (response.headers.get("content-type") or ""):
        return False  # a PDF shown inline: the browser's own viewer, not our page
    for request in _unasked(requests):
        findings.add("unasked requests", url, persona, request)
    if response.status >= 500:
        return False
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script)  # through DevTools: the page's CSP does not govern it
    for violation in page.evaluate(AXE_RUN, AXE_TAGS):
        nodes = "; ".join(violation["nodes"])
        detail = f"[{violation['impact']}] {violation['id']}: {violation['help']} at {nodes}"
        findings.add("axe violations", url, persona, detail)
    return True


def test_hostile_pages_fire_no_unasked_request_and_pass_axe(
    hostile_browser_world, browser, live_server, axe_script, settings, request
):
    settings.ALLOW_SYNTHETIC_ID_NUMBERS = True
    hostile = hostile_browser_world
    findings = Findings(hostile.fill)
    pages = sorted(
        {
            (t.persona, t.url, t.allowed)
            for t in targets(hostile)
            if t.matrix and t.name not in NOT_PAGES
        }
    )
    started, checked, contexts = time.monotonic(), 0, {}
    try:
        for persona, url, allowed in pages:
            if persona not in contexts:
                user = hostile.personas.get(persona)  # None: anonymous
                contexts[persona] = _browser_page(browser, user, live_server.url)
            page = contexts[persona]
            checked += _visit(page, live_server.url + url, persona, allowed, findings, axe_script)
    finally:
        for page in contexts.values():
            page.context.close()
    figures = {
        "pages x personas opened in Chromium": len(pages),
        "pages checked by axe": checked,
        "runtime (s)": round(time.monotonic() - started, 1),
        "findings": findings.count(),
    }
    print(figures)
    record_figures(request.config, "Chromium: unasked requests, axe", figures)
    write_report("browser", findings.report(figures), hostile.fill)
    assert findings.count() == 0, findings.report(figures)


def test_stored_htmx_attack_on_the_follow_up_form_withdraws_nothing(
    world,
    objects,  # noqa: F811
    browser,
    live_server,
):
    """The issue's stored-script attack, replayed: a styrer names a team member with htmx
    attributes that post the withdrawal of a case when the page loads; the PP-rådgiver opens
    the meeting's follow-up form. The case must stay as it was and no POST may leave."""
    case_pk = objects["case"]
    before = Referral.objects.get(pk=case_pk).status
    member = team_member_add(unit=world.unit_a, actor=world.styrer_a, name="Kari", service="ppt")
    attack = (
        f'<b hx-post="/saker/{case_pk}/handling/withdraw/" hx-trigger="load" '
        f'hx-include="[name=csrfmiddlewaretoken]" hx-vals=\'{{"reason":"x"}}\'>Kari</b>'
    )
    TeamMember.objects.filter(pk=member.pk).update(name=attack)
    page = _browser_page(browser, world.advisor, live_server.url)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    try:
        url = reverse("teams:follow_up_new", kwargs={"pk": objects["meeting"]})
        page.goto(live_server.url + url, wait_until="load")
        page.wait_for_timeout(1_000)
    finally:
        page.context.close()
    after = Referral.objects.get(pk=case_pk).status
    assert (after, posts) == (before, []), f"the page's load fired {posts}; case {before} → {after}"
