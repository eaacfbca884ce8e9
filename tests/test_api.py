"""The JSON API (newsdesk.api) against a real store filled by POSTing real articles."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import replace

import jsonschema
import pytest
from fastapi.testclient import TestClient

from newsdesk import fetchguard
from newsdesk.api import create_app, local_hosts
from newsdesk.errors import URLRefusedError
from newsdesk.records import Figure, Span, to_dict
from newsdesk.store import Store

from .pages import ARTICLE_HTML, serve

TOKEN = "s3cret-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

# Written for these tests. The first carries markup in its title, its text and a quote: the API
# must hand it back as data, escaped by JSON only.
ARTICLES = [
    {
        "id": "kharkiv-strike",
        "title": f"Russian forces shell Kharkiv {SCRIPT} {IMG}",
        "outlet": "Harbour Wire",
        "published": "2025-03-04",
        "text": "Russian forces shelled Kharkiv on Monday, killing at least 12 civilians, "
        "Ukrainian officials said.\n"
        f'"This is terror against ordinary people {SCRIPT} {IMG}," Ukrainian President '
        "Volodymyr Zelensky said in a video address.\n"
        "Zelensky said Russia had attacked a school and a hospital in the city. The Kremlin "
        "denied that account and said its troops struck only military targets.\n"
        "Kremlin spokesman Dmitry Peskov said Moscow would continue the operation until its "
        "goals were met.",
    },
    {
        "id": "talks-geneva",
        "title": "Envoys meet in Geneva as ceasefire talks resume",
        "outlet": "Lakeside Post",
        "published": "2025-03-10",
        "text": "Negotiators from Ukraine and Russia met in Geneva on Monday for the first direct "
        "talks in months, the Swiss foreign ministry said.\n"
        '"We came here to end the war, not to surrender," Ukrainian negotiator Rustem Umerov '
        "told reporters after the meeting.\n"
        "Russian presidential aide Yuri Ushakov said Moscow was ready to sign a ceasefire if "
        "Kyiv withdrew its troops from Donetsk. Ukraine rejected the demand.\n"
        "Volodymyr Zelensky said Ukraine would never give up its land.",
    },
    {
        "id": "aid-sudan",
        "title": "UN warns of fuel shortage in Port Sudan",
        "outlet": "Harbour Wire",
        "published": "2024-11-20",
        "text": "The United Nations warned on Wednesday that fuel shortages could halt water "
        "pumping stations in Port Sudan within days.\n"
        '"Millions of people depend on this port," UN spokesman Stephane Dujarric told '
        "reporters in New York.\n"
        "The Sudanese army accused the Rapid Support Forces of attacking a fuel depot near the "
        "city. About 30 aid trucks were waiting at the port.",
    },
]
IDS = {a["id"] for a in ARTICLES}
PATHS = {
    "/api",
    "/api/articles",
    "/api/articles/{article_id}",
    "/api/entities",
    "/api/entities/{key}",
    "/api/quotes",
    "/api/events",
    "/api/events/counts",
    "/api/figures",
    "/api/claims",
    "/api/search",
    "/api/export",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory, analyzer):
    """A store filled through POST /api/articles, plus one hand-made figure if the pipeline
    gives none, so that /api/figures has something to filter."""
    path = str(tmp_path_factory.mktemp("api") / "api.db")
    client = TestClient(create_app(path, token=TOKEN, analyzer=analyzer))
    for article in ARTICLES:
        answer = client.post("/api/articles", json=article, headers=AUTH)
        assert answer.status_code == 201, answer.text
    with Store(path) as store:
        if not any(a.figures for a in store.iter_analyses()):
            kharkiv = store.get("kharkiv-strike")
            text = kharkiv.article.text
            start = text.index("at least 12")
            figure = Figure(
                span=Span.of(text, start, start + len("at least 12")),
                value=12.0,
                approx="at least",
                counted="civilians",
                kind="killed",
                bound="min",
            )
            assert store.save(replace(kharkiv, figures=(figure,))) == "updated"
    return path


@pytest.fixture(scope="module")
def analyses(db):
    with Store(db) as store:
        return {a.article.id: a for a in store.iter_analyses()}


@pytest.fixture(scope="module")
def client(db, analyzer):
    return TestClient(create_app(db, token=TOKEN, analyzer=analyzer))


@pytest.fixture()
def fresh(tmp_path, analyzer):
    """A client over an empty store, for tests that write."""
    path = str(tmp_path / "fresh.db")
    return path, TestClient(create_app(path, token=TOKEN, analyzer=analyzer))


def error_of(answer, status: int, code: str) -> str:
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]["message"]


def count(path: str) -> int:
    with Store(path) as store:
        return store.count()


def mentioned(analysis, quote) -> set[str]:
    """Names and KB ids of the entities with a mention inside the quote."""
    start, end = quote.content.start, quote.content.end
    return {
        key
        for e in analysis.entities
        if any(start <= m.start and m.end <= end for m in e.mentions)
        for key in (e.name, e.kb_id)
        if key
    }


# -- schema, status, headers ------------------------------------------------------------------


def test_openapi_documents_every_endpoint_with_models(client):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) >= PATHS
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
    components = schema["components"]["schemas"]
    assert {"Analysis", "Quote", "Event", "ErrorResponse", "IngestRequest"} <= set(components)
    quotes = schema["paths"]["/api/quotes"]["get"]
    assert {p["name"] for p in quotes["parameters"]} >= {"speaker", "about", "text", "since"}
    assert "QuoteItem" in json.dumps(quotes["responses"]["200"])
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    post = schema["paths"]["/api/articles"]["post"]
    assert post["security"] and "IngestRequest" in json.dumps(post["requestBody"])


def test_no_html_and_security_headers_everywhere(client):
    # the interactive docs pages load scripts from a CDN: they are off
    for path in ("/docs", "/redoc"):
        error_of(client.get(path), 404, "E404")
    for path in (
        "/api",
        "/api/articles",
        "/api/articles/kharkiv",
        "/api/nope",
        "/api/openapi.json",
    ):
        answer = client.get(path)
        assert "html" not in answer.headers["content-type"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"


def test_status(client):
    assert client.get("/api").json() == {
        "version": client.app.version,
        "contract": 1,
        "articles": 3,
        "ingest": True,
        "read_token": False,
    }


def test_markup_in_articles_is_carried_as_data(client):
    answer = client.get("/api/articles/kharkiv-strike")
    assert answer.headers["content-type"] == "application/json"
    record = answer.json()
    assert record["article"]["title"] == ARTICLES[0]["title"]
    assert SCRIPT in record["article"]["text"] and IMG in record["article"]["text"]
    quote = next(q for q in record["quotes"] if SCRIPT in q["content"]["text"])
    assert IMG in quote["content"]["text"]
    assert quote["speaker"]["name"] == "Volodymyr Zelensky"
    # JSON escapes nothing of it: the bytes are the markup itself, never an HTML-escaped form
    assert SCRIPT.encode() in answer.content and b"&lt;" not in answer.content
    listed = client.get("/api/quotes", params={"text": "terror ordinary"}).json()["items"]
    assert [SCRIPT in q["quote"]["content"]["text"] for q in listed] == [True]
    titles = [a["title"] for a in client.get("/api/articles").json()["items"]]
    assert ARTICLES[0]["title"] in titles


# -- articles ---------------------------------------------------------------------------------


def test_articles_are_paginated_newest_first(client):
    whole = client.get("/api/articles").json()
    assert whole["total"] == 3 and (whole["limit"], whole["offset"]) == (50, 0)
    assert [a["id"] for a in whole["items"]] == ["talks-geneva", "kharkiv-strike", "aid-sudan"]
    first = client.get("/api/articles", params={"limit": 2}).json()
    rest = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert first["total"] == rest["total"] == 3 and rest["offset"] == 2
    assert [a["id"] for a in first["items"] + rest["items"]] == [a["id"] for a in whole["items"]]
    geneva = whole["items"][0]
    assert geneva["outlet"] == "Lakeside Post" and geneva["entities"] > 0
    assert geneva["copies"] == 0 and geneva["published"] == "2025-03-10"


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"q": "Geneva"}, {"talks-geneva"}),
        ({"q": "fuel depot"}, {"aid-sudan"}),
        ({"q": "Geneva fuel"}, set()),
        ({"q": "!!"}, set()),
        ({"outlet": "harbour"}, {"kharkiv-strike", "aid-sudan"}),
        ({"since": "2025"}, {"kharkiv-strike", "talks-geneva"}),
        ({"since": "2025-03-05"}, {"talks-geneva"}),
        ({"until": "2024"}, {"aid-sudan"}),
        ({"since": "2025-03", "until": "2025-03-04"}, {"kharkiv-strike"}),
        ({"outlet": "Harbour Wire", "q": "Kharkiv"}, {"kharkiv-strike"}),
    ],
)
def test_article_filters(client, params, ids):
    answer = client.get("/api/articles", params=params).json()
    assert {a["id"] for a in answer["items"]} == ids and answer["total"] == len(ids)


def test_article_record_is_the_contract(client, analyses, schema):
    for article_id in IDS:
        record = client.get(f"/api/articles/{article_id}").json()
        assert record == to_dict(analyses[article_id])
        jsonschema.validate(record, schema)
    by_prefix = client.get("/api/articles/talks-").json()
    assert by_prefix["article"]["id"] == "talks-geneva"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/articles", {"since": "2025-3"}),
        ("/api/articles", {"until": "March"}),
        ("/api/articles", {"limit": 0}),
        ("/api/articles", {"limit": 5000}),
        ("/api/articles", {"offset": -1}),
        ("/api/articles", {"q": ""}),
        ("/api/events", {"negated": "perhaps"}),
        ("/api/events", {"since": "2025-13"}),  # the right shape, not a date: the store says so
        ("/api/events/counts", {"by": "week"}),
        ("/api/claims", {"contested": "maybe"}),
        ("/api/search", {}),
        ("/api/export", {"table": "secrets"}),
        ("/api/export", {"format": "xml"}),
    ],
)
def test_bad_parameters_are_422(client, path, params):
    message = error_of(client.get(path, params=params), 422, "E401")
    assert message


def test_unknown_ids_and_paths_are_404(client):
    assert "not in the store" in error_of(client.get("/api/articles/nope"), 404, "E404")
    assert "not in the store" in error_of(client.get("/api/entities/Atlantis"), 404, "E404")
    error_of(client.get("/api/events", params={"article": "nope"}), 404, "E404")
    assert "/api/nothing" in error_of(client.get("/api/nothing"), 404, "E404")
    assert "DELETE" in error_of(client.delete("/api/articles"), 405, "E603")


# -- entities ---------------------------------------------------------------------------------


def test_entities_list_counts_and_filters(client, analyses):
    people = client.get("/api/entities", params={"type": "person", "limit": 100}).json()
    assert people["items"] and all(e["type"] == "PERSON" for e in people["items"])
    mentions = [e["mentions"] for e in people["items"]]
    assert mentions == sorted(mentions, reverse=True)
    zelensky = next(e for e in people["items"] if e["id"] == "volodymyr-zelensky")
    expected = [e for a in analyses.values() for e in a.entities if e.kb_id == zelensky["id"]]
    assert zelensky["articles"] == len(expected) == 2
    assert zelensky["mentions"] == sum(len(e.mentions) for e in expected)
    assert zelensky["country"] == "UKR" and "President (Ukraine)" in zelensky["roles"]
    named = client.get("/api/entities", params={"name": "zelen"}).json()
    assert [e["id"] for e in named["items"]] == ["volodymyr-zelensky"]
    sudan = client.get("/api/entities", params={"country": "sdn"}).json()["items"]
    assert sudan and all(e["country"] == "SDN" for e in sudan)
    assert "Rapid Support Forces" in {e["name"] for e in sudan}
    everyone = client.get("/api/entities", params={"limit": 1000}).json()
    page = client.get("/api/entities", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == everyone["total"] and page["items"] == everyone["items"][3:6]


def test_entity_detail_by_kb_id_and_by_name(client, analyses):
    detail = client.get("/api/entities/volodymyr-zelensky").json()
    assert detail["entity"]["name"] == "Volodymyr Zelensky"
    assert client.get("/api/entities/VOLODYMYR zelensky").json() == detail
    said = sorted(
        (a.article.id, q.content.text)
        for a in analyses.values()
        for q in a.quotes
        if q.speaker
        and q.speaker.entity
        and a.entity(q.speaker.entity).kb_id == "volodymyr-zelensky"
    )
    got = sorted(
        (q["article_id"], q["quote"]["content"]["text"]) for q in detail["quotes_by"]["items"]
    )
    assert got == said and detail["quotes_by"]["total"] == len(said) >= 3
    assert {a["id"] for a in detail["articles"]["items"]} == {"kharkiv-strike", "talks-geneva"}
    dates = [item["date"] for item in detail["timeline"]]
    lists = ("quotes_by", "quotes_about", "events_as_source", "events_as_target")
    assert dates == sorted(dates)  # every article here has a date, so every item has one
    assert len(dates) == 2 + sum(detail[name]["total"] for name in lists)
    kinds = Counter((i["kind"], i["role"]) for i in detail["timeline"])
    assert kinds[("article", "mentioned")] == 2 and kinds[("quote", "said")] == len(said)


def test_entity_detail_events_and_quotes_about(client, analyses):
    detail = client.get("/api/entities/RUS").json()
    assert detail["entity"]["name"] == "Russia"

    def events(role: str) -> list[tuple[str, int]]:
        return sorted(
            (a.article.id, i)
            for a in analyses.values()
            for i, e in enumerate(a.events)
            if any(x.entity and a.entity(x.entity).kb_id == "RUS" for x in getattr(e, role))
        )

    for role in ("source", "target"):
        page = detail[f"events_as_{role}"]
        assert sorted((e["article_id"], e["idx"]) for e in page["items"]) == events(role)
        assert page["total"] == len(events(role))
    assert detail["events_as_source"]["total"] >= 1
    about = sorted(
        (q["article_id"], q["quote"]["content"]["text"]) for q in detail["quotes_about"]["items"]
    )
    assert about == sorted(
        (a.article.id, q.content.text)
        for a in analyses.values()
        for q in a.quotes
        if "RUS" in mentioned(a, q)
    )
    assert ("kharkiv-strike", "Russia had attacked a school and a hospital in the city") in about
    kinds = {(i["kind"], i["role"]) for i in detail["timeline"]}
    assert ("event", "source") in kinds and ("quote", "about") in kinds
    short = client.get("/api/entities/RUS", params={"limit": 1}).json()
    assert len(short["quotes_about"]["items"]) == 1
    assert short["quotes_about"]["total"] == detail["quotes_about"]["total"]
    assert short["timeline"] == detail["timeline"]


# -- quotes, events, figures, claims, search --------------------------------------------------


def test_quotes_filters_and_pages(client, analyses):
    every = client.get("/api/quotes", params={"limit": 1000}).json()
    assert every["total"] == sum(len(a.quotes) for a in analyses.values())
    dates = [q["published"] for q in every["items"]]
    assert dates == sorted(dates, reverse=True)
    page = client.get("/api/quotes", params={"limit": 2, "offset": 1}).json()
    assert page["items"] == every["items"][1:3]
    by = client.get("/api/quotes", params={"speaker": "Zelensky"}).json()["items"]
    assert len(by) >= 3 and all(q["quote"]["speaker"]["name"] == "Volodymyr Zelensky" for q in by)
    kb = client.get("/api/quotes", params={"speaker": "volodymyr-zelensky"}).json()["items"]
    assert kb == by
    about = client.get("/api/quotes", params={"about": "Russia"}).json()["items"]
    expected = [
        (a.article.id, q.content.text)
        for a in analyses.values()
        for q in a.quotes
        if any("russia" in name.lower() for name in mentioned(a, q))
    ]
    assert about and sorted(
        (q["article_id"], q["quote"]["content"]["text"]) for q in about
    ) == sorted(expected)
    words = client.get("/api/quotes", params={"text": "ceasefire"}).json()["items"]
    assert [q["quote"]["speaker"]["name"] for q in words] == ["Yuri Ushakov"]
    recent = client.get("/api/quotes", params={"since": "2025-03-05"}).json()["items"]
    assert recent and {q["article_id"] for q in recent} == {"talks-geneva"}


def test_events_filters(client, analyses):
    every = client.get("/api/events", params={"limit": 1000}).json()
    assert every["total"] == sum(len(a.events) for a in analyses.values()) >= 5
    days = [e["day"] for e in every["items"]]
    assert days == sorted(days, reverse=True)
    assaults = client.get("/api/events", params={"type": "assault"}).json()
    assert assaults["items"] and all(e["event"]["type"] == "ASSAULT" for e in assaults["items"])
    russian = client.get("/api/events", params={"source": "rus"}).json()["items"]
    assert russian and all(any(a["code"] == "RUS" for a in e["event"]["source"]) for e in russian)
    at_ukraine = client.get("/api/events", params={"target": "UKR"}).json()["items"]
    assert at_ukraine and all(
        any(a["code"] == "UKR" for a in e["event"]["target"]) for e in at_ukraine
    )
    march = client.get("/api/events", params={"since": "2025-03-05", "until": "2025-03"}).json()
    assert march["items"] and all("2025-03-05" <= e["day"] <= "2025-03-31" for e in march["items"])
    sudan = client.get("/api/events", params={"article": "aid"}).json()["items"]
    assert sudan and {e["article_id"] for e in sudan} == {"aid-sudan"}
    plain = client.get("/api/events", params={"negated": False, "hypothetical": "false"}).json()
    assert all(not e["event"]["negated"] for e in plain["items"])
    page = client.get("/api/events", params={"limit": 2, "offset": 2}).json()
    assert page["items"] == every["items"][2:4] and page["total"] == every["total"]


def test_event_counts(client, analyses):
    events = [e for a in analyses.values() for e in a.events]
    total = client.get("/api/events").json()["total"]
    for by in ("day", "month", "type", "pair"):
        counts = client.get("/api/events/counts", params={"by": by}).json()
        assert counts["by"] == by and counts["events"] == total
        assert counts["total"] == len(counts["items"])
        keys = {"source", "target", "events"} if by == "pair" else {by, "events"}
        assert all(set(item) == keys for item in counts["items"])
    days = client.get("/api/events/counts", params={"by": "day"}).json()["items"]
    assert [d["day"] for d in days] == sorted(d["day"] for d in days)
    types = client.get("/api/events/counts", params={"by": "type"}).json()["items"]
    assert {t["type"]: t["events"] for t in types} == Counter(e.type for e in events)
    assert [t["events"] for t in types] == sorted((t["events"] for t in types), reverse=True)
    only = client.get("/api/events/counts", params={"by": "type", "source": "SDN"}).json()
    assert {t["type"]: t["events"] for t in only["items"]} == Counter(
        e.type for e in events if any(a.code == "SDN" for a in e.source)
    )
    pairs = client.get("/api/events/counts", params={"by": "pair"}).json()["items"]
    expected: Counter[tuple[str | None, str | None]] = Counter()
    for e in events:
        sources = {a.code.upper() for a in e.source if a.code} or {None}
        targets = {a.code.upper() for a in e.target if a.code} or {None}
        expected.update((s, t) for s in sources for t in targets)
    assert {(p["source"], p["target"]): p["events"] for p in pairs} == expected
    assert expected[("RUS", "UKR")] >= 1


def test_figures(client, analyses):
    figures = [(a.article.id, f) for a in analyses.values() for f in a.figures]
    every = client.get("/api/figures").json()
    assert every["total"] == len(figures) >= 1
    assert {(f["article_id"], f["figure"]["span"]["text"]) for f in every["items"]} == {
        (aid, f.span.text) for aid, f in figures
    }
    aid, figure = next((aid, f) for aid, f in figures if f.kind)
    kind = client.get("/api/figures", params={"kind": figure.kind}).json()["items"]
    assert kind and all(f["figure"]["kind"] == figure.kind for f in kind)
    words = figure.counted or figure.span.text
    about = client.get("/api/figures", params={"about": words}).json()["items"]
    assert (aid, figure.span.text) in {
        (f["article_id"], f["figure"]["span"]["text"]) for f in about
    }
    assert client.get("/api/figures", params={"about": "zeppelins"}).json()["total"] == 0
    assert client.get("/api/figures", params={"kind": "zeppelins"}).json()["items"] == []


def test_claims_grouped_and_filtered(client, analyses):
    every = client.get("/api/claims", params={"limit": 1000}).json()
    assert every["total"] == sum(len(a.claims) for a in analyses.values())  # none repeat
    contested = client.get("/api/claims", params={"contested": True}).json()["items"]
    assert contested and all(c["contested"] for c in contested)
    attack = next(c for c in contested if c["holder"]["name"] == "Volodymyr Zelensky")
    assert attack["content"]["text"] == "Russia had attacked a school and a hospital in the city"
    assert [(r["stance"], r["holder"]["name"]) for r in attack["responses"]] == [("deny", "Russia")]
    assert attack["sources"][0]["article_id"] == "kharkiv-strike"
    calm = client.get("/api/claims", params={"contested": False, "limit": 1000}).json()
    assert not any(c["contested"] for c in calm["items"])
    assert calm["total"] + len(contested) == every["total"]
    held = client.get("/api/claims", params={"holder": "yuri-ushakov"}).json()["items"]
    assert [c["holder"]["name"] for c in held] == ["Yuri Ushakov"] and held[0]["contested"]
    about = client.get("/api/claims", params={"about": "Donetsk"}).json()["items"]
    assert [c["holder_kb"] for c in about] == ["yuri-ushakov"]


def test_claims_reported_twice_are_one_group(fresh):
    path, client = fresh
    claim = (
        "Russian presidential aide Yuri Ushakov said Moscow was ready to sign a ceasefire if "
        "Kyiv withdrew its troops from Donetsk."
    )
    stories = {
        # two different stories that report the same claim (not copies of one story, which
        # near-duplicate detection would store once)
        "One Wire": "Swiss diplomats hosted a second day of talks in Geneva on Tuesday, with "
        "delegations arriving early and leaving late. " + claim + " Ukraine rejected the "
        "demand. Prisoner exchanges were also on the agenda, a Swiss official said.",
        "Two Wire": claim + " Ukrainian negotiator Rustem Umerov told reporters that Kyiv would "
        "not give up land. Markets in Moscow rose on the news, and the rouble gained against "
        "the dollar for the third day running.",
    }
    for outlet, text in stories.items():
        client.post("/api/articles", json={"text": text, "outlet": outlet}, headers=AUTH)
    assert count(path) == 2
    ushakov = client.get("/api/claims", params={"holder": "Yuri Ushakov"}).json()
    assert ushakov["total"] == 1
    assert {s["outlet"] for s in ushakov["items"][0]["sources"]} == {"One Wire", "Two Wire"}


def test_search_articles_and_quotes(client):
    hits = client.get("/api/search", params={"q": "ceasefire"}).json()
    assert {(h["kind"], h["article_id"]) for h in hits["items"]} == {
        ("article", "talks-geneva"),
        ("quote", "talks-geneva"),
    }
    assert all("[ceasefire]" in h["snippet"] for h in hits["items"])
    quotes = client.get("/api/search", params={"q": "ceasefire", "kind": "quote"}).json()
    assert [h["title"] for h in quotes["items"]] == ["Yuri Ushakov"] and quotes["total"] == 1
    russia = client.get("/api/search", params={"q": "Russia"}).json()
    second = client.get("/api/search", params={"q": "Russia", "limit": 1, "offset": 1}).json()
    assert russia["total"] >= 3 and second["total"] == russia["total"]
    assert second["items"] == russia["items"][1:2]
    assert client.get("/api/search", params={"q": "zeppelin"}).json()["total"] == 0


# -- export -----------------------------------------------------------------------------------


def test_export_jsonl_csv_polecat(client, analyses):
    answer = client.get("/api/export")
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    assert 'filename="newsdesk-articles.jsonl"' in answer.headers["content-disposition"]
    lines = [json.loads(line) for line in answer.text.splitlines()]
    assert {line["article"]["id"]: line for line in lines} == {
        aid: to_dict(a) for aid, a in analyses.items()
    }
    quotes = client.get("/api/export", params={"table": "quotes"}).text.splitlines()
    assert len(quotes) == sum(len(a.quotes) for a in analyses.values())
    assert all("article_id" in json.loads(q) for q in quotes)
    table = client.get("/api/export", params={"table": "events", "format": "csv"})
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.text)))
    assert rows[0][:3] == ["article_id", "idx", "day"] and rows.count(rows[0]) == 1
    assert len(rows) == 1 + sum(len(a.events) for a in analyses.values())
    assert {r[0] for r in rows[1:]} == {aid for aid, a in analyses.items() if a.events}
    polecat = client.get("/api/export", params={"format": "polecat", "table": "quotes"})
    records = [json.loads(line) for line in polecat.text.splitlines()]
    assert len(records) == sum(len(a.events) for a in analyses.values())
    assert {"actor", "recipient", "event", "citeInfo"} <= set(records[0])
    assert SCRIPT in client.get("/api/export", params={"format": "csv"}).text  # a title


# -- POST: input kinds, tokens, limits, URLs --------------------------------------------------


def test_post_needs_the_token(fresh):
    path, client = fresh
    article = {"text": ARTICLES[2]["text"]}
    answer = client.post("/api/articles", json=article)
    assert "bearer" in error_of(answer, 401, "E600").lower()
    assert answer.headers["www-authenticate"] == "Bearer"
    wrong = {"Authorization": "Bearer nope"}
    error_of(client.post("/api/articles", json=article, headers=wrong), 401, "E600")
    basic = {"Authorization": f"Basic {TOKEN}"}
    error_of(client.post("/api/articles", json=article, headers=basic), 401, "E600")
    assert count(path) == 0
    stored = client.post("/api/articles", json=article, headers=AUTH)
    assert stored.status_code == 201 and stored.json()["status"] == "stored"
    assert stored.headers["location"] == f"/api/articles/{stored.json()['id']}"
    again = client.post(
        "/api/articles", json={**article, "url": "https://example.org/a"}, headers=AUTH
    )
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["id"] == stored.json()["id"]
    assert again.json()["analysis"]["article"]["copies"][0]["url"] == "https://example.org/a"
    assert count(path) == 1


def test_post_is_refused_without_a_configured_token(tmp_path, analyzer, monkeypatch):
    monkeypatch.delenv("NEWSDESK_TOKEN", raising=False)
    path = str(tmp_path / "s.db")
    client = TestClient(create_app(path, analyzer=analyzer))
    assert client.get("/api").json()["ingest"] is False
    for headers in ({}, AUTH):
        answer = client.post("/api/articles", json={"text": ARTICLES[2]["text"]}, headers=headers)
        assert "no token" in error_of(answer, 403, "E601")
    assert count(path) == 0


def test_token_from_the_environment(tmp_path, analyzer, monkeypatch):
    monkeypatch.setenv("NEWSDESK_TOKEN", "from-env")
    client = TestClient(create_app(str(tmp_path / "s.db"), analyzer=analyzer))
    article = {"text": ARTICLES[2]["text"]}
    error_of(client.post("/api/articles", json=article, headers=AUTH), 401, "E600")
    ok = client.post("/api/articles", json=article, headers={"Authorization": "Bearer from-env"})
    assert ok.status_code == 201


def test_reads_need_the_token_with_require_token(db, analyzer, monkeypatch):
    client = TestClient(create_app(db, token=TOKEN, require_token=True, analyzer=analyzer))
    for path in (
        "/api",
        "/api/articles",
        "/api/articles/kharkiv",
        "/api/entities/RUS",
        "/api/export",
    ):
        error_of(client.get(path), 401, "E600")
        error_of(client.get(path, headers={"Authorization": "Bearer wrong"}), 401, "E600")
        assert client.get(path, headers=AUTH).status_code == 200
    assert client.get("/api", headers=AUTH).json()["read_token"] is True
    monkeypatch.delenv("NEWSDESK_TOKEN", raising=False)
    with pytest.raises(ValueError, match="token"):
        create_app(db, require_token=True)


def test_html_and_metadata(fresh):
    path, client = fresh
    answer = client.post(
        "/api/articles",
        json={"html": ARTICLE_HTML, "url": "https://redsea.example/drone", "byline": "Desk"},
        headers=AUTH,
    )
    assert answer.status_code == 201, answer.text
    article = answer.json()["analysis"]["article"]
    assert article["title"] == "Drone strike hits fuel depot near Port Sudan"
    assert article["outlet"] == "Red Sea Monitor" and article["byline"] == "Desk"
    assert article["url"] == "https://redsea.example/drone"
    assert article["text"].startswith("A drone struck a fuel depot")
    assert "cookies" not in article["text"]
    text = client.post(
        "/api/articles",
        json={"text": ARTICLES[1]["text"], "title": "T", "published": "March 10, 2025"},
        headers=AUTH,
    ).json()["analysis"]["article"]
    assert (text["title"], text["published"]) == ("T", "2025-03-10")
    assert count(path) == 2


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({}, 422, "E100", "text, html or url"),
        ({"text": "a", "html": "<p>a</p>"}, 422, "E100", "not both"),
        ({"text": "a story", "colour": "red"}, 422, "E100", "colour"),
        ({"text": 7}, 422, "E100", "text"),
        ({"text": "   "}, 422, "E100", "empty"),
        (
            {
                "text": "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, "
                "qui sera présentée au Parlement dans les prochaines semaines."
            },
            422,
            "E102",
            "English",
        ),
        ({"html": "<html><body><form><input></form></body></html>"}, 422, "E103", "no article"),
    ],
)
def test_bad_bodies(fresh, body, status, code, words):
    path, client = fresh
    assert words in error_of(client.post("/api/articles", json=body, headers=AUTH), status, code)
    assert count(path) == 0


def test_not_json_is_422(fresh):
    _, client = fresh
    answer = client.post(
        "/api/articles", content=b"{nope", headers={**AUTH, "content-type": "application/json"}
    )
    error_of(answer, 422, "E100")


def test_request_size_limit(tmp_path, analyzer):
    path = str(tmp_path / "s.db")
    client = TestClient(create_app(path, token=TOKEN, analyzer=analyzer, max_bytes=1_000))
    big = {"text": ARTICLES[0]["text"] * 2}
    assert "1,000" in error_of(client.post("/api/articles", json=big, headers=AUTH), 413, "E602")

    def chunks():  # no Content-Length: counted while reading
        for _ in range(5):
            yield b" " * 300

    headers = {**AUTH, "content-type": "application/json"}
    error_of(client.post("/api/articles", content=chunks(), headers=headers), 413, "E602")
    assert count(path) == 0
    small = client.post("/api/articles", json={"text": ARTICLES[2]["text"]}, headers=AUTH)
    assert small.status_code == 201


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/article.html",
        "http://10.0.0.1/article.html",
        "http://[::1]:8080/article.html",
        "http://localhost/article.html",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://example.org/a.txt",
    ],
)
def test_private_and_non_http_urls_are_refused(fresh, url):
    path, client = fresh
    message = error_of(client.post("/api/articles", json={"url": url}, headers=AUTH), 422, "E201")
    assert "public address" in message or "http and https" in message
    assert count(path) == 0


def test_url_ingest_from_a_local_server(tmp_path, analyzer):
    path = str(tmp_path / "s.db")
    guarded = TestClient(create_app(path, token=TOKEN, analyzer=analyzer))
    allowed = TestClient(create_app(path, token=TOKEN, analyzer=analyzer, allow_private_urls=True))
    with serve() as base:
        url = f"{base}/article.html"
        error_of(guarded.post("/api/articles", json={"url": url}, headers=AUTH), 422, "E201")
        answer = allowed.post(
            "/api/articles", json={"url": url, "published": "2025-05-07"}, headers=AUTH
        )
        assert answer.status_code == 201, answer.text
        article = answer.json()["analysis"]["article"]
        assert article["title"] == "Drone strike hits fuel depot near Port Sudan"
        assert (article["url"], article["source"]) == (url, url)
        assert article["published"] == "2025-05-07"  # the request's metadata wins
        missing = allowed.post("/api/articles", json={"url": f"{base}/missing.html"}, headers=AUTH)
        assert "404" in error_of(missing, 502, "E200")
        login = allowed.post("/api/articles", json={"url": f"{base}/login.html"}, headers=AUTH)
        error_of(login, 422, "E103")
        ftp = allowed.post("/api/articles", json={"url": "file:///etc/passwd"}, headers=AUTH)
        error_of(ftp, 422, "E201")
    assert count(path) == 1


def test_the_guarded_opener_checks_the_connected_address():
    # what a DNS answer that changes after the check, or a redirect, would reach
    with serve() as base:
        with pytest.raises(URLRefusedError, match="not a public address"):
            fetchguard.public_opener().open(f"{base}/article.html", timeout=5)
        with fetchguard.private_opener().open(f"{base}/article.html", timeout=5) as page:
            assert b"Drone strike" in page.read()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2002:7f00:1::", False),
        ("64:ff9b::a00:1", False),
        ("224.0.0.1", False),
    ],
)
def test_is_public(address, public):
    assert fetchguard.is_public(address) is public


def test_one_analyzer_loaded_lazily(tmp_path, analyzer, monkeypatch):
    from newsdesk.pipeline import Analyzer

    loads = []

    def load(cls, model=None, *args, **kwargs):
        loads.append(model)
        return analyzer

    monkeypatch.setattr(Analyzer, "load", classmethod(load))
    client = TestClient(create_app(str(tmp_path / "s.db"), token=TOKEN, model="my_model"))
    assert loads == []
    for article in ARTICLES[1:]:
        assert client.post("/api/articles", json=article, headers=AUTH).status_code == 201
    assert loads == ["my_model"]


def test_host_header_is_checked(db):
    client = TestClient(create_app(db, allowed_hosts=local_hosts("127.0.0.1")))
    error_of(client.get("/api", headers={"Host": "attacker.example"}), 400, "E604")
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert client.get("/api", headers={"Host": host}).status_code == 200
    assert local_hosts("0.0.0.0") is None and "::1" in local_hosts("::1")


def test_memory_store_is_refused():
    with pytest.raises(ValueError, match="memory"):
        create_app(":memory:")


# -- newsdesk serve ---------------------------------------------------------------------------


def test_serve_requires_a_token_for_require_token(tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main

    env = {"NEWSDESK_TOKEN": ""}
    result = CliRunner().invoke(
        main, ["serve", "--db", str(tmp_path / "s.db"), "--require-token"], env=env
    )
    assert result.exit_code == 2 and "NEWSDESK_TOKEN" in result.output


def test_serve_runs_uvicorn(tmp_path, db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NEWSDESK_TOKEN": TOKEN}
    server = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--db", db, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api", timeout=2) as answer:
                    status = json.load(answer)
                    headers = answer.headers
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert status["articles"] == 3 and status["ingest"] is True
        assert headers["X-Content-Type-Options"] == "nosniff"
        request = urllib.request.Request(f"{base}/api", headers={"Host": "rebind.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 400
        assert json.load(refused.value)["error"]["code"] == "E604"
    finally:
        server.terminate()
        server.wait(timeout=10)
