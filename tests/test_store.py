from __future__ import annotations

import sqlite3

import pytest

from newsdesk.errors import NotFoundError, StoreError
from newsdesk.ingest import Document
from newsdesk.records import Analysis, Article, DateMention, Entity, Span
from newsdesk.store import SCHEMA_VERSION, Store, fts_query

TEXT = "Kyiv rejected the demand on Wednesday, officials in Odesa said."


def analysis(
    article_id: str = "a1", text: str = TEXT, entities: int = 1, source: str = "x.txt"
) -> Analysis:
    kyiv = Entity("e1", "Ukraine", "GPE", (Span.of(text, 0, 4),), country="UKR")
    start = text.index("Odesa")
    odesa = Entity("e2", "Odesa", "GPE", (Span.of(text, start, start + 5),))
    start = text.index("Wednesday")
    when = DateMention(Span.of(text, start, start + 9), "2025-12-03", "day")
    return Analysis(
        Article(id=article_id, text=text, title="Kyiv says no", source=source),
        entities=(kyiv, odesa)[:entities],
        dates=(when,),
    )


def test_save_and_get_round_trip(store):
    original = analysis()
    assert store.save(original) == "stored"
    assert store.get("a1") == original
    assert store.count() == 1


def test_same_article_twice_is_stored_once(store):
    store.save(analysis())
    assert store.save(analysis()) == "updated"
    assert store.count() == 1


def test_same_text_under_another_id_is_a_copy(store):
    store.save(analysis("a1"))
    assert store.save(analysis("b2", source="y.txt")) == "duplicate"
    assert store.count() == 1
    assert len(store.get("a1").article.copies) == 1


def test_reanalysis_replaces_records(store):
    store.save(analysis(entities=2))
    store.save(analysis(entities=1))
    rows = store.db.execute("SELECT count(*) FROM entities WHERE article_id='a1'").fetchone()
    assert rows[0] == 1
    assert len(store.get("a1").entities) == 1


def test_a_failed_save_changes_nothing(store, monkeypatch):
    store.save(analysis(entities=2))

    def explode(self, the_analysis):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_write_records", explode)
    with pytest.raises(RuntimeError):
        store.save(analysis(entities=1, text=TEXT + " More text."))
    assert store.get("a1").article.text == TEXT
    assert len(store.get("a1").entities) == 2


def test_copies_from_other_sources(store):
    store.save(analysis())
    document = Document(TEXT, "https://example.org/copy", {"outlet": "Other Wire"})
    assert store.add_copy("a1", document) is True
    assert store.add_copy("a1", document) is False
    assert store.add_copy("a1", Document(TEXT, "x.txt")) is False
    (copy,) = store.get("a1").article.copies
    assert copy.outlet == "Other Wire"


def test_prefix_ids(store):
    store.save(analysis("abc123"))
    store.save(analysis("abd456", text=TEXT + " Again."))
    assert store.get("abc").article.id == "abc123"
    with pytest.raises(NotFoundError, match="ambiguous"):
        store.get("ab")
    with pytest.raises(NotFoundError, match="not in the store"):
        store.get("zzz")


def test_search_articles_and_punctuation(store):
    store.save(analysis())
    hits = store.search("rejected demand")
    assert [h.article_id for h in hits] == ["a1"]
    assert "[rejected]" in hits[0].snippet
    assert store.search('"unbalanced AND (') == []
    assert store.search("nothing-like-this") == []


def test_fts_query_quotes_every_word():
    assert fts_query('U.S. "envoy" OR') == '"U.S." """envoy""" "OR"'


def test_file_store_uses_wal_and_versions_schema(tmp_path):
    path = tmp_path / "n.db"
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_refuses_a_newer_schema_and_foreign_databases(tmp_path):
    newer = tmp_path / "newer.db"
    sqlite3.connect(newer).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store(newer)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a newsdesk store"):
        Store(foreign)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store(garbage)


def test_a_version_1_store_is_migrated_in_place(tmp_path):
    from importlib import resources

    from newsdesk.store import _statements

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    schema = resources.files("newsdesk").joinpath("data/schema.sql").read_text("utf-8")
    for statement in _statements(schema):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as store:
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(quotes)")}
        assert {"speaker_kb", "about"} <= columns
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        store.save(analysis())
        assert store.count() == 1


def test_quotes_filter_by_speaker_about_and_date(store):
    from newsdesk.records import EntityRef, Quote

    text = "Kyiv said Odesa was calm. Olena Marchuk said Odesa would hold."
    odesa = Entity("e1", "Odesa", "GPE", (Span.of(text, 10, 15), Span.of(text, 45, 50)))
    marchuk = Entity("e2", "Olena Marchuk", "PERSON", (Span.of(text, 26, 39),), kb_id="om")
    quotes = (
        Quote("indirect", Span.of(text, 10, 24), Span.of(text, 5, 9), EntityRef(None, "Kyiv")),
        Quote(
            "indirect",
            Span.of(text, 45, 61),
            Span.of(text, 40, 44),
            EntityRef("e2", "Olena Marchuk", Span.of(text, 26, 39)),
        ),
    )
    store.save(
        Analysis(
            Article(id="q1", text=text, published="2025-03-01"),
            entities=(odesa, marchuk),
            quotes=quotes,
        )
    )
    assert [r.quote.content.text for r in store.quotes(speaker="om")] == ["Odesa would hold"]
    assert len(store.quotes(speaker="Marchuk")) == 1
    assert len(store.quotes(about="Odesa")) == 2
    assert store.quotes(since="2025-04-01") == []
    assert [r.quote.speaker.name for r in store.quotes(text="calm")] == ["Kyiv"]


def test_quotes_filter_by_method_and_keep_the_confidence(store):
    from newsdesk.records import EntityRef, Quote

    text = "Kyiv said Odesa was calm. The mayor scoffed at the plan."
    quotes = (
        Quote("indirect", Span.of(text, 10, 24), Span.of(text, 5, 9), EntityRef(None, "Kyiv")),
        Quote(
            "indirect",
            Span.of(text, 47, 55),
            Span.of(text, 36, 46),
            EntityRef(None, "The mayor"),
            method="learned",
            confidence=0.71,
        ),
    )
    store.save(Analysis(Article(id="m1", text=text), quotes=quotes))
    (learned,) = store.quotes(method="learned")
    assert (learned.quote.content.text, learned.quote.confidence) == ("the plan", 0.71)
    assert [r.quote.method for r in store.quotes(method="rules")] == ["rules"]
    assert len(store.quotes()) == 2
