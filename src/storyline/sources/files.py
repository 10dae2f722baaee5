"""Readers for local input: JSONL files, .txt and .html files, folders of them, and JSONL on stdin.

Every item becomes a :class:`RawRecord` or a :class:`Rejection`; bad input never raises (``--strict``
is the engine's: it stops at the first rejection, whichever stage made it). JSONL is streamed line
by line, so files of any length use constant memory.

Rejection reasons (the whole vocabulary):

- ``malformed_json``: a JSONL line that is not valid JSON, or not a JSON object
- ``bad_field``: ``text``, ``html`` or ``title`` is present but not a string
- ``empty``: no ``text``, ``html`` or ``title`` with anything but whitespace
- ``not_text``: a binary file or line (NUL bytes, control bytes, undecodable garbage); a JSONL file is
  judged line by line unless its first 8 KiB hold no line that looks like a JSON object
- ``too_long``: a JSONL line or a whole .txt/.html file over ``max_bytes``
- ``bad_encoding``: bytes that neither UTF-8 nor charset detection can decode
- ``unsupported_file``: a file whose extension no reader handles (in a folder or named directly)
- ``unreadable``: the operating system refused to read the file or folder (permissions, I/O error)
- ``broken_link``: a symlink in a folder whose target does not exist
- ``not_a_file``: a FIFO, socket or device in a folder (reading a FIFO could wait forever)
- ``outside_folder``: a symlink in a folder that leads out of the folder given (name its target to read it)

Blank JSONL lines are not records and are skipped without a rejection.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, TextIO

from storyline.errors import InputError
from storyline.sources.decode import SNIFF_BYTES, decode, holds_json_line, looks_binary, looks_garbled, wide_encoding
from storyline.types import RawRecord, Rejection

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})  # the one list: ingest and compare read these as HTML
SUPPORTED_SUFFIXES = JSONL_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES
REJECTION_REASONS = (
    "malformed_json", "bad_field", "empty", "not_text", "too_long", "bad_encoding", "unsupported_file",
    "unreadable", "broken_link", "not_a_file", "outside_folder",
)
STDIN_NAME = "<stdin>"

_KNOWN_FIELDS = ("text", "html", "title", "id", "url", "source", "published", "lang")
_BODY_FIELDS = ("text", "html", "title")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SENTENCE_INSIDE = re.compile(r"\w\w[.!?]\s+\w|[。！？]\S")
_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 30


def read_paths(
    paths: Sequence[str],
    *,
    stdin: TextIO | None = None,
    max_bytes: int = 1_000_000,
) -> Iterator[RawRecord | Rejection]:
    """Records from files, folders (recursive, sorted, hidden entries skipped) and ``-`` (JSONL on stdin).

    Missing paths raise :class:`InputError` at once, before anything is read.
    """
    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise InputError(
                f"input not found: {path}",
                hint="check the path; give files, folders, or - to read JSONL from stdin",
            )
    return _read_all(paths, stdin, max_bytes)


def _read_all(paths: Sequence[str], stdin: TextIO | None, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    for path in paths:
        if path == "-":
            yield from read_jsonl_stream(stdin if stdin is not None else sys.stdin, STDIN_NAME, max_bytes)
        elif os.path.isdir(path):
            for file in walk_folder(path):
                if isinstance(file, Rejection):
                    yield file
                else:
                    yield from read_file(file, max_bytes, in_folder=True)
        else:
            yield from read_file(path, max_bytes)


def walk_folder(folder: str, _seen: set[str] | None = None, _root: str | None = None) -> Iterator[str | Rejection]:
    """Every non-hidden file under ``folder``, depth first, names sorted (symlink loops visited once).

    What is not a readable file inside the folder is a Rejection, never skipped in silence: a dangling
    symlink, a FIFO, socket or device, a symlink that leads out of the folder (it is not followed: an
    input names what may be read, and a link must not widen that), a folder the OS will not list.
    """
    seen = _seen if _seen is not None else set()
    real = os.path.realpath(folder)
    root = _root or real
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as entries:
            listed = sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield Rejection(folder, "unreadable", f"cannot list the folder: {exc.strerror or exc}")
        return
    for entry in listed:
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if not os.path.exists(target):
                yield Rejection(entry.path, "broken_link",
                                f"symlink to {os.readlink(entry.path)}, which does not exist")
                continue
            if os.path.commonpath([root, target]) != root:
                yield Rejection(entry.path, "outside_folder", f"symlink to {target}, outside {root}: not followed")
                continue
        if entry.is_dir():
            yield from walk_folder(entry.path, seen, root)
        elif entry.is_file():
            yield entry.path
        else:
            yield Rejection(entry.path, "not_a_file", "a FIFO, socket or device, not a regular file: not read")


def read_file(path: str, max_bytes: int, in_folder: bool = False) -> Iterator[RawRecord | Rejection]:
    """One file by its extension: JSONL gives one record a line; .txt and .html one record each (a
    document found in a folder is given its file name as the source, should the page name none)."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl_file(path, max_bytes)
        elif suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
            document = read_document(path, max_bytes)
            if in_folder and isinstance(document, RawRecord):
                document = replace(document, fallback_source=Path(path).name)
            yield document
        else:
            yield Rejection(path, "unsupported_file", f"extension {suffix or '(none)'!r} is not read")
    except OSError as exc:
        yield Rejection(path, "unreadable", exc.strerror or str(exc))


def read_document(path: str, max_bytes: int) -> RawRecord | Rejection:
    """A whole .txt (title from a headline-shaped first line) or .html file as one record; a file of
    another name is HTML if it starts like a page. Bytes are decoded as ingest decodes every file."""
    size = os.path.getsize(path)
    if size > max_bytes:
        return Rejection(path, "too_long", f"{size} bytes > limit {max_bytes}")
    data = Path(path).read_bytes()
    is_html = _is_html(path, data)
    declared = _declared_charset(data) if is_html else None
    text = _decoded(path, data, declared)
    if isinstance(text, Rejection):
        return text
    if not text.strip():
        return Rejection(path, "empty", "the file has no text")
    if is_html:
        return RawRecord(origin=path, html=text)
    title, body = split_headline(text)
    return RawRecord(origin=path, title=title, text=body)


def _is_html(path: str, data: bytes) -> bool:
    """HTML by its name (HTML_SUFFIXES), text by its name (.txt), else by how its first bytes look."""
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES:
        return suffix in HTML_SUFFIXES
    head = data.removeprefix(codecs.BOM_UTF8).lstrip()[:512].lower()
    return head.startswith((b"<!doctype", b"<html")) or b"<body" in head


def _declared_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def _decoded(origin: str, data: bytes, declared: str | None = None) -> str | Rejection:
    if looks_binary(data[:SNIFF_BYTES]):
        return Rejection(origin, "not_text", "binary content (NUL or control bytes)")
    text = decode(data, declared)
    if text is None:
        return Rejection(origin, "bad_encoding", "not UTF-8 and no charset fits")
    if looks_garbled(text):
        return Rejection(origin, "not_text", "mostly control characters")
    return text


def split_headline(text: str) -> tuple[str | None, str]:
    """(title, body): the first non-empty line is the title if it is short and headline-shaped.

    >>> split_headline("Floods close the coast road\\n\\nHeavy rain closed the road on Monday.")
    ('Floods close the coast road', 'Heavy rain closed the road on Monday.')
    >>> split_headline("Heavy rain closed the road on Monday. It reopens today.")
    (None, 'Heavy rain closed the road on Monday. It reopens today.')
    """
    stripped = text.lstrip("\ufeff").strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if _headline_shaped(first) and rest.strip():
        return first, rest.strip()
    if _headline_shaped(first) and not rest.strip() and not first.endswith((".", "!", "?", "。", "！", "？")):
        return first, ""
    return None, stripped


def _headline_shaped(line: str) -> bool:
    """Short, one sentence, not ending like running prose (a headline ends in no full stop)."""
    if not line or len(line) > _HEADLINE_MAX_CHARS or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if line.endswith((".", ",", ";", ":", "。", "，", "；", "：")) and not line.endswith("..."):
        return False
    return not _SENTENCE_INSIDE.search(line)


def read_jsonl_file(path: str, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    """One record per line of a JSONL file, streamed (UTF-16/32 files, with or without BOM, through a
    decoder). Lines are judged one by one: a NUL byte rejects its line, not the file."""
    with open(path, "rb") as raw:
        head = raw.read(SNIFF_BYTES)
        raw.seek(0)
        wide = wide_encoding(head)
        if wide is not None:
            # surrogatepass: an unpaired UTF-16 code unit stays one lone surrogate in its line, which the
            # engine repairs and counts, instead of a decoding error that would end the file there
            with open(path, encoding=wide, errors="surrogatepass", newline="") as text_stream:
                yield from _text_lines(text_stream, path, max_bytes)
            return
        if looks_binary(head) and not holds_json_line(head):
            yield Rejection(path, "not_text", "binary content (NUL or control bytes) and no JSON line at its start")
            return
        yield from _jsonl_lines(raw, path, max_bytes)


def read_jsonl_stream(stream: IO[Any], name: str, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    """One record per line of an open stream; a text stream with a byte buffer is read as bytes."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        peek = getattr(buffer, "peek", None)
        head = peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek is not None else b""
        if looks_binary(head) and not holds_json_line(head):
            # one rejection for the stream, not one per "line" of a binary file piped in by mistake
            yield Rejection(name, "not_text", "binary content (NUL or control bytes) on the stream")
            return
        yield from _jsonl_lines(buffer, name, max_bytes)
    else:
        yield from _text_lines(stream, name, max_bytes)


def _text_lines(stream: IO[Any], name: str, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    number = 0
    try:
        for number, line in enumerate(stream, start=1):
            if isinstance(line, bytes):
                yield from _jsonl_item(line, f"{name}:{number}", max_bytes)
                continue
            if len(line) > max_bytes // 4 and len(line.encode("utf-8", "surrogatepass")) > max_bytes:
                yield Rejection(f"{name}:{number}", "too_long", f"line over {max_bytes} bytes")
                continue
            if line.strip():
                yield parse_record(line, f"{name}:{number}")
    except UnicodeDecodeError as exc:  # a text stream cannot skip the bad bytes and go on
        yield Rejection(f"{name}:{number + 1}", "bad_encoding",
                        f"not valid {exc.encoding} from this line on ({exc.reason}): "
                        "the rest of the input was not read")


def _jsonl_lines(raw: IO[bytes], name: str, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    """Bytes lines, each read at most ``max_bytes`` at a time so one huge line cannot fill memory."""
    number = 0
    while True:
        line = raw.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = raw.readline(max_bytes + 1)
            yield Rejection(f"{name}:{number}", "too_long", f"line over {max_bytes} bytes")
            continue
        yield from _jsonl_item(line, f"{name}:{number}", max_bytes)


def _jsonl_item(line: bytes, origin: str, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    if len(line.rstrip(b"\r\n")) > max_bytes:
        yield Rejection(origin, "too_long", f"line over {max_bytes} bytes")
        return
    if not line.strip():
        return
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = _decoded(origin, line)
        if isinstance(decoded, Rejection):
            yield decoded
            return
        text = decoded
    else:
        if b"\x00" in line:
            yield Rejection(origin, "not_text", "NUL bytes in the line")
            return
    yield parse_record(text, origin)


def parse_record(line: str, origin: str) -> RawRecord | Rejection:
    """One JSON object as a record; fields it does not know go to ``extra`` untouched.

    >>> parse_record('{"title": "Strike ends at port", "paper": "Daily"}', "a.jsonl:1").extra
    {'paper': 'Daily'}
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejection(origin, "malformed_json", str(exc))
    except RecursionError:
        return Rejection(origin, "malformed_json", "nested too deeply")
    if not isinstance(obj, dict):
        return Rejection(origin, "malformed_json", f"expected a JSON object, got {type(obj).__name__}")
    for name in _BODY_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            return Rejection(origin, "bad_field", f"{name!r} must be a string, got {type(obj[name]).__name__}")
    if not any(isinstance(obj.get(name), str) and obj[name].strip() for name in _BODY_FIELDS):
        return Rejection(origin, "empty", "no text, html or title")
    known = {name: _scalar(obj.get(name)) for name in _KNOWN_FIELDS if name not in _BODY_FIELDS}
    # Unknown fields, and known ones whose value is nested (no string to give), are kept in extra.
    extra = {k: v for k, v in obj.items() if k not in _KNOWN_FIELDS or isinstance(v, (dict, list))}
    return RawRecord(
        origin=origin,
        text=obj.get("text"),
        html=obj.get("html"),
        title=obj.get("title"),
        extra=extra,
        **known,
    )


def _scalar(value: Any) -> str | None:
    """A metadata value as a stripped string (ids may be numbers); None for null, empty or nested values."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    return text.strip() or None
