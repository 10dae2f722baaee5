"""A pytest plugin that runs USE-written tests with another encoder, to measure the registry's cut-offs.

    PYTHONPATH=benchmarks STORYLINE_SWAP_ENCODER=e5 python -m pytest -p encoder_swap tests/test_briefs.py
    ... STORYLINE_SWAP_THRESHOLDS=use ...   # the other encoder with the USE cut-offs (what ran before)

Every ``get_encoder("use")`` a test makes builds the swapped encoder instead; with
``STORYLINE_SWAP_THRESHOLDS=NAME`` that encoder's entry takes the cut-offs of encoder NAME.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import storyline.embed as embed
from storyline.embed import registry


def pytest_configure(config) -> None:
    swap = os.environ.get("STORYLINE_SWAP_ENCODER")
    if not swap:
        return
    target = registry.lookup(swap)
    borrowed = os.environ.get("STORYLINE_SWAP_THRESHOLDS")
    if borrowed:
        limits = registry.lookup(borrowed).thresholds
        registry.ENCODERS = tuple(dataclasses.replace(e, thresholds=limits) if e is target else e
                                  for e in registry.ENCODERS)
        target = registry.lookup(swap)
    original = embed.get_encoder

    def swapped(name: str | None = None, **kwargs):
        entry = registry.default_entry() if name is None else registry.lookup(name)
        return original(target.option if entry is registry.default_entry() else name, **kwargs)

    embed.get_encoder = swapped


def main() -> int:
    """``python benchmarks/encoder_swap.py ENCODER [THRESHOLDS_OF]``: the seed brief check with that encoder."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    os.environ["STORYLINE_SWAP_ENCODER"] = sys.argv[1]
    if len(sys.argv) > 2:
        os.environ["STORYLINE_SWAP_THRESHOLDS"] = sys.argv[2]
    pytest_configure(None)
    import check_brief_seeds

    import storyline.engine

    storyline.engine.get_encoder = embed.get_encoder  # type: ignore[attr-defined]
    sys.argv = sys.argv[:1]
    return check_brief_seeds.main()


if __name__ == "__main__":
    raise SystemExit(main())
