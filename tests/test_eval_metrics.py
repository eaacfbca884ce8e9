from __future__ import annotations

import pytest

from newsdesk.evaluation.metrics import PRF, Score
from newsdesk.evaluation.seed import score_article
from newsdesk.records import Analysis, Article, DateMention, Entity, EntityRef, Figure, Span

TEXT = "Kyiv said Putin met Donald Trump in 2023."


@pytest.mark.parametrize(
    ("tp", "predicted", "gold", "p", "r", "f"),
    [
        (5, 10, 5, 0.5, 1.0, 2 / 3),
        (0, 0, 4, 0.0, 0.0, 0.0),
        (3, 3, 3, 1.0, 1.0, 1.0),
    ],
)
def test_prf(tp, predicted, gold, p, r, f):
    prf = PRF(tp, predicted, gold)
    assert (prf.precision, prf.recall, prf.f1) == pytest.approx((p, r, f))


def test_score_table_lists_metrics():
    score = Score("x")
    score.add_ratio("recall", 1, 4)
    assert score.table() == "x\n  recall   0.250"


def test_seed_scorer_counts_misses_types_and_invented_people():
    def span(word):
        return Span.of(TEXT, TEXT.index(word), TEXT.index(word) + len(word))

    entities = (
        Entity("e1", "Kyiv", "PERSON", (span("Kyiv"),)),
        Entity("e2", "Donald Trump", "PERSON", (span("Donald Trump"),), country="USA"),
    )
    dates = (DateMention(span("2023"), "2023", "year"),)
    analysis = Analysis(Article(id="t", text=TEXT, title="T"), entities=entities, dates=dates)
    gold = {
        "title": "T",
        "entities": [
            {"name": "Ukraine", "type": "GPE", "country": "UKR", "mentions": ["Ukraine", "Kyiv"]},
            {"name": "Donald Trump", "type": "PERSON", "country": "USA", "mentions": ["Trump"]},
            {"name": "Vladimir Putin", "type": "PERSON", "country": "RUS", "mentions": ["Putin"]},
        ],
        "dates": [{"text": "2023", "value": "2023"}, {"text": "Monday", "value": "relative"}],
    }
    score = score_article(analysis, gold)
    assert score.metrics["entity_recall"] == pytest.approx(2 / 3)
    assert score.metrics["entity_type_accuracy"] == pytest.approx(1 / 3)
    assert score.metrics["entity_country_accuracy"] == pytest.approx(1 / 3)
    assert score.metrics["person_precision"] == pytest.approx(1 / 2)
    assert score.metrics["date_recall"] == pytest.approx(1 / 2)
    assert score.metrics["date_value_accuracy"] == 1.0
    assert "person invented: Kyiv" in score.details


def test_seed_scorer_checks_figure_value_hedge_and_claimant():
    text = "Kyiv says nearly 20,000 children were taken and about 300 schools shut."

    def span(words):
        return Span.of(text, text.index(words), text.index(words) + len(words))

    kyiv = Entity("e1", "Ukraine", "GPE", (span("Kyiv"),), country="UKR")
    figures = (
        Figure(span("nearly 20,000 children"), 20000.0, "children", "nearly", claimed_by=None),
        Figure(span("300 schools"), 300.0, "schools", None),  # hedge lost
    )
    analysis = Analysis(Article(id="t", text=text), entities=(kyiv,), figures=figures)
    gold = {
        "figures": [
            {
                "text": "nearly 20,000 children",
                "value": 20000,
                "unit": "children",
                "approx": True,
                "claimed_by": "Ukraine",
            },
            {"text": "about 300 schools", "value": 300, "unit": "schools", "approx": True},
        ]
    }
    score = score_article(analysis, gold)
    assert score.metrics["figure_recall"] == pytest.approx(1 / 2)
    assert score.metrics["figure_claimant_accuracy"] == 0.0
    claimed = Figure(
        figures[0].span, 20000.0, "children", "nearly", claimed_by=EntityRef("e1", "Kyiv")
    )
    analysis = Analysis(Article(id="t", text=text), entities=(kyiv,), figures=(claimed,))
    score = score_article(analysis, gold)
    assert score.metrics["figure_claimant_accuracy"] == pytest.approx(1 / 2)
