"""The encoder registry: one entry per encoder, and no other module of storyline naming one."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest

from storyline.clustering import params_file
from storyline.embed import HashingEncoder, USEEncoder, get_encoder, option_for, registry
from storyline.errors import ConfigError

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "storyline"
# Where encoder names may be written: the registry, and the backends that are the encoders.
ALLOWED = {PACKAGE / "embed" / name for name in ("registry.py", "base.py", "use.py", "e5.py")}


def _forbidden_strings() -> set[str]:
    """Every name of every encoder, and the parameter files that belong to one."""
    out: set[str] = set()
    for entry in registry.ENCODERS:
        out.update(entry.names)
        out.add(entry.story_params)
        if entry.pair_params:
            out.add(entry.pair_params)
    return out


def _named_encoders(path: Path, forbidden: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in forbidden]


def test_no_module_outside_the_registry_names_an_encoder():
    forbidden = _forbidden_strings()
    assert {"use", "e5", "hashing", "use-m3", "e5-small"} <= forbidden
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if path not in ALLOWED
             for hit in _named_encoders(path, forbidden)]
    assert not found, "encoder names outside storyline/embed/registry.py:\n" + "\n".join(found)


def test_the_name_check_finds_a_name(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text('"""Prose may say e5."""\nif name.startswith("e5"):\n    pass\n', encoding="utf-8")
    assert _named_encoders(planted, _forbidden_strings()) == [f"{planted}:2: 'e5'"]


def test_every_entry_answers_to_its_names_and_builds_its_encoder():
    for entry in registry.ENCODERS:
        for name in entry.names:
            assert registry.lookup(name) is entry
        assert option_for(entry.name) == entry.option
    assert isinstance(get_encoder("hashing"), HashingEncoder)
    assert isinstance(get_encoder(), USEEncoder)  # the default role
    assert registry.lookup("use-m3").dim == USEEncoder.dim == 512


def test_unknown_encoder_is_a_config_error_naming_the_choices():
    with pytest.raises(ConfigError) as err:
        get_encoder("word2vec")
    assert "use, e5, hashing" in (err.value.hint or "")


def test_story_and_pair_parameters_come_from_the_registry():
    assert params_file("use-m3") == "stories.json"
    assert params_file("e5-small") == params_file("e5") == "stories-e5.json"
    assert params_file(None) == params_file("someone-elses-encoder") == "stories.json"
    assert registry.for_role(registry.PAIRS).pair_params == "pairs.json"
    assert registry.for_role(registry.PAIRS_WIDE).pair_params == "pairs-e5.json"
    for entry in registry.ENCODERS:
        assert (PACKAGE / "params" / entry.story_params).is_file()


def test_thresholds_follow_the_encoder_that_made_the_vectors():
    for entry in registry.ENCODERS:
        assert registry.thresholds_for(entry.name) is entry.thresholds
    assert registry.thresholds_for("custom") is registry.default_entry().thresholds


def test_cli_choices_are_the_registry_options():
    from storyline.cli import main

    for command in ("ingest", "fetch", "follow", "serve"):
        option = next(p for p in main.commands[command].params if p.name == "encoder")
        assert isinstance(option.type, click.Choice)
        assert tuple(option.type.choices) == registry.options()


def test_a_brief_uses_the_cut_offs_of_the_encoder_that_made_its_vectors(monkeypatch):
    import dataclasses

    from storyline.briefs import build_brief
    from storyline.engine import Engine
    from storyline.types import RawRecord

    quote = '"We will rebuild the bridge before the winter comes," said the mayor Ana Ruiz on Monday.'
    engine = Engine(":memory:", encoder=HashingEncoder())
    bodies = [("daily.example", "The old bridge over the river collapsed in the storm last week, cutting the "
               f"town in two. {quote} Traffic moves to the ring road for now, and ferries run every hour."),
              ("courier.example", f"Divers searched the river for a second day. {quote} Engineers inspected "
               "the remaining piers on Sunday and said the eastern span could not be saved.")]
    engine.ingest_records([RawRecord(origin="x", id=f"a{n}", source=source, title="Bridge to be rebuilt", text=text)
                           for n, (source, text) in enumerate(bodies)])
    story = engine.store.story_of("a0")
    assert engine.store.story_of("a1") == story
    assert build_brief(engine.store, story).quote_groups  # the same words in two sources: one quotation
    hashing = registry.lookup("hashing")
    strict = dataclasses.replace(hashing.thresholds, quote=1.01)  # no cosine reaches it
    monkeypatch.setattr(registry, "ENCODERS", tuple(dataclasses.replace(e, thresholds=strict) if e is hashing else e
                                                    for e in registry.ENCODERS))
    assert not build_brief(engine.store, story).quote_groups
    engine.close()
