"""One home for the choice of compiled code: an optional C extension is used where it was built, unless
``STORYLINE_PURE_PYTHON=1`` forces the Python code. Every extension gives its Python twin's results bit for bit,
so the choice changes only the speed (``clustering/keywork.py``, ``dedup.py``)."""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def compiled(name: str) -> ModuleType | None:
    """The compiled module ``name`` (a full name: importing it by name keeps the rest of the package out), or
    None: forced off by ``STORYLINE_PURE_PYTHON=1``, or built without a compiler.

    >>> compiled("storyline.no_such_extension") is None
    True
    """
    if os.environ.get("STORYLINE_PURE_PYTHON", "") == "1":
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
