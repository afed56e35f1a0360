"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server
(PostgreSQL, the test database) and, where a job runs, a real Celery worker on the same
database.

Every step of a journey goes through ``Journey.step``: it saves a screenshot under
var/browser-artifacts/<test>/ (git-ignored), runs axe-core (tests/browser/vendor) against the
page for the WCAG 2.1 A and AA rules and fails on any violation, and fails on any JavaScript
error, console error or failed request seen since the last step.

Chromium is never downloaded: set CHROMIUM to another binary than /usr/bin/chromium (.ci/run
installs Debian's package when it is missing). The tests run on one xdist worker
(``xdist_group("browser")`` under ``--dist loadgroup``): one browser, one live server.
"""

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support.processes import ROOT, env, start_worker, stop, wait_for

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "var" / "browser-artifacts"
AXE_SOURCE = Path(__file__).with_name("vendor").joinpath("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEMO_PASSWORD = "riktig-passord-123"  # tests/factories.UserFactory

# A fixed port for the live server when asked (a shared machine hands out ports), one per
# xdist worker (xdist 3.8's loadgroup does not keep the xdist_group together here); otherwise
# pytest-django picks a free one.
if os.environ.get("BROWSER_TEST_PORT"):
    _worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
    os.environ["DJANGO_LIVE_TEST_SERVER_ADDRESS"] = (
        f"127.0.0.1:{int(os.environ['BROWSER_TEST_PORT']) + _worker}"
    )


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)")
    # Playwright's sync API keeps an asyncio loop in this thread, which Django takes for an
    # async context; the test code is plain synchronous code, so the check does not apply.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # --lang: date inputs in Norwegian order (dd.mm.åååå), as the users see them.
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=nb-NO"],
        )
        yield chromium
        chromium.close()
    # Not for the rest of the session (a subprocess inheriting it would warn).
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="session")
def axe_script() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe_stats():
    """Pages and rules axe has checked in this session (printed at the end, for the report)."""
    stats = {"pages": [], "rules": set()}
    yield stats
    if stats["pages"]:
        print(
            f"\naxe-core: {len(stats['pages'])} page checks "
            f"({len({p.split('?')[0] for p in stats['pages']})} distinct paths), "
            f"{len(stats['rules'])} WCAG 2.1 A/AA rules"
        )


@dataclass
class Journey:
    """One user's page in the browser, with the checks every step runs."""

    page: object
    base_url: str
    axe_script: str
    axe_stats: dict
    folder: Path
    problems: list = field(default_factory=list)
    expected_statuses: set = field(default_factory=set)
    count: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, name: str | None = None, *, axe: bool = True):
        response = self.page.goto(self.url(path))
        self.step(name or path, axe=axe)
        return response

    def step(self, name: str, *, axe: bool = True) -> None:
        """Screenshot, axe and the console/network check for the page as it is now."""
        self.page.wait_for_load_state("load")
        self.count += 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "page"
        t0 = time.monotonic()
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{slug}.png"), full_page=True)
        t1 = time.monotonic()
        if axe:
            self.axe(name)
        if os.environ.get("BROWSER_TIMING"):
            print(f"step {name}: screenshot {t1 - t0:.2f}s axe {time.monotonic() - t1:.2f}s")
        self.assert_no_problems(name)

    def axe(self, name: str = "") -> None:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which the page's CSP does not govern:
            # no bypass_csp needed, and the app's policy stays what the test sees.
            self.page.evaluate(self.axe_script)
        result = self.page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                   resultTypes: ['violations']});
                const ids = (list) => list.map((x) => x.id);
                return {
                    violations: r.violations.map((v) => ({
                        id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                        nodes: v.nodes.map((n) => ({target: n.target.join(' '),
                                                    html: n.html.slice(0, 200),
                                                    summary: n.failureSummary})),
                    })),
                    rules: [...ids(r.passes), ...ids(r.violations), ...ids(r.incomplete),
                            ...ids(r.inapplicable)],
                };
            }""",
            AXE_TAGS,
        )
        path = self.page.url.removeprefix(self.base_url)
        self.axe_stats["pages"].append(path)
        self.axe_stats["rules"].update(result["rules"])
        if result["violations"]:
            pytest.fail(
                f"axe: {len(result['violations'])} WCAG 2.1 A/AA violation(s) on {path} "
                f"({name}):\n" + format_violations(result["violations"]),
                pytrace=False,
            )

    def assert_no_problems(self, name: str = "") -> None:
        problems, self.problems[:] = list(self.problems), []
        if problems:
            pytest.fail(
                f"browser problems at step {name!r} ({self.page.url}):\n  " + "\n  ".join(problems),
                pytrace=False,
            )

    def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        self.goto("/logg-inn/", "login")
        self.page.get_by_label("E-post").fill(email)
        self.page.get_by_label("Passord").fill(password)
        self.page.get_by_role("button", name="Logg inn").click()
        self.page.wait_for_url(lambda url: "/logg-inn/" not in url)
        self.step("home after login")

    def logout_and_go_back(self, secret: str) -> None:
        """Log out; the back button must not show the page (no-store), nor ``secret``."""
        self.page.get_by_role("button", name="Logg ut").click()
        self.page.wait_for_url(lambda url: "/logg-ut/" in url or "/logg-inn/" in url)
        self.step("logged out")
        self.page.go_back()
        self.step("back button after logout")
        assert secret not in self.page.content(), "the back button showed case data after logout"
        assert self.page.get_by_label("Passord").is_visible(), "expected the login page"


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['url']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}\n      {node['html']}")
            lines.extend(f"      {s}" for s in (node["summary"] or "").splitlines())
    return "\n".join(lines)


def _watch(page, journey: Journey) -> None:
    def console(msg):
        if msg.type == "error" and not _expected(journey, msg.text):
            journey.problems.append(f"console error: {msg.text} ({msg.location.get('url', '')})")

    def response(resp):
        if resp.status >= 400 and resp.status not in journey.expected_statuses:
            journey.problems.append(f"HTTP {resp.status} {resp.request.method} {resp.url}")

    page.on("console", console)
    page.on("pageerror", lambda exc: journey.problems.append(f"JavaScript error: {exc}"))
    page.on(
        "requestfailed",
        lambda req: journey.problems.append(
            f"request failed: {req.method} {req.url} ({req.failure})"
        ),
    )
    page.on("response", response)


def _expected(journey: Journey, text: str) -> bool:
    # Chromium logs every 4xx/5xx response as a console error too; the response handler
    # already judges those (an expected 404 is not a problem).
    match = re.search(r"status of (\d{3})", text)
    return bool(match) and int(match.group(1)) in journey.expected_statuses


@pytest.fixture
def new_journey(request, browser, live_server, axe_script, axe_stats, settings):
    """A factory of journeys: each a fresh browser context (own cookies) at 1280×900, nb-NO."""
    settings.ALLOW_SYNTHETIC_ID_NUMBERS = True
    contexts = []
    test_dir = ARTIFACTS / re.sub(r"[^A-Za-z0-9_]+", "_", request.node.name)
    shutil.rmtree(test_dir, ignore_errors=True)

    def make(who: str, **context_options) -> Journey:
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "nb-NO"}
        options.update(context_options)
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        folder = test_dir / who
        folder.mkdir(parents=True, exist_ok=True)
        journey = Journey(page, live_server.url, axe_script, axe_stats, folder)
        _watch(page, journey)
        return journey

    journeys = []

    def tracked(*args, **kwargs):
        journey = make(*args, **kwargs)
        journeys.append(journey)
        return journey

    yield tracked
    for context in contexts:
        context.close()
    for journey in journeys:
        journey.assert_no_problems("end of test")


# --- a real Celery worker ------------------------------------------------------------------------


@dataclass
class Worker:
    process: object
    broker_url: str

    def run_flag_deadlines(self, day: str) -> None:
        """Send decisions.flag_deadlines to the worker's broker (not the test process's) and
        wait until the worker has recorded it as done."""
        from config.celery import app
        from decisions.models import DeadlineFlag as Flag
        from decisions.tasks import flag_deadlines

        before = Flag.objects.count()
        with app.connection_for_write(self.broker_url) as connection:
            flag_deadlines.apply_async(args=[day], connection=connection)
        assert wait_for(lambda: Flag.objects.count() > before, timeout=60), (
            "the worker did not flag any deadline"
        )


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A worker process on the test database and its own Redis database (BROWSER_REDIS_URL,
    default REDIS_URL), consuming the default queue there; started once, when first needed."""
    from django.conf import settings

    broker = os.environ.get("BROWSER_REDIS_URL") or settings.REDIS_URL
    if not broker:
        pytest.fail("The browser tests' worker needs Redis: set REDIS_URL (make test does)")
    from config.celery import app

    with app.connection_for_write(broker) as connection:  # leftovers of an earlier run
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    with django_db_blocker.unblock():
        environment = env(REDIS_URL=broker, CELERY_BROKER_URL=broker)
    process = start_worker(environment, "--concurrency=1")
    # The worker is ready once it answers a ping on its broker.
    ready = wait_for(lambda: _ping(app, broker), timeout=60, interval=0.5)
    if not ready:
        pytest.fail("the Celery worker did not start:\n" + stop(process))
    yield Worker(process, broker)
    output = stop(process)
    if "Traceback" in output:
        print("Celery worker output:\n" + output)


def _ping(app, broker) -> bool:
    with app.connection_for_write(broker) as connection:
        try:
            return bool(app.control.ping(timeout=0.5, connection=connection))
        except Exception:
            return False


def today_str() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def wait_until(predicate, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")
