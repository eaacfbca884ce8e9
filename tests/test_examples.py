"""Golden tests on the project's own example articles (examples/expectations.json)."""

from __future__ import annotations

import json

import pytest

from newsdesk.gazetteer import normalise
from newsdesk.ingest import Document, read_inputs

from .conftest import EXAMPLES

EXPECTATIONS = json.loads((EXAMPLES / "expectations.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def analyses(analyzer):
    results = {}
    for key in EXPECTATIONS:
        path, _, record_id = key.partition("#")
        items = list(read_inputs([str(EXAMPLES / path)]))
        (document,) = [i for i in items if not record_id or i.meta.get("id") == record_id]
        assert isinstance(document, Document), document
        results[key] = analyzer.analyze_document(document)
    return results


@pytest.mark.parametrize("key", sorted(EXPECTATIONS))
def test_metadata_and_cleaning(analyses, key):
    expected, article = EXPECTATIONS[key], analyses[key].article
    assert article.title == expected["title"]
    assert article.byline == expected["byline"]
    assert article.outlet == expected["outlet"]
    assert (article.published or "")[:10] == (expected["published"] or "")
    assert article.text.startswith(expected["body_starts_with"])
    for line in expected["boilerplate"]:
        assert line not in article.text


@pytest.mark.parametrize("key", sorted(EXPECTATIONS))
def test_places_are_never_people(analyses, key):
    people = {
        normalise(m.text) for e in analyses[key].entities if e.type == "PERSON" for m in e.mentions
    }
    assert not people & {normalise(p) for p in EXPECTATIONS[key]["places"]}


@pytest.mark.parametrize("key", sorted(EXPECTATIONS))
def test_years_are_dated(analyses, key):
    values = [d.value or "" for d in analyses[key].dates]
    for year in EXPECTATIONS[key]["years"]:
        assert any(v.startswith(year) for v in values), year


def test_people_are_found_as_people(analyses):
    """Recall floor over all examples; the statistical NER still misses some foreign names."""
    wanted = found = 0
    for key, expected in EXPECTATIONS.items():
        names = {normalise(e.name) for e in analyses[key].entities if e.type == "PERSON"}
        wanted += len(expected["persons"])
        found += sum(1 for p in expected["persons"] if normalise(p) in names)
    assert found / wanted >= 0.85


@pytest.mark.parametrize("key", sorted(EXPECTATIONS))
def test_every_span_points_at_its_text(analyses, key):
    analysis = analyses[key]
    text = analysis.article.text
    spans = [m for e in analysis.entities for m in e.mentions] + [d.span for d in analysis.dates]
    assert spans
    assert all(text[s.start : s.end] == s.text for s in spans)
