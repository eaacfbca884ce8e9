"""newsdesk: a sourced record of who said what, who did what to whom, where, when, with which figures."""

from __future__ import annotations

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
