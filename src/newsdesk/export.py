"""Exports: JSON Lines (one contract object per article, or one record per line), CSV tables
for spreadsheets, and PLOVER/POLECAT-style event records."""

from __future__ import annotations

import csv
import dataclasses
import json
import types
import typing
from collections.abc import Iterable
from typing import IO, Any

from . import __version__
from .records import Actor, Analysis, Event, to_dict
from .store import event_day

CSV_TABLES = ("articles", "entities", "dates", "quotes", "events", "figures", "claims")


def write_jsonl(analyses: Iterable[Analysis], out: IO[str], table: str = "articles") -> int:
    """One contract object per article, or with another ``table`` one record per line (with
    ``article_id``)."""
    if table not in CSV_TABLES:
        raise ValueError(f"unknown table {table!r}")
    count = 0
    for analysis in analyses:
        if table == "articles":
            lines: Iterable[Any] = [to_dict(analysis)]
        else:
            aid = analysis.article.id
            lines = (
                {"article_id": aid, **({"idx": i} if table == "events" else {}), **to_dict(r)}
                for i, r in enumerate(getattr(analysis, table))
            )
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_polecat(analyses: Iterable[Analysis], out: IO[str]) -> int:
    """One PLOVER/POLECAT-style JSON record per event (JSON Lines); returns the event count."""
    count = 0
    for analysis in analyses:
        for idx, event in enumerate(analysis.events):
            record = polecat_record(analysis, idx, event)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def polecat_record(analysis: Analysis, idx: int, event: Event) -> dict[str, Any]:
    """An event with the field names of the PLOVER manual's "Data fields" chapter.

    PLOVER fields: ``id`` (article id and the event's position), ``date`` (YYYY-MM-DD: the
    event's own date, at its first day when coarser, else the article's publication day),
    ``actor`` and ``recipient`` (lists of ``{actorText, code, sector, identifierId}``;
    ``identifierId`` is the Wikidata id), ``event``, ``mode`` and ``context`` (lists),
    ``eventText`` (the trigger), ``eventLoc``, ``text`` (the evidence), ``textInfo`` (its
    offsets), ``citeInfo`` and ``coder``. newsdesk's own fields keep their contract names:
    ``article_id``, ``event_date`` (the date as coded, possibly a month, week or year),
    ``trigger``, ``evidence`` (spans), ``negated``, ``conditional``, ``future``, ``hypothetical``,
    ``reported_by``; actors also carry ``name``, ``entity`` and ``kb_id``.
    """
    article = analysis.article
    return {
        "id": f"{article.id}-{idx}",
        "date": event_day(event.date, article.published),
        "actor": [_polecat_actor(analysis, a) for a in event.source],
        "recipient": [_polecat_actor(analysis, a) for a in event.target],
        "event": [event.type],
        "mode": [event.mode] if event.mode else [],
        "context": list(event.contexts),
        "eventText": [event.trigger.text],
        "eventLoc": _polecat_place(analysis, event.place),
        "text": event.evidence.text,
        "textInfo": {"start": event.evidence.start, "end": event.evidence.end},
        "citeInfo": {
            "url": article.url,
            "title": article.title,
            "publication": article.outlet,
            "language": article.language,
            "source": article.source,
        },
        "coder": f"newsdesk {__version__}",
        "article_id": article.id,
        "event_date": event.date,
        "negated": event.negated,
        "conditional": event.conditional,
        "future": event.future,
        "hypothetical": event.hypothetical,
        "reported_by": to_dict(event.reported_by),
        "trigger": to_dict(event.trigger),
        "evidence": to_dict(event.evidence),
    }


def _polecat_actor(analysis: Analysis, actor: Actor) -> dict[str, Any]:
    entity = analysis.entity(actor.entity) if actor.entity else None
    return {
        "actorText": actor.mention.text,
        "code": actor.code,
        "sector": actor.sector,
        "identifierId": entity.wikidata if entity else None,
        "name": actor.name,
        "entity": actor.entity,
        "kb_id": entity.kb_id if entity else None,
    }


def _polecat_place(analysis: Analysis, place: str | None) -> dict[str, Any] | None:
    """The manual's location object, geocoded from the place's entity when there is one."""
    if not place:
        return None
    entity = next(
        (
            e
            for e in analysis.entities
            if e.name == place and e.type in ("GPE", "LOC", "FAC") and e.place
        ),
        None,
    )
    where = entity.place if entity else None
    return {
        "extractedPlace": place,
        "geonameid": where.geonameid if where else None,
        "lat": where.lat if where else None,
        "lon": where.lon if where else None,
        "province": where.admin1 if where else None,
        "countryCode": where.country if where else (entity.country if entity else None),
    }


def write_csv(analyses: Iterable[Analysis], out: IO[str], table: str = "articles") -> int:
    """One row per article or per record of ``table``, with its evidence offsets."""
    if table not in CSV_TABLES:
        raise ValueError(f"unknown table {table!r}")
    writer: csv.DictWriter[str] | None = None
    count = 0
    for analysis in analyses:
        for row in _rows(analysis, table):
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            count += 1
    return count


def _rows(analysis: Analysis, table: str) -> Iterable[dict[str, Any]]:
    aid = analysis.article.id
    if table == "articles":
        a = analysis.article
        yield {
            "id": a.id,
            "title": a.title,
            "outlet": a.outlet,
            "byline": a.byline,
            "published": a.published,
            "url": a.url,
            "source": a.source,
            "entities": len(analysis.entities),
            "quotes": len(analysis.quotes),
            "events": len(analysis.events),
            "copies": len(a.copies),
        }
    elif table == "entities":
        for e in analysis.entities:
            yield {
                "article_id": aid,
                "entity_id": e.id,
                "name": e.name,
                "type": e.type,
                "country": e.country,
                "kb_id": e.kb_id,
                "mentions": len(e.mentions),
                "first_start": e.mentions[0].start,
                "first_end": e.mentions[0].end,
            }
    elif table == "dates":
        for d in analysis.dates:
            yield {
                "article_id": aid,
                "text": d.span.text,
                "value": d.value,
                "granularity": d.granularity,
                "start": d.span.start,
                "end": d.span.end,
            }
    elif table == "events":
        for i, ev in enumerate(analysis.events):
            yield {
                "article_id": aid,
                "idx": i,
                "day": event_day(ev.date, analysis.article.published),
                "date": ev.date,
                "type": ev.type,
                "mode": ev.mode,
                "contexts": "; ".join(ev.contexts),
                "source": "; ".join(a.name for a in ev.source),
                "source_codes": "; ".join(a.code or "" for a in ev.source),
                "target": "; ".join(a.name for a in ev.target),
                "target_codes": "; ".join(a.code or "" for a in ev.target),
                "place": ev.place,
                "negated": ev.negated,
                "conditional": ev.conditional,
                "future": ev.future,
                "hypothetical": ev.hypothetical,
                "reported_by": ev.reported_by.name if ev.reported_by else None,
                "trigger": ev.trigger.text,
                "trigger_start": ev.trigger.start,
                "trigger_end": ev.trigger.end,
                "evidence": ev.evidence.text,
                "evidence_start": ev.evidence.start,
                "evidence_end": ev.evidence.end,
            }
    else:
        for record in getattr(analysis, table):
            yield {"article_id": aid, **_flatten(type(record), record)}


def _flatten(cls: Any, record: Any, prefix: str = "") -> dict[str, Any]:
    """A record as flat columns ``a.b.c``, the same columns for every record of its class (a
    nested record that is None gives empty columns), lists as JSON."""
    flat: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        name = f"{prefix}{f.name}"
        value = getattr(record, f.name) if record is not None else None
        nested = _record_class(hints[f.name])
        if nested is not None:
            flat.update(_flatten(nested, value, f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = json.dumps(to_dict(value), ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _record_class(hint: Any) -> Any:
    """The dataclass of a field typed ``R`` or ``R | None``, else None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = options[0] if len(options) == 1 else None
    return hint if dataclasses.is_dataclass(hint) else None
