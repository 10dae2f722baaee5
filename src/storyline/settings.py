"""One Settings object: defaults, then a TOML file, then STORYLINE_* environment, then CLI flags."""

from __future__ import annotations

import os
import sqlite3
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError

CONFIG_FILE = "storyline.toml"


@dataclass(frozen=True)
class Settings:
    """Every knob a user may turn; stages get explicit values from here, never globals.

    >>> Settings().with_overrides({"batch_size": 8}).batch_size
    8
    """

    db: str = "storyline.db"
    encoder: str = "auto"  # the encoder the database was built with; "use" for a new one
    batch_size: int = 64
    max_bytes: int = 1_000_000
    min_words: int = 3
    dedup_threshold: float = 0.6
    dedup_short_threshold: float = 0.85
    dedup_capacity: int = 200_000
    clean_with_encoder: bool = True
    store_in_background: bool = True  # write a batch on a second thread while the next is prepared
    writer_wait: float = 0.0  # seconds a writer waits for another process's ingest to end (0: no limit)

    def with_overrides(self, values: Mapping[str, Any]) -> Settings:
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            if key not in known:
                raise ConfigError(f"unknown setting {key!r}", hint=f"known: {', '.join(known)}")
            clean[key] = _coerce(key, value, type(getattr(self, key)))
        return replace(self, **clean)

    def resolved_encoder(self) -> str:
        """The encoder to build: the one set, or for "auto" the one ``db`` was built with (else use)."""
        if self.encoder != "auto":
            return self.encoder
        from storyline.embed import option_for

        built_with = stored_encoder(self.db)
        return option_for(built_with) if built_with else "use"

    @classmethod
    def load(cls, config: str | Path | None = None, env: Mapping[str, str] | None = None,
             **flags: Any) -> Settings:
        """Defaults ← ``storyline.toml`` (or ``config``) ← ``STORYLINE_*`` env ← ``flags``."""
        settings = cls()
        path = Path(config) if config else Path(CONFIG_FILE)
        if path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: {exc}", hint="fix the TOML syntax") from exc
            settings = settings.with_overrides(data.get("storyline", data))
        elif config:
            raise ConfigError(f"config file {path} does not exist", hint="check the path")
        env = os.environ if env is None else env
        from_env = {
            f.name: env[f"STORYLINE_{f.name.upper()}"]
            for f in fields(cls)
            if f"STORYLINE_{f.name.upper()}" in env
        }
        return settings.with_overrides(from_env).with_overrides(flags)


def stored_encoder(db: str) -> str | None:
    """The encoder name of the vectors in the database file ``db``, None if it has none (or is no file)."""
    from storyline.store import vector_encoder

    if db == ":memory:" or db.startswith("file:") or not Path(db).is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)
        try:
            return vector_encoder(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not a storyline database (yet): the store says so when it opens it


def _coerce(key: str, value: Any, kind: type) -> Any:
    if isinstance(value, kind):
        return value
    try:
        if kind is bool:
            if str(value).lower() in {"1", "true", "yes", "on"}:
                return True
            if str(value).lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"setting {key}={value!r} is not a valid {kind.__name__}", hint="fix the value"
        ) from exc
