"""newsdesk: a sourced record of who said what, who did what to whom, where, when, with which figures."""

from __future__ import annotations

import os

# One BLAS thread per process: spaCy's small matrices gain nothing from OpenBLAS threads, and
# with --workers the threads of several processes fight for the same cores (docs/performance.md).
# Set before numpy loads; a value the user exported wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

from .errors import NewsdeskError  # noqa: E402
from .records import Analysis  # noqa: E402

__all__ = ["Analysis", "NewsdeskError", "__version__", "analyze", "Store"]


def __getattr__(name: str) -> object:
    """Lazy faces: ``newsdesk.analyze`` and ``newsdesk.Store`` without importing spaCy at import."""
    if name == "analyze":
        from .pipeline import analyze

        return analyze
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(name)
