"""Precision, recall, F1 and a named collection of metrics."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PRF:
    """Counts of true positives, predictions and gold items, with the derived ratios."""

    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    """The result of one evaluation: named ratios (0..1) and counts behind them."""

    name: str
    metrics: dict[str, float] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)

    def add_prf(self, prefix: str, prf: PRF) -> None:
        self.metrics[f"{prefix}_precision"] = prf.precision
        self.metrics[f"{prefix}_recall"] = prf.recall
        self.metrics[f"{prefix}_f1"] = prf.f1

    def add_ratio(self, name: str, hits: int, total: int) -> None:
        self.metrics[name] = hits / total if total else 0.0

    def table(self) -> str:
        width = max((len(k) for k in self.metrics), default=10)
        rows = [f"{self.name}"] + [f"  {k:<{width}}  {v:6.3f}" for k, v in self.metrics.items()]
        return "\n".join(rows)
