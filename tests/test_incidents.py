"""Incidents across outlets and quotes across outlets, on articles written for these tests
(tests/data/incidents/reports.jsonl): one Kharkiv strike reported by three outlets on three
days, a Sudanese attack of the same type on the same days, a denial ("did not attack"), and
the same strike type on Kharkiv three months later."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsdesk import incidents as inc
from newsdesk.api import create_app
from newsdesk.cli import main
from newsdesk.incidents import _Event, _fit, _Incident
from newsdesk.ingest import read_inputs
from newsdesk.pipeline import ingest
from newsdesk.quotes import group_quotes, same_quote
from newsdesk.store import Store

from .conftest import ROOT

REPORTS = ROOT / "tests" / "data" / "incidents" / "reports.jsonl"
KHARKIV = ["harbour-kharkiv", "lakeside-kharkiv", "ledger-kharkiv"]


@pytest.fixture(scope="module")
def analyses(analyzer):
    """The test articles analysed once, in file order."""
    return [a for _, a in analyzer.analyze_documents(read_inputs([str(REPORTS)]))]


def fill(path, analyses, *, hook: bool = True) -> Store:
    store = Store(path)
    updater = inc.IncidentUpdater(store)
    for analysis in analyses:
        status = store.save(analysis)
        if hook:
            updater(analysis, status)
    return store


@pytest.fixture(scope="module")
def db(tmp_path_factory, analyzer):
    """A store filled by the real ingest with the incidents hook."""
    path = str(tmp_path_factory.mktemp("incidents") / "inc.db")
    with Store(path) as store:
        summary = ingest(
            store,
            read_inputs([str(REPORTS)]),
            analyzer,
            after_save=inc.IncidentUpdater(store),
        )
        assert summary.stored == 6
    return path


def all_incidents(store: Store) -> list[dict]:
    return [i.to_dict() for i in inc.incidents(store)[0]]


def test_one_strike_three_outlets_is_one_incident(db):
    with Store(db) as store:
        merged, total = inc.incidents(store, min_reports=2)
        assert total == 1
        (strike,) = merged
        assert [r.article_id for r in strike.reports] == KHARKIV
        assert {r.outlet for r in strike.reports} == {
            "Harbour Wire",
            "Lakeside Post",
            "Daily Ledger",
        }
        assert (strike.type, strike.modality) == ("ASSAULT", "factual")
        assert (strike.source_codes, strike.target_codes) == (["RUS"], ["UKR"])
        assert (strike.first_day, strike.last_day) == ("2025-03-04", "2025-03-06")
        assert strike.articles == 3
        # every outlet attributes the strike to someone: alleged, and each keeps its reporter
        assert strike.alleged
        assert [r.reported_by for r in strike.reports] == [
            "Ukrainian officials",
            "Ukraine's emergency service",
            "local authorities",
        ]


def test_evidence_spans_point_at_the_words(db):
    with Store(db) as store:
        found, _ = inc.incidents(store)
        assert len(found) >= 8
        for incident in found:
            for report in incident.reports:
                text = store.get(report.article_id).article.text
                assert text[report.evidence.start : report.evidence.end] == report.evidence.text
                assert text[report.trigger.start : report.trigger.end] == report.trigger.text
        strike = inc.incidents(store, min_reports=2)[0][0]
        assert [r.trigger.text for r in strike.reports] == ["attacked"] * 3
        assert "Kharkiv" in strike.reports[1].evidence.text


def test_what_does_not_merge(db):
    with Store(db) as store:
        assaults, _ = inc.incidents(store, type="assault")
        by_article = {}
        for incident in assaults:
            for report in incident.reports:
                by_article.setdefault(report.article_id, []).append(incident)
        # other actors, same type and days
        (sudan,) = by_article["harbour-sudan"]
        assert sudan.source_codes == ["SDN"] and len(sudan.reports) == 1
        # same actors, same type, three months later
        (june,) = by_article["lakeside-june"]
        assert (june.first_day, june.articles) == ("2025-06-20", 1)
        # "did not attack" on the same day never joins the attack
        (denial,) = by_article["ledger-denial"]
        assert denial.modality == "negated" and denial.articles == 1
        # a second, different account of the strike in one article is not a second report
        harbour = by_article["harbour-kharkiv"]
        assert len(harbour) == 3 and sum(i.articles > 1 for i in harbour) == 1


def test_filters(db):
    with Store(db) as store:
        assert inc.incidents(store, source="rus", target="ukr", min_reports=2)[1] == 1
        assert inc.incidents(store, source="SDN")[1] == 1
        assert inc.incidents(store, target="SDN")[1] == 0
        june, total = inc.incidents(store, since="2025-06")
        assert total == 2 and {i.type for i in june} == {"ASSAULT", "THREATEN"}
        assert inc.incidents(store, until="2025-03-04", type="ASSAULT", min_reports=2)[1] == 1
        assert inc.incidents(store, type="THREATEN", source="RUS")[1] == 1
        first, total = inc.incidents(store, limit=2)
        second, _ = inc.incidents(store, limit=2, offset=2)
        assert len(first) == 2 and total > 4
        assert {i.id for i in first}.isdisjoint(i.id for i in second)


def test_incremental_equals_rebuild_and_sync(db, tmp_path, analyses):
    with Store(db) as store:
        incremental = all_incidents(store)
        assert inc.rebuild(store) == len(incremental)
        assert all_incidents(store) == incremental  # same ids, members, order
    # filled without the hook: `sync` catches up to the same incidents
    with fill(str(tmp_path / "later.db"), analyses, hook=False) as store:
        assert inc.incidents(store)[1] == 0
        assert inc.sync(store) == sum(len(a.events) for a in analyses)
        assert all_incidents(store) == incremental
        assert inc.sync(store) == 0  # nothing new


def test_reanalysed_article_moves_out(tmp_path, analyses):
    with fill(str(tmp_path / "update.db"), analyses) as store:
        strike = inc.incidents(store, min_reports=2)[0][0]
        ledger = next(a for a in analyses if a.article.id == "ledger-kharkiv")
        # the same story now dated three weeks later: its event leaves the strike
        later = replace(ledger, article=replace(ledger.article, published="2025-03-27"))
        assert store.save(later) == "updated"
        inc.IncidentUpdater(store)(later, "updated")
        after = inc.get_incident(store, strike.id)
        assert after is not None and [r.article_id for r in after.reports] == KHARKIV[:2]
        assert inc.incident_of_event(store, "ledger-kharkiv", 0) != strike.id
        incremental = all_incidents(store)
        inc.rebuild(store)
        assert {i["id"]: i["reports"] for i in all_incidents(store)} == {
            i["id"]: i["reports"] for i in incremental
        }


def event(**fields) -> _Event:
    base = dict(
        article_id="b",
        idx=0,
        type="ASSAULT",
        modality="factual",
        day="2025-03-05",
        source={"RUS"},
        target={"UKR"},
        source_names=set(),
        target_names=set(),
        source_bare=False,
        target_bare=False,
        place=None,
        country=None,
        evidence="x",
        evidence_start=0,
        reported=False,
        fingerprint="f",
    )
    return _Event(**{**base, **fields})


def incident(**fields) -> _Incident:
    base = dict(
        id="i",
        type="ASSAULT",
        modality="factual",
        source={"RUS"},
        target={"UKR"},
        source_names=set(),
        target_names=set(),
        source_bare=False,
        target_bare=False,
        first_day="2025-03-04",
        last_day="2025-03-05",
        places=[],
        alleged=False,
        events=1,
        articles={"a"},
    )
    return _Incident(**{**base, **fields})


@pytest.mark.parametrize(
    "ev, inc_fields, fits",
    [
        ({}, {}, True),
        ({"target": set()}, {}, True),  # unknown target, the source agrees by code
        ({"target": {"POL"}}, {}, False),  # another target
        ({"source": set(), "source_names": {"@named", "balkhi"}}, {}, False),  # named, no code
        ({"source": set(), "target": set()}, {}, False),  # nothing matched by code
        (
            {"target": set(), "target_names": {"gunmen"}},
            {"target": set(), "target_names": {"convoy"}},
            False,
        ),  # two unknown targets with nothing in common
        (
            {"target": set(), "target_names": {"convoy"}},
            {"target": set(), "target_names": {"aid", "convoy"}},
            True,
        ),
        ({"day": "2025-03-07"}, {}, False),  # 3 days after the first report
        ({"day": "2025-03-06"}, {}, True),
        ({"day": None}, {}, False),
        ({"modality": "hypothetical"}, {}, False),
        ({"type": "THREATEN"}, {}, False),
        (
            {"place": "Kharkiv", "country": "UKR"},
            {"places": [{"name": "Kyiv", "country": "UKR"}]},
            True,
        ),
        (
            {"place": "Minsk", "country": "BLR"},
            {"places": [{"name": "Kyiv", "country": "UKR"}]},
            False,
        ),
        ({"place": "Kharkiv"}, {}, True),
        ({"reported": True}, {}, True),  # alleged joins, keeping its flag
    ],
)
def test_matching_rules(ev, inc_fields, fits):
    assert (_fit(event(**ev), incident(**inc_fields), 2) is not None) == fits


def test_quotes_grouped_across_outlets(db):
    with Store(db) as store:
        groups = group_quotes(store.quotes(limit=-1))
        terror = [g for g in groups if "terror" in g.content.text]
        (direct,) = [g for g in terror if len(g.sources) > 1]
        assert direct.speaker.name == "Volodymyr Zelensky"
        assert [(s.article_id, s.outlet) for s in direct.sources] == [
            ("harbour-kharkiv", "Harbour Wire"),
            ("lakeside-kharkiv", "Lakeside Post"),
        ]
        for source in direct.sources:
            text = store.get(source.article_id).article.text
            assert text[source.content.start : source.content.end] == source.content.text
        # per-article quotes are kept as they were
        assert len(store.quotes(speaker="Volodymyr Zelensky", limit=-1)) == 4
        putin = [g for g in groups if g.speaker.name == "Vladimir Putin"]
        assert len(putin) == 2 and all(len(g.sources) == 1 for g in putin)
        assert sum(len(g.sources) for g in groups) == len(
            [q for q in store.quotes(limit=-1) if q.quote.speaker]
        )


@pytest.mark.parametrize(
    "a, b, same",
    [
        (
            '"This is terror against ordinary people,"',
            "“This is terror against ordinary people.”",
            True,
        ),
        (
            "This is terror against ordinary people",
            "the attack was terror against ordinary people",
            False,
        ),
        ("We will answer every provocation", "we will answer every provocation with force", True),
        ("No", "No.", True),
        ("No comment", "No", False),
    ],
)
def test_same_quote(a, b, same):
    from newsdesk.quotes import quote_words

    assert same_quote(quote_words(a), quote_words(b)) == same


def test_cli_incidents_and_grouped_quotes(db):
    runner = CliRunner()
    result = runner.invoke(main, ["incidents", "--db", db, "--min-reports", "2"])
    assert result.exit_code == 0, result.output
    assert "ASSAULT RUS -> UKR  2025-03-04 to 2025-03-06" in result.output
    for outlet in ("Harbour Wire", "Lakeside Post", "Daily Ledger"):
        assert outlet in result.output
    assert "Sudan" not in result.output
    result = runner.invoke(
        main, ["incidents", "--db", db, "--rebuild", "--json", "--type", "ASSAULT"]
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["type"] for line in lines} == {"ASSAULT"} and len(lines) == 6
    assert "negated" in {line["modality"] for line in lines}
    result = runner.invoke(
        main, ["quotes", "--db", db, "--grouped", "--speaker", "Zelensky", "--json"]
    )
    groups = [json.loads(line) for line in result.stdout.splitlines()]
    assert [g["reports"] for g in groups].count(2) == 1 and len(groups) == 3


def test_api_incidents(db):
    client = TestClient(create_app(db))
    page = client.get("/api/incidents", params={"min_reports": 2}).json()
    assert page["total"] == 1 and page["offset"] == 0
    (strike,) = page["items"]
    assert [r["outlet"] for r in strike["reports"]] == [
        "Harbour Wire",
        "Lakeside Post",
        "Daily Ledger",
    ]
    assert strike["reports"][0]["evidence"]["text"].startswith("Russian forces attacked Kharkiv")
    assert client.get("/api/incidents", params={"source": "sdn"}).json()["total"] == 1
    assert client.get("/api/incidents", params={"since": "2025-06"}).json()["total"] == 2
    every = client.get("/api/incidents", params={"limit": 1000}).json()
    second = client.get("/api/incidents", params={"limit": 3, "offset": 3}).json()
    assert [i["id"] for i in second["items"]] == [i["id"] for i in every["items"][3:6]]
    assert client.get("/api/incidents", params={"since": "March"}).status_code == 422
    assert client.get("/api/incidents", params={"min_reports": 0}).status_code == 422


def test_statements_and_unknown_sides_need_shared_words():
    from newsdesk.incidents import evidence_words, needs_words

    assert not needs_words(event(), (2, 0, 0))  # an attack matched on both sides by code
    assert needs_words(event(), (1, 0, 0))  # an unknown side: the words must confirm it
    assert needs_words(event(type="ACCUSE"), (2, 0, 0))  # statements are many a day
    assert evidence_words("Russia attacked the city of Kharkiv, officials said") == {
        "russia",
        "attacked",
        "city",
        "kharkiv",
        "officials",
    }
