"""The hostile-data crawl (issue 16): every text and date field of every model filled with hostile
values (tests/hostile/values.py), then every page of the access matrix opened as every persona
that may see it, every query parameter a page offers sent hostile values (NUL included), every
dashboard export produced and every digest e-mail of the morning job rendered. It fails once,
with the whole list, on any 500, any htmx/event-handler attribute, bare <script> or javascript:
URL that the data put into a page or an e-mail, any export cell that starts a formula, and any
page over the size limit."""

import re

import pytest
from django.core import mail
from django.db import transaction

from decisions import flagging
from tests.hostile.checks import (
    SIZE_LIMIT,
    Findings,
    csv_formula_cells,
    record_figures,
    unescaped,
    xlsx_formula_cells,
)
from tests.hostile.crawl import (
    export_targets,
    offered_parameters,
    targets,
    with_parameter,
)
from tests.hostile.values import TOKEN, request_values, write_report

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
REQUEST_BASE = 9_000_000  # tokens of values sent in requests: zq9000001q …
REQUEST_TOKEN = re.compile(r"zq9\d{6}q")


class Crawler:
    def __init__(self, client, hostile):
        self.client = client
        self.hostile = hostile
        self.findings = Findings(hostile.fill)
        self.persona = None
        self.opened = 0
        self.probed = []  # what was probed on which page, for the report
        self.parameters = 0
        self.probe_requests = 0
        self.seen = set()  # tokens shown (escaped) on some page: the crawl saw the data

    def login(self, persona: str) -> None:
        if persona != self.persona:
            self.client.logout()
            if persona != "anonymous":
                self.client.force_login(self.hostile.personas[persona])
            self.persona = persona

    def get(self, url: str, *, data: dict | None = None, **headers: str):
        """The response and its body, or None after a server error (recorded). Each request in a
        savepoint, so a database error in one view does not abort the rest of the crawl. With
        ``data``, a POST (a search form)."""
        self.opened += 1
        try:
            with transaction.atomic():
                if data is None:
                    response = self.client.get(url, headers=headers)
                else:
                    response = self.client.post(url, data, headers=headers)
                if response.streaming:
                    return response, b"".join(response.streaming_content)
                return response, response.content
        except Exception as exc:
            detail = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
            where = url if data is None else f"POST {url} {_short(data)}"
            self.findings.add("500s", where, self.persona, detail)
            return None, b""

    def page(
        self,
        url: str,
        *,
        must_show: bool,
        allowed=frozenset({200}),
        probe: bool = False,
        data: dict | None = None,
        **headers: str,
    ) -> str | None:
        response, body = self.get(url, data=data, **headers)
        if response is None:
            return None
        if data is not None:
            url = f"POST {url} {_short(data)}"
        if response.status_code >= 500 and response.status_code not in allowed:
            self.findings.add("500s", url, self.persona, f"HTTP {response.status_code}")
            return None
        if len(body) > SIZE_LIMIT:
            self.findings.add("oversized pages", url, self.persona, f"{len(body):,} bytes")
        if response.status_code != 200:
            if must_show and response.status_code not in allowed:
                self.findings.add("not shown", url, self.persona, f"HTTP {response.status_code}")
            return None
        if "html" not in response.get("Content-Type", ""):
            return None
        html = body.decode("utf-8", errors="replace")
        self.seen.update(TOKEN.findall(html))
        # A probe reports only what the request itself put into the page (the stored values'
        # findings are the plain page's).
        self.findings.unescaped(html, url, self.persona, only=REQUEST_TOKEN if probe else None)
        return html


def _crawl_pages(crawler: Crawler) -> None:
    """Every target; the first time a URL name is shown, its htmx partial and its parameters."""
    probed = set()
    for target in sorted(targets(crawler.hostile), key=lambda t: (t.persona, t.url)):
        crawler.login(target.persona)
        html = crawler.page(target.url, must_show=target.matrix, allowed=target.allowed)
        if html is None or target.name in probed:
            continue
        probed.add(target.name)
        crawler.page(target.url, must_show=False, **HTMX)  # the partial an htmx request gets
        _probe(crawler, target, html)


def _probe(crawler: Crawler, target, html: str) -> None:
    """Each query parameter the page offers or its view reads, and each field of its POST
    search forms, alone with each hostile request value."""
    names, searches = offered_parameters(html, target.url, target.name)
    probes = [
        (f"?{name}=", lambda v, n=name: {"url": with_parameter(target.url, n, v)}) for name in names
    ]
    probes += [
        (f"POST {name}=", lambda v, f=form, n=name: {"url": target.url, "data": {**f.hidden, n: v}})
        for form in searches
        for name in form.fields
    ]
    crawler.probed.append(f"{target.name}: {', '.join(label for label, _r in probes) or '-'}")
    for label, request in probes:
        crawler.parameters += 1
        token = f"zq{REQUEST_BASE + crawler.parameters}q"
        crawler.hostile.fill.tokens[token] = f"request {target.name} {label}"
        for value in request_values(token):
            crawler.probe_requests += 1
            crawler.page(**request(value), must_show=False, probe=True)


def _short(data: dict) -> str:
    return " ".join(f"{k}={v[:30]!r}" for k, v in data.items() if k != "csrfmiddlewaretoken")


def _crawl_exports(crawler: Crawler) -> int:
    produced = 0
    for target in export_targets(crawler.hostile):
        crawler.login(target.persona)
        response, body = crawler.get(target.url)
        if response is None:
            continue
        if response.status_code != 200:
            group = "500s" if response.status_code >= 500 else "not shown"
            crawler.findings.add(group, target.url, target.persona, f"HTTP {response.status_code}")
            continue
        produced += 1
        cells = csv_formula_cells(body) if target.url.endswith(".csv") else xlsx_formula_cells(body)
        for cell in cells:
            where = crawler.findings.fill.where(cell)
            crawler.findings.add("formula cells", target.url, target.persona, f"{cell} ← {where}")
    return produced


def _crawl_mails(crawler: Crawler) -> int:
    """The morning job's deliver step for every digest detect queued over the hostile data."""
    mail.outbox.clear()
    for notification_id in crawler.hostile.notification_ids:
        try:
            with transaction.atomic():
                flagging.deliver(notification_id)
        except Exception as exc:
            where = f"deliver(notification {notification_id})"
            crawler.findings.add("500s", where, "morning job", f"{type(exc).__name__}: {exc}")
    for message in mail.outbox:
        crawler.seen.update(TOKEN.findall(message.subject + message.body))
        where = f"e-mail to {message.to[0]} «{message.subject[:40]}»"
        for content, mimetype in getattr(message, "alternatives", []):
            if "html" in mimetype:
                for element in unescaped(content):
                    detail = f"{element} ← {crawler.findings.fill.where(element)}"
                    crawler.findings.add("unescaped", where, "morning job", detail)
    return len(mail.outbox)


def test_no_hostile_value_breaks_a_page_an_export_or_an_email(client, hostile_world, request):
    crawler = Crawler(client, hostile_world)
    _crawl_pages(crawler)
    page_openings = crawler.opened
    exports = _crawl_exports(crawler)
    mails = _crawl_mails(crawler)
    fill = hostile_world.fill
    stored = {t: where for t, where in fill.tokens.items() if not where.startswith("request")}
    shown = {stored[t].split("#")[0] for t in crawler.seen if t in stored}
    pages = {(t.url, t.persona) for t in targets(hostile_world)}
    figures = {
        "pages x personas opened": len(pages),
        "distinct URL names": len({t.name for t in targets(hostile_world)}),
        "requests (pages, htmx partials, probes)": page_openings,
        "parameters probed": crawler.parameters,
        "parameter requests": crawler.probe_requests,
        "exports produced": exports,
        "e-mails produced": mails,
        "hostile values tried (stored text + stored dates + request values)": (
            f"{fill.text_values} + {fill.date_values} + {crawler.probe_requests}"
        ),
        "fields filled": len(fill.fields),
        "stored fields shown (escaped) on some page": len(shown),
        "fields skipped": len(fill.skipped),
        "date fallbacks (edge refused)": len(fill.date_fallbacks),
        "writes refused by the database": len(fill.refused),
        "tables refusing update() (append-only)": ", ".join(
            sorted({r.split(".")[1] for r in fill.refused})
        ),
        "findings": crawler.findings.count(),
    }
    record_figures(request.config, "pages, exports, e-mails", figures)
    never = sorted({w.split("#")[0] for w in stored.values()} - shown)
    probed = [*crawler.probed, "== stored fields never shown on a crawled page ==", *never]
    write_report("crawl", crawler.findings.report(figures), fill, probed)
    assert mails > 0, "the morning job produced no e-mail over the hostile data"
    assert exports > 0
    assert len(shown) > 40, "the pages showed almost none of the hostile data: is the fill seen?"
    assert crawler.findings.count() == 0, crawler.findings.report(figures)
