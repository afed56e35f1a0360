"""The layering as a test (issue 17, deliverable 7; docs/architecture.md): the suite fails the
moment a rule breaks.

- Each top-level package imports only the packages below it: core ← teams ← referrals ←
  decisions ← demo, with ops (health, request ids, the beat lock) beside referrals on teams,
  and config (settings, urls, Celery, wsgi) on top, imported by nobody but bench's settings.
- The product never imports bench/ or tests/.
- No loop between two modules of the product (module-level imports).
- Views read case models only through the scoping and selector modules: no
  ``<CaseModel>.objects`` in a view module.
- Every write goes through a service: no ``.save()``, ``.delete()``, ``.create()``,
  ``.update()`` … in a view module.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["core", "teams", "ops", "referrals", "decisions", "documents", "api", "demo", "config"]
MAY_IMPORT = {
    "core": set(),
    "teams": {"core"},
    "ops": {"core", "teams"},
    "referrals": {"core", "teams"},
    "decisions": {"core", "teams", "referrals"},
    "documents": {"core", "teams", "referrals", "decisions"},
    "api": {"core", "teams", "referrals", "decisions", "documents"},
    "demo": {"core", "teams", "referrals", "decisions", "documents"},
    "config": {"core", "teams", "ops", "referrals", "decisions", "documents", "api"},
}
KNOWN = set(PRODUCT) | {"bench", "tests"}
# The models that name a child or belong to a case (referrals and decisions).
CASE_MODELS = {
    "Referral",
    "Child",
    "Guardian",
    "Consent",
    "Assessment",
    "Attachment",
    "CaseEvent",
    "Pause",
    "NamedConsultation",
    "ConsultationConsent",
    "Decision",
    "Deadline",
    "DeadlineFlag",
    "Appeal",
    "ProvisionalReply",
    "Notification",
    "CaseFact",
    "Document",
    "JournalEntry",
    "Shipment",
}
WRITES = {
    "save",
    "delete",
    "create",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, *, top_level_only: bool = False):
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:  # "from referrals import states" names a module
                yield f"{node.module}.{alias.name}"


def _is_view_module(path: Path) -> bool:
    return "views" in path.parts or path.stem.endswith("views") or path.stem == "views"


@pytest.mark.parametrize("package", PRODUCT)
def test_a_package_imports_only_the_layers_below_it(package):
    wrong = set()
    for path in _modules(package):
        for name in _imports(ast.parse(path.read_text())):
            top = name.split(".")[0]
            if top in KNOWN and top != package and top not in MAY_IMPORT[package]:
                wrong.add(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, f"{package} may import only {sorted(MAY_IMPORT[package])}:\n" + "\n".join(
        sorted(wrong)
    )


def test_no_loop_between_two_modules():
    """Module-level imports only: an import inside a function runs after both modules are
    loaded and is no loop at import time (but is named in the function's comment why)."""
    graph: dict[str, set[str]] = {}
    names = {_module_name(p): p for pkg in PRODUCT for p in _modules(pkg)}
    for name, path in names.items():
        targets = set()
        for imported in _imports(ast.parse(path.read_text()), top_level_only=True):
            if imported in names and imported != name:
                targets.add(imported)
        graph[name] = targets
    loops = []
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for target in sorted(graph[node]):
            # A package's __init__ re-exporting its own modules is no loop.
            if target.startswith(node + ".") or node.startswith(target + "."):
                continue
            if state.get(target) == 1:
                loops.append(" → ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not loops, "import loops:\n" + "\n".join(loops)


def test_views_read_case_models_only_through_the_scoping_and_selector_modules():
    found = []
    for package in PRODUCT:
        for path in filter(_is_view_module, _modules(package)):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == "objects"
                    and isinstance(node.value, ast.Name)
                    and node.value.id in CASE_MODELS
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.objects")
    assert not found, "views must read cases through scoping/selectors:\n" + "\n".join(found)


def test_views_write_only_through_services():
    found = []
    for package in PRODUCT:
        for path in filter(_is_view_module, _modules(package)):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WRITES
                ):
                    receiver = ast.unparse(node.func.value)
                    # A dict's update and the cache are no database writes.
                    if receiver in {"context", "cache", "kwargs", "data", "initial", "book"}:
                        continue
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert not found, "views must write through services:\n" + "\n".join(found)


def test_the_layer_rules_see_every_product_package():
    """A new top-level package must be placed in the layers above."""
    packages = {
        p.parent.name
        for p in ROOT.glob("*/__init__.py")
        if p.parent.name not in {"tests", "bench", "static", "templates", "locale"}
    }
    assert packages <= set(PRODUCT), f"not in the layer rules: {sorted(packages - set(PRODUCT))}"
