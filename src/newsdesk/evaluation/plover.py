"""Score events against the PLOVER gold standard records (``shared/eval/plover/gsr-dev.json``).

Reading. The file is a JSON list of records; ``DOCUMENT`` records (licence and notes) are skipped.
Every other record is one sentence (``text``) with one gold event (``event``), source and target
actors (``actorText``, ``code``, ``sector``). Labels are PLOVER v0.5 and are mapped to PLOVER 2.0
(:data:`LABELS`). An actor field that is ``null`` or a string (``""``, and once a misplaced context
``"diplomatic"``) means no actors. Codes are mapped to ISO 3166 alpha-3 with
``data/cameo_iso.yaml`` where CAMEO (or the gold) writes another code.

Definitions. Each sentence is analysed as its own article; its events in the order newsdesk emits
them (best first, by salience) are the predictions and the first is the *best* event.

- ``type_accuracy``: sentences whose best event has the gold type, over all gold sentences (a
  sentence with no event is wrong).
- ``event_precision`` / ``event_recall`` / ``event_f1``: every predicted event is a prediction and
  every gold sentence one gold event. A sentence has one true positive when any of its events has
  the gold type; further events of that type are false positives like events of other types.
- ``source_accuracy`` / ``target_accuracy``: over sentences whose best event has the gold type.
  Correct when gold and best event both have no actors on that side, or when any predicted actor
  matches any gold actor. A predicted actor matches a gold one when its mention shares a word
  with ``actorText`` (case-insensitive; punctuation, a possessive ``'s`` and :data:`STOPWORDS`
  ignored; ``U.N.`` is the word ``un``) or when both codes, mapped to ISO, are equal and the gold
  code is a country's (not one of :data:`GENERIC_CODES`, such as ``IGO``).

Per-type counts (gold, predicted, correct) are in ``EventScore.types`` and the first lines of
``details``; the other lines are the misses.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..records import Actor, Event
from ..yamlfile import load_yaml
from .metrics import PRF, Score

LABELS = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
GENERIC_CODES = frozenset({"IGO", "NGO", "IMG", "MNC"})
STOPWORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from"}
)
_POSSESSIVE = re.compile(r"['’]s\b")
_INNER = re.compile(r"(?<=\w)[.'’](?=\w)")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldActor:
    text: str
    code: str | None = None
    sector: str | None = None


@dataclass(frozen=True)
class GoldSentence:
    """One gold record; ``type`` is the PLOVER 2.0 type, ``label`` the label as written."""

    id: str
    text: str
    type: str
    source: tuple[GoldActor, ...] = ()
    target: tuple[GoldActor, ...] = ()
    label: str = ""
    mode: str | None = None
    context: str | None = None


def plover_type(label: str) -> str:
    """The PLOVER 2.0 type of a PLOVER v0.5 label."""
    label = label.strip().upper()
    return LABELS.get(label, label)


@lru_cache(maxsize=1)
def _cameo_iso() -> dict[str, str]:
    text = resources.files("newsdesk").joinpath("data/cameo_iso.yaml").read_text("utf-8")
    return {str(k).upper(): str(v).upper() for k, v in (load_yaml(text) or {}).items()}


def iso_code(code: str | None) -> str | None:
    """``code`` as ISO 3166 alpha-3 where CAMEO writes another code; other codes unchanged."""
    if not code or not code.strip():
        return None
    code = code.strip().upper()
    return _cameo_iso().get(code, code)


def _text(record: dict[str, Any], key: str, where: str, path: Path) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise EvalError(f"{where}: missing or empty {key!r}", source=str(path))
    return value


def _optional(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _actors(value: Any, where: str, path: Path) -> tuple[GoldActor, ...]:
    if value is None or isinstance(value, str):
        return ()
    if not isinstance(value, list):
        raise EvalError(f"{where}: actors must be a list, not {value!r}", source=str(path))
    actors = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("actorText"), str):
            raise EvalError(f"{where}: an actor without actorText: {item!r}", source=str(path))
        actors.append(GoldActor(item["actorText"], _optional(item.get("code")), item.get("sector")))
    return tuple(actors)


def load_gold(path: Path) -> list[GoldSentence]:
    """The sentences of a PLOVER gold file, ``DOCUMENT`` records skipped, labels in PLOVER 2.0."""
    try:
        records = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise EvalError(f"cannot read gold file: {error}", source=str(path)) from error
    if not isinstance(records, list):
        raise EvalError("PLOVER gold must be a JSON list of records", source=str(path))
    sentences: list[GoldSentence] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        where = f"record {index}"
        if not isinstance(record, dict):
            raise EvalError(f"{where}: not a JSON object", source=str(path))
        if record.get("event") == "DOCUMENT":
            continue
        gold_id = _text(record, "id", where, path)
        where = f"record {index} ({gold_id})"
        if gold_id in seen:
            raise EvalError(f"{where}: duplicate id", source=str(path))
        seen.add(gold_id)
        label = _text(record, "event", where, path)
        sentences.append(
            GoldSentence(
                id=gold_id,
                text=_text(record, "text", where, path),
                type=plover_type(label),
                source=_actors(record.get("source"), f"{where} source", path),
                target=_actors(record.get("target"), f"{where} target", path),
                label=label,
                mode=_optional(record.get("mode")),
                context=_optional(record.get("context")),
            )
        )
    return sentences


def words(text: str) -> frozenset[str]:
    """The lower-cased words of ``text`` that count for overlap (see the module)."""
    text = _INNER.sub("", _POSSESSIVE.sub("", text.lower()))
    return frozenset(w for w in _WORD.findall(text) if w not in STOPWORDS)


def actor_matches(predicted: Actor, gold: GoldActor) -> bool:
    """A shared word between mention and actorText, or the same country code (see the module)."""
    if words(predicted.mention.text) & words(gold.text):
        return True
    gold_code = iso_code(gold.code)
    return (
        gold_code is not None
        and gold_code not in GENERIC_CODES
        and gold_code == iso_code(predicted.code)
    )


def actors_agree(predicted: Sequence[Actor], gold: Sequence[GoldActor]) -> bool:
    """Both sides empty, or any predicted actor matches any gold actor."""
    if not gold and not predicted:
        return True
    return any(actor_matches(p, g) for p in predicted for g in gold)


@dataclass
class EventScore(Score):
    """A :class:`Score` with per-type counts (``PRF(correct, predicted, gold)``) and the misses."""

    types: dict[str, PRF] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def type_table(self) -> str:
        width = max((len(t) for t in self.types), default=4)
        rows = [f"  {'type':<{width}}  {'gold':>6}  {'predicted':>9}  {'correct':>7}"]
        rows += [
            f"  {t:<{width}}  {c.gold:>6}  {c.predicted:>9}  {c.tp:>7}"
            for t, c in self.types.items()
        ]
        return "\n".join(rows)


def _shown_gold(actors: Sequence[GoldActor]) -> str:
    return "[" + ", ".join(f"{a.text!r}/{a.code or '-'}" for a in actors) + "]"


def _shown(actors: Sequence[Actor]) -> str:
    return "[" + ", ".join(f"{a.mention.text!r}/{a.code or '-'}" for a in actors) + "]"


def _misses(gold: GoldSentence, events: Sequence[Event]) -> list[str]:
    best = events[0] if events else None
    if best is None or best.type != gold.type:
        shown = ", ".join(e.type for e in events) or "-"
        line = f"{gold.id}: type {gold.type} vs {shown}"
        return [f"{line} | gold {_shown_gold(gold.source)} -> {_shown_gold(gold.target)}"]
    lines = []
    if len(events) > 1:
        lines.append(f"{gold.id}: spurious {', '.join(e.type for e in events[1:])}")
    for side, mine, theirs in (
        ("source", best.source, gold.source),
        ("target", best.target, gold.target),
    ):
        if not actors_agree(mine, theirs):
            lines.append(f"{gold.id}: {side} {_shown_gold(theirs)} vs {_shown(mine)}")
    return lines


def score_events(pairs: Iterable[tuple[GoldSentence, Sequence[Event]]]) -> EventScore:
    """Score each gold sentence against its predicted events, best first (see the module)."""
    sentences = typed = tp = predicted = sources = targets = 0
    gold_types: Counter[str] = Counter()
    predicted_types: Counter[str] = Counter()
    correct_types: Counter[str] = Counter()
    misses: list[str] = []
    for gold, events in pairs:
        sentences += 1
        predicted += len(events)
        gold_types[gold.type] += 1
        predicted_types.update(e.type for e in events)
        hit = any(e.type == gold.type for e in events)
        tp += hit
        correct_types[gold.type] += hit
        if events and events[0].type == gold.type:
            typed += 1
            sources += actors_agree(events[0].source, gold.source)
            targets += actors_agree(events[0].target, gold.target)
        misses += _misses(gold, events)
    score = EventScore(f"plover events: {sentences} sentences")
    score.add_ratio("type_accuracy", typed, sentences)
    score.add_prf("event", PRF(tp, predicted, sentences))
    score.add_ratio("source_accuracy", sources, typed)
    score.add_ratio("target_accuracy", targets, typed)
    names = sorted(gold_types.keys() | predicted_types.keys(), key=lambda t: (-gold_types[t], t))
    score.types = {t: PRF(correct_types[t], predicted_types[t], gold_types[t]) for t in names}
    score.misses = misses
    score.details = [
        f"type {t}: gold={c.gold} predicted={c.predicted} correct={c.tp}"
        for t, c in score.types.items()
    ] + misses
    return score


def evaluate_plover(path: Path, analyzer: Any, limit: int | None = None) -> EventScore:
    """Analyse each (of the first ``limit``) gold sentence as an article, with no date; score."""
    from ..ingest import Options, from_text

    golds = load_gold(path)[:limit]
    options = Options(clean=False, check_language=False)
    return score_events(
        (gold, analyzer.analyze_document(from_text(gold.text, gold.id, options, {})).events)
        for gold in golds
    )
