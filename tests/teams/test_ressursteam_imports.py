"""teams never imports referrals (nor decisions): dependencies run one way, decisions →
referrals → teams (DESIGN.md). Anonymous consultations stay apart from children's data; what
teams needs from referrals arrives through teams.hooks. Plain-Python check of every module's
imports, also those inside functions."""

import ast
from pathlib import Path

import teams

TEAMS_DIR = Path(teams.__file__).parent
FORBIDDEN = ("referrals", "decisions")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def test_teams_never_imports_referrals_or_decisions():
    offenders = {}
    for path in sorted(TEAMS_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations name other apps' models only as strings
        bad = sorted(name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN)
        if bad:
            offenders[str(path.relative_to(TEAMS_DIR.parent))] = bad
    assert offenders == {}, f"teams must not import upward: {offenders}"


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from referrals.models import Child\n", encoding="utf-8")
    assert "referrals.models" in imported_modules(module)


def test_teams_migrations_do_not_depend_on_referrals():
    for path in sorted((TEAMS_DIR / "migrations").glob("0*.py")):
        text = path.read_text(encoding="utf-8")
        assert '("referrals"' not in text and "('referrals'" not in text, path.name
