"""One error path: strict mode decided in one place for every rejection, with the exit code its error says."""

from __future__ import annotations

import json

import pytest

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.errors import EXIT_BAD_INPUT, ConfigError, InputError, NotFoundError, strict_error
from storyline.types import Rejection

GOOD = {"id": "g1", "title": "Harbour pilots guide the tall ship Meridian home",
        "text": "The harbour pilots of Corvana guided the tall ship Meridian into port on Sunday after a storm."}


def test_strict_error_names_where_why_and_what_to_do():
    error = strict_error(Rejection("in.jsonl:7", "malformed_json", "Expecting value"))
    assert error.message == "in.jsonl:7: malformed json (Expecting value)"
    assert "--strict" in error.hint and error.exit_code == EXIT_BAD_INPUT


def test_user_errors_share_one_exit_code():
    assert InputError("x").exit_code == NotFoundError("x").exit_code == ConfigError("x").exit_code == EXIT_BAD_INPUT


@pytest.mark.parametrize("bad, says", [
    ("{oops", "bad.jsonl:2: malformed json"),  # a reader's rejection
    (json.dumps({"id": "s1", "text": "too short"}), "bad.jsonl:2: too short"),  # a later stage's rejection
    (json.dumps({**GOOD, "text": GOOD["text"] + " Another version."}), "bad.jsonl:2: duplicate id"),
])
def test_strict_stops_at_any_rejection_in_one_form(tmp_path, bad, says):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + bad.replace('"s1"', '"g1"') + "\n", encoding="utf-8")
    with Engine(tmp_path / "x.db", encoder=HashingEncoder()) as engine, pytest.raises(InputError) as err:
        engine.ingest_paths([str(path)], strict=True)
    assert err.value.message.startswith(f"{tmp_path}/{says}") and "--strict" in err.value.hint
    assert err.value.exit_code == EXIT_BAD_INPUT


def test_without_strict_the_same_inputs_are_counted(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{oops\n" + json.dumps({"text": "too short"}) + "\n", encoding="utf-8")
    with Engine(tmp_path / "x.db", encoder=HashingEncoder()) as engine:
        report = engine.ingest_paths([str(path)])
    assert report.rejected == {"malformed_json": 1, "too_short": 1}
