"""One home per meaning: a public function name is defined in one module, so two modules cannot drift
apart under one name (two ``vector_encoder`` with different meanings, two ``hostname``s that disagreed)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "storyline"

# The Python API's one-liners share their names with what they delegate to, on purpose.
FACADES = {"brief", "compare", "ingest", "stories"}
# Two meanings under one name, in modules other helpers are moving now (clean/, embed/): rename then.
KNOWN = {"normalise"}


def test_each_public_function_name_has_one_home():
    homes: dict[str, list[str]] = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and not _overload(node):
                homes[node.name].append(str(path.relative_to(SRC)))
    twice = {name: where for name, where in homes.items()
             if len(where) > 1 and name not in FACADES | KNOWN and not _backend_mirrors(where)}
    assert twice == {}


def _overload(node: ast.FunctionDef) -> bool:
    """True for a ``typing.overload`` signature: the function's types, not another definition of it."""
    return any((d.id if isinstance(d, ast.Name) else getattr(d, "attr", None)) == "overload"
               for d in node.decorator_list)


def _backend_mirrors(homes: list[str]) -> bool:
    """True when every home is the same module of a different storage backend (``storage/sqlite/x.py``,
    ``storage/postgres/x.py``): the backends implement one contract, module for module.

    >>> _backend_mirrors(["storage/sqlite/migrations.py", "storage/postgres/migrations.py"])
    True
    >>> _backend_mirrors(["storage/__init__.py", "storage/postgres/store.py"])
    False
    """
    parts = [Path(home).parts for home in homes]
    return (all(len(p) == 3 and p[0] == "storage" for p in parts)
            and len({p[2] for p in parts}) == 1 and len({p[1] for p in parts}) == len(parts))
