"""All SQL lives in the storage backends: no module outside ``storyline/storage/sqlite/``,
``storyline/storage/postgres/`` and the statements both run (``storyline/storage/portable/``) — not the
protocol, nor a script or a benchmark — holds a connection, runs a statement, imports a database driver or
spells a SQL statement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "storyline"
STORAGE = PACKAGE / "storage"
BACKENDS = (STORAGE / "sqlite", STORAGE / "postgres")
SQL_HOMES = (*BACKENDS, STORAGE / "portable")  # the only homes of SQL: the backends and what both run

# What only a backend may write: a connection, a statement run, the sqlite3 module, or SQL itself
# (statements are upper case in this code base; prose like "select the newest" does not match).
FORBIDDEN = {
    "a connection": re.compile(r"\.conn\b|\b_conn\b|\bconnect\("),
    "a statement run": re.compile(r"\.execute(many|script)?\("),
    "the sqlite3 module": re.compile(r"\bimport sqlite3\b|\bsqlite3\."),
    "the psycopg driver": re.compile(r"\b(import|from) psycopg\b|\bpsycopg\."),
    "SQL": re.compile(
        r"\bSELECT\b.+\bFROM\b|\bINSERT (OR \w+ )?INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b"
        r"|\bCREATE (VIRTUAL )?(TABLE|INDEX|SCHEMA)\b|\bDROP (TABLE|INDEX|SCHEMA)\b|\bPRAGMA\b|\bBEGIN IMMEDIATE\b"
        r"|\bpg_(try_)?advisory"
    ),
}


def _outside_storage() -> list[Path]:
    files = [p for p in PACKAGE.rglob("*.py") if not any(home in p.parents for home in SQL_HOMES)]
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


def test_the_storage_package_outside_its_backends_is_checked_too():
    checked = set(_outside_storage())
    assert {STORAGE / "__init__.py", STORAGE / "protocol.py", STORAGE / "rows.py"} <= checked
    assert not any(home in path.parents for path in checked for home in SQL_HOMES)


@pytest.mark.parametrize("backend", [b.name for b in BACKENDS])
def test_the_check_sees_what_it_looks_for(backend):
    """The patterns do find each backend's own statements, so the check above can fail."""
    found = offences(STORAGE / backend / "articles.py")
    assert any(": SQL: " in line for line in found) and any("a statement run" in line for line in found)
    assert any("a connection" in line for line in offences(STORAGE / backend / "store.py"))


def test_the_check_sees_the_postgres_driver_and_its_locks():
    found = offences(STORAGE / "postgres" / "lease.py")
    assert any("the psycopg driver" in line for line in found) and any(": SQL: " in line for line in found)
    assert any(": SQL: " in line for line in offences(STORAGE / "postgres" / "schema.py"))
