"""core/ is the lowest layer and config holds only the project's wiring (issue 17,
deliverable 4): no loop between folders, and none between referrals' models and access log."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {"teams", "referrals", "decisions", "ops", "config", "bench", "tests", "demo"}


def imported_top_packages(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_core_imports_no_app():
    assert not set(imported_top_packages("core")) & (APPS - {"core"})


def test_no_app_imports_from_config():
    for folder in ("core", "teams", "referrals", "decisions", "ops"):
        uses = imported_top_packages(folder).get("config", set())
        assert not uses, f"{folder} imports config: {sorted(uses)}"


def test_config_holds_only_the_wiring():
    modules = {p.name for p in (ROOT / "config").glob("*.py")}
    assert modules <= {
        "__init__.py",
        "settings.py",
        "urls.py",
        "celery.py",
        "wsgi.py",
        "asgi.py",
        "env.py",
        "embedded.py",
    }


def module_imports(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_referrals_models_and_the_access_log_do_not_import_each_other():
    assert "referrals.access_log" not in module_imports("referrals/models.py")
    assert "referrals.models" not in module_imports("referrals/access_log.py")


def test_case_error_and_team_error_are_the_one_domain_error():
    from core.errors import DomainError
    from referrals.services import CaseError
    from teams.ressursteam_services import TeamError

    assert CaseError is DomainError and TeamError is DomainError
