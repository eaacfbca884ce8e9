"""Claims and responses, one construction per test, on sentences written for these tests."""

from __future__ import annotations

import json

import pytest

from newsdesk.claims import group_claims
from newsdesk.evaluation.claims import score_contested
from newsdesk.ingest import Document, read_inputs

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def claims_of(analyzer):
    from newsdesk.ingest import Options, from_text

    def run(text: str):
        document = from_text(text, None, Options(clean=False, check_language=False), {})
        return analyzer.analyze_document(document).claims

    return run


def contested(claims):
    return [c for c in claims if c.contested]


def test_anaphor_in_the_next_sentence(claims_of):
    (claim,) = contested(
        claims_of(
            "Ukraine accused Russia of shelling a hospital in Kharkiv. Moscow denied the accusation."
        )
    )
    assert claim.holder.name == "Ukraine" and claim.stance == "accuse"
    ((response),) = claim.responses
    assert response.holder.name == "Russia" and response.stance == "deny"
    assert response.cue.text == "denied"


def test_apposition_with_a_relative_clause_not_confirmed(claims_of):
    (claim,) = contested(
        claims_of(
            "The rebels said they had captured the airport, a claim the army has not confirmed."
        )
    )
    assert claim.content.text == "they had captured the airport"
    (response,) = claim.responses
    assert response.stance == "not-confirmed" and response.holder.name == "the army"


def test_that_figure_disputed(claims_of):
    (claim,) = contested(
        claims_of(
            "The ministry said 40 people had died in the floods. Local officials disputed that figure."
        )
    )
    assert claim.holder.name == "The ministry"
    assert [r.stance for r in claim.responses] == ["dispute"]


def test_denial_with_its_own_words_matches_by_content(claims_of):
    claims = claims_of(
        "Human Rights Watch said soldiers had beaten detainees. "
        "The army denied that any detainees had been abused."
    )
    (claim,) = contested(claims)
    assert claim.holder.name == "Human Rights Watch"
    (response,) = claim.responses
    assert response.content is not None
    assert response.content.text == "that any detainees had been abused"
    # the denial is a claim of its own too, held by the army, and nobody answers it
    denial = next(c for c in claims if c.stance == "deny")
    assert denial.holder.name == "The army" and not denial.contested


def test_but_denied_in_the_same_sentence(claims_of):
    (claim,) = contested(
        claims_of(
            "The group claimed it had shot down a fighter jet, but the air force denied "
            "that any aircraft had been lost."
        )
    )
    assert claim.stance == "claim" and claim.content.text == "it had shot down a fighter jet"


def test_confirmation_is_a_response_but_not_a_contest(claims_of):
    claims = claims_of(
        "The president said the economy grew by 3% last year. The central bank confirmed the figure."
    )
    (claim,) = claims
    assert [r.stance for r in claim.responses] == ["confirm"]
    assert not claim.contested


def test_claim_stated_inside_the_rejection(claims_of):
    (claim,) = contested(
        claims_of("Police rejected the accusation by activists that officers had used live rounds.")
    )
    assert claim.holder.name == "activists" and claim.stance == "accuse"
    assert claim.content.text == "that officers had used live rounds"
    assert claim.quote is None  # not a quote: stated by the rejection


def test_no_response_no_contest(claims_of):
    claims = claims_of("Kenya said it would send 600 officers. Haiti welcomed the decision.")
    assert claims and not contested(claims)


def test_offsets_point_at_the_text(analyzer):
    from newsdesk import analyze

    text = "The ministry said 40 people had died. Local officials disputed that figure."
    analysis = analyze(text)
    for claim in analysis.claims:
        assert text[claim.content.start : claim.content.end] == claim.content.text
        for response in claim.responses:
            assert text[response.cue.start : response.cue.end] == response.cue.text


def test_examples_contested_claims_floor(analyzer):
    """Hand-written expectations over the project's example articles (examples/)."""
    expected = json.loads((EXAMPLES / "expectations.json").read_text("utf-8"))
    pairs = []
    for key, item in expected.items():
        path, _, record_id = key.partition("#")
        docs = [d for d in read_inputs([str(EXAMPLES / path)]) if isinstance(d, Document)]
        (document,) = [d for d in docs if not record_id or d.meta.get("id") == record_id]
        pairs.append((analyzer.analyze_document(document), item.get("contested", [])))
    score = score_contested(pairs)
    assert score.metrics["contested_recall"] >= 0.6, "\n".join(score.details)
    assert score.metrics["contested_precision"] >= 0.65, "\n".join(score.details)


class _Row:
    def __init__(self, article, claim, kb=None):
        self.article_id, self.title, self.outlet, self.published = article, None, None, None
        self.holder_kb, self.claim = kb, claim


def test_same_claim_from_two_articles_is_one_group(claims_of):
    (first,) = claims_of(
        "Kyiv says nearly 20,000 children have been forcibly relocated since 2022."
    )
    (second,) = claims_of("Kyiv says nearly 20,000 children were forcibly relocated to Russia.")
    (other,) = claims_of("Kyiv says its air defences shot down 40 drones overnight.")
    groups = group_claims(
        [_Row("a", first, "ukraine"), _Row("b", second, "ukraine"), _Row("c", other, "ukraine")]
    )
    assert [len(g.sources) for g in groups] == [2, 1]
    assert [s.article_id for s in groups[0].sources] == ["a", "b"]
