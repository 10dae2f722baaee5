"""Builds the optional C extensions: the clusterer's key work (src/storyline/clustering/_native.c), the
near-duplicate signatures (src/storyline/_minhash.c), a record's hot regex passes (src/storyline/_scan.c) and the
keys of an article's lead (src/storyline/clustering/_keyscan.c).

Everything else is declared in pyproject.toml. ``optional=True``: where no C compiler is at hand the
install goes on without them, and storyline.clustering.keywork, storyline.dedup, storyline.extract and
storyline.clustering.keys use their pure-Python code (same results).
"""

import sys

from setuptools import Extension, setup

# no fused multiply-add: the C code must round every product and sum as Python does (bit-identical floats)
_EXACT = [] if sys.platform == "win32" else ["-ffp-contract=off"]

setup(
    ext_modules=[
        Extension(
            "storyline.clustering._native",
            ["src/storyline/clustering/_native.c"],
            extra_compile_args=_EXACT,
            optional=True,
        ),
        Extension("storyline._minhash", ["src/storyline/_minhash.c"], optional=True),
        Extension("storyline._scan", ["src/storyline/_scan.c"], optional=True),
        Extension("storyline.clustering._keyscan", ["src/storyline/clustering/_keyscan.c"], optional=True),
    ]
)
