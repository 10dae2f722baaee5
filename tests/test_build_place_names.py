"""scripts/build_place_names.py: the shipped place table is what the script builds from the CLDR."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from storyline.clustering.keys import place_keys

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("build_place_names", ROOT / "scripts" / "build_place_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_the_scripts_output():
    assert _script().build() == place_keys()


def test_only_single_capitalised_words_of_four_letters_or_more_become_keys():
    key_of = _script().key_of
    assert key_of("Alemanha") == "n:alema"
    assert key_of("Токио") == "n:токио"
    assert key_of("Estados Unidos") is None  # its words are keyed one by one, as any name
    assert key_of("Fas") is None
    assert key_of("طوكيو") is None  # no capitals: name_keys never finds it
