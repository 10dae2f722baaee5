"""One BLAS thread for the clusterer's small matrix-vector products (threads only cost here)."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from threadpoolctl import ThreadpoolController

_BLAS: ThreadpoolController | None = None
_BLAS_DEPTH = 0


class _OneBlasThread:
    """The re-entrant limit: the outermost entry sets it, nested ones only count (two attribute reads:
    entered once per article, a generator-based context manager cost more than the product it guards)."""

    __slots__ = ("_limit",)

    def __init__(self) -> None:
        self._limit: Any = None

    def __enter__(self) -> None:
        global _BLAS, _BLAS_DEPTH
        if _BLAS_DEPTH == 0:
            if _BLAS is None:
                _BLAS = ThreadpoolController()
            limit = _BLAS.limit(limits=1, user_api="blas")
            limit.__enter__()
            self._limit = limit
        _BLAS_DEPTH += 1

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        global _BLAS_DEPTH
        _BLAS_DEPTH -= 1
        if _BLAS_DEPTH == 0:
            limit, self._limit = self._limit, None
            limit.__exit__(kind, error, trace)


_ONE_BLAS_THREAD = _OneBlasThread()


def one_blas_thread() -> _OneBlasThread:
    """Run BLAS on one thread inside: a threaded matrix-vector product is 10x slower here.

    Re-entrant and cheap when nested, so a caller assigning many articles can enter it once
    (setting the limit costs about as much as scoring an article).
    """
    return _ONE_BLAS_THREAD
