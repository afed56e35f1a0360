"""The demo app sits above the product: it may import every app, but no product module imports
it, so the product runs (and is deployed) the same without the synthetic data."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["config", "teams", "referrals", "decisions", "ops"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_product_module_imports_the_demo():
    offenders = [
        str(path.relative_to(ROOT))
        for app in PRODUCT
        for path in sorted((ROOT / app).rglob("*.py"))
        if any(name == "demo" or name.startswith("demo.") for name in _imports(path))
    ]
    assert offenders == []


def test_every_demo_module_lives_in_the_demo_app():
    strays = [
        str(path.relative_to(ROOT))
        for app in PRODUCT
        for path in sorted((ROOT / app).rglob("*.py"))
        if "demo" in path.stem
    ]
    assert strays == []
