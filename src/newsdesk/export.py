"""Exports: JSON Lines (one contract object per article) and CSV tables for spreadsheets."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from .records import Analysis, to_dict

CSV_TABLES = ("articles", "entities", "dates", "quotes", "events", "figures", "claims")


def write_jsonl(analyses: Iterable[Analysis], out: IO[str]) -> int:
    count = 0
    for analysis in analyses:
        out.write(json.dumps(to_dict(analysis), ensure_ascii=False) + "\n")
        count += 1
    return count


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
    else:
        for record in getattr(analysis, table):
            flat = _flatten(to_dict(record))
            yield {"article_id": aid, **flat}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat
