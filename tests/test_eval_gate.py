"""The quality gate: evaluation scores must not fall below the floors in eval_baseline.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.evaluation.seed import evaluate_seed

from .conftest import SEED_GOLD, SEED_TEXT, SHARED, needs

FLOORS = json.loads((Path(__file__).parent / "eval_baseline.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def seed_score(analyzer):
    needs(SEED_GOLD)
    return evaluate_seed(SEED_TEXT, SEED_GOLD, analyzer)


@pytest.mark.parametrize("metric", sorted(FLOORS["seed"]))
def test_seed_floor(seed_score, metric):
    floor = FLOORS["seed"][metric]
    assert seed_score.metrics[metric] >= floor - 1e-9, (
        f"{metric} {seed_score.metrics[metric]:.3f} < floor {floor}\n"
        + "\n".join(seed_score.details)
    )


@pytest.mark.parametrize("metric", sorted(FLOORS["seed_ceilings"]))
def test_seed_ceiling(seed_score, metric):
    ceiling = FLOORS["seed_ceilings"][metric]
    assert seed_score.metrics[metric] <= ceiling, "\n".join(seed_score.details)


@pytest.fixture(scope="module")
def polnear_score(analyzer):
    from newsdesk.evaluation.polnear import evaluate_polnear

    folder = SHARED / "eval" / "polnear" / "data" / "dev"
    needs(folder)
    return evaluate_polnear(folder, analyzer)


@pytest.mark.slow
@pytest.mark.parametrize("metric", sorted(FLOORS["polnear_dev"]))
def test_polnear_floor(polnear_score, metric):
    floor = FLOORS["polnear_dev"][metric]
    assert polnear_score.metrics[metric] >= floor - 1e-9, f"{metric} below {floor}"


@pytest.fixture(scope="module")
def plover_score(analyzer):
    from newsdesk.evaluation.plover import evaluate_plover

    gold = SHARED / "eval" / "plover" / "gsr-dev.json"
    needs(gold)
    return evaluate_plover(gold, analyzer)


@pytest.mark.parametrize("metric", sorted(FLOORS["plover_dev"]))
def test_plover_floor(plover_score, metric):
    floor = FLOORS["plover_dev"][metric]
    assert plover_score.metrics[metric] >= floor - 1e-9, (
        f"{metric} {plover_score.metrics[metric]:.3f} < floor {floor}"
    )
