"""Score contested claims against hand-written expectations.

An expected item is ``{"claim_starts": TEXT, "holder": NAME, "responder": NAME, "stance":
STANCE}``: the claim's first words as they appear in the article, who holds it, who answers
it and how (deny, reject, dispute, not confirmed). A predicted contested claim matches when its
content covers the place of ``claim_starts`` in the text, its holder and the response's holder
carry those names (any mention of their entities, or a word of the name as written) and the
response has that stance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..gazetteer import normalise
from ..records import Analysis, EntityRef
from .metrics import Score

STANCES = {"not confirmed": "not-confirmed", "rejects": "reject", "denies": "deny"}


def names_of(analysis: Analysis, ref: EntityRef) -> set[str]:
    names = {normalise(ref.name)}
    entity = analysis.entity(ref.entity) if ref.entity else None
    if entity is not None:
        names |= {normalise(entity.name)} | {normalise(m.text) for m in entity.mentions}
    return names


def _named(expected: str | list[str], names: set[str]) -> bool:
    """Does one of the expected names (a list where the text supports several: the ministry
    and its spokesman) match one of ``names``?"""
    options = [expected] if isinstance(expected, str) else expected
    for option in options:
        wanted = normalise(option)
        if any(
            wanted == n or wanted in n.split() or n in wanted.split() or wanted in n for n in names
        ):
            return True
    return False


def matches(analysis: Analysis, item: dict[str, Any]) -> list[str]:
    """Ids of the predicted contested claims that match one expected item."""
    text = analysis.article.text
    start = text.find(item["claim_starts"])
    stance = STANCES.get(item["stance"], item["stance"])
    return [
        claim.id
        for claim in analysis.claims
        if claim.contested
        and start >= 0
        and (
            claim.content.start <= start + 3 < claim.content.end
            or any(
                r.content is not None and r.content.start <= start + 3 < r.content.end
                for r in claim.responses
            )  # the claim as the response words it: "denied that civilians had been killed"
        )
        and _named(item["holder"], names_of(analysis, claim.holder))
        and any(
            r.stance == stance and _named(item["responder"], names_of(analysis, r.holder))
            for r in claim.responses
        )
    ]


def score_contested(pairs: Iterable[tuple[Analysis, list[dict[str, Any]]]]) -> Score:
    """Precision and recall of contested claims over (analysis, expected items) pairs."""
    score = Score("contested claims")
    expected = found = predicted = right = 0
    for analysis, items in pairs:
        hit: set[str] = set()
        for item in items:
            expected += 1
            ids = matches(analysis, item)
            if ids:
                found += 1
                hit |= set(ids)
            else:
                score.details.append(f"{analysis.article.id}: missed {item}")
        contested = [c for c in analysis.claims if c.contested]
        predicted += len(contested)
        right += sum(1 for c in contested if c.id in hit)
        score.details += [
            f"{analysis.article.id}: not expected: {c.holder.name}: {c.content.text[:50]!r} "
            f"<- {[(r.holder.name, r.stance) for r in c.responses]}"
            for c in contested
            if c.id not in hit
        ]
    score.add_ratio("contested_precision", right, predicted)
    score.add_ratio("contested_recall", found, expected)
    precision, recall = score.metrics["contested_precision"], score.metrics["contested_recall"]
    score.metrics["contested_f1"] = (
        2 * precision * recall / (precision + recall) if precision + recall else 0.0
    )
    return score
