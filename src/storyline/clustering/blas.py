"""One BLAS thread for the clusterer's small matrix-vector products (threads only cost here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from threadpoolctl import ThreadpoolController

_BLAS: ThreadpoolController | None = None
_BLAS_DEPTH = 0


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run BLAS on one thread inside: a threaded matrix-vector product is 10x slower here.

    Re-entrant and cheap when nested, so a caller assigning many articles can enter it once
    (setting the limit costs about as much as scoring an article).
    """
    global _BLAS, _BLAS_DEPTH
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=1, user_api="blas") if _BLAS_DEPTH == 0 else nullcontext():
        _BLAS_DEPTH += 1
        try:
            yield
        finally:
            _BLAS_DEPTH -= 1
