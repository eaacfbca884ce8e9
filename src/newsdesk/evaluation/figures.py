"""Score figures against a hand-written gold set (``tests/data/figures_gold.json``).

Gold format: ``{"paragraphs": [{"id", "published", "text", "figures": [...], "traps": [...]}]}``;
a gold figure gives its ``text`` as it appears in the paragraph (``occurrence`` counts from 1 when
it repeats), ``value``, ``upper``, ``unit``, ``approx`` (false or the hedge words), ``bound``,
``kind`` and ``claimed_by`` (a name or null). ``traps`` are numbers that are not figures; they
are documentation, and a prediction on one simply counts as spurious.

Definitions:

- *Matching*, per document: a predicted and a gold figure match when their character spans
  overlap; pairs are taken one to one, most shared characters first.
- ``figure_precision/recall/f1``: matched pairs over all predictions / all gold figures.
- ``value_accuracy``: matched pairs whose value (and ``upper`` for a range) agrees within 0.1%;
  ``unit_accuracy``, ``bound_accuracy``, ``kind_accuracy``: equal (units case-folded, null equals
  null); ``approx_accuracy``: both hedged or both not; ``claimed_by_accuracy``: both null, or the
  names agree (case, "the" and possessives ignored; one name may contain the other, so "army"
  matches "the army" and "Volkswagen" matches "Volkswagen AG"). All are over matched pairs.
- ``kind``, ``bound``, ``claimed_by``, ``approx`` also get precision and recall over matched
  pairs: a true positive is a right non-null field, predictions are non-null predicted fields,
  gold items non-null gold fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..gazetteer import normalise
from ..records import EntityRef, Figure
from .metrics import PRF, Score

FIELDS = ("value", "unit", "approx", "bound", "kind", "claimed_by")


@dataclass(frozen=True)
class GoldFigure:
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None = None
    approx: bool = False
    bound: str | None = None
    kind: str | None = None
    claimed_by: str | None = None
    upper: float | None = None
    doc: str = ""


@dataclass(frozen=True)
class GoldParagraph:
    id: str
    text: str
    published: str | None = None
    figures: tuple[GoldFigure, ...] = ()
    traps: tuple[str, ...] = field(default_factory=tuple)


def load_figures_gold(path: Path) -> list[GoldParagraph]:
    """The paragraphs of a figures gold file, with each gold figure's offsets found."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise EvalError(f"cannot read gold file: {error}", source=str(path)) from error
    return [_paragraph(item, str(path)) for item in data["paragraphs"]]


def _paragraph(item: dict[str, Any], source: str) -> GoldParagraph:
    text = item["text"]
    figures = []
    for gold in item["figures"]:
        start = _find(text, gold["text"], int(gold.get("occurrence", 1)))
        if start < 0:
            raise EvalError(f"figure {gold['text']!r} not in paragraph {item['id']}", source=source)
        approx = gold.get("approx")
        figures.append(
            GoldFigure(
                start=start,
                end=start + len(gold["text"]),
                text=gold["text"],
                value=gold.get("value"),
                unit=gold.get("unit"),
                approx=bool(approx),
                bound=gold.get("bound"),
                kind=gold.get("kind"),
                claimed_by=gold.get("claimed_by"),
                upper=gold.get("upper"),
                doc=item["id"],
            )
        )
    return GoldParagraph(
        item["id"], text, item.get("published"), tuple(figures), tuple(item.get("traps", ()))
    )


def _find(text: str, needle: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            return -1
    return start


def score_figures(
    gold_items: Sequence[GoldFigure],
    predicted: Sequence[Figure] | Mapping[str, Sequence[Figure]],
) -> Score:
    """Detection and field scores of ``predicted`` figures against ``gold_items``.

    ``predicted`` is either the figures of one document (gold items with ``doc == ""``) or a
    mapping from document id to that document's figures.
    """
    by_doc = dict(predicted) if isinstance(predicted, Mapping) else {"": list(predicted)}
    score = Score("figures")
    pairs: list[tuple[GoldFigure, Figure]] = []
    total_predicted = 0
    for doc in sorted({g.doc for g in gold_items} | set(by_doc)):
        golds = [g for g in gold_items if g.doc == doc]
        figures = list(by_doc.get(doc, ()))
        total_predicted += len(figures)
        matched = _match(golds, figures)
        pairs += matched
        taken_gold = {id(g) for g, _ in matched}
        taken_figures = {id(f) for _, f in matched}
        prefix = f"{doc}: " if doc else ""
        score.details += [f"{prefix}missed {g.text!r}" for g in golds if id(g) not in taken_gold]
        score.details += [
            f"{prefix}spurious {f.span.text!r}" for f in figures if id(f) not in taken_figures
        ]
    score.add_prf("figure", PRF(len(pairs), total_predicted, len(gold_items)))
    for name in FIELDS:
        right = [_agrees(name, g, f) for g, f in pairs]
        score.add_ratio(f"{name}_accuracy", sum(right), len(pairs))
        for (g, f), ok in zip(pairs, right, strict=True):
            if not ok:
                score.details.append(
                    f"{g.doc + ': ' if g.doc else ''}{name} of {g.text!r}: "
                    f"{_shown(name, f)!r} != {getattr(g, name)!r}"
                )
    for name in ("approx", "bound", "kind", "claimed_by"):
        tp = sum(1 for g, f in pairs if _present(name, f) and _agrees(name, g, f))
        guessed = sum(1 for _, f in pairs if _present(name, f))
        wanted = sum(1 for g, _ in pairs if getattr(g, name))
        score.add_prf(name, PRF(tp, guessed, wanted))
    return score


def _match(golds: list[GoldFigure], figures: list[Figure]) -> list[tuple[GoldFigure, Figure]]:
    candidates = []
    for g in golds:
        for f in figures:
            shared = min(g.end, f.span.end) - max(g.start, f.span.start)
            if shared > 0:
                candidates.append((shared, g, f))
    candidates.sort(key=lambda c: -c[0])
    used_gold: set[int] = set()
    used_figures: set[int] = set()
    pairs = []
    for _, g, f in candidates:
        if id(g) in used_gold or id(f) in used_figures:
            continue
        used_gold.add(id(g))
        used_figures.add(id(f))
        pairs.append((g, f))
    return pairs


def _present(name: str, figure: Figure) -> bool:
    return bool(getattr(figure, name))


def _shown(name: str, figure: Figure) -> Any:
    value = getattr(figure, name)
    return value.name if isinstance(value, EntityRef) else value


def _agrees(name: str, gold: GoldFigure, figure: Figure) -> bool:
    if name == "value":
        return _close(gold.value, figure.value) and _close(gold.upper, figure.upper)
    if name == "unit":
        return (gold.unit or "").casefold() == (figure.unit or "").casefold()
    if name == "approx":
        return gold.approx == bool(figure.approx)
    if name == "claimed_by":
        return _same_claimant(gold.claimed_by, figure.claimed_by)
    return bool(getattr(gold, name) == getattr(figure, name))


def _close(gold: float | None, found: float | None) -> bool:
    if gold is None or found is None:
        return gold is None and found is None
    return abs(gold - found) <= 0.001 * max(1.0, abs(gold))


def _same_claimant(gold: str | None, found: EntityRef | None) -> bool:
    if gold is None or found is None:
        return gold is None and found is None
    wanted = normalise(gold)
    names = {normalise(found.name)}
    if found.mention is not None:
        names.add(normalise(found.mention.text))
    return any(
        name and (wanted == name or f" {wanted} " in f" {name} " or f" {name} " in f" {wanted} ")
        for name in names
    )


def evaluate_figures(gold_path: Path, analyzer: Any) -> Score:
    """Run the pipeline over every gold paragraph and score its figures."""
    from ..ingest import Document

    paragraphs = load_figures_gold(gold_path)
    predicted: dict[str, tuple[Figure, ...]] = {}
    for paragraph in paragraphs:
        meta = {"published": paragraph.published} if paragraph.published else {}
        analysis = analyzer.analyze_document(Document(paragraph.text, meta=meta))
        predicted[paragraph.id] = analysis.figures
    gold = [figure for paragraph in paragraphs for figure in paragraph.figures]
    return score_figures(gold, predicted)
