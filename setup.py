"""Builds the optional C extensions: the clusterer's key work (src/storyline/clustering/_native.c), its evidence
rows (src/storyline/clustering/_evidence.c), the keys of an article's lead (src/storyline/clustering/_keyscan.c),
the near-duplicate signatures and index (src/storyline/_minhash.c, src/storyline/_lsh.c) and a record's hot regex
passes (src/storyline/_scan.c).

Everything else is declared in pyproject.toml. ``optional=True``: where no C compiler is at hand the
install goes on without them, and storyline.clustering.keywork, storyline.clustering.evidence,
storyline.clustering.keys, storyline.dedup and storyline.extract use their pure-Python code (same results).
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
            depends=["src/storyline/clustering/_keysum.h"],
            extra_compile_args=_EXACT,
            optional=True,
        ),
        Extension(
            "storyline.clustering._evidence",
            ["src/storyline/clustering/_evidence.c"],
            depends=["src/storyline/clustering/_keysum.h"],
            extra_compile_args=_EXACT,
            optional=True,
        ),
        Extension("storyline._minhash", ["src/storyline/_minhash.c"], optional=True),
        Extension("storyline._lsh", ["src/storyline/_lsh.c"], optional=True),
        Extension("storyline._scan", ["src/storyline/_scan.c"], optional=True),
        Extension("storyline.clustering._keyscan", ["src/storyline/clustering/_keyscan.c"], optional=True),
    ]
)
