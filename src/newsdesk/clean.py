"""Cleaning: normalise unicode, drop boilerplate lines, lift title, byline and sign-off into metadata.

Patterns are data (``data/cleaning.yaml``); a user file adds to them. Offsets of every record refer
to the cleaned text, so cleaning happens once, before analysis, and ``--no-clean`` skips it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .yamlfile import load_yaml

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\t"), " ")
_NAME_CONNECTORS = {"and", "&", "al", "bin", "de", "da", "del", "la", "van", "von", "der", "le"}


@dataclass(frozen=True)
class Patterns:
    boilerplate: tuple[re.Pattern[str], ...]
    byline: tuple[re.Pattern[str], ...]
    signoff: tuple[re.Pattern[str], ...]
    dateline: tuple[re.Pattern[str], ...] = ()
    edge_lines: int = 3


@dataclass(frozen=True)
class Cleaned:
    text: str
    title: str | None = None
    byline: str | None = None
    outlet: str | None = None
    published: str | None = None
    removed: tuple[str, ...] = field(default_factory=tuple)


def normalize_unicode(text: str) -> str:
    """NFC, one kind of line break, no invisible characters or odd spaces; quotes are kept."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.translate(_INVISIBLE).translate(_SPACES)


@lru_cache(maxsize=8)
def load_patterns(extra: tuple[str, ...] = ()) -> Patterns:
    """The shipped patterns plus those of the user files in ``extra``."""
    shipped = resources.files("newsdesk").joinpath("data/cleaning.yaml").read_text("utf-8")
    config = load_yaml(shipped)
    for path in extra:
        user = load_yaml(Path(path).read_text("utf-8")) or {}
        for key in ("boilerplate", "byline", "signoff", "dateline"):
            config[key] = list(config[key]) + list(user.get(key, []))
        config["edge_lines"] = user.get("edge_lines", config["edge_lines"])
    return Patterns(
        boilerplate=_compile(config["boilerplate"], re.IGNORECASE),
        byline=_compile(config["byline"]),
        signoff=_compile(config["signoff"]),
        dateline=_compile(config.get("dateline", [])),
        edge_lines=int(config["edge_lines"]),
    )


def _compile(patterns: Iterable[str], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


def clean_text(raw: str, *, title_line: bool = True, patterns: Patterns | None = None) -> Cleaned:
    """Clean a plain-text article; with ``title_line`` a headline-like first line becomes the title."""
    patterns = patterns or load_patterns()
    lines = [line.strip() for line in normalize_unicode(raw).split("\n")]
    lines = [line for line in lines if line]
    title = lines.pop(0) if title_line and len(lines) > 1 and looks_like_title(lines[0]) else None
    removed: list[str] = []
    byline, outlet, published = _take_edges(lines, patterns, removed)
    kept = []
    for line in lines:
        if _is_boilerplate(line, patterns):
            removed.append(line)
        else:
            kept.append(line)
    return Cleaned("\n".join(kept), title, byline, outlet, published, tuple(removed))


def looks_like_title(line: str) -> bool:
    """A headline: short, and not a sentence that ends with a full stop."""
    words = line.split()
    return (
        2 <= len(words) <= 30
        and not line.endswith((".", ",", ";", ":"))
        or (len(words) <= 14 and line.endswith(".") and _mostly_capitalised(words))
    )


def _mostly_capitalised(words: list[str]) -> bool:
    capitals = sum(1 for w in words if w[:1].isupper())
    return capitals >= 0.6 * len(words)


def _is_boilerplate(line: str, patterns: Patterns) -> bool:
    return len(line) <= 300 and any(p.fullmatch(line) for p in patterns.boilerplate)


def _take_edges(lines: list[str], patterns: Patterns, removed: list[str]) -> tuple[str | None, ...]:
    """Remove byline, sign-off and date lines near either end; return (byline, outlet, date)."""
    byline = outlet = published = None
    edge = patterns.edge_lines
    for index in _edge_indexes(len(lines), edge):
        line = lines[index]
        name, desk = _match_byline(line, patterns)
        signed = None if name else _match_signoff(line, patterns)
        dated = _match_group(line, patterns.dateline, "date")
        if name:
            byline, outlet = byline or name, outlet or desk
        elif dated and published is None:
            published = dated
        elif signed is not None and (index >= len(lines) - edge):
            outlet = outlet or signed or None
        else:
            continue
        removed.append(line)
        lines[index] = ""
    lines[:] = [line for line in lines if line]
    return byline, outlet, published


def _match_group(line: str, patterns: tuple[re.Pattern[str], ...], group: str) -> str | None:
    for pattern in patterns:
        match = pattern.fullmatch(line)
        if match:
            return match.group(group).strip()
    return None


def _edge_indexes(count: int, edge: int) -> list[int]:
    head = range(min(edge, count))
    tail = range(max(count - edge, 0), count)
    return sorted(set(head) | set(tail))


def _match_byline(line: str, patterns: Patterns) -> tuple[str | None, str | None]:
    for pattern in patterns.byline:
        match = pattern.fullmatch(line)
        if match and _is_name(match.group("name")):
            desk = match.groupdict().get("outlet")
            return match.group("name").strip(" ,"), desk.strip() if desk else None
    return None, None


def _is_name(text: str) -> bool:
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    if not 1 <= len(words) <= 8:
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_CONNECTORS for w in words)


def _match_signoff(line: str, patterns: Patterns) -> str | None:
    """The outlet named by a sign-off line, "" for a sign-off that names none, None otherwise."""
    for pattern in patterns.signoff:
        match = pattern.fullmatch(line)
        if match:
            outlet = match.groupdict().get("outlet")
            return outlet.strip() if outlet else ""
    return None
