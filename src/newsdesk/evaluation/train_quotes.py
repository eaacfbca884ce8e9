"""Training of the learned attribution fallback (``newsdesk train-quotes``) on PolNeAR train.

Each article of the split is parsed by the same pipeline the product runs and every candidate
(``attribution_model.candidates``) becomes one example, labelled positive when a gold relation's cue overlaps the candidate's cue word and the gold content
overlaps the candidate's content. A logistic regression with an L2 penalty (scipy's L-BFGS)
learns one weight per feature; weights below ``prune`` are dropped and the rest written as
JSON with the threshold and where they came from. Training on the dev split is refused:
dev is the quality gate (../shared/eval/README.md).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..attribution_model import Candidate, candidates, features
from ..errors import EvalError
from ..quotes import quote_segments
from .polnear import GoldArticle, Span, load_split


@dataclass(frozen=True)
class Example:
    features: list[str]
    label: bool


def _overlaps(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def label(candidate: Candidate, gold: GoldArticle) -> bool:
    """True when one gold relation has its cue on the candidate's cue word and its content
    overlapping the candidate's content."""
    cue = candidate.cue
    start = min(t.idx for t in candidate.content)
    end = max(t.idx + len(t.text) for t in candidate.content)
    return any(
        _overlaps(cue.idx, cue.idx + len(cue.text), relation.cue)
        and _overlaps(start, end, relation.content)
        for relation in gold.attributions
    )


def examples(golds: Iterable[GoldArticle], analyzer: Any) -> Iterator[Example]:
    """One example per candidate of each article, parsed as the product parses.

    All candidates, not only those the rules leave: trained on the leftovers alone the model
    ranked them worse on dev (the easy cases teach it what a speaker and a complement are).
    """
    texts = ((gold.text, gold) for gold in golds)
    for doc, gold in analyzer.nlp.pipe(texts, as_tuples=True, batch_size=16):
        quoted = [(s.start, s.end) for s in quote_segments(gold.text)]
        for candidate in candidates(doc):
            inside = any(start <= candidate.cue.idx < end for start, end in quoted)
            yield Example(features(candidate, inside), label(candidate, gold))


def fit(
    data: Sequence[Example], l2: float = 3.0, min_count: int = 2
) -> tuple[float, dict[str, float]]:
    """Logistic regression with an L2 penalty over binary features seen ``min_count`` times."""
    import numpy as np
    from scipy import sparse
    from scipy.optimize import minimize

    counts = Counter(f for example in data for f in set(example.features))
    names = sorted(f for f, n in counts.items() if n >= min_count and f != "bias")
    index = {name: i for i, name in enumerate(names)}
    indices: list[int] = []
    pointers = [0]
    for example in data:
        indices += sorted({index[f] for f in example.features if f in index})
        pointers.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices)), indices, pointers), shape=(len(data), len(names))
    )
    y = np.array([example.label for example in data], dtype=float)

    def loss(w: Any) -> tuple[float, Any]:
        z = matrix @ w[:-1] + w[-1]
        residual = 1.0 / (1.0 + np.exp(-z)) - y
        value = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.dot(w[:-1], w[:-1])
        grad = np.concatenate([matrix.T @ residual + l2 * w[:-1], [residual.sum()]])
        return float(value), grad

    result = minimize(
        loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B", options={"maxiter": 1000}
    )
    weights = result.x
    return float(weights[-1]), {name: float(weights[i]) for name, i in index.items()}


def train_attribution_model(
    folder: Path,
    analyzer: Any,
    *,
    l2: float = 3.0,
    min_count: int = 2,
    threshold: float = 0.6,
    prune: float = 0.01,
    limit: int | None = None,
) -> dict[str, Any]:
    """The model file's content, trained on the PolNeAR split in ``folder``."""
    if folder.name == "dev":
        raise EvalError(
            "the dev split is the quality gate; train on data/train", source=str(folder)
        )
    golds = load_split(folder)[:limit]
    data = list(examples(golds, analyzer))
    if not any(example.label for example in data):
        raise EvalError("no positive examples: is this a PolNeAR split?", source=str(folder))
    bias, weights = fit(data, l2=l2, min_count=min_count)
    kept = {name: round(w, 4) for name, w in sorted(weights.items()) if abs(w) >= prune}
    meta = analyzer.nlp.meta
    return {
        "about": "newsdesk learned attribution fallback: logistic regression weights",
        "trained_on": f"PolNeAR {folder.parent.name}/{folder.name} ({len(golds)} articles)",
        "spacy_model": f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}",
        "examples": len(data),
        "positives": sum(example.label for example in data),
        "l2": l2,
        "min_count": min_count,
        "threshold": threshold,
        "bias": round(bias, 4),
        "weights": kept,
    }


def write_model(model: dict[str, Any], path: Path) -> None:
    try:
        path.write_text(json.dumps(model, indent=0) + "\n", encoding="utf-8")
    except OSError as error:
        raise EvalError(f"cannot write the model: {error.strerror}", source=str(path)) from None
