"""One Settings object: defaults, then a TOML file, then STORYLINE_* environment, then CLI flags."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError

CONFIG_FILE = "storyline.toml"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$", re.I)
_SIZE_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
# Hosts fetched at once: each is one open connection and one thread; more would look like a crawler farm.
MAX_PARALLEL_HOSTS = 32


def parse_size(text: str) -> int:
    """Bytes in ``5MB``, ``500k`` or a bare number.

    >>> parse_size("5MB"), parse_size("500k"), parse_size("1024")
    (5242880, 512000, 1024)
    """
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a size; use e.g. 5MB or 500KB")
    return int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()])


@dataclass(frozen=True)
class FetchSettings:
    """How politely ``fetch`` and ``follow`` read the web: ``[storyline.fetch]`` in the TOML file,
    ``STORYLINE_FETCH_TIMEOUT`` … in the environment, ``--timeout`` … on the command line.

    >>> FetchSettings().with_overrides({"retries": "5"}).retries, FetchSettings().max_bytes
    (5, 5242880)
    """

    timeout: float = 15.0  # seconds one request may take in all, connecting to last byte
    retries: int = 3  # on 5xx and timeouts, with exponential backoff
    delay: float = 1.0  # minimum seconds between two requests to one host
    parallel: int = 4  # hosts fetched at the same time, one request at a time each
    max_size: str = "5MB"  # largest page read; larger ones are cut off and skipped

    def __post_init__(self) -> None:
        problems = []
        if self.timeout <= 0:
            problems.append(f"timeout={self.timeout} (must be above 0 seconds)")
        if self.retries < 0:
            problems.append(f"retries={self.retries} (must be 0 or more)")
        if self.delay < 0:
            problems.append(f"delay={self.delay} (must be 0 or more seconds)")
        if not 1 <= self.parallel <= MAX_PARALLEL_HOSTS:
            problems.append(f"parallel={self.parallel} (must be 1 to {MAX_PARALLEL_HOSTS})")
        try:
            parse_size(self.max_size)
        except ValueError as exc:
            problems.append(f"max_size: {exc}")
        if problems:
            raise ConfigError(f"fetch setting {'; '.join(problems)}", hint="fix the value")

    @property
    def max_bytes(self) -> int:
        return parse_size(self.max_size)

    def with_overrides(self, values: Mapping[str, Any]) -> FetchSettings:
        """These settings with ``values`` (None: unchanged) coerced to each field's type."""
        return replace(self, **_coerced(self, values, "fetch."))


@dataclass(frozen=True)
class Settings:
    """Every knob a user may turn; stages get explicit values from here, never globals.

    >>> Settings().with_overrides({"batch_size": 8}).batch_size
    8
    """

    db: str = "storyline.db"
    encoder: str = "auto"  # the encoder the database was built with; the registry's default for a new one
    batch_size: int = 256  # per-batch costs (a COMMIT, the encoder's cache refill) over more articles (#21)
    max_bytes: int = 1_000_000
    min_words: int = 3
    dedup_threshold: float = 0.6
    dedup_short_threshold: float = 0.85
    dedup_capacity: int = 200_000
    clean_with_encoder: bool = True
    store_in_background: bool = True  # write a batch on a second thread while the next is prepared
    writer_wait: float = 0.0  # seconds a writer waits for another process's ingest to end (0: no limit)
    dask: str = ""  # per-article stages on Dask workers: a scheduler address or local:N ("": in this process)
    fetch: FetchSettings = FetchSettings()  # politeness of fetch and follow

    def with_overrides(self, values: Mapping[str, Any]) -> Settings:
        """These settings with ``values`` (None: unchanged); ``fetch`` takes a table of its own fields."""
        values = dict(values)
        fetch = values.pop("fetch", None)
        out = replace(self, **_coerced(self, values, ""))
        if isinstance(fetch, FetchSettings):
            return replace(out, fetch=fetch)
        if fetch is not None:
            if not isinstance(fetch, Mapping):
                raise ConfigError(f"setting fetch={fetch!r} is not a table",
                                  hint="write a [storyline.fetch] table with its keys")
            return replace(out, fetch=out.fetch.with_overrides(fetch))
        return out

    def resolved_encoder(self) -> str:
        """The encoder option to build: the one set, or for "auto" the one ``db`` was built with (else the
        registry's default)."""
        if self.encoder != "auto":
            return self.encoder
        from storyline.embed import option_for, registry

        built_with = stored_encoder(self.db)
        return option_for(built_with) if built_with else registry.default_entry().option

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
        from_env: dict[str, Any] = {
            f.name: env[f"STORYLINE_{f.name.upper()}"]
            for f in fields(cls)
            if f.name != "fetch" and f"STORYLINE_{f.name.upper()}" in env
        }
        from_env["fetch"] = {
            f.name: env[f"STORYLINE_FETCH_{f.name.upper()}"]
            for f in fields(FetchSettings)
            if f"STORYLINE_FETCH_{f.name.upper()}" in env
        }
        return settings.with_overrides(from_env).with_overrides(flags)


def stored_encoder(db: str) -> str | None:
    """The encoder name of the vectors in the database ``db``, None if it has none (or is no database yet)."""
    from storyline.storage import encoder_at

    return encoder_at(db)


def _coerced(current: Any, values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """``values`` without the None ones, each coerced to the type of ``current``'s field; unknown keys refused."""
    known = [f.name for f in fields(current)]
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key not in known or isinstance(getattr(current, key), FetchSettings):
            raise ConfigError(f"unknown setting {prefix + key!r}", hint=f"known: {', '.join(known)}")
        out[key] = _coerce(prefix + key, value, type(getattr(current, key)))
    return out


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
