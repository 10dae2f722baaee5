"""Checks on what POST /api/articles receives, apart from the handler so each can change on its own.

``load_json``: the body as JSON, refusing NaN, Infinity and numbers too big for a float (they
were stored, then the article could never be answered as JSON again).
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
    >>> load_json(b'{"score": NaN}')
    Traceback (most recent call last):
    ...
    storyline.errors.InputError: the request body is not valid JSON: NaN is not a JSON number
      hint: send numbers as finite decimals (NaN and Infinity are not JSON); send one JSON object like {"title": "...", "text": "..."} or a list of them
    """
    try:
        return json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    except NotFinite as exc:
        raise InputError(f"the request body is not valid JSON: {exc}",
                         hint="send numbers as finite decimals (NaN and Infinity are not JSON); " + HINT) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(f"the request body is not valid JSON: {exc}", hint=HINT) from exc
