"""The figures scorer on hand-built records, and the figures gate on the hand-written gold set
(tests/data/figures_gold.json: 52 figures in 12 paragraphs, see docs/figures.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.errors import EvalError
from newsdesk.evaluation.figures import (
    GoldFigure,
    evaluate_figures,
    load_figures_gold,
    score_figures,
)
from newsdesk.records import EntityRef, Figure, Span

GOLD = Path(__file__).parent / "data" / "figures_gold.json"

# Measured on the gold set (docs/figures.md), pinned a little below.
FLOORS = {
    "figure_precision": 0.95,
    "figure_recall": 0.95,
    "value_accuracy": 0.95,
    "unit_accuracy": 0.93,
    "approx_accuracy": 0.95,
    "bound_accuracy": 0.95,
    "kind_accuracy": 0.93,
    "claimed_by_accuracy": 0.92,
    "kind_f1": 0.9,
    "claimed_by_f1": 0.9,
}

TEXT = "Kyiv says nearly 20,000 children were taken; 12 soldiers died in 2023."


def span(text: str) -> Span:
    start = TEXT.index(text)
    return Span(start, start + len(text), text)


def gold(text: str, **fields) -> GoldFigure:
    where = span(text)
    return GoldFigure(where.start, where.end, text, **fields)


@pytest.fixture(scope="module")
def gold_score(analyzer):
    return evaluate_figures(GOLD, analyzer)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_figures_floor(gold_score, metric):
    assert gold_score.metrics[metric] >= FLOORS[metric] - 1e-9, "\n".join(gold_score.details)


def test_the_gold_set_reads_with_offsets_and_traps():
    paragraphs = load_figures_gold(GOLD)
    figures = [f for p in paragraphs for f in p.figures]
    assert 8 <= len(paragraphs) <= 12 and 40 <= len(figures) <= 60
    for paragraph in paragraphs:
        for figure in paragraph.figures:
            assert paragraph.text[figure.start : figure.end] == figure.text
            assert figure.doc == paragraph.id
    assert sum(len(p.traps) for p in paragraphs) >= 20


def test_a_gold_figure_missing_from_its_paragraph_is_an_error(tmp_path):
    bad = {"paragraphs": [{"id": "x", "text": "No numbers.", "figures": [{"text": "12"}]}]}
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(EvalError, match="not in paragraph"):
        load_figures_gold(path)


def test_detection_is_matched_by_overlap_one_to_one():
    golds = [gold("nearly 20,000 children", value=20000), gold("12 soldiers", value=12)]
    predicted = [
        Figure(span("20,000 children"), 20000),
        Figure(span("20,000"), 20000),  # a second prediction on the same gold is spurious
        Figure(span("2023"), 2023),
    ]
    score = score_figures(golds, predicted)
    assert score.metrics["figure_precision"] == pytest.approx(1 / 3)
    assert score.metrics["figure_recall"] == pytest.approx(1 / 2)
    assert "missed '12 soldiers'" in score.details
    assert "spurious '2023'" in score.details


def test_field_accuracies_over_matched_pairs():
    golds = [
        gold(
            "nearly 20,000 children",
            value=20000,
            unit="children",
            approx=True,
            kind="abducted",
            claimed_by="Ukraine",
        ),
        gold("12 soldiers", value=12, unit="soldiers", kind="killed", bound="min"),
    ]
    kyiv = EntityRef("e1", "Ukraine", Span(0, 4, "Kyiv"))
    predicted = [
        Figure(
            span("nearly 20,000 children"),
            20000.0,
            unit="Children",
            approx="nearly",
            kind="deported",
            claimed_by=kyiv,
        ),
        Figure(span("12 soldiers"), 12.5, unit="soldiers", kind="killed"),
    ]
    score = score_figures(golds, predicted)
    assert score.metrics["value_accuracy"] == 0.5  # 12.5 is off by more than 0.1%
    assert score.metrics["unit_accuracy"] == 1.0  # units compare case-folded
    assert score.metrics["approx_accuracy"] == 1.0
    assert score.metrics["bound_accuracy"] == 0.5
    assert score.metrics["kind_accuracy"] == 0.5
    assert score.metrics["kind_precision"] == 0.5 and score.metrics["kind_recall"] == 0.5
    assert score.metrics["claimed_by_accuracy"] == 1.0
    assert score.metrics["bound_recall"] == 0.0


def test_claimants_match_by_name_mention_or_containment():
    golds = [gold("12 soldiers", value=12, claimed_by="Russia's defence ministry")]
    ministry = EntityRef(None, "defence ministry")
    assert (
        score_figures(golds, [Figure(span("12 soldiers"), 12, claimed_by=ministry)]).metrics[
            "claimed_by_accuracy"
        ]
        == 1.0
    )
    other = EntityRef("e2", "NATO")
    assert (
        score_figures(golds, [Figure(span("12 soldiers"), 12, claimed_by=other)]).metrics[
            "claimed_by_accuracy"
        ]
        == 0.0
    )
    assert (
        score_figures(golds, [Figure(span("12 soldiers"), 12)]).metrics["claimed_by_accuracy"]
        == 0.0
    )


def test_ranges_need_the_right_top():
    golds = [gold("12 soldiers", value=10, upper=20, bound="range")]
    right = Figure(span("12 soldiers"), 10, bound="range", upper=20)
    wrong = Figure(span("12 soldiers"), 10, bound="range", upper=30)
    assert score_figures(golds, [right]).metrics["value_accuracy"] == 1.0
    assert score_figures(golds, [wrong]).metrics["value_accuracy"] == 0.0


def test_documents_are_scored_apart():
    first = GoldFigure(0, 2, "12", 12, doc="a")
    second = GoldFigure(0, 2, "12", 12, doc="b")
    predicted = {"a": [Figure(Span(0, 2, "12"), 12)], "b": []}
    score = score_figures([first, second], predicted)
    assert score.metrics["figure_recall"] == 0.5 and score.metrics["figure_precision"] == 1.0
    assert "b: missed '12'" in score.details


def test_eval_figures_command_scores_a_gold_file(tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main

    paragraph = {
        "id": "p1",
        "published": "2025-03-01",
        "text": "At least 12 people were killed, police said. The 2 officers left.",
        "figures": [
            {
                "text": "At least 12 people",
                "value": 12,
                "unit": "people",
                "approx": False,
                "bound": "min",
                "kind": "killed",
                "claimed_by": "police",
            },
        ],
        "traps": [],
    }
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"paragraphs": [paragraph]}), "utf-8")
    result = CliRunner().invoke(main, ["eval", "figures", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)["metrics"]
    assert metrics["figure_recall"] == 1.0
    assert metrics["bound_accuracy"] == 1.0
    missing = CliRunner().invoke(main, ["eval", "figures", "--gold", str(tmp_path / "no.json")])
    assert missing.exit_code == 1
    assert "no figures gold file" in missing.output
