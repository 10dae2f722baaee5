"""`storyline serve` start-up checks: what would make every later request fail is refused at start."""

from __future__ import annotations

from click.testing import CliRunner

from storyline.commands.serve import serve_command
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from web_corpus import corpus, free_port


def test_an_encoder_the_database_was_not_built_with_is_refused_at_start(tmp_path):
    db = tmp_path / "h.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin="f:0", **corpus()[0])])
    result = CliRunner().invoke(serve_command, ["--db", str(db), "--port", str(free_port()), "--encoder", "use"])
    assert result.exit_code != 0 and isinstance(result.exception, Exception)
    assert "was built with the hashing" in str(result.exception) and "--encoder hashing" in result.exception.hint
