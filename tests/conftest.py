"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import event_rows, write_jsonl


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_jsonl(tmp_path / "corpus.jsonl", event_rows())
