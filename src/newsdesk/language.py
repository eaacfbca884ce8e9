"""A small, dependency-free English check: news English is full of function words.

The share of the most frequent English function words among a text's words is about 0.4 in news
prose and below 0.1 in French, Spanish, German or Russian text; 0.15 separates them with margin.
"""

from __future__ import annotations

import re

from .errors import LanguageError

_FUNCTION_WORDS = frozenset(
    (
        "the of and to in a is that for on was with said he it as by at from his be has have "
        "are were an will not this but they its who which had been their would after about "
        "more also than or we i you she her our there them what when were into over says"
    ).split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 12
THRESHOLD = 0.15


def english_score(text: str, sample: int = 4000) -> float:
    """Share of English function words among the words of the first ``sample`` characters."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in _FUNCTION_WORDS) / len(words)


def ensure_english(text: str, source: str | None = None) -> None:
    """Raise :class:`LanguageError` unless ``text`` reads as English (short texts are let through)."""
    words = _WORD.findall(text[:4000])
    if len(words) < MIN_WORDS:
        return
    score = english_score(text)
    if score < THRESHOLD:
        raise LanguageError(
            f"text does not look like English (function-word share {score:.2f} < {THRESHOLD})",
            source=source,
        )
