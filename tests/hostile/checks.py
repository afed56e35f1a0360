"""What the crawl looks for in a page, a mail or an export, and the list of findings it fails
with once, at the end."""

import csv
import io
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from tests.hostile.values import TOKEN

# The crawls' figures, printed in the terminal summary by tests/hostile/conftest.py.
FIGURES_KEY = pytest.StashKey[list]()


def record_figures(config, title: str, figures: dict) -> None:
    config.stash.setdefault(FIGURES_KEY, []).append((title, figures))


SIZE_LIMIT = 1_500_000  # bytes; a page over this is a finding (the 1 MB referral text)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
FORMULA_START = ("=", "+", "-", "@")
NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?%?$")


def _active(name: str, value: str) -> bool:
    """An attribute that acts: htmx's, an event handler, or a javascript: URL."""
    if name.startswith(("hx-", "data-hx-", "on")):
        return True
    return name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:")


class _Unescaped(HTMLParser):
    """Elements and attributes that exist only because data carrying a hostile token was put
    into the page unescaped: an htmx or event-handler attribute, a javascript: URL, a bare
    <script> whose text is the token, or an attribute whose name came from the data."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._bare_script = False

    def handle_starttag(self, tag, attrs):
        self._bare_script = tag == "script" and not attrs
        for name, value in attrs:
            value = value or ""
            if TOKEN.search(name):
                self.found.append(f"<{tag}> attribute name from data: {name[:60]}")
            elif not TOKEN.search(value):
                continue
            elif _active(name, value):
                self.found.append(f'<{tag} {name}="{value[:60]}">')

    def handle_data(self, data):
        if self._bare_script and TOKEN.search(data):
            self.found.append(f"<script>{data[:60]}</script>")
        self._bare_script = False

    def handle_endtag(self, tag):
        self._bare_script = False


def unescaped(html: str) -> list[str]:
    parser = _Unescaped()
    parser.feed(html)
    parser.close()
    return parser.found


def _formula(value) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not NUMBER.match(value.replace("\u00a0", "").replace(" ", ""))
    )


def csv_formula_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    found = []
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
        for c, cell in enumerate(row, start=1):
            if _formula(cell):
                found.append(f"row {r} col {c}: {cell[:60]!r}")
    return found


def xlsx_formula_cells(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or _formula(cell.value):
                    found.append(f"{sheet.title}!{cell.coordinate}: {str(cell.value)[:60]!r}")
    return found


GROUPS = [
    "500s",
    "unescaped",
    "formula cells",
    "oversized pages",
    "unasked requests",
    "axe violations",
]
# Reported, not failed: a matrix page that answered otherwise over the hostile data (a
# consent whose withdrawal date the fill set is withdrawn already, so its form redirects).
INFO = ["not shown"]


class Findings:
    """Every finding of a crawl, grouped; fails once with the whole list."""

    def __init__(self, fill):
        self.fill = fill
        self.groups = defaultdict(list)

    def add(self, group: str, where: str, persona: str, detail: str) -> None:
        where = where if len(where) <= 140 else where[:140] + "…"
        self.groups[group].append(f"{where} [{persona}] {detail}")

    def unescaped(self, html: str, where: str, persona: str, only=None) -> None:
        for element in unescaped(html):
            if only is None or only.search(element):
                self.add("unescaped", where, persona, f"{element} ← {self.fill.where(element)}")

    def count(self) -> int:
        return sum(len(v) for k, v in self.groups.items() if k not in INFO)

    def report(self, figures: dict) -> str:
        lines = [", ".join(f"{k}: {v}" for k, v in figures.items())]
        for group in GROUPS + sorted(set(self.groups) - set(GROUPS)):
            items = self.groups.get(group)
            if items:
                info = " (information, not failed)" if group in INFO else ""
                lines.append(f"== {group} ({len(items)}){info} ==")
                lines.extend(f"  {item}" for item in sorted(set(items)))
        return "\n".join(lines)
