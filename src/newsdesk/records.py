"""The record contract (version 1): small, frozen, typed records that every face serialises.

Every extracted record carries :class:`Span` offsets into ``Article.text``. ``to_dict`` gives the
JSON form documented in ``docs/contract.md`` and validated by ``data/contract.schema.json``;
``from_dict`` reads it back.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

CONTRACT_VERSION = 1


@dataclass(frozen=True)
class Span:
    """Characters ``text[start:end]`` of the article text."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])


@dataclass(frozen=True)
class Copy:
    """Another publication of the same story (a wire copy or a re-ingest from another source)."""

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str = "en"
    copies: tuple[Copy, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    geonameid: int | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    mentions: tuple[Span, ...]
    kb_id: str | None = None
    wikidata: str | None = None
    country: str | None = None
    roles: tuple[str, ...] = ()
    place: Place | None = None


@dataclass(frozen=True)
class EntityRef:
    """A pointer to an entity of the same analysis (``entity`` is its id, or None if unlinked)."""

    entity: str | None
    name: str
    mention: Span | None = None


@dataclass(frozen=True)
class Quote:
    kind: str  # direct | indirect | partial | mixed
    content: Span
    cue: Span | None = None
    speaker: EntityRef | None = None
    addressee: EntityRef | None = None
    method: str = "rules"  # rules | learned (the fallback model of attribution_model.py)
    confidence: float | None = None  # the learned model's probability; None for rules


@dataclass(frozen=True)
class Actor:
    entity: str | None
    name: str
    code: str | None
    mention: Span
    sector: str | None = None


@dataclass(frozen=True)
class Event:
    type: str
    trigger: Span
    evidence: Span
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    source: tuple[Actor, ...] = ()
    target: tuple[Actor, ...] = ()
    place: str | None = None
    date: str | None = None
    negated: bool = False
    conditional: bool = False
    future: bool = False
    hypothetical: bool = False
    reported_by: EntityRef | None = None


@dataclass(frozen=True)
class Figure:
    span: Span
    value: float | None
    unit: str | None = None
    approx: str | None = None  # the hedge as written: "about", "nearly", "some", "thousands of"
    counted: str | None = None  # what is counted: "children forcibly relocated since 2022"
    claimed_by: EntityRef | None = None  # who states the figure, when it sits in an attribution
    bound: str | None = None  # min ("at least", "more than") | max ("up to") | range
    upper: float | None = None  # the top of a range: "between 10 and 20"
    kind: str | None = None  # casualty class: killed | injured | missing | arrested | ...
    place: str | None = None
    date: str | None = None  # ISO value of the figure's own time expression
    event: int | None = None  # index in Analysis.events of the event the figure describes


@dataclass(frozen=True)
class DateMention:
    span: Span
    value: str | None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD; None when it cannot be resolved
    granularity: str  # year | month | day | duration | unknown


@dataclass(frozen=True)
class Response:
    holder: EntityRef
    stance: str
    cue: Span
    content: Span | None = None  # what the response says of it: "that civilians had been killed"


@dataclass(frozen=True)
class Claim:
    id: str
    content: Span
    holder: EntityRef
    stance: str
    responses: tuple[Response, ...] = ()
    contested: bool = False  # some response opposes it (deny, reject, dispute, not confirm)
    quote: int | None = None  # index in Analysis.quotes of the attribution it comes from


@dataclass(frozen=True)
class Analysis:
    """Everything newsdesk extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    figures: tuple[Figure, ...] = ()
    dates: tuple[DateMention, ...] = ()
    claims: tuple[Claim, ...] = ()
    version: int = CONTRACT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        return from_dict(cls, data)

    def entity(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)


def to_dict(record: Any) -> Any:
    """Plain JSON-ready form of a record: dataclasses to dicts, tuples to lists."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, list | tuple):
        return [to_dict(item) for item in record]
    if isinstance(record, dict):
        return {key: to_dict(value) for key, value in record.items()}
    return record


R = TypeVar("R")


def from_dict(cls: type[R], data: dict[str, Any]) -> R:
    """Inverse of :func:`to_dict`; unknown keys are ignored so newer JSON still reads."""
    hints, names = _fields(cls)  # type: ignore[arg-type]
    kwargs = {k: _convert(hints[k], v) for k, v in data.items() if k in names}
    return cls(**kwargs)


@functools.cache
def _fields(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A record class's resolved type hints and field names, computed once per class
    (``get_type_hints`` evaluates every annotation anew: it was most of the time spent reading
    stored records back)."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    return typing.get_type_hints(cls), names


def _convert(hint: Any, value: Any) -> Any:
    return None if value is None else _converter(hint)(value)


@functools.cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """How a JSON value becomes a value of ``hint`` (worked out once per hint)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter(options[0])
    if origin is tuple:
        (item_hint, *_) = typing.get_args(hint)
        return lambda value: tuple(_convert(item_hint, v) for v in value)
    if dataclasses.is_dataclass(hint):
        return lambda value: from_dict(hint, value)  # type: ignore[arg-type]
    return _same


def _same(value: Any) -> Any:
    return value
