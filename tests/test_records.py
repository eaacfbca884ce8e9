from __future__ import annotations

import jsonschema

from newsdesk.records import (
    Analysis,
    Article,
    DateMention,
    Entity,
    EntityRef,
    Quote,
    Span,
    from_dict,
    to_dict,
)

TEXT = "Kyiv rejected the demand, Zelensky said on Wednesday."


def sample() -> Analysis:
    article = Article(id="a1", text=TEXT, title="T", meta={"section": "World"})
    kyiv = Entity("e1", "Ukraine", "GPE", (Span.of(TEXT, 0, 4),), country="UKR")
    quote = Quote(
        "indirect",
        Span.of(TEXT, 0, 24),
        Span.of(TEXT, 35, 39),
        EntityRef("e2", "Volodymyr Zelensky", Span.of(TEXT, 26, 34)),
    )
    when = DateMention(Span.of(TEXT, 43, 52), None, "day")
    return Analysis(article, entities=(kyiv,), quotes=(quote,), dates=(when,))


def test_span_of_takes_the_text():
    assert Span.of(TEXT, 0, 4) == Span(0, 4, "Kyiv")


def test_round_trip():
    analysis = sample()
    assert Analysis.from_dict(to_dict(analysis)) == analysis


def test_from_dict_ignores_unknown_keys():
    data = to_dict(sample())
    data["article"]["future_field"] = 1
    assert from_dict(Analysis, data).article.id == "a1"


def test_contract_schema_accepts_sample_and_rejects_bad_span(schema):
    data = to_dict(sample())
    jsonschema.validate(data, schema)
    data["entities"][0]["mentions"][0].pop("text")
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a span without text validated")
