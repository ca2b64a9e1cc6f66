"""The layers point one way: ingest → knowledge → assistant → ui, composed by server/ above both.

Every import in every module counts, also one inside a function, a relative one and
`importlib.import_module("...")` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each top-level package must never import.
FORBIDDEN = {
    "ingest": {"knowledge", "assistant", "ui", "server"},
    "knowledge": {"assistant", "ui", "server"},
    "assistant": {"ui", "server"},
    "ui": {"knowledge", "ingest", "server"},
}


def imported_packages(source: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in `source`; a relative import stays in its own package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.append((node.lineno, name.value.split(".")[0]))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def violations(root: Path, package: str) -> list[str]:
    """`path:line imports name` for each import `package` may not make."""
    forbidden = FORBIDDEN[package]
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for line, name in imported_packages(path.read_text(encoding="utf-8")):
            if name in forbidden:
                found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_the_layers_below_it(package):
    assert (ROOT / package / "__init__.py").is_file()
    assert violations(ROOT, package) == []


def test_the_server_package_composes_assistant_and_ui():
    names = {name for path in (ROOT / "server").rglob("*.py")
             for _, name in imported_packages(path.read_text(encoding="utf-8"))}
    assert {"assistant", "ui"} <= names


def test_a_planted_import_anywhere_in_a_module_is_found(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "__init__.py").write_text("from . import labels\n", encoding="utf-8")
    (tmp_path / "ui" / "chat.py").write_text(
        "import gradio\nfrom assistant import messages\n\n"
        "def filters():\n    from knowledge.base import Filters\n    return Filters\n\n"
        "def later():\n    import importlib\n    return importlib.import_module('ingest.models')\n",
        encoding="utf-8")
    assert violations(tmp_path, "ui") == [
        f"{Path('ui/chat.py')}:5 imports knowledge", f"{Path('ui/chat.py')}:10 imports ingest"]
