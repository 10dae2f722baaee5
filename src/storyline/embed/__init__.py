"""Text encoders behind one small protocol, and the registry that names them (``storyline.embed.registry``)."""

from __future__ import annotations

from typing import Any

from storyline.embed import registry
from storyline.embed.base import Encoder, HashingEncoder, normalise
from storyline.embed.registry import BriefThresholds, EncoderEntry, lookup, options, thresholds_for
from storyline.embed.use import USEEncoder

__all__ = [
    "BriefThresholds",
    "Encoder",
    "EncoderEntry",
    "HashingEncoder",
    "USEEncoder",
    "get_encoder",
    "lookup",
    "normalise",
    "option_for",
    "options",
    "registry",
    "thresholds_for",
]


def option_for(encoder_name: str) -> str:
    """The ``--encoder`` value that builds the encoder of this name (stored with each vector).

    >>> option_for("use-m3"), option_for("e5-small")
    ('use', 'e5')
    """
    entry = registry.find(encoder_name)
    return entry.option if entry is not None else encoder_name


def get_encoder(name: str | None = None, **kwargs: Any) -> Encoder:
    """Build an encoder by option or recorded name (the registry's default when None); ConfigError if unknown."""
    entry = registry.default_entry() if name is None else lookup(name)
    return entry.build(**kwargs)
