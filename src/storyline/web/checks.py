"""Checks on what POST /api/articles receives, apart from the handler so each can change on its own.

``load_json``: the body as JSON, refusing NaN, Infinity and numbers too big for a float (they
were stored, then the article could never be answered as JSON again). ``review``: the fields an
article will not be stored with as given (a date no parser reads, a language the text contradicts),
reported in the answer as ``warnings``, as `storyline ingest` reports them.
"""

from __future__ import annotations

import json
import math
from typing import Any

from storyline.errors import InputError

HINT = 'send one JSON object like {"title": "...", "text": "..."} or a list of them'


class NotFinite(ValueError):
    """A number JSON cannot carry back out (NaN, Infinity, or beyond a float's range)."""


def _no_constant(name: str) -> float:
    raise NotFinite(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotFinite(f"{text[:40]} is too big for a number")
    return value


def load_json(body: bytes) -> Any:
    """The body as JSON; InputError (400) for invalid JSON, including NaN and Infinity.

    >>> load_json(b'{"score": 1.5}')
    {'score': 1.5}
    >>> load_json(b'{"score": NaN}')  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    storyline.errors.InputError: the request body is not valid JSON: NaN is not a JSON number
      hint: send numbers as finite decimals (NaN and Infinity are not JSON);
      send one JSON object like {"title": "...", "text": "..."} or a list of them
    """
    try:
        return json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    except NotFinite as exc:
        raise InputError(f"the request body is not valid JSON: {exc}",
                         hint="send numbers as finite decimals (NaN and Infinity are not JSON); " + HINT) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(f"the request body is not valid JSON: {exc}", hint=HINT) from exc


# ---------- what the API says about fields it could not use as given ----------

SURE = 0.95  # detection confidence above which a contradicting given `lang` is overruled
MIN_LETTERS = 60  # below this, detection is too unsure to overrule anyone
# Languages detection confuses with each other: within a group the given code is trusted.
_KIN = (frozenset({"no", "nb", "nn", "da", "sv"}), frozenset({"hr", "sr", "bs", "sh"}), frozenset({"ms", "id", "jv"}),
        frozenset({"cs", "sk"}), frozenset({"es", "gl", "pt"}), frozenset({"hi", "mr", "ne"}), frozenset({"zh", "ja"}),
        frozenset({"af", "nl"}), frozenset({"ru", "uk", "be", "bg", "mk"}), frozenset({"fa", "tg"}))


def _kin(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _KIN)


def _sample(record: Any) -> str:
    """The words detection should judge: title and text (HTML reduced to its main text)."""
    body = record.text or ""
    if not body.strip() and record.html:
        from storyline.extract import extract_html

        body = extract_html(record.html, record.url).get("text", "")
    return f"{record.title or ''}\n{body}"[:4000]


def contradicted_lang(record: Any) -> tuple[str, str, float] | None:
    """(given, detected, confidence) when the text is clearly in another language than the given code.

    A given code is overruled only when detection is sure (over ``SURE``), the text long enough, and
    the two are not languages detection confuses (Norwegian and Danish, Serbian and Croatian, …).
    """
    from storyline.language import detect, given_code

    given = given_code(record.lang) if record.lang else None
    if given is None or len(given) != 2:  # three-letter codes: languages the detector may not know
        return None
    sample = _sample(record)
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    detected, confidence = detect(sample)
    if detected in (given, "und") or confidence < SURE or _kin(given, detected):
        return None
    return given, detected, confidence


def review(items: list[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    """Records as they should be ingested, and a warning for every field not used as given.

    ``items`` are RawRecords or Rejections in request order (warnings name them by index). A ``lang``
    the text clearly contradicts is cleared (the engine then detects it) and kept in ``extra.lang_given``;
    ``published`` values no parser reads and ``lang`` values that are no language code are reported
    (the engine keeps them in ``extra``, as it does for `storyline ingest`).
    """
    from dataclasses import replace

    from storyline.extract import parse_datetime
    from storyline.language import given_code
    from storyline.types import RawRecord

    records = list(items)
    warnings: list[dict[str, Any]] = []
    for n, record in enumerate(items):
        if not isinstance(record, RawRecord):
            continue
        given = record.published
        if given not in (None, "") and str(given).strip() and parse_datetime(given) is None:
            warnings.append({"item": n, "field": "published", "value": str(given)[:200],
                             "message": "no date parser reads it: stored as undated, the value kept in "
                                        "extra.published_unparsed (use ISO 8601, e.g. 2026-03-14T09:30:00Z)"})
        if record.lang and given_code(record.lang) is None:
            warnings.append({"item": n, "field": "lang", "value": str(record.lang)[:50],
                             "message": "not a language code: the language was detected from the text instead, "
                                        "the value kept in extra.lang_given"})
            continue
        overruled = contradicted_lang(record)
        if overruled is not None:
            code, detected, confidence = overruled
            records[n] = replace(record, lang=None, extra={**record.extra, "lang_given": str(record.lang)[:50]})
            warnings.append({"item": n, "field": "lang", "value": str(record.lang)[:50],
                             "message": f"the text is clearly {detected} (confidence {confidence:.2f}), not {code}: "
                                        f"stored as detected, the given value kept in extra.lang_given"})
    return records, warnings
