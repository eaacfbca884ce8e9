"""Evaluation against gold sets: each reader scores one stage and returns a :class:`Score`."""

from .metrics import PRF, Score

__all__ = ["PRF", "Score"]
