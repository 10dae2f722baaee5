"""`storyline serve`: the web page and JSON API over one database, on this machine by default."""

from __future__ import annotations

from pathlib import Path

import click

from storyline.commands.core import db_option
from storyline.errors import ConfigError
from storyline.settings import Settings


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 shares it with your network).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option("--encoder", default=None, type=click.Choice(["use", "e5", "hashing"]),
              help="Encoder for briefs, comparisons and POST /api/articles (default: use).")
def serve_command(db, host, port, encoder):
    """Serve the story page (/) and the JSON API (/api, docs at /docs) until Ctrl-C."""
    import uvicorn

    from storyline.embed import get_encoder
    from storyline.web import create_app

    settings = Settings.load(db=db, encoder=encoder)
    if settings.db == ":memory:":
        raise ConfigError("serve needs a database file, not :memory:", hint="pass --db FILE")
    if not Path(settings.db).exists():
        click.echo(f"note: {settings.db} does not exist yet; starting an empty database", err=True)
    app = create_app(settings.db, get_encoder(settings.encoder), warm_up=True)
    click.echo(f"Storyline on http://{host}:{port}/  (API docs: http://{host}:{port}/docs; Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning", workers=1)
