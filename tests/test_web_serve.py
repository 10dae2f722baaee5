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


def test_sharing_on_the_network_warns_prints_a_token_and_the_app_demands_it(tmp_path, monkeypatch):
    """`--host 0.0.0.0` as the user runs it; the app it builds is then served on 127.0.0.1 only."""
    import httpx
    import uvicorn

    from web_corpus import AppServer

    db = tmp_path / "net.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin="f:0", **corpus()[0])])
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.update(app=app, **kwargs))
    result = CliRunner().invoke(serve_command, ["--db", str(db), "--host", "0.0.0.0", "--port", str(free_port()),
                                                "--encoder", "hashing"])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.stderr
    token = next(line.split()[2] for line in result.stdout.splitlines() if line.startswith("write token:"))
    assert started["host"] == "0.0.0.0" and len(token) >= 24
    server = AppServer(started["app"])
    try:
        post = lambda **h: httpx.post(f"{server.base}/api/articles", json=corpus()[1], timeout=60,  # noqa: E731
                                      headers={"host": f"newsroom.lan:{server.port}", **h})
        assert post().status_code == 401
        assert post(authorization=f"Bearer {token}").status_code == 200
    finally:
        server.stop()
