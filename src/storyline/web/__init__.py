"""HTTP API and web page: ``create_app(db_path)`` builds the ASGI app ``storyline serve`` runs.

``create_app`` is imported on first use, so the CLI can use ``storyline.web.queries`` without loading
the web stack.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from storyline.web.app import create_app

        return create_app
    raise AttributeError(name)
