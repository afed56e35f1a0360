"""No HTML is marked safe outside a short reviewed list (issue 16).

Django escapes what templates print, except what is marked safe: ``mark_safe``, ``SafeString``,
``|safe``, ``|safeseq``, ``{% autoescape off %}``, and ``format_html`` when its format string
was already filled in (an f-string, ``%`` or ``.format``: the values are then in the "format"
and never escaped). A help text or label filled in with ``%`` is printed by crispy's and
Django's form templates with ``|safe``. Each of these is a place where one hostile name
(``<b hx-post=… hx-trigger="load">``) acts as whoever opens the page.

The scan reads the project's Python (by its syntax tree), its templates and its own JavaScript
(static/js: no innerHTML, insertAdjacentHTML, document.write, eval); every occurrence
must be in ALLOWED below with its count and the reason it is safe. A new one fails the suite:
escape the value instead, or have the new occurrence reviewed and listed here.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".git", "tests", "bench", "migrations", "node_modules", "var", "vendor"}

# (path, what) -> (count, why it is safe). Reviewed for issue 16; keep it short.
ALLOWED = {
    ("core/forms.py", "mark_safe"): (
        1,
        "FastSelect: every name, value and label through html.escape/attrs_html",
    ),
    ("core/jinja.py", "mark_safe"): (
        1,
        "the hot lists' rows: Jinja2's output, autoescape on (every value escaped)",
    ),
    ("referrals/templatetags/caseload.py", "mark_safe"): (
        2,
        "choice inputs: every value through format_html/attrs_html",
    ),
    ("referrals/templatetags/deadlines.py", "mark_safe"): (
        2,
        "deadline badge: a constant, and parts each built with format_html",
    ),
    ("templates/emails/deadline_digest_subject.txt", "autoescape off"): (
        1,
        "plain-text mail subject: no HTML reader (the HTML part escapes)",
    ),
    ("templates/emails/deadline_digest_body.txt", "autoescape off"): (
        1,
        "plain-text mail body (text/plain): &amp; would show literally",
    ),
}

TEMPLATE_PATTERNS = {
    "|safe": re.compile(r"\|\s*safe\b(?!seq)"),
    "|safeseq": re.compile(r"\|\s*safeseq\b"),
    "autoescape off": re.compile(r"{%\s*autoescape\s+off\s*%}"),
    # Jinja2's (templates/jinja2/): the same switch, spelled its way.
    "autoescape false": re.compile(r"{%-?\s*autoescape\s+false\s*-?%}"),
    # Django's own form templates print help_text|safe: render forms with {% crispy %}.
    "form rendered by Django's templates": re.compile(
        r"{{\s*form\s*}}|\.as_(p|ul|table|div|field_group)\b"
    ),
}
# format_html's format; crispy's HTML() and Fieldset() legend, rendered as templates.
FILLED_IN_FIRST_ARG = {"format_html", "format_html_join", "HTML", "Fieldset"}
TEXT_ATTRIBUTES = {"help_text", "label", "legend", "content"}
# Our own JavaScript (static/js; not vendor): no HTML from strings, no code from strings.
JS_PATTERNS = {
    "HTML from a string (innerHTML, outerHTML, insertAdjacentHTML, document.write)": re.compile(
        r"\.(?:innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write"
    ),
    "code from a string (eval, new Function)": re.compile(r"\beval\s*\(|new\s+Function\b"),
}


def _filled_in(node) -> bool:
    """A string already formatted: f"…", "…" % x, "…".format(x) (gettext around it or not)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def python_findings(source: str) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in {"mark_safe", "SafeString", "SafeText", "html_safe", "Markup"}:
                found.append((name, node.lineno))
            elif name in FILLED_IN_FIRST_ARG and node.args and _filled_in(node.args[0]):
                found.append((f"{name} with a filled-in string", node.lineno))
            for kw in node.keywords:
                if kw.arg in TEXT_ATTRIBUTES and _filled_in(kw.value):
                    found.append((f"{kw.arg}= filled in with data", node.lineno))
        elif isinstance(node, ast.FunctionDef) and node.name == "__html__":
            # conditional_escape trusts whatever __html__ returns
            found.append(("__html__", node.lineno))
        elif isinstance(node, ast.ClassDef) and any(
            _name(d) in {"html_safe", "SafeData", "SafeString"}
            for d in node.decorator_list + node.bases
        ):
            found.append(("a class marked safe", node.lineno))
        elif isinstance(node, ast.Assign) and _filled_in(node.value):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in TEXT_ATTRIBUTES:
                    found.append((f".{target.attr} = filled in with data", node.lineno))
    return found


def line_findings(source: str, patterns: dict) -> list[tuple[str, int]]:
    found = []
    for lineno, line in enumerate(source.splitlines(), 1):
        for what, pattern in patterns.items():
            found.extend((what, lineno) for _ in pattern.finditer(line))
    return found


def scan(root: Path) -> dict[tuple[str, str], list[int]]:
    """(path, what) -> the lines where it occurs, for every project file under ``root``."""
    result: dict[tuple[str, str], list[int]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if set(rel.parts[:-1]) & SKIP_DIRS or not path.is_file():
            continue
        if path.suffix == ".py":
            found = python_findings(path.read_text(encoding="utf-8"))
        elif path.suffix in {".html", ".txt"} and "templates" in rel.parts:
            found = line_findings(path.read_text(encoding="utf-8"), TEMPLATE_PATTERNS)
        elif path.suffix == ".js" and rel.parts[:2] == ("static", "js"):
            found = line_findings(path.read_text(encoding="utf-8"), JS_PATTERNS)
        else:
            continue
        for what, lineno in found:
            result.setdefault((rel.as_posix(), what), []).append(lineno)
    return result


def problems(found: dict, allowed: dict) -> list[str]:
    out = []
    for key, lines in sorted(found.items()):
        count = allowed.get(key, (0, ""))[0]
        if len(lines) > count:
            out.append(
                f"{key[0]}:{','.join(map(str, lines))}: {key[1]} ({len(lines)}, reviewed {count}). "
                "Escape the data instead (format_html with every value as an argument, or a "
                "template), or have it reviewed and add it to ALLOWED in tests/test_no_unsafe_html.py."
            )
    for key, (count, _why) in sorted(allowed.items()):
        if len(found.get(key, [])) < count:
            out.append(f"{key[0]}: {key[1]} is now used fewer times: lower its count in ALLOWED.")
    return out


def test_nothing_is_marked_safe_outside_the_reviewed_list():
    found = problems(scan(ROOT), ALLOWED)
    assert not found, "HTML marked safe outside the reviewed list:\n" + "\n".join(found)


def test_the_scan_catches_each_kind_of_unsafe_html(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from django.utils.html import format_html\n"
        "from django.utils.safestring import mark_safe\n"
        "a = mark_safe(name)\n"
        'b = format_html(f"<b>{name}</b>")\n'
        'c = format_html("<b>%s</b>" % name)\n'
        'd = format_html("<b>{}</b>".format(name))\n'
        'field.help_text = _("Teamet: %(n)s") % {"n": name}\n'
        'e = forms.CharField(label=f"Hei {name}")\n'
        'ok = format_html("<b>{}</b>", name)\n'
        "class Name:\n"
        "    def __html__(self):\n"
        "        return self.raw\n"
        'f = Fieldset(f"Barn {name}", "field")\n',
        encoding="utf-8",
    )
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "app.js").write_text(
        "box.innerHTML = name;\nbox.insertAdjacentHTML('beforeend', x);\nbox.textContent = name;\n"
        "eval(code);\n",
        encoding="utf-8",
    )
    (tmp_path / "static" / "vendor").mkdir()
    (tmp_path / "static" / "vendor" / "lib.js").write_text("a.innerHTML = b;\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{{ a|safe }} {{ b|safeseq }} {% autoescape off %}{{ c }}{% endautoescape %} {{ form }}"
        " {{ form.as_p }} {{ d|safe_not_a_filter }}",
        encoding="utf-8",
    )
    (tmp_path / "tests").mkdir()  # tests may build hostile HTML on purpose
    (tmp_path / "tests" / "test_x.py").write_text("mark_safe(x)\n", encoding="utf-8")
    found = scan(tmp_path)
    assert found == {
        ("app/views.py", "mark_safe"): [3],
        ("app/views.py", "format_html with a filled-in string"): [4, 5, 6],
        ("app/views.py", ".help_text = filled in with data"): [7],
        ("app/views.py", "label= filled in with data"): [8],
        ("app/views.py", "__html__"): [11],
        ("app/views.py", "Fieldset with a filled-in string"): [13],
        ("static/js/app.js", list(JS_PATTERNS)[0]): [1, 2],
        ("static/js/app.js", list(JS_PATTERNS)[1]): [4],
        ("templates/page.html", "|safe"): [1],
        ("templates/page.html", "|safeseq"): [1],
        ("templates/page.html", "autoescape off"): [1],
        ("templates/page.html", "form rendered by Django's templates"): [1, 1],
    }
    assert len(problems(found, {})) == 12


def test_one_more_mark_safe_in_a_reviewed_file_fails():
    found = scan(ROOT)
    key = ("core/forms.py", "mark_safe")
    found[key] = [*found[key], 999]
    [message] = problems(found, ALLOWED)
    assert message.startswith("core/forms.py:") and "mark_safe (2, reviewed 1)" in message


HTMX_TAG = re.compile(r"<[a-z][^>]*\bhx-(?:get|post|put|patch|delete|swap-oob)=[^>]*>", re.S)


def test_every_htmx_element_of_the_templates_carries_the_pages_nonce():
    """static/js/rimelig.js refuses htmx requests and out-of-band swaps of elements without the
    response's nonce (text from the data cannot know it): an element of ours without it would
    silently do nothing."""
    missing = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for tag in HTMX_TAG.findall(path.read_text(encoding="utf-8")):
            if 'nonce="{{ csp_nonce }}"' not in tag:
                missing.append(f"{path.relative_to(ROOT)}: {' '.join(tag.split())[:120]}")
    assert not missing, 'htmx elements without nonce="{{ csp_nonce }}":\n' + "\n".join(missing)
