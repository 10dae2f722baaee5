"""The storage contract's backends: every test in this folder that asks for ``store`` or ``location`` runs once
per backend. A backend joins by adding its name to ``BACKENDS`` and a branch to ``location`` that gives a
fresh, empty database it can open (PostgreSQL: a throwaway schema in a test cluster)."""

from __future__ import annotations

import pytest

from storyline.storage import open_store

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path) -> str:
    """Where a fresh database of the backend lives (opened by ``open_store``)."""
    if request.param == "sqlite":
        return str(tmp_path / "contract.db")
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")  # a new database in the session's test cluster
    raise AssertionError(f"no location for backend {request.param}")


@pytest.fixture
def store(location):
    opened = open_store(location)
    yield opened
    opened.close()
