"""`newsdesk events`, `export --format polecat` and the report's Events section, end to end on a
short article written for this test (the coder runs on it for real)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from newsdesk.cli import main

TEXT = (
    "Vladimir Putin said Russia would seize Donbas by force unless Ukraine withdrew its troops. "
    "Ukrainian President Volodymyr Zelensky said Russian troops attacked Kharkiv on Tuesday. "
    "France did not send troops to Mali. "
    "The United States imposed sanctions on Iran in 2024."
)
ARTICLE = {
    "id": "donbas-warning",
    "title": "Putin warns Kyiv over Donbas",
    "outlet": "Test Wire",
    "published": "2025-03-05",
    "text": TEXT,
}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events")
    feed = folder / "feed.jsonl"
    feed.write_text(json.dumps(ARTICLE) + "\n", "utf-8")
    path = str(folder / "events.db")
    result = invoke("ingest", str(feed), "--db", path, "-q")
    assert result.exit_code == 0, result.output
    return path


def events(db: str, *options: str) -> list[dict]:
    result = invoke("events", "--db", db, "--json", "--limit", "100", *options)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def codes(record: dict, role: str) -> list[str]:
    return [a["code"] for a in record[role]]


def test_events_json_lines_carry_the_article_and_the_record(db):
    records = events(db)
    kinds = {r["type"] for r in records}
    assert {"THREATEN", "ASSAULT", "MOBILIZE", "SANCTION"} <= kinds
    assert all(r["article_id"] == "donbas-warning" for r in records)
    assert all(
        TEXT[r["evidence"]["start"] : r["evidence"]["end"]] == r["evidence"]["text"]
        for r in records
    )
    threat = next(r for r in records if r["type"] == "THREATEN")
    assert codes(threat, "source") == ["RUS"] and codes(threat, "target") == ["UKR"]
    assert threat["conditional"] and threat["future"]
    assert threat["reported_by"]["name"] == "Vladimir Putin"
    assault = next(r for r in records if r["type"] == "ASSAULT")
    assert assault["date"] == "2025-03-04"  # "on Tuesday" before 2025-03-05
    assert assault["day"] == "2025-03-04"
    assert assault["reported_by"]["name"] == "Volodymyr Zelensky"
    days = [r["day"] for r in records]
    assert days == sorted(days, reverse=True)  # newest first


def test_events_filters(db):
    assert {r["type"] for r in events(db, "--source", "rus")} >= {"THREATEN", "ASSAULT"}
    assert all("RUS" in codes(r, "source") for r in events(db, "--source", "rus"))
    assert [r["type"] for r in events(db, "--type", "assault", "--target", "UKR")] == ["ASSAULT"]
    assert [r["type"] for r in events(db, "--source", "fra", "--negated")] == ["MOBILIZE"]
    assert all(not r["negated"] for r in events(db, "--no-negated"))
    assert [r["type"] for r in events(db, "--since", "2025-03-04", "--until", "2025-03-04")] == [
        "ASSAULT"
    ]
    old = events(db, "--until", "2024-12")
    assert [(r["type"], r["date"], r["day"]) for r in old] == [("SANCTION", "2024", "2024-01-01")]
    # no date of its own: filed under the publication day
    undated = [r for r in events(db, "--since", "2025-03-05") if r["type"] == "MOBILIZE"]
    assert undated and undated[0]["date"] is None and undated[0]["day"] == "2025-03-05"
    assert events(db, "--article", "donbas") == events(db)
    assert len(events(db, "--limit", "1")) == 1


def test_events_readable_lines(db):
    result = invoke("events", "--db", db, "--type", "ASSAULT")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        "2025-03-04  ASSAULT Russian troops [RUS] -> Kharkiv [UKR]  [reported by Volodymyr Zelensky]"
    )
    start = TEXT.index("Russian troops attacked")
    assert line.endswith(f'"Russian troops attacked Kharkiv on Tuesday"  donbas-warning@{start}')
    nothing = invoke("events", "--db", db, "--type", "PROTEST")
    assert nothing.exit_code == 0 and nothing.stdout == ""
    assert "no events match" in nothing.stderr


def test_event_counts(db):
    records = events(db)
    result = invoke("events", "--db", db, "--count-by", "type", "--json")
    counts = {c["type"]: c["events"] for c in map(json.loads, result.stdout.splitlines())}
    assert counts == Counter(r["type"] for r in records)
    result = invoke("events", "--db", db, "--count-by", "pair")
    assert result.exit_code == 0
    pairs = dict(line.split(None, 1)[::-1] for line in result.stdout.splitlines())
    rus_ukr = sum(1 for r in records if "RUS" in codes(r, "source") and "UKR" in codes(r, "target"))
    assert rus_ukr >= 2 and pairs["RUS -> UKR"] == str(rus_ukr)
    assert pairs["USA -> IRN"] == "1"
    by_day = invoke("events", "--db", db, "--count-by", "day", "--json").stdout.splitlines()
    days = [json.loads(line) for line in by_day]
    assert days[0] == {"day": "2024-01-01", "events": 1}
    assert sum(d["events"] for d in days) == len(records)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--count-by", "week"), "cannot count events by 'week'"),
        (("--since", "05/03/2025"), "bad since date '05/03/2025'"),
        (("--until", "2025-02-30"), "bad until date"),
        (("--article", "nothing-like-this"), "is not in the store"),
    ],
)
def test_events_bad_input_is_one_error_line(db, options, message):
    result = invoke("events", "--db", db, *options)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and message in line


def test_export_polecat_and_event_tables(db):
    result = invoke("export", "--db", db, "--format", "polecat")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert f"exported {len(records)} events" in result.stderr
    listed = events(db)
    assert len(records) == len(listed)
    threat = next(r for r in records if r["event"] == ["THREATEN"])
    assert threat["id"].startswith("donbas-warning-")
    assert threat["date"] == "2025-03-05"
    assert threat["actor"][0]["code"] == "RUS" and threat["actor"][0]["actorText"] == "Russia"
    assert threat["recipient"][0]["code"] == "UKR"
    assert threat["mode"] == ["territory"]
    assert threat["text"] in TEXT and "seize" in threat["eventText"][0]
    assert TEXT[threat["textInfo"]["start"] : threat["textInfo"]["end"]] == threat["text"]
    assert threat["citeInfo"]["publication"] == "Test Wire"
    assert (threat["conditional"], threat["future"]) == (True, True)
    assert threat["reported_by"]["name"] == "Vladimir Putin"
    assert threat["article_id"] == "donbas-warning"

    csv_rows = invoke("export", "--db", db, "--format", "csv", "--table", "events")
    assert csv_rows.exit_code == 0
    header, *rows = csv_rows.stdout.splitlines()
    assert header.startswith("article_id,idx,day,date,type,mode")
    assert len(rows) == len(records)
    lines = invoke("export", "--db", db, "--table", "events").stdout.splitlines()
    assert [json.loads(line)["type"] for line in lines] == [r["event"][0] for r in records]


def test_report_lists_the_events(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(TEXT + "\n", "utf-8")
    result = invoke("analyze", str(story))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    heading = next(line for line in lines if line.startswith("Events ("))
    count = int(heading.split("(")[1].rstrip(")"))
    assert count >= 4
    joined = " ".join(" ".join(lines[lines.index(heading) + 1 :]).split())
    assert (
        "THREATEN (territory) Russia [RUS] -> Donbas [UKR] [conditional, future; reported by "
        'Vladimir Putin] "Russia would seize Donbas by force unless Ukraine withdrew its troops"'
    ) in joined
    assert "MOBILIZE (troops) France [FRA] -> Mali [MLI] [negated]" in joined
