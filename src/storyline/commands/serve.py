"""`storyline serve`: the web page and JSON API over one database, on this machine by default."""

from __future__ import annotations

import socket

import click

from storyline.commands.core import db_option
from storyline.embed.registry import options as encoder_options
from storyline.errors import ConfigError
from storyline.settings import Settings, stored_encoder
from storyline.storage import open_store, store_exists


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 shares it with your network).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option("--encoder", default=None, type=click.Choice(encoder_options()),
              help="Encoder for briefs, comparisons and POST /api/articles (default: use).")
@click.option("--token", default=None, envvar="STORYLINE_TOKEN", metavar="TOKEN",
              help="Secret every write (POST) must send as `Authorization: Bearer TOKEN` "
                   "[env STORYLINE_TOKEN]. Made up and printed when --host is not loopback.")
def serve_command(db, host, port, encoder, token):
    """Serve the story page (/) and the JSON API (/api, docs at /docs) until Ctrl-C."""
    import uvicorn

    from storyline.embed import get_encoder
    from storyline.web import create_app
    from storyline.web.guard import is_loopback

    settings = Settings.load(db=db, encoder=encoder)
    if settings.db == ":memory:":
        raise ConfigError("serve needs a database file, not :memory:", hint="pass --db FILE")
    existed = store_exists(settings.db)
    if not _port_free(host, port):
        raise ConfigError(f"port {port} on {host} is in use (another server, or an earlier `storyline serve`)",
                          hint="pass --port with a free port, e.g. --port 8766, or stop the other server")
    # a clear error now (missing folder, not a database) rather than on the first request
    open_store(settings.db).close()
    _check_encoder(settings)
    if not existed:
        click.echo(f"note: {settings.db} did not exist; started an empty database", err=True)
    token, made_up = write_token(host, token)
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}, not on this machine only: anyone who can reach it can read "
                   "every story; writes need the write token", err=True)
    app = create_app(settings.db, get_encoder(settings.resolved_encoder()), warm_up=True, bind=host, token=token)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Storyline on http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs; Ctrl-C stops)")
    if made_up:
        click.echo(f"write token: {token}  (POST with the header `Authorization: Bearer {token}`)")
    elif token:
        click.echo("writes need the token given by --token / STORYLINE_TOKEN (`Authorization: Bearer TOKEN`)")
    uvicorn.run(app, host=host, port=port, log_level="warning", workers=1)


def _check_encoder(settings: Settings) -> None:
    """Refuse now an --encoder the database was not built with (every POST would fail with it later)."""
    from storyline.embed import option_for

    built_with = stored_encoder(settings.db)
    if built_with and option_for(built_with) != settings.resolved_encoder():
        raise ConfigError(f"{settings.db} was built with the {built_with} encoder, not {settings.resolved_encoder()}",
                          hint=f"serve it with --encoder {option_for(built_with)} (or leave --encoder out)")


def write_token(host: str, given: str | None) -> tuple[str | None, bool]:
    """The token writes must carry, and whether it was made up here: one is always needed off loopback.

    >>> write_token("127.0.0.1", None), write_token("127.0.0.1", " s3cret ")
    ((None, False), ('s3cret', False))
    >>> token, made_up = write_token("0.0.0.0", None); len(token) > 20 and made_up
    True
    """
    from storyline.web.guard import is_loopback, new_token

    token = (given or "").strip() or None
    if token is None and not is_loopback(host):
        return new_token(), True
    return token, False


def _port_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (uvicorn would otherwise print a raw OS error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
