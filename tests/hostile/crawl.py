"""What the crawl opens: every GET URL of the access matrix as every persona the matrix lets see
it (200), the case pages again for a case in every state, the pages of the personas the matrix
leaves out (the system administrator's access log, the PP-leder's dashboard), and the query
parameters each page offers filled with hostile values."""

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.db import models
from django.urls import resolve, reverse

from decisions import dashboard as stats
from decisions.dashboard.systemwork import SYSTEMWORK_SLUGS
from tests.hostile.values import APPS
from tests.test_access_matrix import MATRIX


@dataclass(frozen=True)
class Target:
    name: str
    persona: str
    url: str
    matrix: bool  # the matrix says 200: anything else is reported (not shown)
    allowed: frozenset = frozenset({200})  # what the matrix accepts (readiness: 200 or 503)


def _set(expected) -> set:
    return expected if isinstance(expected, set) else {expected}


def _wants_200(expected) -> bool:
    return 200 in _set(expected)


# Pages the matrix has no persona for that may open them (its docstring names the tests that
# cover them); the crawl opens them as these.
EXTRA = {
    "referrals:access_log_search": ("admin", {}),
    "referrals:access_log_child": ("admin", {"pk": "child"}),
    "referrals:access_log_user": ("admin", {"pk": "advisor_user"}),
    "decisions:dashboard": ("ppt_leader", {}),
    "referrals:ppt_intake": ("ppt_leader", {}),
}


def targets(hostile) -> list[Target]:
    objects = {**hostile.objects, "advisor_user": hostile.world.advisor.pk}
    found = []
    for name, (method, kwargs, expected) in sorted(MATRIX.items()):
        if method != "get" or name == "decisions:dashboard_export":  # exports: export_targets
            continue
        url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
        personas = [p for p, wanted in expected.items() if _wants_200(wanted)]
        if name == "login":
            personas = ["anonymous"]
        allowed = {p: frozenset(_set(expected.get(p, 200))) for p in personas}
        found += [Target(name, p, url, True, allowed[p]) for p in personas]
        if kwargs == {"pk": "case"}:  # the same page for a case in every other state
            for pk in hostile.cases.values():
                url = reverse(name, kwargs={"pk": pk})
                found += [Target(name, p, url, False) for p in personas if p != "anonymous"]
    for name, (persona, kwargs) in EXTRA.items():
        url = reverse(name, kwargs={k: objects[v] for k, v in kwargs.items()})
        found.append(Target(name, persona, url, True))
    return found + admin_targets()


def admin_targets() -> list[Target]:
    """The admin's list and change pages of every model of the project's apps registered there,
    as a platform operator (staff, superuser, no role): the admin shows the data too. Whether
    such a user may exist is the admin tenancy's question (issue 16, deliverable 3); a page it
    is refused is reported as not shown, not failed."""
    from django.contrib import admin

    found = []
    for model in admin.site._registry:
        if model._meta.app_label not in APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        name = "admin:{}_{}_changelist".format(*info)
        found.append(Target(name, "operator", reverse(name), False))
        first = models.QuerySet(model).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            name = "admin:{}_{}_change".format(*info)
            found.append(Target(name, "operator", reverse(name, args=[first]), False))
    return found


def export_targets(hostile) -> list[Target]:
    """Every table of the dashboard as CSV and Excel, and the whole workbook, for each persona
    who has the dashboard (the PP-leder's has the per-advisor table too)."""
    found = []
    for persona in ("director", "office", "ppt_leader"):
        user = hostile.personas[persona]
        for table in [*stats.table_slugs(user), *SYSTEMWORK_SLUGS]:
            for fmt in ("csv", "xlsx"):
                url = reverse("decisions:dashboard_export", kwargs={"table": table, "fmt": fmt})
                found.append(Target("decisions:dashboard_export", persona, url, True))
        url = reverse("decisions:dashboard_export", kwargs={"table": "alle", "fmt": "xlsx"})
        found.append(Target("decisions:dashboard_export", persona, url, True))
    return found


# Searches sent by POST (so the search terms stay out of URLs and logs): probed like query
# parameters. Other POST forms write, and are not the crawl's (it reads).
POST_SEARCHES = {"referrals:access_log_search"}


@dataclass
class SearchForm:
    hidden: dict
    fields: list


class _Parameters(HTMLParser):
    """The query parameters a page offers (the fields of its GET forms and the parameters of
    its links back to itself: pagination, sorting, filters) and its POST search forms (those
    with role="search")."""

    def __init__(self, path: str, post_search: bool):
        super().__init__()
        self.path = path
        self.post_search = post_search
        self.names: set[str] = set()
        self.searches: list[SearchForm] = []
        self._form = None  # "get", a SearchForm, or None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            if method == "get":
                self._form = "get"
            elif attrs.get("role") == "search" or (
                self.post_search and attrs.get("action") in (None, "", self.path)
            ):
                self._form = SearchForm({}, [])
                self.searches.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form and attrs.get("name"):
            if self._form == "get":
                self.names.add(attrs["name"])
            elif attrs.get("type") == "hidden":
                self._form.hidden[attrs["name"]] = attrs.get("value") or ""
            elif attrs.get("type") not in ("submit", "button"):
                self._form.fields.append(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            link = urlsplit(attrs["href"])
            if link.query and link.path in ("", self.path):
                self.names.update(k for k, _v in parse_qsl(link.query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


READS = re.compile(r"""GET(?:\.get|\.getlist)?[(\[]\s*["']([A-Za-z_][\w-]*)["']""")


def read_parameters(url: str) -> set[str]:
    """The query parameters the view's module reads by name (request.GET.get("side")), so a
    parameter no link shows yet (pagination with one page of rows) is probed too."""
    module = sys.modules[resolve(urlsplit(url).path).func.__module__]
    return set(READS.findall(Path(module.__file__).read_text(encoding="utf-8")))


def offered_parameters(html: str, url: str, name: str) -> tuple[list[str], list[SearchForm]]:
    """The query parameters to probe, and the POST search forms."""
    parser = _Parameters(urlsplit(url).path, post_search=name in POST_SEARCHES)
    parser.feed(html)
    parser.close()
    names = (parser.names | read_parameters(url)) - {"csrfmiddlewaretoken", "next"}
    return sorted(names)[:12], parser.searches


def with_parameter(url: str, name: str, value: str) -> str:
    return f"{url}?{urlencode({name: value})}"
