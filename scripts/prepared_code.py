"""Which of storyline's modules shape the articles an ingest prepares: the calibration cache's key.

An ingest prepares articles (read, extract, clean, language, near-duplicates, vectors, storage) and then
assigns them to stories. The calibration script caches prepared databases and replays the assignment
itself, so its cache must change with every module that prepares, and only those. They are found from
the import statements (lazy ones in functions too): everything ``storyline.engine`` imports, directly or
not, short of the assignment stage. A new module the preparation uses is covered without anyone listing
it; :func:`leaks` tells whether the preparation reached into the assignment stage, which would make
leaving it out wrong. An optional C extension a preparation module loads by ``compiled("storyline.NAME")``
(storyline/compiled.py) is keyed by its C source: it gives its Python twin's results, but a bug would not.
"""

from __future__ import annotations

import ast
import hashlib
import re
from functools import cache
from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent
ENGINE = "storyline.engine"
# the assignment stage (stories, then the storylines above them), and the watches told of what was stored:
# they run after an article is prepared, and their code never changes prepared data
AFTER_PREPARATION = ("storyline.assign", "storyline.engine_assigned", "storyline.clustering", "storyline.storylines",
                     "storyline.watches", "storyline.story_search", "storyline.webhooks")


def module_file(name: str) -> Path | None:
    """The file of a storyline module or package, or None if there is none (a name imported from it)."""
    parts = name.split(".")[1:]
    for candidate in (PACKAGE.joinpath(*parts).with_suffix(".py") if parts else None,
                      PACKAGE.joinpath(*parts, "__init__.py")):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


@cache
def imports_of(name: str) -> frozenset[str]:
    """The storyline modules a module imports anywhere in its code (``from pkg import module`` too)."""
    path = module_file(name)
    if path is None:
        return frozenset()
    found: set[str] = set()
    for node in _run_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(m for m in found if m.split(".")[0] == "storyline" and module_file(m) is not None)


@cache
def extensions_of(name: str) -> frozenset[str]:
    """The C extensions a module loads through ``compiled("storyline.NAME")`` (a literal name), that have a source."""
    path = module_file(name)
    if path is None:
        return frozenset()
    found = {node.args[0].value for node in _run_nodes(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "compiled"
             and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    return frozenset(m for m in found if c_source(m) is not None)


def c_source(name: str) -> Path | None:
    """The C source of an extension module ``storyline.…._NAME``, or None."""
    candidate = PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".c")
    return candidate if candidate.is_file() else None


def _type_checking_only(node: ast.AST) -> bool:
    """An ``if TYPE_CHECKING:`` block: its imports serve the type checker and never run."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _run_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of a module but those under ``if TYPE_CHECKING:`` (their ``else`` branch runs, so it stays)."""
    found: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if _type_checking_only(node):
            assert isinstance(node, ast.If)
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _after_preparation(name: str) -> bool:
    return any(name == stage or name.startswith(stage + ".") for stage in AFTER_PREPARATION)


def local_headers(source: Path) -> list[Path]:
    """The headers a C source includes from its own folder (``#include "name.h"``), that exist."""
    names = re.findall(r'^\s*#\s*include\s+"([^"]+)"', source.read_text(encoding="utf-8"), flags=re.M)
    return [source.parent / name for name in names if (source.parent / name).is_file()]


def preparation_modules() -> list[str]:
    """The modules an ingest runs to prepare articles, sorted: the engine and what it imports, directly
    or not, short of the assignment stage."""
    seen: set[str] = set()
    todo = [ENGINE]
    while todo:
        name = todo.pop()
        if name in seen or _after_preparation(name):
            continue
        seen.add(name)
        todo.extend(imports_of(name))
    return sorted(seen)


def leaks() -> list[tuple[str, str]]:
    """(module, assignment-stage module it imports) for every preparation module but the engine that
    imports the assignment stage: then that stage could change prepared data, and the key must cover it."""
    return [(name, imported) for name in preparation_modules() if name != ENGINE
            for imported in sorted(imports_of(name)) if _after_preparation(imported)]


def sources() -> dict[str, Path]:
    """Every source file the preparation runs, by module name: the modules and the C extensions they load."""
    found: dict[str, Path] = {}
    for name in preparation_modules():
        path = module_file(name)
        assert path is not None  # preparation_modules names files only
        found[name] = path
        for extension in extensions_of(name):
            source = c_source(extension)
            assert source is not None  # extensions_of names those with a source only
            found[extension] = source
            for header in local_headers(source):
                found[f"{extension}:{header.name}"] = header
    return dict(sorted(found.items()))


def module_digests() -> dict[str, str]:
    """Each preparation source's SHA-256 (hex), by module name: what tells two preparations' code apart."""
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in sources().items()}


def code_digest() -> bytes:
    """A digest of the preparation's sources: the part of the cache key that follows the code."""
    digest = hashlib.sha256()
    for name, path in sources().items():
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.digest()
