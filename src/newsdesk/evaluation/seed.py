"""Score one article against a gold extraction in the seed format (``*.gold.json``).

Article metadata and boilerplate, entities (found, type, country, invented people), dates,
quotes (speaker), events (type, actors, flags), figures (value, unit, hedge, claimant) and
contested claims (holder, response).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..gazetteer import normalise
from ..records import Actor, Analysis, Entity, Quote
from .metrics import Score


def load_gold(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError) as error:
        raise EvalError(f"cannot read gold file: {error}", source=str(path)) from error


def score_article(analysis: Analysis, gold: dict[str, Any]) -> Score:
    score = Score(f"seed: {gold.get('id', analysis.article.id)}")
    _score_metadata(analysis, gold, score)
    _score_entities(analysis, gold.get("entities", []), score)
    _score_dates(analysis, gold.get("dates", []), score)
    _score_quotes(analysis, gold.get("quotes", []), score)
    _score_events(analysis, gold.get("events", []), score)
    _score_figures(analysis, gold.get("figures", []), score)
    _score_claims(analysis, gold.get("claims", []), score)
    return score


def _score_metadata(analysis: Analysis, gold: dict[str, Any], score: Score) -> None:
    article = analysis.article
    fields = [f for f in ("title", "byline", "outlet") if gold.get(f)]
    hits = sum(1 for f in fields if getattr(article, f) == gold[f])
    score.add_ratio("metadata_accuracy", hits, len(fields))
    lines = gold.get("boilerplate", [])
    kept = [line for line in lines if line in article.text]
    score.add_ratio("boilerplate_removed", len(lines) - len(kept), len(lines))
    score.details += [f"boilerplate kept: {line!r}" for line in kept]


def _match(entity_gold: dict[str, Any], entities: tuple[Entity, ...]) -> Entity | None:
    names = {normalise(m) for m in entity_gold.get("mentions", [])} | {
        normalise(entity_gold["name"])
    }
    best = [
        e
        for e in entities
        if normalise(e.name) in names or any(normalise(m.text) in names for m in e.mentions)
    ]
    same_type = [e for e in best if e.type == entity_gold["type"]]
    candidates = same_type or best
    return candidates[0] if candidates else None


def _score_entities(analysis: Analysis, gold: list[dict[str, Any]], score: Score) -> None:
    found = typed = countried = with_country = named = linked = with_wikidata = 0
    for item in gold:
        entity = _match(item, analysis.entities)
        has_country = bool(item.get("country")) and item["type"] != "ORG"
        with_country += has_country
        if entity is None:
            score.details.append(f"entity missed: {item['name']}")
            continue
        found += 1
        typed += entity.type == item["type"]
        named += normalise(entity.name) == normalise(item["name"])
        if item.get("wikidata"):
            with_wikidata += 1
            linked += entity.wikidata == item["wikidata"]
        if normalise(entity.name) != normalise(item["name"]):
            score.details.append(f"entity name: {entity.name!r} != {item['name']!r}")
        countried += has_country and entity.country == item["country"]
        if entity.type != item["type"]:
            score.details.append(f"entity type: {item['name']} {entity.type} != {item['type']}")
    score.add_ratio("entity_recall", found, len(gold))
    score.add_ratio("entity_type_accuracy", typed, len(gold))
    score.add_ratio("entity_name_accuracy", named, len(gold))
    score.add_ratio("entity_wikidata_accuracy", linked, with_wikidata)
    score.add_ratio("entity_country_accuracy", countried, with_country)
    gold_people = [g for g in gold if g["type"] == "PERSON"]
    people = [e for e in analysis.entities if e.type == "PERSON"]
    true_people = [p for p in people if any(_match(g, (p,)) for g in gold_people)]
    score.add_ratio("person_precision", len(true_people), len(people))
    score.details += [f"person invented: {p.name}" for p in people if p not in true_people]


def _score_dates(analysis: Analysis, gold: list[dict[str, Any]], score: Score) -> None:
    found = right = absolute = 0
    for item in gold:
        mention = next((d for d in analysis.dates if d.span.text == item["text"]), None)
        if mention is None:
            score.details.append(f"date missed: {item['text']}")
            continue
        found += 1
        if item["value"][:1].isdigit():
            absolute += 1
            right += mention.value == item["value"]
    score.add_ratio("date_recall", found, len(gold))
    score.add_ratio("date_value_accuracy", right, absolute)


def _tokens(start: int, end: int, text: str) -> set[int]:
    return {start + m.start() for m in re.finditer(r"\w+", text[start:end])}


def _gold_span(text: str, content: str) -> tuple[int, int] | None:
    index = text.find(content)
    return (index, index + len(content)) if index >= 0 else None


def _speaker_names(analysis: Analysis, quote: Quote) -> set[str]:
    if quote.speaker is None:
        return set()
    names = {normalise(quote.speaker.name)}
    entity = analysis.entity(quote.speaker.entity) if quote.speaker.entity else None
    if entity is not None:
        names |= {normalise(entity.name)} | {normalise(m.text) for m in entity.mentions}
    return names


def _score_quotes(analysis: Analysis, gold: list[dict[str, Any]], score: Score) -> None:
    """Required gold quotes found (content overlap) with the right speaker; spurious ones."""
    text = analysis.article.text
    spans: list[tuple[dict[str, Any], tuple[int, int]]] = []
    for item in gold:
        where = _gold_span(text, item["content"])
        if where is not None:
            spans.append((item, where))
    required = [(g, s) for g, s in spans if not g.get("optional")]
    right = 0
    for item, (start, end) in required:
        words = _tokens(start, end, text)
        found = [
            q for q in analysis.quotes if words & _tokens(q.content.start, q.content.end, text)
        ]
        if any(normalise(item["speaker"] or "") in _speaker_names(analysis, q) for q in found):
            right += 1
        else:
            score.details.append(f"quote missed or wrong speaker: {item['content'][:60]!r}")
    spurious = [
        q
        for q in analysis.quotes
        if not any(
            _tokens(s[0], s[1], text) & _tokens(q.content.start, q.content.end, text)
            for _, s in spans
        )
    ]
    score.details += [f"quote spurious: {q.content.text[:60]!r}" for q in spurious]
    score.add_ratio("quote_speaker_recall", right, len(required))
    score.metrics["quote_spurious"] = float(len(spurious))


_FLAGS = ("negated", "conditional", "future")


def _codes(actors: tuple[Actor, ...]) -> set[str]:
    return {a.code or a.name for a in actors}


def _score_events(analysis: Analysis, gold: list[dict[str, Any]], score: Score) -> None:
    """Gold events found with their type, source, target and flags, from the words of their
    gold evidence (a trigger outside it would be built from another clause)."""
    if not gold:
        return
    text = analysis.article.text
    typed = right = 0
    for item in gold:
        where = _gold_span(text, item["evidence"])
        inside = [
            e
            for e in analysis.events
            if where is not None and where[0] <= e.trigger.start and e.trigger.end <= where[1]
        ]
        same_type = [e for e in inside if e.type == item["type"]]
        typed += bool(same_type)
        full = [
            e
            for e in same_type
            if item["source"] in _codes(e.source)
            and (item.get("target") in _codes(e.target) if item.get("target") else not e.target)
            and all(bool(item.get(f)) == getattr(e, f) for f in _FLAGS)
        ]
        if full:
            right += 1
        else:
            found = "; ".join(
                f"{e.type} {sorted(_codes(e.source))}->{sorted(_codes(e.target))} "
                + ",".join(f for f in _FLAGS if getattr(e, f))
                for e in inside
            )
            score.details.append(
                f"event missed: {item['type']} {item['source']}->{item.get('target')} "
                f"{item['evidence'][:50]!r} (found: {found or 'nothing'})"
            )
    score.add_ratio("event_type_recall", typed, len(gold))
    score.add_ratio("event_recall", right, len(gold))


_STANCES = {
    "not confirmed": "not-confirmed",
    "rejects": "reject",
    "rejected": "reject",
    "denies": "deny",
    "denied": "deny",
    "disputes": "dispute",
    "disputed": "dispute",
}


def _ref_names(analysis: Analysis, ref: Any) -> set[str]:
    names = {normalise(ref.name)}
    entity = analysis.entity(ref.entity) if ref.entity else None
    if entity is not None:
        names |= {normalise(entity.name)} | {normalise(m.text) for m in entity.mentions}
    return names


def _score_figures(analysis: Analysis, gold: list[dict[str, Any]], score: Score) -> None:
    """Gold figures found over their words with the same value, unit and hedge; of those, the
    ones whose ``claimed_by`` names the gold claimant (or is empty where the gold's is)."""
    if not gold:
        return
    text = analysis.article.text
    found = claimant = 0
    for item in gold:
        where = _gold_span(text, item["text"])
        words = _tokens(*where, text) if where else set()
        match = next(
            (
                f
                for f in analysis.figures
                if words & _tokens(f.span.start, f.span.end, text)
                and f.value == item["value"]
                and normalise(f.unit or "") == normalise(item.get("unit") or "")
                and bool(f.approx) == bool(item.get("approx"))
            ),
            None,
        )
        if match is None:
            score.details.append(f"figure missed: {item['text']!r}")
            continue
        found += 1
        want = item.get("claimed_by")
        got = _ref_names(analysis, match.claimed_by) if match.claimed_by else set()
        if (normalise(want) in got) if want else not got:
            claimant += 1
        else:
            score.details.append(f"figure {item['text']!r}: claimed_by {sorted(got)}, not {want}")
    score.add_ratio("figure_recall", found, len(gold))
    score.add_ratio("figure_claimant_accuracy", claimant, len(gold))


def _score_claims(analysis: Analysis, gold: list[dict[str, Any]], score: Score) -> None:
    """Gold contested claims found with their holder, and the response with its holder and
    stance; contested claims the gold does not have are counted."""
    if not gold:
        return
    text = analysis.article.text
    right = 0
    matched: set[str] = set()
    for item in gold:
        where = _gold_span(text, item["claim"])
        words = _tokens(*where, text) if where else set()
        stance = _STANCES.get(item["stance"], item["stance"])
        found = [
            c
            for c in analysis.claims
            if c.contested
            and words & _tokens(c.content.start, c.content.end, text)
            and normalise(item["asserted_by"]) in _ref_names(analysis, c.holder)
            and any(
                r.stance == stance
                and normalise(item["disputed_by"]) in _ref_names(analysis, r.holder)
                for r in c.responses
            )
        ]
        if found:
            right += 1
            matched |= {c.id for c in found}
        else:
            score.details.append(f"contested claim missed: {item['claim'][:60]!r}")
    extra = [c for c in analysis.claims if c.contested and c.id not in matched]
    score.details += [f"contested claim not in gold: {c.content.text[:60]!r}" for c in extra]
    score.add_ratio("contested_claim_recall", right, len(gold))
    score.metrics["contested_claim_spurious"] = float(len(extra))


def evaluate_seed(text_path: Path, gold_path: Path, analyzer: Any) -> Score:
    from ..ingest import Failure, Options, read_path

    if not text_path.exists():
        raise EvalError("seed article not found", source=str(text_path))
    document = next(read_path(text_path, Options()))
    if isinstance(document, Failure):
        raise EvalError(f"seed article unreadable: {document.error}")
    analysis = analyzer.analyze_document(document)
    return score_article(analysis, load_gold(gold_path))
