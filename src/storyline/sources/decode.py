"""Bytes to text for readers: UTF-8 (with or without BOM), UTF-16/32 by BOM, else charset detection.

Legacy single-byte encodings are ambiguous on short texts (Latin-1 and Latin-2 bytes both decode),
so among equally plausible charset_normalizer candidates the language of the text picks the
encoding its press used (Turkish -> cp1254, Croatian -> cp1250, ...), else cp1252.

>>> decode("Café".encode("utf-8-sig"))
'Café'
>>> looks_binary(b"GIF89a\\x00\\x01\\x00\\x00")
True
"""

from __future__ import annotations

import codecs
import re
from dataclasses import fields, replace
from typing import Any

from storyline.compiled import compiled
from storyline.types import RawRecord

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Bytes that never occur in text (all C0 controls but tab, newlines, form feed, escape).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")

# The legacy encodings each language's press used: a decoding is trusted when the language it
# reads as is one that used its encoding. Languages not listed used cp1252.
_LEGACY_BY_LANG = {
    **dict.fromkeys(("pl", "cs", "sk", "hu", "hr", "sl", "ro", "bs", "sq", "sh"), ("cp1250", "iso8859-2")),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be"), ("cp1251", "koi8-r", "koi8-u", "iso8859-5")),
    **dict.fromkeys(("ar", "fa", "ur"), ("cp1256", "iso8859-6")),
    **dict.fromkeys(("et", "lv", "lt"), ("cp1257", "iso8859-13")),
    "tr": ("cp1254", "iso8859-9"), "az": ("cp1254",), "el": ("cp1253", "iso8859-7"),
    "he": ("cp1255", "iso8859-8"), "vi": ("cp1258",), "th": ("cp874", "tis-620"),
    "ja": ("cp932", "shift_jis", "euc_jp", "iso2022_jp"), "ko": ("cp949", "euc_kr"),
    "zh": ("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950"),
}
_DEFAULT_LEGACY = ("cp1252",)
_ALL_LEGACY = tuple(dict.fromkeys(e for encs in _LEGACY_BY_LANG.values() for e in encs)) + _DEFAULT_LEGACY
# A Latin letter touching a Greek or Cyrillic one ("Хetvrtak"): the mark of a wrong code page.
# So do C1 control characters, which no real text contains.
_ODDITY = re.compile(r"[A-Za-z][\u0370-\u04ff]|[\u0370-\u04ff][A-Za-z]|[\x80-\x9f]")
_CHAOS_TOLERANCE = 0.1
SNIFF_BYTES = 8192


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def wide_encoding(sample: bytes) -> str | None:
    """The UTF-16/32 codec of a file that starts with ``sample``: by its BOM, or for BOM-less UTF-16
    by its NULs in every other byte ("utf-16-le"/"utf-16-be"); None for byte-wide encodings.

    >>> wide_encoding('{"title": "Köln"}'.encode("utf-16-le")), wide_encoding(b'{"title": "x\\x00"}')
    ('utf-16-le', None)
    """
    by_bom = bom_encoding(sample)
    if by_bom in ("utf-16", "utf-32"):
        return by_bom
    return _bomless_utf16(sample) if b"\x00" in sample else None


def holds_json_line(sample: bytes) -> bool:
    """Whether some line of ``sample`` looks like a JSON object in text (starts with "{", at most two or
    5 % control or NUL bytes): a JSONL file that does is judged line by line, however binary its other
    lines look (a long first line with one NUL in it included).

    >>> holds_json_line(b'{"title": "a\\x00"}\\n{"title": "Ferry strike ends"}\\n')
    True
    >>> holds_json_line(b"\\x1f\\x8b\\x08\\x00")
    False
    """
    for line in sample.split(b"\n"):
        line = line.strip().removeprefix(codecs.BOM_UTF8)
        controls = len(line) - len(line.translate(None, _CONTROL_BYTES))
        if line.startswith(b"{") and controls <= max(2, 0.05 * len(line)):
            return True
    return False


def looks_binary(sample: bytes) -> bool:
    """True for bytes that are not text: NULs (outside UTF-16/32) or many control bytes."""
    if not sample or bom_encoding(sample) in ("utf-16", "utf-32"):
        return False
    if b"\x00" in sample:
        return _bomless_utf16(sample) is None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(sample)


def looks_garbled(text: str) -> bool:
    """True when decoded text is mostly control or replacement characters (a binary in disguise)."""
    sample = text[:SNIFF_BYTES]
    return bool(sample) and len(_CONTROL_CHARS.findall(sample)) > 0.05 * len(sample)


def _bomless_utf16(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in every other byte like ASCII text in UTF-16, and the
    text so decoded is not mostly control characters (b"\\x00\\x01\\x00\\x02" is a binary, not "\\x01\\x02")."""
    even, odd = sample[0::2], sample[1::2]
    codec = None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        codec = "utf-16-le"
    elif even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        codec = "utf-16-be"
    if codec is None or looks_garbled(sample[: len(sample) // 2 * 2].decode(codec, "replace")):
        return None
    return codec


_SURROGATE = re.compile(r"[\ud800-\udfff]")
# The compiled scanner (_scan.c): surrogate_fields_py's answer in one call a record; None: the Python code runs
_SCAN = compiled("storyline._scan")
_RECORD_FIELDS = tuple(field.name for field in fields(RawRecord))


def without_surrogates(record: RawRecord) -> tuple[RawRecord, int]:
    """The record with every lone UTF-16 surrogate (valid JSON: "\\ud83d", half an emoji cut in two)
    replaced by U+FFFD, in every field and nested value, and how many strings needed it. Such code
    points cannot be stored as UTF-8; one of them must not cost the article, nor abort the batch.

    >>> without_surrogates(RawRecord(origin="x", title="Cut \\ud83d", extra={"k": ["\\udc80"]}))[1]
    2
    """
    names = _SCAN.surrogate_fields(record, _RECORD_FIELDS) if _SCAN is not None else surrogate_fields_py(record)
    if not names:  # nearly every record: nothing is rebuilt
        return record, 0
    changes: dict[str, Any] = {}
    total = 0
    for name in names:
        fixed, count = _repaired(getattr(record, name))
        changes[name] = fixed
        total += count
    return replace(record, **changes), total


def surrogate_fields_py(record: RawRecord) -> list[str]:
    """The names of the record's fields that hold a lone surrogate (the compiled scanner's ``surrogate_fields``
    equals it)."""
    return [name for name in _RECORD_FIELDS if _has_surrogate(getattr(record, name))]


def _has_surrogate(value: Any) -> bool:
    """Whether ``_repaired`` would change ``value``: the same walk, building nothing."""
    if value is None:
        return False
    if type(value) is str and value.isascii():  # most fields: no call
        return False
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_surrogate(v) for v in value)
    return False


def _repaired(value: Any) -> tuple[Any, int]:
    if isinstance(value, str):
        if value.isascii() or not _SURROGATE.search(value):
            return value, 0
        return _SURROGATE.sub("\ufffd", value), 1
    if isinstance(value, dict):
        pairs = [(_repaired(k), _repaired(v)) for k, v in value.items()]
        count = sum(k[1] + v[1] for k, v in pairs)
        return ({k[0]: v[0] for k, v in pairs} if count else value), count
    if isinstance(value, (list, tuple)):
        items = [_repaired(v) for v in value]
        count = sum(c for _, c in items)
        return (type(value)(v for v, _ in items) if count else value), count
    return value, 0


def decode(data: bytes, declared: str | None = None) -> str | None:
    """The text of ``data``; ``declared`` is a charset the document names (HTML meta). None if undecodable."""
    encoding = bom_encoding(data) or (_bomless_utf16(data[:SNIFF_BYTES]) if b"\x00" in data[:SNIFF_BYTES] else None)
    for candidate in (encoding, "utf-8", declared):
        if candidate:
            text = _try(data, candidate)
            if text is not None:
                return text
    return _detected(data)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _detected(data: bytes) -> str | None:
    """The most language-like decoding among charset_normalizer's plausible ones and the legacy set.

    A decoding counts only if the language it reads as used that encoding (cp1250 text that reads
    as Croatian, not as French); the most confident such decoding wins.
    """
    from charset_normalizer import from_bytes

    from storyline.language import SAMPLE_CHARS, detect

    matches = list(from_bytes(data))
    if not matches:
        return None
    best_chaos = min(m.chaos for m in matches)
    plausible = [m.encoding for m in matches if m.chaos <= best_chaos + _CHAOS_TOLERANCE]
    best: tuple[float, str] | None = None
    for encoding in dict.fromkeys(_codec(e) for e in (*plausible, *_ALL_LEGACY)):
        text = _try(data, encoding)
        if text is None or looks_garbled(text):
            continue
        sample = text[:SAMPLE_CHARS]
        lang, confidence = detect(sample)
        confidence -= len(_ODDITY.findall(sample)) / 10
        consistent = encoding in (_codec(e) for e in _LEGACY_BY_LANG.get(lang, _DEFAULT_LEGACY))
        if consistent and (best is None or confidence > best[0]):
            best = (confidence, text)
    return best[1] if best else _try(data, plausible[0])
