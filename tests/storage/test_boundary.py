"""All SQL lives in the storage backends: no module outside ``storyline/storage/`` (nor a script or a
benchmark) holds a connection, runs a statement or spells a SQL statement."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "storyline"
STORAGE = PACKAGE / "storage"

# What only a backend may write: a connection, a statement run, the sqlite3 module, or SQL itself
# (statements are upper case in this code base; prose like "select the newest" does not match).
FORBIDDEN = {
    "a connection": re.compile(r"\.conn\b|\b_conn\b|\bconnect\("),
    "a statement run": re.compile(r"\.execute(many|script)?\("),
    "the sqlite3 module": re.compile(r"\bimport sqlite3\b|\bsqlite3\."),
    "SQL": re.compile(
        r"\bSELECT\b.+\bFROM\b|\bINSERT (OR \w+ )?INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b"
        r"|\bCREATE (VIRTUAL )?(TABLE|INDEX)\b|\bDROP (TABLE|INDEX)\b|\bPRAGMA\b|\bBEGIN IMMEDIATE\b"
    ),
}


def _outside_storage() -> list[Path]:
    files = [p for p in PACKAGE.rglob("*.py") if STORAGE not in p.parents]
    for folder in ("scripts", "benchmarks"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def offences(path: Path) -> list[str]:
    """``file:line: what`` for each line of ``path`` that reaches past the Store protocol."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for what, pattern in FORBIDDEN.items():
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()[:100]}")
    return found


def test_no_sql_and_no_connection_outside_the_storage_backends():
    found = [line for path in _outside_storage() for line in offences(path)]
    assert not found, "move these behind a Store method (storyline/storage):\n" + "\n".join(found)


def test_the_check_sees_what_it_looks_for():
    """The patterns do find the backends' own statements, so the check above can fail."""
    backend = offences(STORAGE / "sqlite" / "articles.py")
    assert any(": SQL: " in line for line in backend) and any("a statement run" in line for line in backend)
    assert any("a connection" in line for line in offences(STORAGE / "sqlite" / "store.py"))
