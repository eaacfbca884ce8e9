"""Events in the store (schema 3: event_actors, filed day), the exports and the report.

The analyses are built by hand so that every expected row is known without running the coder.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace

import pytest

from newsdesk.errors import NotFoundError, QueryError
from newsdesk.export import polecat_record, write_csv, write_jsonl, write_polecat
from newsdesk.records import (
    Actor,
    Analysis,
    Article,
    Entity,
    EntityRef,
    Event,
    Place,
    Quote,
    Span,
    to_dict,
)
from newsdesk.report import event_label, event_line, render
from newsdesk.store import SCHEMA_VERSION, Store, _statements, event_day

TEXT1 = (
    "Vladimir Putin said Russia would seize Donbas unless Kyiv withdrew. "
    "Russian troops attacked Kharkiv on Tuesday. France did not send troops to Mali. "
    "NATO and France will meet Russia in Brussels in March."
)
TEXT2 = "Washington imposed sanctions on Moscow. Protesters accused Moscow of lying. Russia shelled Kharkiv."


def span(text: str, words: str, after: int = 0) -> Span:
    start = text.index(words, after)
    return Span.of(text, start, start + len(words))


def entity(text: str, eid: str, name: str, kind: str, words: str, **extra) -> Entity:
    return Entity(eid, name, kind, (span(text, words),), **extra)


def actor(text: str, words: str, code: str | None, eid: str | None, sector: str | None = "GOV"):
    return Actor(eid, words, code, span(text, words), sector)


def event(text: str, kind: str, trigger: str, evidence: str, **fields) -> Event:
    return Event(kind, span(text, trigger), span(text, evidence), **fields)


def first_article() -> Analysis:
    t = TEXT1
    entities = (
        entity(t, "e1", "Vladimir Putin", "PERSON", "Vladimir Putin", kb_id="vladimir-putin"),
        entity(t, "e2", "Russia", "GPE", "Russia", kb_id="RUS", country="RUS", wikidata="Q159"),
        entity(t, "e3", "Donbas", "LOC", "Donbas", country="UKR"),
        entity(t, "e4", "Kharkiv", "GPE", "Kharkiv", country="UKR"),
        entity(t, "e5", "France", "GPE", "France", kb_id="FRA", country="FRA"),
        entity(t, "e6", "Mali", "GPE", "Mali", kb_id="MLI", country="MLI"),
        entity(
            t,
            "e7",
            "North Atlantic Treaty Organization",
            "ORG",
            "NATO",
            kb_id="nato",
            wikidata="Q7184",
        ),
        entity(
            t,
            "e8",
            "Brussels",
            "GPE",
            "Brussels",
            country="BEL",
            place=Place(2800866, 50.85, 4.35, "BEL", "Brussels Capital"),
        ),
    )
    putin = EntityRef("e1", "Vladimir Putin", span(t, "Vladimir Putin"))
    events = (
        event(
            t,
            "THREATEN",
            "seize",
            "Russia would seize Donbas unless Kyiv withdrew",
            mode="territory",
            source=(actor(t, "Russia", "RUS", "e2"),),
            target=(actor(t, "Donbas", "UKR", "e3", None),),
            conditional=True,
            future=True,
            reported_by=putin,
        ),
        event(
            t,
            "ASSAULT",
            "attacked",
            "Russian troops attacked Kharkiv on Tuesday",
            source=(actor(t, "Russian troops", "RUS", None, "MIL"),),
            target=(actor(t, "Kharkiv", "UKR", "e4"),),
            date="2025-03-04",
        ),
        event(
            t,
            "MOBILIZE",
            "send",
            "France did not send troops to Mali",
            mode="troops",
            source=(actor(t, "France", "FRA", "e5"),),
            target=(actor(t, "Mali", "MLI", "e6"),),
            date="2025-W09",
            negated=True,
        ),
        event(
            t,
            "CONSULT",
            "meet",
            "NATO and France will meet Russia in Brussels in March",
            source=(
                actor(t, "NATO", "NATO", "e7", "IGO"),
                Actor("e5", "France", "FRA", span(t, "France", t.index("NATO")), "GOV"),
            ),
            target=(Actor("e2", "Russia", "RUS", span(t, "Russia", t.index("meet")), "GOV"),),
            place="Brussels",
            date="2025-03",
            future=True,
        ),
    )
    article = Article(id="a1", text=t, title="Putin warns", published="2025-03-05T09:00:00Z")
    return Analysis(article, entities=entities, events=events)


def second_article() -> Analysis:
    t = TEXT2
    moscow = actor(t, "Moscow", "RUS", None)
    events = (
        event(
            t,
            "SANCTION",
            "sanctions",
            "Washington imposed sanctions on Moscow",
            source=(actor(t, "Washington", "USA", None),),
            target=(moscow,),
        ),
        event(
            t,
            "ACCUSE",
            "accused",
            "Protesters accused Moscow of lying",
            source=(actor(t, "Protesters", None, None, "CVL"),),
            target=(Actor(None, "Moscow", "RUS", span(t, "Moscow", 40), "GOV"),),
        ),
        event(
            t,
            "ASSAULT",
            "shelled",
            "Russia shelled Kharkiv",
            source=(actor(t, "Russia", "RUS", None),),
            target=(actor(t, "Kharkiv", "UKR", None),),
        ),
    )
    article = Article(id="b2", text=t, title="Sanctions", published="2024-06-01")
    return Analysis(article, events=events)


@pytest.fixture()
def filled(store):
    store.save(second_article())
    store.save(first_article())
    return store


def kinds(rows) -> list[str]:
    return [r.event.type for r in rows]


def test_events_round_trip_and_actor_rows(filled):
    assert filled.get("a1") == first_article()
    rows = filled.db.execute(
        "SELECT idx, role, position, code, name, entity, entity_name, kb_id, sector "
        "FROM event_actors WHERE article_id = 'a1' ORDER BY idx, role, position"
    ).fetchall()
    assert len(rows) == 9  # 2 + 2 + 2 + (2 sources + 1 target)
    assert tuple(rows[-3]) == (
        3,
        "source",
        0,
        "NATO",
        "NATO",
        "e7",
        "North Atlantic Treaty Organization",
        "nato",
        "IGO",
    )
    assert tuple(rows[-1])[:7] == (3, "target", 0, "RUS", "Russia", "e2", "Russia")
    days = [
        r[0] for r in filled.db.execute("SELECT day FROM events WHERE article_id='a1' ORDER BY idx")
    ]
    assert days == ["2025-03-05", "2025-03-04", "2025-02-24", "2025-03-01"]


def test_reanalysis_replaces_event_actors(filled):
    shorter = first_article()
    filled.save(replace(shorter, events=shorter.events[:1]))
    count = filled.db.execute("SELECT count(*) FROM event_actors WHERE article_id='a1'").fetchone()
    assert count[0] == 2
    assert kinds(filled.events(article="a1")) == ["THREATEN"]


def test_events_are_newest_first_with_their_article(filled):
    rows = filled.events(limit=None)
    assert kinds(rows) == [
        "THREATEN",
        "ASSAULT",
        "CONSULT",
        "MOBILIZE",
        "SANCTION",
        "ACCUSE",
        "ASSAULT",
    ]
    assert [r.day for r in rows][:4] == ["2025-03-05", "2025-03-04", "2025-03-01", "2025-02-24"]
    assert (rows[0].article_id, rows[0].idx, rows[0].title) == ("a1", 0, "Putin warns")
    assert rows[0].published == "2025-03-05T09:00:00Z"
    assert rows[0].event == first_article().events[0]
    assert kinds(filled.events(limit=2)) == ["THREATEN", "ASSAULT"]


def test_filter_by_type_and_actor_codes(filled):
    assert kinds(filled.events(type="assault")) == ["ASSAULT", "ASSAULT"]
    assert kinds(filled.events(source="rus")) == ["THREATEN", "ASSAULT", "ASSAULT"]
    assert kinds(filled.events(target="RUS")) == ["CONSULT", "SANCTION", "ACCUSE"]
    assert kinds(filled.events(source="fra")) == ["CONSULT", "MOBILIZE"]
    assert kinds(filled.events(source="rus", target="ukr", type="ASSAULT")) == [
        "ASSAULT",
        "ASSAULT",
    ]
    assert filled.events(source="ukr") == []


def test_source_matches_kb_ids_and_whole_words_of_names(filled):
    assert kinds(filled.events(source="nato")) == ["CONSULT"]  # code, any case
    assert kinds(filled.events(source="Atlantic")) == ["CONSULT"]  # a word of the entity's name
    assert kinds(filled.events(source="russian troops")) == ["ASSAULT"]  # the actor's name
    assert kinds(filled.events(target="Kharkiv", since="2025")) == ["ASSAULT"]
    assert filled.events(source="Russ") == []  # not a whole word, not a code
    assert filled.events(source="Putin") == []  # he reported the threat; he is not its source
    assert filled.events(source="50%") == []


def test_filter_by_date_uses_the_event_date_else_the_publication_day(filled):
    assert kinds(filled.events(since="2025-03")) == ["THREATEN", "ASSAULT", "CONSULT"]
    assert kinds(filled.events(since="2025-03-02", until="2025-03-04")) == ["ASSAULT"]
    assert kinds(filled.events(until="2025-02")) == ["MOBILIZE", "SANCTION", "ACCUSE", "ASSAULT"]
    assert kinds(filled.events(since="2025-02-24", until="2025-02-24")) == ["MOBILIZE"]
    assert kinds(filled.events(until="2024")) == ["SANCTION", "ACCUSE", "ASSAULT"]
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        filled.events(since="03/05/2025")
    with pytest.raises(QueryError):
        filled.events(until="2025-02-30")


def test_filter_by_flags_and_article(filled):
    assert kinds(filled.events(negated=True)) == ["MOBILIZE"]
    assert len(filled.events(negated=False)) == 6
    assert kinds(filled.events(future=True)) == ["THREATEN", "CONSULT"]
    assert kinds(filled.events(conditional=True, future=True)) == ["THREATEN"]
    assert kinds(filled.events(hypothetical=True)) == []
    assert kinds(filled.events(article="b")) == ["SANCTION", "ACCUSE", "ASSAULT"]
    with pytest.raises(NotFoundError):
        filled.events(article="zz")


def test_event_counts(filled):
    assert filled.event_counts("type") == [
        {"type": "ASSAULT", "events": 2},
        *(
            {"type": t, "events": 1}
            for t in ("ACCUSE", "CONSULT", "MOBILIZE", "SANCTION", "THREATEN")
        ),
    ]
    assert filled.event_counts("pair") == [
        {"source": "RUS", "target": "UKR", "events": 3},
        {"source": "FRA", "target": "MLI", "events": 1},
        {"source": "FRA", "target": "RUS", "events": 1},
        {"source": "NATO", "target": "RUS", "events": 1},
        {"source": "USA", "target": "RUS", "events": 1},
        {"source": None, "target": "RUS", "events": 1},
    ]
    assert filled.event_counts("day") == [
        {"day": "2024-06-01", "events": 3},
        {"day": "2025-02-24", "events": 1},
        {"day": "2025-03-01", "events": 1},
        {"day": "2025-03-04", "events": 1},
        {"day": "2025-03-05", "events": 1},
    ]
    assert filled.event_counts("month") == [
        {"month": "2024-06", "events": 3},
        {"month": "2025-02", "events": 1},
        {"month": "2025-03", "events": 3},
    ]
    assert filled.event_counts("type", source="rus", since="2025") == [
        {"type": "ASSAULT", "events": 1},
        {"type": "THREATEN", "events": 1},
    ]
    with pytest.raises(QueryError, match="cannot count events by 'week'"):
        filled.event_counts("week")


@pytest.mark.parametrize(
    ("value", "published", "day"),
    [
        ("2025-03-04", "2025-03-05", "2025-03-04"),
        ("2025-03", None, "2025-03-01"),
        ("2025-W10", None, "2025-03-03"),
        ("2014", "2025-03-05", "2014-01-01"),
        ("199X", None, "1990-01-01"),
        ("P4Y", "2025-03-05T09:00:00Z", "2025-03-05"),
        (None, "2025-03-05T09:00:00Z", "2025-03-05"),
        (None, "2025-03", "2025-03-01"),
        ("2025-02-30", None, None),
        (None, None, None),
    ],
)
def test_event_day(value, published, day):
    assert event_day(value, published) == day


def build_v2_store(path) -> None:
    """A store as newsdesk wrote it at schema 2: events without `day`, no event_actors."""
    from importlib import resources

    data = resources.files("newsdesk").joinpath("data")
    db = sqlite3.connect(path)
    for script in ("schema.sql", "migrations/2.sql"):
        for statement in _statements(data.joinpath(script).read_text("utf-8")):
            db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    for n, analysis in enumerate((first_article(), second_article())):
        article = analysis.article
        body = to_dict(replace(analysis, article=replace(article, text="")))
        db.execute(
            "INSERT INTO articles (id, hash, title, published, text, analysis, ingested_at, "
            "analyzed_at) VALUES (?, ?, ?, ?, ?, ?, '2025-03-06', '2025-03-06')",
            (article.id, f"h{n}", article.title, article.published, article.text, json.dumps(body)),
        )
        for e in analysis.entities:
            db.execute(
                "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, e.id, e.name, e.type, e.kb_id, e.country, 1, json.dumps(to_dict(e))),
            )
        for i, e in enumerate(analysis.events):
            db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article.id, i, e.type, None, None, e.date, json.dumps(to_dict(e))),
            )
    db.commit()
    db.close()


def test_a_version_2_store_is_migrated_with_its_events(tmp_path):
    path = tmp_path / "v2.db"
    build_v2_store(path)
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        assert store.db.execute("SELECT count(*) FROM events").fetchone()[0] == 7
        assert store.db.execute("SELECT count(*) FROM event_actors").fetchone()[0] == 15
        nato = store.db.execute(
            "SELECT code, name, entity, entity_name, kb_id, sector, position FROM event_actors "
            "WHERE article_id = 'a1' AND idx = 3 AND role = 'source' ORDER BY position"
        ).fetchall()
        assert [tuple(r) for r in nato] == [
            ("NATO", "NATO", "e7", "North Atlantic Treaty Organization", "nato", "IGO", 0),
            ("FRA", "France", "e5", "France", "FRA", "GOV", 1),
        ]
        assert kinds(store.events(source="rus")) == ["THREATEN", "ASSAULT", "ASSAULT"]
        assert kinds(store.events(source="atlantic")) == ["CONSULT"]
        assert kinds(store.events(since="2025-02-24", until="2025-02-24")) == ["MOBILIZE"]
        assert store.event_counts("day")[0] == {"day": "2024-06-01", "events": 3}
        assert store.get("a1").events == first_article().events
        assert store.integrity() == "ok"


def test_migration_3_runs_on_a_fresh_store(tmp_path):
    with Store(tmp_path / "new.db") as store:
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(events)")}
        assert "day" in columns
        indexes = {r[1] for r in store.db.execute("PRAGMA index_list(events)")}
        assert {"events_type", "events_day", "events_date"} <= indexes
        store.save(first_article())
        assert kinds(store.events(source="RUS")) == ["THREATEN", "ASSAULT"]


# -- exports -----------------------------------------------------------------------------------


def test_polecat_record_has_plover_field_names():
    analysis = first_article()
    record = polecat_record(analysis, 0, analysis.events[0])
    assert record["id"] == "a1-0"
    assert record["date"] == "2025-03-05"  # no date of its own: the publication day
    assert record["event"] == ["THREATEN"]
    assert record["mode"] == ["territory"]
    assert record["context"] == []
    assert record["actor"] == [
        {
            "actorText": "Russia",
            "code": "RUS",
            "sector": "GOV",
            "identifierId": "Q159",
            "name": "Russia",
            "entity": "e2",
            "kb_id": "RUS",
        }
    ]
    assert [r["code"] for r in record["recipient"]] == ["UKR"]
    assert record["text"] == "Russia would seize Donbas unless Kyiv withdrew"
    start = TEXT1.index("Russia would")
    assert record["textInfo"] == {"start": start, "end": start + len(record["text"])}
    assert record["eventText"] == ["seize"]
    assert record["trigger"]["start"] == TEXT1.index("seize")
    assert (record["conditional"], record["future"], record["negated"]) == (True, True, False)
    assert record["reported_by"]["name"] == "Vladimir Putin"
    assert record["article_id"] == "a1"
    assert record["event_date"] is None
    assert record["eventLoc"] is None

    consult = polecat_record(analysis, 3, analysis.events[3])
    assert consult["date"] == "2025-03-01" and consult["event_date"] == "2025-03"
    assert [a["code"] for a in consult["actor"]] == ["NATO", "FRA"]
    assert consult["actor"][0]["actorText"] == "NATO"
    assert consult["actor"][0]["identifierId"] == "Q7184"
    assert consult["eventLoc"]["extractedPlace"] == "Brussels"
    assert consult["eventLoc"]["geonameid"] == 2800866
    assert consult["eventLoc"]["countryCode"] == "BEL"


def test_write_polecat_is_one_line_per_event():
    out = io.StringIO()
    assert write_polecat([first_article(), second_article()], out) == 7
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in records][-3:] == ["b2-0", "b2-1", "b2-2"]
    assert records[5]["actor"][0]["code"] is None  # protesters
    assert records[5]["date"] == "2024-06-01"


def test_csv_events_and_records_with_and_without_optional_parts():
    out = io.StringIO()
    assert write_csv([first_article()], out, "events") == 4
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["reported_by"] for r in rows] == ["Vladimir Putin", "", "", ""]
    assert rows[3]["source_codes"] == "NATO; FRA"
    assert rows[2]["day"] == "2025-02-24" and rows[2]["date"] == "2025-W09"
    assert rows[2]["negated"] == "True"
    # a record whose optional parts are missing in the first row and present in a later one
    text = "Kyiv said it was calm. Marchuk said it would hold."
    quotes = (
        Quote("indirect", span(text, "it was calm"), span(text, "said")),
        Quote(
            "indirect",
            span(text, "it would hold"),
            span(text, "said", 25),
            EntityRef("e1", "Olena Marchuk", span(text, "Marchuk")),
        ),
    )
    out = io.StringIO()
    assert write_csv([Analysis(Article("q", text), quotes=quotes)], out, "quotes") == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["speaker.name"] == "" and rows[1]["speaker.name"] == "Olena Marchuk"


def test_jsonl_of_one_table():
    out = io.StringIO()
    assert write_jsonl([second_article()], out, "events") == 3
    first = json.loads(out.getvalue().splitlines()[0])
    assert (first["article_id"], first["idx"], first["type"]) == ("b2", 0, "SANCTION")


# -- report ------------------------------------------------------------------------------------


def test_report_has_an_events_section():
    analysis = first_article()
    threat, assault, mobilize, consult = analysis.events
    assert event_line(threat) == (
        "THREATEN (territory) Russia [RUS] -> Donbas [UKR]  "
        '[conditional, future; reported by Vladimir Putin]  "Russia would seize Donbas unless '
        'Kyiv withdrew"'
    )
    assert event_line(assault).startswith(
        'ASSAULT Russian troops [RUS] -> Kharkiv [UKR], on 2025-03-04  "Russian troops'
    )
    assert "France [FRA] -> Mali [MLI], on 2025-W09  [negated]  " in event_line(mobilize)
    assert event_line(consult).startswith(
        "CONSULT NATO, France [FRA] -> Russia [RUS], in Brussels on 2025-03  [future]"
    )
    lines = render(analysis).splitlines()
    section = lines[lines.index("Events (4)") + 1 :]
    assert [line[2:].split()[0] for line in section if not line.startswith("    ")] == [
        "THREATEN",
        "ASSAULT",
        "MOBILIZE",
        "CONSULT",
    ]
    assert " ".join(" ".join(section).split()) == " ".join(
        " ".join(event_line(e) for e in analysis.events).split()
    )
    assert "Events" not in render(Analysis(second_article().article))


def test_event_label_without_actors_or_flags():
    t = "Shelling resumed."
    assert event_label(Event("ASSAULT", span(t, "Shelling"), span(t, t))) == "ASSAULT ?"
    rsf = Actor(None, "Rapid Support Forces", "Rapid Support Forces", span(t, "Shelling"))
    assert event_label(Event("ASSAULT", span(t, "Shelling"), span(t, t), source=(rsf,))) == (
        "ASSAULT Rapid Support Forces"
    )
