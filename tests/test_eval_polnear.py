"""PolNeAR quote evaluation on hand-written brat files (tests/data/polnear) and hand-built quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.errors import EvalError
from newsdesk.evaluation.polnear import (
    GoldArticle,
    GoldAttribution,
    annotator_pairs,
    as_quotes,
    evaluate_agreement,
    evaluate_polnear,
    load_split,
    match_quotes,
    read_article,
    score_quotes,
)
from newsdesk.records import Analysis, Article, EntityRef, Quote, Span

DEV = Path(__file__).parent / "data" / "polnear" / "dev"


@pytest.fixture(scope="module")
def gold() -> dict[str, GoldArticle]:
    return {article.name: article for article in load_split(DEV)}


def span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span.of(text, start, start + len(words))


def quote(text: str, content: str, cue: str | None = None, speaker: str | None = None) -> Quote:
    return Quote(
        "direct",
        span(text, content),
        span(text, cue) if cue else None,
        EntityRef(None, speaker, span(text, speaker)) if speaker else None,
    )


def analysis(article: GoldArticle, *quotes: Quote) -> Analysis:
    return Analysis(Article(id=article.name, text=article.text), quotes=quotes)


def texts(spans: tuple[Span, ...]) -> list[str]:
    return [s.text for s in spans]


def test_first_listed_annotator_with_a_file_is_the_gold(gold):
    # metadata.tsv lists alpha's annotators as b2|a1: b2's file wins over the alphabetical a1.
    assert sorted(gold) == ["alpha", "beta"]
    assert [r.id for r in gold["alpha"].attributions] == ["E1", "E2", "E3"]


def test_next_annotator_is_used_when_the_first_has_no_file(tmp_path):
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir()
    (tmp_path / "dev" / "text" / "alpha.txt").write_bytes((DEV / "text" / "alpha.txt").read_bytes())
    ann = (DEV / "attributions" / "alpha_a1.ann").read_bytes()
    (tmp_path / "dev" / "attributions" / "alpha_a1.ann").write_bytes(ann)
    (tmp_path / "metadata.tsv").write_text("filename\tannotators\nalpha\tzz|a1\n", "utf-8")
    (article,) = load_split(tmp_path / "dev")
    assert [texts(r.content) for r in article.attributions] == [["the bridge was closed"]]
    (tmp_path / "metadata.tsv").write_text("filename\tannotators\nalpha\tzz\n", "utf-8")
    with pytest.raises(EvalError, match="no annotation file for alpha"):
        load_split(tmp_path / "dev")


def test_relations_discontinuous_content_missing_source_and_no_content(gold):
    e1, e2, e3 = gold["alpha"].attributions
    assert texts(e1.content) == ["“Taxes will fall,”", "“and jobs will rise.”"]
    assert (texts(e1.source), texts(e1.cue)) == (["Jane Smith"], ["said"])
    assert (e2.source, texts(e2.cue)) == ((), ["is expected"])
    # E3 is written before its spans; E4 (a trigger and nothing else) is not a quote.
    assert (texts(e3.content), texts(e3.source)) == (["the bridge was closed"], ["Officials"])


def test_multiline_span_text_and_second_content_role(gold):
    (e1,) = gold["beta"].attributions
    # Offsets count characters (’ is three bytes); T3's text runs onto the next .ann line.
    assert texts(e1.source) == ["The mayor’s office"]
    assert texts(e1.content) == ["the road\nwill reopen", "the bridge too"]


def test_offsets_that_do_not_slice_the_text_are_an_error(tmp_path):
    (tmp_path / "a.txt").write_text("He said yes.", "utf-8")
    (tmp_path / "a.ann").write_text("T1\tCue 3 7\tsaid\nT2\tContent 8 12\tyes\n", "utf-8")
    with pytest.raises(EvalError, match="T2: offsets do not slice"):
        read_article(tmp_path / "a.txt", tmp_path / "a.ann")


def test_perfect_quotes_score_one(gold):
    text = gold["beta"].text
    mayor = quote(text, "the road\nwill reopen, and\nthe bridge too", "said", "The mayor’s office")
    score = score_quotes([(gold["beta"], analysis(gold["beta"], mayor))])
    assert set(score.metrics.values()) == {1.0}
    assert score.details[:2] == [
        "content_exact: tp=1 predicted=1 gold=1",
        "content_overlap: tp=1 predicted=1 gold=1",
    ]


def test_exact_overlap_source_cue_and_full_counts(gold):
    article = gold["alpha"]
    text = article.text
    quotes = (
        # E1's hull (the gap holds source and cue): exact; source, cue right: fully correct.
        quote(text, "Taxes will fall,” Jane Smith said, “and jobs will rise", "said", "Smith"),
        # E2 without "that": overlap only; no source on either side, cue overlaps: fully correct.
        quote(text, "the vote will pass", "expected"),
        # E3 with its full stop: exact after trimming; no cue, a speaker without a mention.
        Quote("indirect", span(text, "the bridge was closed."), None, EntityRef(None, "They")),
        # Overlaps E1, which is taken by the exact quote above: one-to-one, so spurious.
        quote(text, "Taxes will fall", "said", "Jane Smith"),
    )
    score = score_quotes([(article, analysis(article, *quotes))])
    m = score.metrics
    assert (m["content_overlap_precision"], m["content_overlap_recall"]) == (3 / 4, 1.0)
    assert (m["content_exact_precision"], m["content_exact_recall"]) == (2 / 4, 2 / 3)
    assert (m["source_precision"], m["source_recall"]) == (1 / 3, 1 / 2)
    assert (m["cue_precision"], m["cue_recall"]) == (2 / 3, 2 / 3)
    assert (m["full_precision"], m["full_recall"]) == (2 / 4, 2 / 3)
    assert m["full_f1"] == pytest.approx(4 / 7)
    assert "alpha: spurious 'Taxes will fall'" in score.details
    assert "alpha: E3 source '-' vs 'Officials'" in score.details
    assert "alpha: E2 content 'the vote will pass' vs 'that the vote will pass'" in score.details


def test_greedy_matching_prefers_the_largest_overlap(gold):
    text = gold["alpha"].text
    small = quote(text, "closed")
    large = quote(text, "the bridge was")
    elsewhere = quote(text, "It is")  # shares no token with any content
    assert match_quotes(text, [small, large, elsewhere], gold["alpha"].attributions) == [
        (1, 2, False)
    ]


def test_a_punctuation_cue_is_a_token_but_a_gap_is_not_content():
    text = "The report: growth will slow."
    cue, content = span(text, ":"), span(text, "growth will slow")
    relation = GoldAttribution((content,), (cue,), (span(text, "The report"),))
    article = GoldArticle("colon", text, (relation,))
    right = Quote("indirect", content, cue, EntityRef(None, "report", span(text, "report")))
    score = score_quotes([(article, analysis(article, right))])
    assert score.metrics["full_f1"] == 1.0
    gap = GoldAttribution((span(text, "The"), span(text, "will slow")), (cue,))
    assert match_quotes(text, [quote(text, "report: growth")], [gap]) == []


def test_no_quotes_scores_zero_with_all_gold_missed(gold):
    score = score_quotes((article, analysis(article)) for article in gold.values())
    assert score.name == "polnear quotes: 2 articles"
    assert set(score.metrics.values()) == {0.0}
    assert "content_overlap: tp=0 predicted=0 gold=4" in score.details
    assert "alpha: missed E1 '“Taxes will fall,” … “and jobs will rise.”'" in score.details


def test_text_that_differs_from_the_gold_is_an_error(gold):
    article = gold["alpha"]
    cleaned = Analysis(Article(id="x", text=article.text.strip()))
    with pytest.raises(EvalError, match="differs"):
        score_quotes([(article, cleaned)])


class Echo:
    """Stands in for the analyzer: quotes each article's first sentence, with no source or cue."""

    def analyze_document(self, document):
        end = document.text.index("\n")
        content = Span.of(document.text, 0, end)
        return Analysis(Article(id="x", text=document.text), quotes=(Quote("direct", content),))


def test_evaluate_polnear_analyses_the_raw_text_and_honours_limit():
    score = evaluate_polnear(DEV, Echo(), limit=1)
    assert score.name == "polnear quotes: 1 articles"
    assert score.metrics["content_overlap_precision"] == 1.0
    assert score.metrics["content_overlap_recall"] == pytest.approx(1 / 3)
    # The first line is E1's hull, source and cue included: an exact match.
    assert score.metrics["content_exact_precision"] == 1.0


def test_cli_quotes_prints_json_and_reports_a_missing_split(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main
    from newsdesk.pipeline import Analyzer

    monkeypatch.setattr(Analyzer, "load", classmethod(lambda cls, model=None: Echo()))
    runner = CliRunner()
    result = runner.invoke(
        main, ["eval", "quotes", "--polnear", str(DEV), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metrics"]["content_overlap_recall"] == pytest.approx(1 / 4)
    assert "beta: spurious 'The mayor’s office said'" in data["details"]
    result = runner.invoke(main, ["eval", "quotes", "--polnear", str(tmp_path)])
    assert result.exit_code == 1
    assert "no PolNeAR split here" in result.stderr


def test_annotator_agreement_scores_the_second_annotator_against_the_first():
    pairs = annotator_pairs(DEV)
    # alpha has two files (b2 first in metadata, then a1); beta has one and is left out
    assert [(g.name, len(g.attributions), len(o.attributions)) for g, o in pairs] == [
        ("alpha", 3, 1)
    ]
    (quote,) = as_quotes(pairs[0][1])
    assert (quote.content.text, quote.cue.text, quote.speaker) == (
        "the bridge was closed",
        "said",
        None,
    )
    score = evaluate_agreement(DEV)
    assert score.name == "polnear annotator agreement: 1 pairs of annotators"
    # a1 found one of b2's three relations, with its cue but not its source
    assert score.metrics["content_exact_precision"] == 1.0
    assert score.metrics["content_overlap_recall"] == pytest.approx(1 / 3)
    assert score.metrics["cue_recall"] == pytest.approx(1 / 3)
    assert score.metrics["source_recall"] == 0.0
    assert score.metrics["full_precision"] == 0.0


def test_cli_quotes_agreement_loads_no_pipeline(monkeypatch):
    from click.testing import CliRunner

    from newsdesk.cli import main
    from newsdesk.pipeline import Analyzer

    def refuse(cls, model=None):
        raise AssertionError("agreement needs no analyzer")

    monkeypatch.setattr(Analyzer, "load", classmethod(refuse))
    result = CliRunner().invoke(main, ["eval", "quotes", "--polnear", str(DEV), "--agreement"])
    assert result.exit_code == 0, result.output
    assert "annotator agreement: 1 pairs" in result.stdout
    assert "cue_f1" in result.stdout
