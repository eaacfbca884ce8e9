"""Where gold data lives: ``NEWSDESK_SHARED`` or a ``shared/`` folder beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import EvalError


def shared_dir() -> Path:
    """The shared data folder: $NEWSDESK_SHARED, else the nearest ``../shared`` upwards."""
    configured = os.environ.get("NEWSDESK_SHARED")
    if configured:
        return Path(configured)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "shared", folder.parent / "shared"):
            if (candidate / "seed").is_dir() or (candidate / "eval").is_dir():
                return candidate
    raise EvalError("cannot find the shared data folder; set NEWSDESK_SHARED")


def eval_dir() -> Path:
    configured = os.environ.get("NEWSDESK_EVAL_DATA")
    return Path(configured) if configured else shared_dir() / "eval"


def seed_paths() -> tuple[Path, Path]:
    seed = shared_dir() / "seed"
    return seed / "donbas-talks.txt", seed / "donbas-talks.gold.json"
