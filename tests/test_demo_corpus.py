"""The demo corpus stays valid: fields, languages, events, dates, html pages matching records."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_corpus_passes_its_checks():
    spec = importlib.util.spec_from_file_location("check_demo_corpus", ROOT / "scripts/check_demo_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(ROOT / "examples/demo-corpus.jsonl"), "--html", str(ROOT / "examples/html")]) == 0
