"""Alert rules matched as articles are stored, with real sinks: a JSON Lines file and a webhook
receiver on a local HTTP server (one that answers 500 first, one that always fails)."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from click.testing import CliRunner

from newsdesk.alerts import Alerter, RulesError, alert_keys, load_rules, parse_rules
from newsdesk.cli import main
from newsdesk.ingest import read_inputs
from newsdesk.pipeline import ingest
from newsdesk.store import Store

from .test_incidents import REPORTS

RULES = [
    {"name": "russia-threatens", "event": {"type": "THREATEN", "source": "RUS"}},
    {"name": "putin-speaks", "quote": {"speaker": "Vladimir Putin"}},
    {"name": "drones", "keyword": "drone"},
    {"name": "contested", "contested_claim": {}},
    {"name": "toll-changes", "figure_change": {"kind": "killed"}},
    {"name": "sudan-fighting", "event": {"type": ["ASSAULT"], "source": "Sudanese army"}},
]
FIRES = {
    ("russia-threatens", "lakeside-june"),
    ("putin-speaks", "lakeside-june"),
    ("drones", "harbour-kharkiv"),
    ("contested", "harbour-kharkiv"),
    ("toll-changes", "lakeside-kharkiv"),
    ("sudan-fighting", "harbour-sudan"),
}


@pytest.fixture(scope="module")
def analyses(analyzer):
    return [a for _, a in analyzer.analyze_documents(read_inputs([str(REPORTS)]))]


def run(store: Store, alerter: Alerter, analyses, status: str | None = None) -> list:
    sent = []
    for analysis in analyses:
        saved = store.save(analysis)
        sent += alerter(analysis, status or saved)
    return sent


class Receiver:
    """A webhook receiver on 127.0.0.1: answers ``codes`` in turn (then 200), keeps bodies."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = list(codes)
        self.bodies: list[dict] = []
        self.hits = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hits += 1
                code = receiver.codes.pop(0) if receiver.codes else 200
                if code == 200:
                    assert self.headers["Content-Type"] == "application/json"
                    receiver.bodies.append(json.loads(body))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_each_rule_fires_on_its_article_only(tmp_path, analyses):
    out = io.StringIO()
    sink = tmp_path / "out" / "alerts.jsonl"
    rules = parse_rules(
        {"sinks": [{"type": "terminal"}, {"type": "jsonl", "path": str(sink)}], "rules": RULES}
    )
    with Store(str(tmp_path / "a.db")) as store:
        alerter = Alerter(rules, store, stdout=out)
        sent = run(store, alerter, analyses)
        assert {(a.rule, a.article["id"]) for a in sent} == FIRES
        texts = {a.article.id: a.article.text for a in analyses}
        for alert in sent:
            words = texts[alert.article["id"]][alert.evidence.start : alert.evidence.end]
            assert words == alert.evidence.text
        by_rule = {a.rule: a for a in sent}
        assert by_rule["drones"].evidence.text == "drones"
        assert by_rule["toll-changes"].evidence.text == "14"
        assert "was 12" in by_rule["toll-changes"].message
        assert by_rule["toll-changes"].record["previous"]["article_id"] == "harbour-kharkiv"
        assert by_rule["contested"].record["responses"][0]["stance"] == "deny"
        assert by_rule["russia-threatens"].record["type"] == "THREATEN"
        assert [a.rule for a in sent].count("putin-speaks") == 2  # two quotes, two alerts
        # terminal: one line each; JSON Lines: one object each, with the article and evidence
        lines = out.getvalue().splitlines()
        assert len(lines) == len(sent) and all(line.startswith("ALERT ") for line in lines)
        assert "Harbour Wire" in next(line for line in lines if "drones" in line)
        written = [json.loads(line) for line in sink.read_text("utf-8").splitlines()]
        assert [w["rule"] for w in written] == [a.rule for a in sent]
        first = written[0]
        assert set(first) >= {"rule", "kind", "article", "message", "evidence", "record"}
        assert set(first["article"]) == {"id", "title", "url", "outlet", "published"}
        assert first["article"]["url"].startswith("https://")
        assert len(list(alert_keys(store))) == len(sent)


def test_no_refire_on_reanalysis(tmp_path, analyses, analyzer):
    sink = tmp_path / "alerts.jsonl"
    rules = parse_rules({"sinks": [{"type": "jsonl", "path": str(sink)}], "rules": RULES})
    path = str(tmp_path / "b.db")
    with Store(path) as store:
        alerter = Alerter(rules, store)
        first = run(store, alerter, analyses)
        assert len(first) == 7
        assert run(store, alerter, analyses, "updated") == []
    with Store(path) as store:  # another process, the same store: still sent once
        again = Alerter(rules, store)
        summary = ingest(
            store, read_inputs([str(REPORTS)]), analyzer, reanalyze=True, after_save=again
        )
        assert summary.updated == 6 and again.count == 0
    assert len(sink.read_text("utf-8").splitlines()) == 7
    # a new rule still fires on articles already stored once they come in again
    more = parse_rules(
        {
            "sinks": [{"type": "jsonl", "path": str(sink)}],
            "rules": [{"name": "kyiv", "keyword": "Kyiv"}],
        }
    )
    with Store(path) as store:
        assert [a.article["id"] for a in run(store, Alerter(more, store), analyses, "updated")] == [
            "lakeside-june"
        ]


def test_keyword_rule_matches_whole_words(tmp_path, analyses):
    rules = parse_rules(
        {"sinks": [{"type": "terminal"}], "rules": [{"name": "k", "keyword": ["Khartoum", "rone"]}]}
    )
    alerter = Alerter(rules, None, stdout=io.StringIO())
    fired = [(a.article.id, [x.record["keyword"] for x in alerter.match(a)]) for a in analyses]
    assert [f for f in fired if f[1]] == [("harbour-sudan", ["Khartoum"])]


def test_webhook_gets_alerts_and_retries_a_500(tmp_path, analyses):
    with Receiver([500]) as receiver:
        spec = {"type": "webhook", "url": receiver.url, "retries": 2, "backoff": 0.01}
        rules = parse_rules({"sinks": [spec], "rules": RULES})
        errors = io.StringIO()
        with Store(str(tmp_path / "c.db")) as store:
            sent = run(store, Alerter(rules, store, stderr=errors), analyses)
    assert receiver.hits == len(sent) + 1  # the first POST got a 500 and was sent again
    assert [b["rule"] for b in receiver.bodies] == [a.rule for a in sent]
    assert receiver.bodies[0]["evidence"] == {
        "start": sent[0].evidence.start,
        "end": sent[0].evidence.end,
        "text": sent[0].evidence.text,
    }
    assert errors.getvalue() == ""


def test_webhook_gives_up_with_one_line_and_goes_on(tmp_path, analyses):
    sink = tmp_path / "alerts.jsonl"
    with Receiver([503] * 100) as receiver:
        spec = {"type": "webhook", "url": receiver.url, "retries": 2, "backoff": 0.01}
        rules = parse_rules(
            {"sinks": [spec, {"type": "jsonl", "path": str(sink)}], "rules": RULES[2:3]}
        )
        errors = io.StringIO()
        with Store(str(tmp_path / "d.db")) as store:
            sent = run(store, Alerter(rules, store, stderr=errors), analyses)
    assert len(sent) == 1 and receiver.hits == 3 and receiver.bodies == []
    (line,) = errors.getvalue().splitlines()
    assert line.startswith("error: webhook") and "after 3 tries (HTTP 503)" in line
    assert len(sink.read_text("utf-8").splitlines()) == 1  # the other sink still got it


def test_webhook_4xx_is_not_retried(tmp_path, analyses):
    with Receiver([400]) as receiver:
        spec = {"type": "webhook", "url": receiver.url, "retries": 3, "backoff": 0.01}
        errors = io.StringIO()
        alerter = Alerter(parse_rules({"sinks": [spec], "rules": RULES[2:3]}), None, stderr=errors)
        assert len(alerter(analyses[0], "stored")) == 1
    assert receiver.hits == 1 and "after 1 try (HTTP 400)" in errors.getvalue()


BAD = [
    ("rules: []", "non-empty list"),
    ("[1, 2]", "must be a mapping"),
    ("rules: [{name: a}]", "exactly one of"),
    ("rules: [{keyword: x}]", "needs a 'name'"),
    ("rules: [{name: a, keyword: x, quote: {speaker: y}}]", "exactly one of"),
    ("rules: [{name: a, event: {type: ATTACK}}]", "unknown PLOVER type 'ATTACK'"),
    ("rules: [{name: a, event: {}}]", "needs at least one of"),
    ("rules: [{name: a, event: {actor: RUS}}]", "no field 'actor'"),
    ("rules: [{name: a, quote: {}}]", "needs a 'speaker'"),
    ("rules: [{name: a, keyword: []}]", "a word or a list of words"),
    ("rules: [{name: a, keyword: x}, {name: a, keyword: y}]", "used twice"),
    ("rules: [{name: a, keywords: x}]", "unknown key 'keywords'"),
    ("rules: [{name: a, figure_change: {kind: 3}}]", "bad value 3"),
    ("{rules: [{name: a, keyword: x}], sinks: [{type: email}]}", "sink 1: needs a type"),
    ("{rules: [{name: a, keyword: x}], sinks: [{type: jsonl}]}", "needs a 'path'"),
    ("{rules: [{name: a, keyword: x}], sinks: [{type: webhook, url: ftp://x}]}", "http(s) 'url'"),
    (
        "{rules: [{name: a, keyword: x}], sinks: [{type: webhook, url: 'http://x', retries: -1}]}",
        "retries",
    ),
    ("{rules: [{name: a, keyword: x}], alerts: 1}", "unknown top-level key 'alerts'"),
    ("rules: [{name: a, keyword: x", "not YAML"),
]


@pytest.mark.parametrize("text, words", BAD)
def test_bad_rules_are_explained(tmp_path, text, words):
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert words in str(caught.value) and str(path) in str(caught.value)
    assert "[E700]" in str(caught.value)


def test_cli_ingest_with_alerts(tmp_path):
    sink = tmp_path / "alerts.jsonl"
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        yaml.safe_dump(
            {"sinks": [{"type": "jsonl", "path": str(sink)}, {"type": "terminal"}], "rules": RULES}
        ),
        "utf-8",
    )
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(REPORTS), "--db", db, "--alerts", str(rules), "-q"])
    assert result.exit_code == 0, result.output
    assert "stored 6" in result.output and "; 7 alerts" in result.output
    assert result.output.count("ALERT ") == 7
    assert len(sink.read_text("utf-8").splitlines()) == 7
    # incidents were kept up to date by the same ingest
    with Store(db) as store:
        merged = store.db.execute("SELECT count(*) FROM incidents WHERE reports = 3").fetchone()[0]
        assert merged == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [{name: a}]", "utf-8")
    result = runner.invoke(main, ["ingest", str(REPORTS), "--db", db, "--alerts", str(bad)])
    assert result.exit_code == 1 and "exactly one of" in result.output


def test_contested_claim_fires_once_across_outlets(tmp_path, analyses):
    from dataclasses import replace

    harbour = analyses[0]
    # the same story in another outlet (a little longer, so it is stored as its own article)
    retold = replace(
        harbour,
        article=replace(
            harbour.article, id="retold", outlet="Other Wire", text=harbour.article.text + "\nMore."
        ),
    )
    rules = parse_rules({"sinks": [{"type": "terminal"}], "rules": RULES[2:4]})
    with Store(str(tmp_path / "e.db")) as store:
        sent = run(store, Alerter(rules, store, stdout=io.StringIO()), [harbour, retold])
    assert sorted((a.rule, a.article["id"]) for a in sent) == [
        ("contested", "harbour-kharkiv"),
        ("drones", "harbour-kharkiv"),
        ("drones", "retold"),
    ]


def test_a_figure_change_of_the_same_counted_thing_fires_without_an_incident(tmp_path):
    from newsdesk.records import Analysis, Article, Figure, Span

    def story(article_id, published, text, words, value, counted):
        start = text.index(words)
        figure = Figure(
            Span.of(text, start, start + len(words)),
            value,
            "children",
            counted=counted,
            kind="deported",
        )
        return Analysis(Article(id=article_id, text=text, published=published), figures=(figure,))

    first = story(
        "a1",
        "2025-01-02",
        "Kyiv says nearly 20,000 children were deported to Russia.",
        "nearly 20,000 children",
        20000,
        "children deported to Russia",
    )
    later = story(
        "a2",
        "2025-01-09",
        "Officials count 19,546 children deported to Russia.",
        "19,546 children",
        19546,
        "children deported to Russia",
    )
    other = story(
        "a3",
        "2025-01-10",
        "In Sudan, 300 children were deported from camps.",
        "300 children",
        300,
        "children deported from camps in Sudan",
    )
    rules = parse_rules(
        {
            "sinks": [{"type": "terminal"}],
            "rules": [{"name": "d", "figure_change": {"kind": "deported"}}],
        }
    )
    with Store(str(tmp_path / "f.db")) as store:
        sent = run(store, Alerter(rules, store, stdout=io.StringIO()), [first, later, other])
    assert [(a.rule, a.article["id"]) for a in sent] == [("d", "a2")]
    assert sent[0].record["previous"]["article_id"] == "a1"
