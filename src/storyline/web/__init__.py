"""HTTP API and web page: ``create_app(db_path)`` builds the ASGI app ``storyline serve`` runs."""

from storyline.web.app import create_app

__all__ = ["create_app"]
