"""Every optional C extension has a ``.pyi`` stub beside its source naming exactly what the module exports, so mypy
checks its callers against what the C code really offers."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = re.findall(r'Extension\(\s*"([\w.]+)"', (ROOT / "setup.py").read_text(encoding="utf-8"))


def _stub(name: str) -> Path:
    return ROOT / "src" / Path(*name.split(".")).with_suffix(".pyi")


def _stub_names(path: Path) -> set[str]:
    """The public top-level names a stub declares (functions, classes, annotated constants)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def test_setup_lists_the_extensions() -> None:
    assert len(EXTENSIONS) >= 6
    assert "storyline._lsh" in EXTENSIONS


@pytest.mark.parametrize("name", EXTENSIONS)
def test_each_extension_has_a_stub(name: str) -> None:
    assert _stub(name).is_file(), f"{name}: add {_stub(name).relative_to(ROOT)} (docs/compiled.md)"


@pytest.mark.parametrize("name", EXTENSIONS)
def test_a_stub_names_what_the_module_exports(name: str) -> None:
    try:
        module = importlib.import_module(name)  # not compiled(): the stub is checked even under PURE_PYTHON
    except ImportError:
        pytest.skip(f"{name} was not built (no compiler)")
    exported = {attr for attr in dir(module) if not attr.startswith("_")}
    assert _stub_names(_stub(name)) == exported
