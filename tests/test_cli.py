"""The CLI end to end on real input: the seed, the VOA stories, the examples, bad input."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from newsdesk.cli import main

from .conftest import EXAMPLES, SEED_TEXT, VOA, needs
from .pages import serve


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_analyze_seed_json_follows_the_contract(run, schema):
    needs(SEED_TEXT)
    result = run("analyze", str(SEED_TEXT), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema)
    article = data["article"]
    assert article["source"] == str(SEED_TEXT)
    assert article["title"].startswith("Putin Pledges to Capture Donbas")
    assert article["byline"] == "Abdiwahab Ahmed"
    assert article["outlet"] == "Axadle Times"
    for metadata in ("Putin Pledges", "Abdiwahab", "Axadle", "Advertisement"):
        assert metadata not in article["text"]
    people = {m["text"] for e in data["entities"] if e["type"] == "PERSON" for m in e["mentions"]}
    assert not people & {"Kyiv", "Donetsk", "Luhansk"}
    assert {"Vladimir Putin", "Putin", "Donald Trump", "Steve Witkoff"} <= people
    years = {d["value"] for d in data["dates"]}
    assert {"2014", "2022", "2023"} <= years


def test_analyze_report_is_readable(run):
    needs(SEED_TEXT)
    result = run("analyze", str(SEED_TEXT))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Putin Pledges to Capture Donbas Despite Fresh US-Ukraine Talks"
    assert "Axadle Times · by Abdiwahab Ahmed" in lines[1]
    people = lines[lines.index("People (8)") + 1]
    assert people.strip().startswith("Vladimir Putin [RUS] (President")


def test_analyze_stdin(run):
    text = (
        "The army said on Sunday that rebels had withdrawn from the town of Rutshuru, "
        "ending a week of fighting that killed at least 12 people."
    )
    result = run("analyze", "-", "--json", "--no-clean", input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["article"]["text"] == text


def test_analyze_many_gives_json_lines_and_reports_bad_items(run, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50_000_000)
    targets = [
        str(EXAMPLES / "01-sudan-jeddah-talks.txt"),
        str(EXAMPLES / "bad"),
        str(huge),
        "/no/such/file.txt",
        "http://127.0.0.1:9/gone.html",
    ]
    result = run("analyze", *targets, "--json")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # the Sudan story, the Latin-1 story and the two good lines of malformed.jsonl
    assert len(records) == 4
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 7  # empty, French, login page, broken JSON line, huge, missing, URL
    assert any("not UTF-8" in line for line in result.stderr.splitlines())


def test_analyze_fails_when_nothing_succeeds(run):
    result = run("analyze", str(EXAMPLES / "bad" / "empty.txt"), "/no/such/file.txt")
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 2


def test_analyze_a_url(run):
    with serve() as base:
        result = run("analyze", f"{base}/article.html", "--json")
    assert result.exit_code == 0
    article = json.loads(result.stdout)["article"]
    assert article["source"] == article["url"] == f"{base}/article.html"
    assert article["outlet"] == "Red Sea Monitor"


@pytest.mark.slow
def test_ingest_voa_twice_stores_89(run, tmp_path):
    needs(VOA)
    db = str(tmp_path / "voa.db")
    first = run("ingest", str(VOA), "--db", db)
    assert first.exit_code == 0
    assert "stored 89, updated 0, duplicate 0, failed 0 (89 articles" in first.stdout
    second = run("ingest", str(VOA), "--db", db)
    assert "stored 0, updated 0, duplicate 89, failed 0 (89 articles" in second.stdout
    listed = run("articles", "--db", db, "--limit", "500")
    assert len(listed.stdout.splitlines()) == 89


def test_ingest_with_workers_and_store_commands(run, tmp_path):
    db = str(tmp_path / "ex.db")
    result = run("ingest", str(EXAMPLES), "--db", db, "--workers", "2")
    assert result.exit_code == 0
    # 10 good example files + 3 wire stories + Latin-1 story + 2 good lines of malformed.jsonl
    assert "stored 16, updated 0, duplicate 0, failed 4" in result.stdout
    assert result.stderr.count("error:") == 4

    exported = run("export", "--db", db)
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(rows) == 16
    wire = next(r for r in rows if r["article"]["id"] == "wire-002")
    assert wire["article"]["meta"]["extra"]["section"]

    shown = run("show", "wire-00", "--db", db)
    assert shown.exit_code == 1 and "ambiguous" in shown.stderr
    shown = run("show", "wire-002", "--db", db, "--json")
    assert json.loads(shown.stdout) == wire

    found = run("search", "al-Shabab", "--db", db)
    assert found.exit_code == 0 and "wire-002" in found.stdout
    assert run("search", "zzzqqq", "--db", db).exit_code == 1

    table = run("export", "--db", db, "--format", "csv", "--table", "entities")
    header, *lines = table.stdout.splitlines()
    assert header.startswith("article_id,entity_id,name,type,country")
    assert len(lines) > 100


def test_reingest_from_another_source_is_a_copy(run, tmp_path):
    db = str(tmp_path / "c.db")
    story = (EXAMPLES / "02-mali-drone-strike.txt").read_text("utf-8")
    (tmp_path / "copy.txt").write_text(story, encoding="utf-8")
    run("ingest", str(EXAMPLES / "02-mali-drone-strike.txt"), "--db", db)
    again = run("ingest", str(tmp_path / "copy.txt"), "--db", db)
    assert "stored 0, updated 0, duplicate 1" in again.stdout
    (row,) = [json.loads(line) for line in run("export", "--db", db).stdout.splitlines()]
    assert [c["source"] for c in row["article"]["copies"]] == [str(tmp_path / "copy.txt")]


def test_store_commands_need_a_store(run, tmp_path):
    result = run("show", "abc", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "no store here" in result.stderr


def test_demo_stores_the_bundled_article(run, tmp_path):
    db = str(tmp_path / "demo.db")
    result = run("demo", "--db", db)
    assert result.exit_code == 0
    assert result.stdout.startswith("Ceasefire Talks Resume in Doha")
    assert "stored as" in result.stderr
    assert run("articles", "--db", db).stdout.count("\n") == 1


COMMANDS = [
    "analyze",
    "ingest",
    "show",
    "articles",
    "entities",
    "quotes",
    "events",
    "search",
    "export",
    "demo",
    "eval",
    "eval seed",
    "eval quotes",
    "train-quotes",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run, command):
    result = run(*command.split(), "--help")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()[2]) > 10


def test_entities_and_quotes_commands_on_the_seed(run, tmp_path):
    needs(SEED_TEXT)
    db = str(tmp_path / "seed.db")
    run("ingest", str(SEED_TEXT), str(EXAMPLES / "wire.jsonl"), "--db", db)
    people = run("entities", "--db", db, "--type", "PERSON", "--json").stdout.splitlines()
    rows = {json.loads(line)["name"]: json.loads(line) for line in people}
    assert rows["Vladimir Putin"]["kb_id"] == "vladimir-putin"
    assert rows["Vladimir Putin"]["wikidata"] == "Q7747"
    assert rows["Yuri Ushakov"]["country"] == "RUS"
    assert "aide" in rows["Yuri Ushakov"]["roles"]
    putin = run("quotes", "--db", db, "--speaker", "Vladimir Putin", "--json").stdout.splitlines()
    quotes = [json.loads(line) for line in putin]
    assert len(quotes) >= 2
    told = next(q for q in quotes if q["cue"]["text"] == "told")
    assert told["kind"] == "direct" and told["addressee"]["name"] == "India Today"
    about = run("quotes", "--db", db, "--about", "NATO").stdout
    assert "NATO" in about or "North Atlantic" in about
    learned = [
        json.loads(x)
        for x in run("quotes", "--db", db, "--method", "learned", "--json").stdout.splitlines()
    ]
    ruled = [
        json.loads(x)
        for x in run("quotes", "--db", db, "--method", "rules", "--json").stdout.splitlines()
    ]
    assert learned and all(q["method"] == "learned" and 0.5 < q["confidence"] <= 1 for q in learned)
    assert ruled and all(q["method"] == "rules" and q["confidence"] is None for q in ruled)
    listed = run("quotes", "--db", db, "--method", "learned").stdout
    assert ", learned 0." in listed


def test_figures_show_a_count_that_changes_across_articles(run, tmp_path):
    from newsdesk.records import Analysis, Article, Figure, Span
    from newsdesk.store import Store

    def story(article_id, published, sentence, words, value):
        start = sentence.index(words)
        figure = Figure(
            Span.of(sentence, start, start + len(words)),
            value,
            "children",
            counted="children deported to Russia",
            kind="deported",
        )
        article = Article(id=article_id, text=sentence, published=published)
        return Analysis(article, figures=(figure,))

    db = str(tmp_path / "f.db")
    with Store(db) as store:
        store.save(
            story(
                "a1",
                "2025-01-02",
                "Kyiv says nearly 20,000 children were taken.",
                "nearly 20,000 children",
                20000,
            )
        )
        store.save(
            story(
                "a2",
                "2025-01-09",
                "Officials now count 19,546 children deported.",
                "19,546 children",
                19546,
            )
        )
    text = run("figures", "--db", db).output.splitlines()
    assert "(was" not in text[0]
    assert "19,546 children" in text[1] and "(was 20,000 on 2025-01-02)" in text[1]
    rows = [json.loads(line) for line in run("figures", "--db", db, "--json").output.splitlines()]
    assert rows[0]["was"] is None
    assert rows[1]["was"] == {"article_id": "a1", "published": "2025-01-02", "value": 20000}
