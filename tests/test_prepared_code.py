"""The calibration cache's key covers every module that prepares articles, and none of the assignment stage."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def code():
    spec = importlib.util.spec_from_file_location("prepared_code", ROOT / "scripts" / "prepared_code.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_key_holds_the_preparation_stages_and_leaves_out_what_runs_after(code):
    modules = set(code.preparation_modules())
    assert {"storyline.engine", "storyline.prepare", "storyline.clean.cleaner", "storyline.clean.rules",
            "storyline.clean.vocab", "storyline.extract", "storyline.language", "storyline.dedup",
            "storyline.embed.use", "storyline.embed.e5", "storyline.sources.files", "storyline.writer",
            "storyline.storage.sqlite.store"} <= modules
    assert not {m for m in modules if m.startswith(("storyline.clustering", "storyline.assign", "storyline.briefs",
                                                     "storyline.web", "storyline.commands", "storyline.similarity"))}


def test_no_preparation_module_reaches_into_the_assignment_stage(code):
    assert code.leaks() == []


def test_every_module_an_ingest_runs_is_in_the_key_or_the_assignment_stage(code, tmp_path):
    """Run a real ingest in a fresh interpreter and list the storyline modules it loaded."""
    script = (
        "import json, sys\n"
        "from storyline.embed import HashingEncoder\n"
        "from storyline.engine import Engine\n"
        "from storyline.settings import Settings\n"
        f"db = {str(tmp_path / 'k.db')!r}\n"
        "with Engine(db, encoder=HashingEncoder(), settings=Settings(db=db, encoder='hashing')) as engine:\n"
        f"    engine.ingest_paths([{str(ROOT / 'examples' / 'demo-corpus.jsonl')!r}])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'storyline')))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                                       text=True, cwd=tmp_path).stdout)
    keyed = set(code.preparation_modules())
    parents = {name.rsplit(".", i)[0] for name in keyed for i in range(1, name.count(".") + 1)}
    unkeyed = [m for m in loaded if m not in keyed | parents and not code._after_preparation(m)
               and code.module_file(m) is not None]
    assert unkeyed == []


def test_the_digest_follows_preparation_code_only(code, tmp_path, monkeypatch):
    package = tmp_path / "storyline"
    shutil.copytree(code.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "params"))
    monkeypatch.setattr(code, "PACKAGE", package)
    code.imports_of.cache_clear()
    before = code.code_digest()
    with (package / "clustering" / "clusterer.py").open("a") as f:
        f.write("\n# assignment changes keep the cache\n")
    assert code.code_digest() == before
    with (package / "clean" / "vocab.py").open("a") as f:
        f.write("\n# a phrase list changes what cleaning leaves\n")
    assert code.code_digest() != before
    code.imports_of.cache_clear()


def test_imports_only_the_type_checker_sees_are_no_leak(code):
    import ast

    tree = ast.parse("from typing import TYPE_CHECKING\nimport storyline.prepare\nif TYPE_CHECKING:\n"
                     "    from storyline.watches import Watcher\nelse:\n    import storyline.dedup\n"
                     "def f():\n    from storyline.assign import story_item\n")
    imported = {n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
                for n in code._run_nodes(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
    assert imported == {"typing", "storyline.prepare", "storyline.dedup", "storyline.assign"}


def test_a_compiled_extension_the_preparation_loads_is_keyed_by_its_c_source(code, tmp_path, monkeypatch):
    assert code.sources()["storyline._minhash"].name == "_minhash.c"  # dedup's signatures
    assert "storyline.clustering._native" not in code.sources()  # the assignment stage's
    package = tmp_path / "storyline"
    shutil.copytree(code.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "params", "*.so"))
    monkeypatch.setattr(code, "PACKAGE", package)
    code.imports_of.cache_clear()
    code.extensions_of.cache_clear()
    before = code.code_digest()
    with (package / "clustering" / "_native.c").open("a") as f:
        f.write("\n/* assignment changes keep the cache */\n")
    assert code.code_digest() == before
    with (package / "_minhash.c").open("a") as f:
        f.write("\n/* a signature change alters the near-duplicates found */\n")
    assert code.code_digest() != before
    code.imports_of.cache_clear()
    code.extensions_of.cache_clear()
